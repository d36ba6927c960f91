// Option lists for the schema's enums. The union types generated in src/gql/ are the single
// source: each list is the key list of the enum's label map in src/i18n/zh-CN.ts, which is
// declared `satisfies Record<Enum, string>` (a missing or extra value fails the type check
// there; en.ts, typed `typeof zh`, must have the same keys), and the list's declared type
// fails the type check if the map has a key the enum does not. Labels: t(`channel.${value}`).
import type { ActivityKind, AdoptionOutcome, Channel, Disclosure, MeetingKind, Role, SelectionMethod, Stage } from '../gql/graphql'
import labels from '../i18n/zh-CN'

/** The keys of a label map, in the order the map declares them. */
export function keysOf<K extends string>(labelMap: Record<K, string>): K[] {
  return Object.keys(labelMap) as K[]
}

export const CHANNELS: Channel[] = keysOf(labels.channel)
export const ACTIVITY_KINDS: ActivityKind[] = keysOf(labels.activity)
/** The outcomes a unit can decide; the label map also names the not-yet-decided `PENDING`. */
export const ADOPTION_OUTCOMES: AdoptionOutcome[] = keysOf(labels.outcome).filter(
  (outcome): outcome is AdoptionOutcome => outcome !== 'PENDING',
)
export const MEETING_KINDS: MeetingKind[] = keysOf(labels.meeting)
export const SELECTION_METHODS: SelectionMethod[] = keysOf(labels.selection)
export const STAGES: Stage[] = keysOf(labels.stage)
export const ROLES: Role[] = keysOf(labels.role)
export const DISCLOSURES: Disclosure[] = keysOf(labels.disclosure)
