import { beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import CloseConsultationStep from './CloseConsultationStep.vue'
import { request } from '../../api/client'
import * as op from '../../api/operations'
import { provideDecision, useDecision, type ManagedConsultation, type ManagedDecision } from '../../composables'
import zh from '../../i18n/zh-CN'
import en from '../../i18n/en'

vi.mock('../../api/client', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/client')>()), request: vi.fn() }))

const decision = { id: 'd1', title: '城区停车设施规划建设管理办法', stage: 'CONSULTING', drafts: [], currentDraft: null, consultations: [], hearings: [], opinions: [] } as unknown as ManagedDecision

function consultation(earliestCloseAt: string | null): ManagedConsultation {
  return {
    id: 'k1',
    channel: 'ONLINE',
    opensAt: '2021-03-09T16:00:00Z',
    closesAt: '2099-04-09T16:00:00Z',
    earliestCloseAt,
  } as unknown as ManagedConsultation
}

async function render(c: ManagedConsultation) {
  vi.mocked(request).mockImplementation((async (doc: unknown) => (doc === op.DecisionQuery ? { decision } : {})) as typeof request)
  const Page = defineComponent({
    setup() {
      provideDecision(useDecision('d1'))
      return () => h(CloseConsultationStep, { consultation: c })
    },
  })
  const w = mount(Page, { global: { plugins: [createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh, en } })] } })
  await flushPromises()
  return w
}

describe('CloseConsultationStep', () => {
  beforeEach(() => {
    vi.mocked(request).mockReset()
  })

  it('shows the earliest allowed date instead of a close button the API would refuse', async () => {
    const w = await render(consultation('2099-04-08T16:00:00Z'))
    expect(w.text()).toContain('最早可于')
    expect(w.text()).toContain('2099')
    expect(w.find('button').exists()).toBe(false)
  })

  it('offers to close once the earliest date has passed, or when there is none', async () => {
    expect((await render(consultation('2021-04-08T16:00:00Z'))).find('button').exists()).toBe(true)
    expect((await render(consultation(null))).find('button').exists()).toBe(true)
  })
})
