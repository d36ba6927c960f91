// Turns API errors into messages in the user's language, keyed by the field they concern.
import { ApiError } from '../api/client'

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

function validationMessage(t: T, te: Te, field: string, message: string): string {
  if (/must not be empty|is required|empty/i.test(message)) return t('errors.validation.empty')
  const most = /at most (\d+) characters/.exec(message)
  if (most) return t('errors.validation.tooLong', { n: most[1] })
  if (te(`errors.field.${field}`)) return t(`errors.field.${field}`)
  return t('errors.validation.invalid')
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
      if (known.includes(field)) out.fields[field] = msg
      else out.general.push(`${te(`fields.${field}`) ? t(`fields.${field}`) : field}：${msg}`)
      continue
    }
    if (code === 'REJECTED' && err.extensions?.reason) {
      const reason = err.extensions.reason
      const msg = te(`errors.reason.${reason}`) ? t(`errors.reason.${reason}`) : t('errors.code.REJECTED')
      const field = REASON_FIELD[reason]
      if (field && known.includes(field)) out.fields[field] = msg
      else out.general.push(msg)
      continue
    }
    out.general.push(te(`errors.code.${code}`) ? t(`errors.code.${code}`) : t('errors.code.UNKNOWN'))
  }
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
