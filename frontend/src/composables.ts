import { computed, inject, provide, ref, toValue, watch, type InjectionKey, type MaybeRefOrGetter } from 'vue'
import { useI18n } from 'vue-i18n'
import { request } from './api/client'
import * as op from './api/operations'
import type { ConsultationCommentsQuery, DecisionQuery, HearingQuery } from './gql/graphql'
import { emptyErrors, errorMessage, toFormErrors, type FormErrors } from './lib/errors'

/**
 * Runs a mutation for a form and keeps its errors, by field, in the user's language. While
 * one runs, `busy` is true and a second `run` sends nothing (a double click is one request);
 * `done` is true after a success until the next run.
 */
export function useSubmit(known: string[] = []) {
  const { t, te } = useI18n()
  const errors = ref<FormErrors>(emptyErrors())
  const busy = ref(false)
  const done = ref(false)
  async function run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    if (busy.value) return undefined
    busy.value = true
    done.value = false
    errors.value = emptyErrors()
    try {
      const r = await fn()
      done.value = true
      return r
    } catch (e) {
      errors.value = toFormErrors(e, t, te, known)
      return undefined
    } finally {
      busy.value = false
    }
  }
  function setField(field: string, message: string) {
    errors.value = { ...errors.value, fields: { ...errors.value.fields, [field]: message } }
  }
  return { errors, busy, done, run, setField }
}

export type ManagedDecision = NonNullable<DecisionQuery['decision']>
export type ManagedOpinion = ManagedDecision['opinions'][number]
export type ManagedConsultation = ManagedDecision['consultations'][number]
export type ManagedHearing = ManagedDecision['hearings'][number]
export type ConsultationComment = NonNullable<ConsultationCommentsQuery['consultation']>['comments']['edges'][number]['node']
export type HearingWithRoster = NonNullable<HearingQuery['hearing']>

const COMMENTS_PER_PAGE = 100
const MAX_COMMENT_PAGES = 100

async function loadAllComments(consultationId: string): Promise<ConsultationComment[]> {
  const comments: ConsultationComment[] = []
  let after: string | null = null
  for (let page = 0; page < MAX_COMMENT_PAGES; page++) {
    const response: ConsultationCommentsQuery = await request(op.ConsultationCommentsQuery, { id: consultationId, first: COMMENTS_PER_PAGE, after })
    const connection = response.consultation?.comments
    if (!connection) break
    comments.push(...connection.edges.map((edge) => edge.node))
    if (!connection.pageInfo.hasNextPage) break
    after = connection.pageInfo.endCursor ?? null
  }
  return comments
}

/**
 * The decision on the undertaking unit's manage page: loads it with every comment of its
 * consultations and the roster of each hearing, derives what the step forms need, and gives
 * each form a mutation runner that refreshes the decision after a success.
 */
