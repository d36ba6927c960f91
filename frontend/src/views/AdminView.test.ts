// The openness office's forms: one request for a double click, a confirmation that names what
// was done, and an empty form afterwards.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import AdminView from './AdminView.vue'
import { request } from '../api/client'
import * as op from '../api/operations'
import zh from '../i18n/zh-CN'
import en from '../i18n/en'

vi.mock('../api/client', async (importOriginal) => ({ ...(await importOriginal<typeof import('../api/client')>()), request: vi.fn() }))

const answers = new Map<unknown, unknown>([
  [op.RegisterUnitMutation, { registerUnit: { position: '1', unit: { id: 'u9', name: '市数据局' } } }],
  [op.GrantRoleMutation, { grantRole: { position: '2', account: { id: 'a1', displayName: '数据局 李科长', role: 'UNIT_STAFF' } } }],
  [op.RegisterDecisionMutation, { registerDecision: { position: '3', decision: { id: 'd9' } } }],
  [op.PublishCatalogueMutation, { publishCatalogue: { position: '4' } }],
])

function serve() {
  const sent: unknown[] = []
  let release: () => void = () => {}
  vi.mocked(request).mockImplementation((async (doc: unknown) => {
    if (doc === op.UnitsQuery) return { units: [{ id: 'u1', name: '市城市管理局' }] }
    if (doc === op.AccountByUsernameQuery) return { accountByUsername: { id: 'a1', displayName: '数据局 李科长', role: 'RESIDENT' } }
    sent.push(doc)
    return new Promise((resolve) => (release = () => resolve(answers.get(doc) as never)))
  }) as typeof request)
  return { sent: (doc: unknown) => sent.filter((d) => d === doc).length, release: () => release() }
}

async function render() {
  const w = mount(AdminView, { global: { plugins: [createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh, en } })] } })
  await flushPromises()
  return w
}

describe('AdminView', () => {
  beforeEach(() => {
    vi.mocked(request).mockReset()
  })

  const cases = [
    { name: 'register a unit', doc: op.RegisterUnitMutation, fill: [['#un-name', '市数据局']], form: 0, done: '已登记单位：市数据局', cleared: ['#un-name'] },
    { name: 'grant a role', doc: op.GrantRoleMutation, fill: [['#gr-account', 'li.kezhang'], ['#gr-unit', 'u1']], form: 1, done: '已授予 数据局 李科长 角色：承办单位工作人员', cleared: ['#gr-account', '#gr-unit'] },
    { name: 'register a decision', doc: op.RegisterDecisionMutation, fill: [['#rd-unit', 'u1'], ['#rd-title', '城市更新办法'], ['#rd-summary', '摘要']], form: 2, done: '已列入目录：城市更新办法', cleared: ['#rd-title', '#rd-summary', '#rd-unit'] },
    { name: 'publish the catalogue', doc: op.PublishCatalogueMutation, fill: [], form: 3, done: '目录已公布', cleared: [] },
  ] as const

  for (const c of cases) {
    it(`${c.name}: one request for a double click, a confirmation, an empty form`, async () => {
      const server = serve()
      const w = await render()
      for (const [selector, value] of c.fill) await w.get(selector).setValue(value)
      const form = w.findAll('form')[c.form]
      await form.trigger('submit')
      await form.trigger('submit')
      expect(form.get('button[type=submit]').attributes('disabled')).toBeDefined()
      server.release()
      await flushPromises()
      expect(server.sent(c.doc)).toBe(1)
      expect(form.get('[data-testid=form-success]').text()).toBe(c.done)
      expect(form.get('button[type=submit]').attributes('disabled')).toBeUndefined()
      for (const selector of c.cleared) expect((w.get(selector).element as HTMLInputElement).value, selector).toBe('')
    })
  }

  it('grant a role: an unknown username is named as such and nothing is granted', async () => {
    vi.mocked(request).mockImplementation((async (doc: unknown) => {
      if (doc === op.UnitsQuery) return { units: [] }
      if (doc === op.AccountByUsernameQuery) return { accountByUsername: null }
      throw new Error(`unexpected request`)
    }) as typeof request)
    const w = await render()
    await w.get('#gr-account').setValue('nobody')
    await w.findAll('form')[1].trigger('submit')
    await flushPromises()
    expect(w.text()).toContain('没有使用这个用户名的账号')
    expect(vi.mocked(request).mock.calls.some(([doc]) => doc === op.GrantRoleMutation)).toBe(false)
  })
})
