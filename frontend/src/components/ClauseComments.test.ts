// Each clause of the current draft shows the comments on it and on the clauses it continues
// (issue 9): opened, it asks for the clause's whole lineage and says which version each
// comment was written on.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import ClauseComments from './ClauseComments.vue'
import { request } from '../api/client'
import * as op from '../api/operations'
import zh from '../i18n/zh-CN'
import en from '../i18n/en'

vi.mock('../api/client', async (importOriginal) => ({ ...(await importOriginal<typeof import('../api/client')>()), request: vi.fn() }))

const node = (id: string, v: number, body: string) => ({
  id, body, draftVersion: v, clauseNumber: 2, submittedAt: '2031-03-12T12:00:00Z', hidden: false, hiddenLater: false,
})

describe('ClauseComments', () => {
  beforeEach(() => vi.mocked(request).mockReset())

  it('loads the comments on the clause and its predecessors when opened, naming older versions', async () => {
    vi.mocked(request).mockResolvedValue({
      decision: { id: 'd1', consultations: [{ id: 'k1', comments: { totalCount: 2, edges: [{ node: node('m1', 1, '1.2个偏低') }, { node: node('m2', 2, '1.5个合适') }] } }] },
    } as never)
    const w = mount(ClauseComments, {
      props: { decisionId: 'd1', asOf: null, lineage: ['c4', 'c2'], count: 2, currentVersion: 2 },
      global: { plugins: [createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh, en } })] },
    })
    expect(w.text()).toContain('本条意见（2，含修改前条文）')
    const details = w.get('details').element as HTMLDetailsElement
    details.open = true
    await w.get('details').trigger('toggle')
    await flushPromises()
    expect(request).toHaveBeenCalledWith(op.ClauseCommentsQuery, { id: 'd1', asOf: null, clauseIds: ['c4', 'c2'] })
    const items = w.findAll('li').map((li) => li.text())
    expect(items[0]).toContain('针对第 1 版第 2 条')
    expect(items[0]).toContain('1.2个偏低')
    expect(items[1]).toContain('针对第 2 条')
  })

  it('shows nothing for a clause without comments', () => {
    const w = mount(ClauseComments, {
      props: { decisionId: 'd1', asOf: null, lineage: ['c1'], count: 0, currentVersion: 1 },
      global: { plugins: [createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh, en } })] },
    })
    expect(w.find('details').exists()).toBe(false)
  })
})
