// Pure helpers for a decision's history: merging live entries, filtering by kind, and the
// comments-per-day series for the chart.
import { dayKey } from './time'
import zh from '../i18n/zh-CN'

/** How many entries a page of the timeline shows. */
export const HISTORY_PAGE_SIZE = 20

/** Every entry kind the UI has a label for (`decision.registered`, ...), for the kind filter. */
export const KNOWN_KINDS: string[] = Object.entries(zh.kind).flatMap(([fam, kinds]) => Object.keys(kinds).map((k) => `${fam}.${k}`))

/** The anchor of an entry on the history page (its global position: a stable permalink). */
export function entryAnchor(position: string): string {
  return `entry-${position}`
}

/** The position a `#entry-<position>` hash points to, or null. */
export function positionFromHash(hash: string): string | null {
  const m = /^#entry-(\d+)$/.exec(hash)
  return m ? m[1] : null
}

export interface Entry {
  position: string
  at: string
  kind: string
  summary: string
  actor: string
  subjectId?: string | null
}

/** The kind's family: `decision`, `comment`, `hearing`, ... (the part before the dot). */
export function family(kind: string): string {
  const i = kind.indexOf('.')
  return i < 0 ? kind : kind.slice(0, i)
}

/** Adds entries (from a page or the subscription), dropping duplicates, in commit order. */
export function mergeEntries(existing: Entry[], incoming: Entry[]): Entry[] {
  const seen = new Set(existing.map((e) => e.position))
  const out = existing.slice()
  for (const e of incoming) {
    if (!seen.has(e.position)) {
      seen.add(e.position)
      out.push(e)
    }
  }
  out.sort((a, b) => cmpPosition(a.position, b.position))
  return out
}

export function cmpPosition(a: string, b: string): number {
  // Positions are decimal strings of unbounded size: compare by length, then text.
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
}

/** The distinct kinds in order of first appearance. */
export function kindsOf(entries: Entry[]): string[] {
  return [...new Set(entries.map((e) => e.kind))]
}

/** Entries whose kind is selected; an empty selection means all. */
export function filterEntries(entries: Entry[], selected: ReadonlySet<string>): Entry[] {
  if (selected.size === 0) return entries
  return entries.filter((e) => selected.has(e.kind))
}

/** Comment submissions per UTC+8 day from `from` to `to` inclusive (zeros included). */
export function commentsPerDay(entries: Entry[], from: string, to: string): { day: string; count: number }[] {
  const counts = new Map<string, number>()
  for (const e of entries) {
    if (e.kind === 'comment.submitted') counts.set(dayKey(e.at), (counts.get(dayKey(e.at)) ?? 0) + 1)
  }
  const out: { day: string; count: number }[] = []
  const start = Date.parse(`${dayKey(from)}T00:00:00+08:00`)
  const end = Date.parse(`${dayKey(to)}T00:00:00+08:00`)
  if (Number.isNaN(start) || Number.isNaN(end) || end < start) return out
  for (let t = start, n = 0; t <= end && n < 400; t += 86_400_000, n++) {
    const day = dayKey(new Date(t).toISOString())
    out.push({ day, count: counts.get(day) ?? 0 })
  }
  return out
}
