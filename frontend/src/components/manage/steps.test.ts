// Every staff step form: disabled while it is sent (a double click sends one request), a
// confirmation after a success, and empty again afterwards.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, type Component } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { request } from '../../api/client'
import * as op from '../../api/operations'
import { provideDecision, useDecision, type ManagedDecision } from '../../composables'
import zh from '../../i18n/zh-CN'
import en from '../../i18n/en'
import PublishBackgroundStep from './PublishBackgroundStep.vue'
import PublishDraftStep from './PublishDraftStep.vue'
import OpenConsultationStep from './OpenConsultationStep.vue'
import RecordActivityStep from './RecordActivityStep.vue'
import ScheduleHearingStep from './ScheduleHearingStep.vue'
import HideCommentStep from './HideCommentStep.vue'
import ConsolidateOpinionStep from './ConsolidateOpinionStep.vue'
import PublishFeedbackStep from './PublishFeedbackStep.vue'
import RecordDeliberationStep from './RecordDeliberationStep.vue'
import PublishResultStep from './PublishResultStep.vue'
import HearingActionsStep from './HearingActionsStep.vue'
import RecordExemptionStep from './RecordExemptionStep.vue'

vi.mock('../../api/client', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/client')>()), request: vi.fn() }))

const decision = {
  id: 'd1',
  title: '生活垃圾分类管理办法',
  stage: 'CONSULTING',
  drafts: [],
  currentDraft: null,
  consultations: [{ id: 'k1', status: 'OPEN', channel: 'ONLINE' }],
  hearings: [],
  opinions: [],
} as unknown as ManagedDecision
const hearing = { id: 'h1', selectionMethod: 'FIRST_COME', status: 'SIGNUP_CLOSED' }

interface Case {
  name: string
  component: Component
  props?: Record<string, unknown>
  mutation: unknown
  fill: [selector: string, value: string | boolean][]
  /** The inputs that must be empty again after a success. */
  cleared: string[]
  done: string
  /** A button by its text, when the step has no form to submit. */
  submit?: string
}

const cases: Case[] = [
  { name: 'background', component: PublishBackgroundStep, mutation: op.PublishBackgroundMutation, fill: [['#bg-text', '起草背景']], cleared: ['#bg-text'], done: '起草背景已发布。' },
  {
    name: 'draft',
    component: PublishDraftStep,
    mutation: op.PublishDraftMutation,
    fill: [['#dr-text', '第一条'], ['#dr-expl', '说明'], ['#dr-note', '修改']],
    cleared: ['#dr-text', '#dr-expl', '#dr-note'],
    done: '新稿本已发布。',
  },
  {
    name: 'consultation',
    component: OpenConsultationStep,
    mutation: op.OpenConsultationMutation,
    fill: [['#co-opens', '2031-03-01T08:00'], ['#co-closes', '2031-04-11T08:00'], ['#co-how', '网站留言']],
    cleared: ['#co-opens', '#co-closes', '#co-how'],
    done: '征求意见已发布。',
  },
  {
    name: 'activity',
    component: RecordActivityStep,
    mutation: op.RecordActivityMutation,
    fill: [['#ac-held', '2021-03-01T08:00'], ['#ac-summary', '座谈会纪要']],
    cleared: ['#ac-held', '#ac-summary'],
    done: '线下参与活动已记录。',
  },
  {
    name: 'exemption',
    component: RecordExemptionStep,
    mutation: op.RecordExemptionMutation,
    fill: [['#ex-basis', '依据《突发事件应对法》第四十九条']],
    cleared: ['#ex-basis'],
    done: '免于公众参与的依据已记录并公开。',
  },
  {
    name: 'hearing',
    component: ScheduleHearingStep,
    mutation: op.ScheduleHearingMutation,
    fill: [['#he-starts', '2031-03-01T08:00'], ['#he-closes', '2031-02-01T08:00'], ['#he-venue', '会议室'], ['#he-rules', '先到先得'], ['#he-groups', '居民']],
    cleared: ['#he-starts', '#he-closes', '#he-venue', '#he-rules', '#he-groups'],
    done: '听证会已公告。',
  },
  {
    name: 'hide',
    component: HideCommentStep,
    mutation: op.HideCommentMutation,
    fill: [['#hide-comment', 'c1'], ['#hide-reason', '含个人信息']],
    cleared: ['#hide-comment', '#hide-reason'],
    done: '该意见已隐藏。',
  },
  {
    name: 'grouping',
    component: ConsolidateOpinionStep,
    mutation: op.ConsolidateOpinionMutation,
    fill: [['[data-testid=group-comment] input', true], ['#grp-summary', '增设督导员']],
    cleared: ['#grp-summary'],
    done: '已归纳为一条意见。',
  },
  { name: 'feedback', component: PublishFeedbackStep, mutation: op.PublishFeedbackMutation, fill: [['#fb-summary', '采纳情况']], cleared: ['#fb-summary'], done: '意见采纳情况已公布。' },
  {
    name: 'deliberation',
    component: RecordDeliberationStep,
    mutation: op.RecordDeliberationMutation,
    fill: [['#de-held', '2021-05-01T09:00'], ['#de-summary', '会议同意'], ['#de-dissent', '无']],
    cleared: ['#de-held', '#de-summary', '#de-dissent'],
    done: '会议审议已记录。',
  },
  {
    name: 'result',
    component: PublishResultStep,
    mutation: op.PublishResultMutation,
    fill: [['#re-doc', '滕政发〔2021〕9号'], ['#re-eff', '2021-07-01T00:00'], ['#re-text', '全文'], ['#re-int', '解读']],
    cleared: ['#re-doc', '#re-eff', '#re-text', '#re-int'],
    done: '决策结果已公布。',
  },
  {
    name: 'hearing record',
    component: HearingActionsStep,
    props: { hearing },
    mutation: op.RecordHearingHeldMutation,
    fill: [['#rec-h1', '听证笔录']],
    cleared: ['#rec-h1'],
    done: '听证会已记录为举行。',
    submit: '记录听证会已举行',
  },
  {
    name: 'materials delivered',
    component: HearingActionsStep,
    props: { hearing: { ...hearing, status: 'PARTICIPANTS_PUBLISHED', participantsPublishedAt: '2031-04-01T00:00:00Z', materialsDueBy: '2031-04-13T01:00:00Z' } },
    mutation: op.DeliverHearingMaterialsMutation,
    fill: [['#mat-h1', '征求意见稿'], ['#mat-at-h1', '2031-04-02T08:00']],
    cleared: ['#mat-h1', '#mat-at-h1'],
    done: '听证材料送达已记录。',
    submit: '记录材料送达',
  },
  {
    name: 'hearing record published',
    component: HearingActionsStep,
    props: { hearing: { ...hearing, status: 'HELD', participantsPublishedAt: '2031-04-01T00:00:00Z', heldAt: '2031-04-20T04:00:00Z', record: null } },
    mutation: op.PublishHearingRecordMutation,
    fill: [['#rtext-h1', '听证笔录全文']],
    cleared: ['#rtext-h1'],
    done: '听证笔录已公布，等待参加人确认。',
    submit: '公布听证笔录',
  },
]

/** Answers the page's loads at once and holds each mutation until `answer()`. */
function serve() {
  const mutations: unknown[] = []
  let answer: () => void = () => {}
  vi.mocked(request).mockImplementation((async (doc: unknown) => {
    if (doc === op.DecisionQuery) return { decision }
    if (doc === op.ConsultationCommentsQuery)
      return { consultation: { comments: { pageInfo: { hasNextPage: false, endCursor: null }, edges: [{ node: { id: 'c1', body: '意见一', clauseId: null, submittedAt: '2021-03-12T01:00:00Z', hidden: false, hiddenReason: null, opinionId: null } }] } } }
    if (doc === op.HearingQuery) return { hearing: { id: 'h1', roster: [] } }
    mutations.push(doc)
    return new Promise((resolve) => (answer = () => resolve({ position: '1' } as never)))
  }) as typeof request)
  return { mutations: () => mutations, answer: () => answer() }
}

async function render(c: Case) {
  const Page = defineComponent({
    setup() {
      provideDecision(useDecision('d1'))
      return () => h(c.component, c.props ?? {})
    },
  })
  const w = mount(Page, { global: { plugins: [createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh, en } })] } })
  await flushPromises()
  return w
}

describe('staff step forms', () => {
  beforeEach(() => {
    vi.mocked(request).mockReset()
  })

  for (const c of cases) {
    it(`${c.name}: one request for a double click, a confirmation, an empty form`, async () => {
      const server = serve()
      const w = await render(c)
      for (const [selector, value] of c.fill) await w.get(selector).setValue(value)
      const button = c.submit ? w.findAll('button').find((b) => b.text() === c.submit)! : w.get('button[type=submit]')
      if (c.submit) {
        await button.trigger('click')
        await button.trigger('click')
      } else {
        await w.get('form').trigger('submit')
        await w.get('form').trigger('submit')
      }
      expect(button.attributes('disabled')).toBeDefined()
      expect(w.find('[data-testid=form-success]').exists()).toBe(false)
      server.answer()
      await flushPromises()
      expect(server.mutations().filter((m) => m === c.mutation)).toHaveLength(1)
      expect(button.attributes('disabled')).toBeUndefined()
      expect(w.get('[data-testid=form-success]').text()).toBe(c.done)
      for (const selector of c.cleared) expect((w.get(selector).element as HTMLInputElement).value, selector).toBe('')
    })
  }
})