export function useDecision(id: MaybeRefOrGetter<string>) {
  const decisionId = computed(() => toValue(id))
  const decision = ref<ManagedDecision | null>(null)
  /** Every comment of every consultation, hidden ones included. */
  const allComments = ref<ConsultationComment[]>([])
  /** The consultation each comment was made in, by comment id. */
  const consultationOfComment = ref<Record<string, string>>({})
  /** The roster (with personal data) of each hearing, by hearing id. */
  const hearingRosters = ref<Record<string, HearingWithRoster>>({})
  /** True until the first load has finished. */
  const isLoading = ref(true)
  /** Why the last load failed, in the reader's language. */
  const loadError = ref<string | null>(null)
  const { t, te } = useI18n()
  let latestLoad = 0

  /** Loads the decision again; a failure lands in `loadError` and keeps what was shown. */
  async function refresh(): Promise<void> {
    const thisLoad = ++latestLoad
    const isLatest = () => thisLoad === latestLoad
    loadError.value = null
    try {
      const loaded = (await request(op.DecisionQuery, { id: decisionId.value, commentsFirst: 1 })).decision ?? null
      if (!isLatest()) return
      decision.value = loaded
      const comments: ConsultationComment[] = []
      const consultationOf: Record<string, string> = {}
      for (const consultation of loaded?.consultations ?? []) {
        const page = await loadAllComments(consultation.id)
        for (const comment of page) consultationOf[comment.id] = consultation.id
        comments.push(...page)
      }
      if (!isLatest()) return
      allComments.value = comments
      consultationOfComment.value = consultationOf
      const rosters: Record<string, HearingWithRoster> = {}
      for (const hearing of loaded?.hearings ?? []) {
        const response = await request(op.HearingQuery, { id: hearing.id })
        if (response.hearing) rosters[hearing.id] = response.hearing
      }
      if (!isLatest()) return
      hearingRosters.value = rosters
    } catch (e) {
      if (isLatest()) loadError.value = errorMessage(e, t, te)
    } finally {
      if (isLatest()) isLoading.value = false
    }
  }
  watch(decisionId, refresh, { immediate: true })

  const stage = computed(() => decision.value?.stage ?? null)
  const currentDraft = computed(() => decision.value?.drafts.find((draft) => draft.version === decision.value?.currentDraft?.version) ?? null)
  const visibleComments = computed(() => allComments.value.filter((comment) => !comment.hidden))
  /** Visible comments not yet grouped into an opinion. */
  const ungroupedComments = computed(() => visibleComments.value.filter((comment) => !comment.opinionId))
  const undecidedOpinions = computed(() => (decision.value?.opinions ?? []).filter((opinion) => !opinion.adoption))
  /** Consultations not closed yet (scheduled or open). */
  const openConsultations = computed(() => (decision.value?.consultations ?? []).filter((consultation) => consultation.status !== 'CLOSED'))
  /** An opinion drawn on a consultation that is not closed yet: its adoption must wait. */
  function awaitsClose(opinion: ManagedOpinion): boolean {
    const notClosed = new Set(openConsultations.value.map((consultation) => consultation.id))
    return opinion.commentIds.some((commentId) => notClosed.has(consultationOfComment.value[commentId] ?? ''))
  }
  /** The number of a clause of the current draft. */
  function clauseNumber(clauseId: string | null | undefined): number | undefined {
    return currentDraft.value?.clauses.find((clause) => clause.id === clauseId)?.number
  }

  /**
   * One step form's mutation; call it in the form's setup. `submit(send)` runs `send`, keeps
   * the errors by field (`fields` are the form's input names) in the user's language, and
   * after a success refreshes the decision before it resolves `true` (the form then resets
   * itself). While it runs `isSubmitting` is true and a second submit sends nothing; `isDone`
   * is true from a success until the next submit, for the form's confirmation.
   */
  function useMutation(fields: readonly string[] = []) {
    const { t, te } = useI18n()
    const isSubmitting = ref(false)
    const isDone = ref(false)
    const errors = ref<FormErrors>(emptyErrors())
    async function submit(send: () => Promise<unknown>): Promise<boolean> {
      if (isSubmitting.value) return false
      isSubmitting.value = true
      isDone.value = false
      errors.value = emptyErrors()
      try {
        await send()
      } catch (e) {
        errors.value = toFormErrors(e, t, te, [...fields])
        isSubmitting.value = false
        return false
      }
      await refresh()
      isSubmitting.value = false
      isDone.value = true
      return true
    }
    /** Shows a message next to a field without sending anything (checks done in the browser). */
    function setFieldError(field: string, message: string) {
      isDone.value = false
      errors.value = { ...errors.value, fields: { ...errors.value.fields, [field]: message } }
    }
    return {
      isSubmitting: computed(() => isSubmitting.value),
      isDone: computed(() => isDone.value),
      errors: computed(() => errors.value),
      submit,
      setFieldError,
    }
  }

  return {
    decisionId,
    decision,
    isLoading,
    loadError,
    refresh,
    stage,
    currentDraft,
    allComments,
    visibleComments,
    ungroupedComments,
    undecidedOpinions,
    openConsultations,
    awaitsClose,
    hearingRosters,
    clauseNumber,
    useMutation,
  }
}

export type DecisionContext = ReturnType<typeof useDecision>
const DECISION_CONTEXT: InjectionKey<DecisionContext> = Symbol('managed decision')

/** Makes the page's `useDecision` available to its step forms. */
export function provideDecision(context: DecisionContext): void {
  provide(DECISION_CONTEXT, context)
}

/** The `useDecision` of the enclosing manage page. */
export function injectDecision(): DecisionContext {
  const context = inject(DECISION_CONTEXT, null)
  if (!context) throw new Error('injectDecision: no provideDecision in an enclosing component')
  return context
}

/** Turns any error (API refusal, network, HTTP failure) into one message in the reader's language. */
export function useErrorMessage(): (e: unknown) => string {
  const { t, te } = useI18n()
  return (e: unknown) => errorMessage(e, t, te)
}
