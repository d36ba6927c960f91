// Turns API errors into messages in the user's language, keyed by the field they concern.
import { ApiError, type GqlError } from '../api/client'
import { formatDateTime } from './time'

type T = (key: string, named?: Record<string, unknown>) => string
type Te = (key: string) => boolean

export interface FormErrors {
  /** Messages per input field (`body`, `closesAt`, ...). */
  fields: Record<string, string>
  /** Messages that belong to no field. */
  general: string[]
}

export function emptyErrors(): FormErrors {
  return { fields: {}, general: [] }
}

/** The message for an error code (`extensions.code`), or the generic one for a code we do not know. */
function codeMessage(t: T, te: Te, code: string | undefined): string {
  return code && te(`errors.code.${code}`) ? t(`errors.code.${code}`) : t('errors.code.UNKNOWN')
}

/** A field's name for a message that is not shown next to it; `null` when we have no label. */
function fieldLabel(t: T, te: Te, field: string): string | null {
  return te(`fields.${field}`) ? t(`fields.${field}`) : null
}

/**
 * One message, in the reader's language, for an error that stops a page from loading or an
 * action that has no form: never the server's English text, never a technical detail.
 */
export function errorMessage(e: unknown, t: T, te: Te): string {
  if (!(e instanceof ApiError)) return t('errors.code.UNKNOWN')
  const f = toFormErrors(e, t, te)
  const all = [...Object.values(f.fields), ...f.general]
  return [...new Set(all)].join('；') || t('errors.code.UNKNOWN')
}

function validationMessage(t: T, te: Te, field: string, message: string): string {
  if (/must not be empty|is required|empty/i.test(message)) return t('errors.validation.empty')
  const most = /at most (\d+) characters/.exec(message)
  if (most) return t('errors.validation.tooLong', { n: most[1] })
  if (te(`errors.field.${field}`)) return t(`errors.field.${field}`)
  return t('errors.validation.invalid')
}

/** What the server adds to a refusal for the reader to act on: a date, a wait. */
function detail(t: T, err: GqlError): string {
  const ext = err.extensions ?? {}
  const parts: string[] = []
  if (ext.earliestCloseAt) parts.push(t('errors.detail.earliestCloseAt', { date: formatDateTime(ext.earliestCloseAt) }))
  if (ext.overlapsUntil) parts.push(t('errors.detail.overlapsUntil', { date: formatDateTime(ext.overlapsUntil) }))
  if (typeof ext.retryAfter === 'number') parts.push(t('errors.detail.retryAfter', { n: ext.retryAfter }))
  return parts.join('')
}

/** Maps an error thrown by `request` to messages. `known` are the form's field names. */
export function toFormErrors(e: unknown, t: T, te: Te, known: string[] = []): FormErrors {
  const out = emptyErrors()
  if (!(e instanceof ApiError)) {
    out.general.push(t('errors.code.UNKNOWN'))
    return out
  }
  for (const err of e.errors) {
    const code = err.extensions?.code ?? 'UNKNOWN'
    if (code === 'VALIDATION' && err.extensions?.field) {
      const field = err.extensions.field
      const msg = validationMessage(t, te, field, err.message)
      const label = fieldLabel(t, te, field)
      if (known.includes(field)) out.fields[field] = msg
      else out.general.push(label ? `${label}：${msg}` : msg)
      continue
    }
    if (code === 'REJECTED' && err.extensions?.reason) {
      const reason = err.extensions.reason
      const msg = (te(`errors.reason.${reason}`) ? t(`errors.reason.${reason}`) : t('errors.code.REJECTED')) + detail(t, err)
      const field = REASON_FIELD[reason]
      if (field && known.includes(field)) out.fields[field] = msg
      else out.general.push(msg)
      continue
    }
    out.general.push(codeMessage(t, te, code) + detail(t, err))
  }
  // The same message twice (one per failed field of a batch) says nothing more.
  out.general = [...new Set(out.general)]
  return out
}

/** Rule refusals that concern one input field. */
export const REASON_FIELD: Record<string, string> = {
  PERIOD_TOO_SHORT_WITHOUT_REASON: 'shortenedReason',
  EARLY_CLOSE_NEEDS_REASON: 'reason',
  RATIONALE_REQUIRED: 'rationale',
  UNKNOWN_CLAUSE: 'clauseId',
  UNKNOWN_STAKEHOLDER_GROUP: 'stakeholderGroup',
  USERNAME_TAKEN: 'username',
  LATE_ADDITION_NEEDS_REASON: 'additionReason',
  CONFIDENTIALITY_BASIS_REQUIRED: 'confidentialityBasis',
}
