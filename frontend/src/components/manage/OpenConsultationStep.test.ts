import { beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import OpenConsultationStep from './OpenConsultationStep.vue'
import { request } from '../../api/client'
import * as op from '../../api/operations'
import { provideDecision, useDecision, type ManagedDecision } from '../../composables'
import zh from '../../i18n/zh-CN'
import en from '../../i18n/en'

vi.mock('../../api/client', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/client')>()), request: vi.fn() }))

const decision = { id: 'd1', title: '生活垃圾分类管理办法', stage: 'DRAFTING', drafts: [], currentDraft: null, consultations: [], hearings: [], opinions: [] } as unknown as ManagedDecision

/** Answers the page's load and records the mutations sent. */
function serve() {
  const sent: { doc: unknown; variables: unknown }[] = []
  vi.mocked(request).mockImplementation((async (doc: unknown, variables: unknown) => {
    sent.push({ doc, variables })
    if (doc === op.DecisionQuery) return { decision }
    return { openConsultation: { position: '7' } }
  }) as typeof request)
  return {
    decisionLoads: () => sent.filter((s) => s.doc === op.DecisionQuery).length,
    mutations: () => sent.filter((s) => s.doc === op.OpenConsultationMutation).map((s) => s.variables),
  }
}

async function render(locale: 'zh-CN' | 'en' = 'zh-CN') {
  const Page = defineComponent({
    setup() {
      provideDecision(useDecision('d1'))
      return () => h(OpenConsultationStep)
    },
  })
  const w = mount(Page, { global: { plugins: [createI18n({ legacy: false, locale, messages: { 'zh-CN': zh, en } })] } })
  await flushPromises()
  return w
}

describe('OpenConsultationStep', () => {
  beforeEach(() => {
    vi.mocked(request).mockReset()
  })

  it('offers every channel of the schema, labelled in the reader’s language', async () => {
    serve()
    const zhOptions = (await render()).findAll('#co-channel option')
    expect(zhOptions.map((o) => o.attributes('value'))).toEqual(['ONLINE', 'WRITTEN', 'SYMPOSIUM', 'FIELD_VISIT', 'QUESTIONNAIRE', 'OPINION_POLL'])
    expect(zhOptions[0].text()).toBe('网上公开征求意见')
    expect((await render('en')).findAll('#co-channel option')[0].text()).toBe('Public online consultation')
  })

  it('asks for a reason when an online period is shorter than 30 days, before sending anything', async () => {
    const server = serve()
    const w = await render()
    await w.get('#co-opens').setValue('2021-03-01T08:00')
    await w.get('#co-closes').setValue('2021-03-11T08:00')
    expect(w.get('[data-testid=short-warning]').text()).toContain('10 天')
    await w.get('form').trigger('submit')
    expect(w.get('#co-reason-err').text()).toBe('网上征求意见少于 30 日，必须说明理由')
    expect(server.mutations()).toEqual([])

    // Other channels have no minimum period.
    await w.get('#co-channel').setValue('WRITTEN')
    expect(w.find('[data-testid=short-warning]').exists()).toBe(false)
  })

  it('sends the period in Beijing time with the reason, then refreshes the decision', async () => {
    const server = serve()
    const w = await render()
    await w.get('#co-opens').setValue('2021-03-01T08:00')
    await w.get('#co-closes').setValue('2021-03-11T08:00')
    await w.get('#co-reason').setValue('  春节前须完成  ')
    await w.get('#co-how').setValue('网站留言')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(server.mutations()).toEqual([
      {
        input: {
          decisionId: 'd1',
          channel: 'ONLINE',
          opensAt: '2021-03-01T08:00:00+08:00',
          closesAt: '2021-03-11T08:00:00+08:00',
          howToSubmit: '网站留言',
          shortenedReason: '春节前须完成',
        },
      },
    ])
    expect(server.decisionLoads()).toBe(2)
    expect(w.find('[role=alert]').exists()).toBe(false)
  })
})
