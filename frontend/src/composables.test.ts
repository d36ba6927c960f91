import { beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { ApiError, request } from './api/client'
import * as op from './api/operations'
import { injectDecision, provideDecision, useDecision, type DecisionContext, type ManagedDecision } from './composables'
import zh from './i18n/zh-CN'

vi.mock('./api/client', async (importOriginal) => ({ ...(await importOriginal<typeof import('./api/client')>()), request: vi.fn() }))

const decision = {
  id: 'd1',
  title: '生活垃圾分类管理办法',
  stage: 'CONSULTING',
  drafts: [{ version: 2, clauses: [{ id: 'c7', number: 3, text: '第三条' }] }],
  currentDraft: { version: 2 },
  consultations: [
    { id: 'k1', status: 'OPEN', channel: 'ONLINE' },
    { id: 'k0', status: 'CLOSED', channel: 'WRITTEN' },
  ],
  hearings: [{ id: 'h1' }],
  opinions: [
    { id: 'o1', summary: '增设督导员', adoption: null },
    { id: 'o2', summary: '延长投放时间', adoption: { outcome: 'ADOPTED' } },
  ],
} as unknown as ManagedDecision

const comment = (id: string, extra: object = {}) => ({ id, body: `意见 ${id}`, clauseId: null, submittedAt: '2021-03-12T01:00:00Z', hidden: false, hiddenReason: null, opinionId: null, ...extra })

/** The server: answers by document; `mutation` answers the mutation under test. */
function serve(mutation: () => Promise<unknown> = async () => ({})) {
  const calls: unknown[] = []
  vi.mocked(request).mockImplementation((async (doc: unknown, variables: { id?: string; after?: string | null }) => {
    calls.push(doc)
    if (doc === op.DecisionQuery) return { decision }
    if (doc === op.ConsultationCommentsQuery) {
      if (variables.id === 'k0') return { consultation: { comments: { pageInfo: { hasNextPage: false, endCursor: null }, edges: [{ node: comment('z', { hidden: true }) }] } } }
      // Two pages for k1, to check that every page is read.
      if (!variables.after) return { consultation: { comments: { pageInfo: { hasNextPage: true, endCursor: 'p2' }, edges: [{ node: comment('a', { clauseId: 'c7' }) }, { node: comment('b', { hidden: true }) }] } } }
      return { consultation: { comments: { pageInfo: { hasNextPage: false, endCursor: null }, edges: [{ node: comment('c', { opinionId: 'o1' }) }] } } }
    }
    if (doc === op.HearingQuery) return { hearing: { id: 'h1', roster: [{ signupId: 's1', displayName: '居民甲' }] } }
    return mutation()
  }) as typeof request)
  return { decisionLoads: () => calls.filter((doc) => doc === op.DecisionQuery).length }
}

function mountDecision() {
  let context!: DecisionContext
  let mutation!: ReturnType<DecisionContext['useMutation']>
  const StepForm = defineComponent({
    setup() {
      mutation = injectDecision().useMutation(['rationale'])
      return () => null
    },
  })
  const Page = defineComponent({
    setup() {
      context = useDecision('d1')
      provideDecision(context)
      return () => h(StepForm)
    },
  })
  mount(Page, { global: { plugins: [createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh } })] } })
  return { context: () => context, mutation: () => mutation }
}

describe('useDecision', () => {
  beforeEach(() => {
    vi.mocked(request).mockReset()
  })

  it('loads the decision, every page of comments and the rosters, and derives what the steps need', async () => {
    serve()
    const { context } = mountDecision()
    expect(context().isLoading.value).toBe(true)
    await flushPromises()
    const c = context()
    expect(c.isLoading.value).toBe(false)
    expect(c.loadError.value).toBeNull()
    expect(c.stage.value).toBe('CONSULTING')
    expect(c.allComments.value.map((x) => x.id)).toEqual(['a', 'b', 'c', 'z'])
    expect(c.visibleComments.value.map((x) => x.id)).toEqual(['a', 'c'])
    expect(c.ungroupedComments.value.map((x) => x.id)).toEqual(['a'])
    expect(c.undecidedOpinions.value.map((x) => x.id)).toEqual(['o1'])
    expect(c.openConsultations.value.map((x) => x.id)).toEqual(['k1'])
    expect(c.clauseNumber('c7')).toBe(3)
    expect(c.hearingRosters.value.h1.roster[0].displayName).toBe('居民甲')
  })

  it('is submitting while the mutation runs, then refreshes the decision', async () => {
    let answer!: (value: unknown) => void
    const server = serve(() => new Promise((resolve) => (answer = resolve)))
    const { mutation } = mountDecision()
    await flushPromises()
    expect(server.decisionLoads()).toBe(1)

    const sent = mutation().submit(() => request(op.DecideAdoptionMutation, { input: { opinionId: 'o1', outcome: 'ADOPTED', rationale: null } }))
    expect(mutation().isSubmitting.value).toBe(true)
    // A second submit while the first is pending sends nothing.
    expect(await mutation().submit(() => Promise.reject(new Error('sent twice')))).toBe(false)
    answer({ decideAdoption: { position: '42' } })
    expect(await sent).toBe(true)
    expect(mutation().isSubmitting.value).toBe(false)
    expect(mutation().isDone.value).toBe(true)
    expect(mutation().errors.value).toEqual({ fields: {}, general: [] })
    expect(server.decisionLoads()).toBe(2)
  })

  it('keeps a refused mutation’s message next to its field, in Chinese, without refreshing', async () => {
    const server = serve(async () => {
      throw new ApiError([{ message: 'rationale required', extensions: { code: 'REJECTED', reason: 'RATIONALE_REQUIRED' } }])
    })
    const { mutation } = mountDecision()
    await flushPromises()
    expect(await mutation().submit(() => request(op.DecideAdoptionMutation, { input: { opinionId: 'o1', outcome: 'NOT_ADOPTED', rationale: null } }))).toBe(false)
    expect(mutation().isSubmitting.value).toBe(false)
    expect(mutation().errors.value.fields.rationale).toBe('不予采纳或部分采纳时必须说明理由')
    expect(mutation().errors.value.general).toEqual([])
    expect(server.decisionLoads()).toBe(1)

    // An error the form has no field for is a general message.
    vi.mocked(request).mockRejectedValueOnce(new ApiError([{ message: 'forbidden', extensions: { code: 'FORBIDDEN' } }]))
    await mutation().submit(() => request(op.DecideAdoptionMutation, { input: { opinionId: 'o1', outcome: 'ADOPTED', rationale: null } }))
    expect(mutation().errors.value).toEqual({ fields: {}, general: ['您没有权限进行此操作'] })
  })

  it('keeps the shown decision when a refresh fails, and reports the failure', async () => {
    serve()
    const { context } = mountDecision()
    await flushPromises()
    vi.mocked(request).mockRejectedValueOnce(new ApiError([{ message: 'network error', extensions: { code: 'NETWORK' } }]))
    await context().refresh()
    // In the reader's language, never the client's English.
    expect(context().loadError.value).toBe('网络连接失败，请检查网络后重试')
    expect(context().decision.value?.id).toBe('d1')
  })
})
