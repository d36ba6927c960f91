// Dates are shown and picked in China Standard Time (UTC+8, no daylight saving), whatever
// the browser's zone, so that a cited moment means the same to every reader.
export const ZONE = 'Asia/Shanghai'
const OFFSET_MS = 8 * 3600 * 1000

function parts(iso: string): { y: string; m: string; d: string; hh: string; mm: string } | null {
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return null
  const s = new Date(t + OFFSET_MS).toISOString()
  return { y: s.slice(0, 4), m: s.slice(5, 7), d: s.slice(8, 10), hh: s.slice(11, 13), mm: s.slice(14, 16) }
}

/** `2021-04-15` in UTC+8. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return ''
  const p = parts(iso)
  return p ? `${p.y}-${p.m}-${p.d}` : iso
}

/** `2021-04-15 08:00` in UTC+8. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const p = parts(iso)
  return p ? `${p.y}-${p.m}-${p.d} ${p.hh}:${p.mm}` : iso
}

/** The UTC+8 calendar day of an instant, as `YYYY-MM-DD`. */
export function dayKey(iso: string): string {
  return formatDate(iso)
}

/** A `datetime-local` value (`2021-04-15T08:00`, read as UTC+8) to RFC 3339 with +08:00. */
export function localInputToIso(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(value.trim())
  if (!m) return null
  const [, y, mo, d, hh = '00', mi = '00', ss = '00'] = m
  const iso = `${y}-${mo}-${d}T${hh}:${mi}:${ss}+08:00`
  return Number.isNaN(Date.parse(iso)) ? null : iso
}

/** RFC 3339 to a `datetime-local` value in UTC+8. */
export function isoToLocalInput(iso: string | null | undefined): string {
  if (!iso) return ''
  const p = parts(iso)
  return p ? `${p.y}-${p.m}-${p.d}T${p.hh}:${p.mm}` : ''
}

/** Whole days between two instants (rounded down). */
export function daysBetween(fromIso: string, toIso: string): number {
  return Math.floor((Date.parse(toIso) - Date.parse(fromIso)) / 86_400_000)
}

/** A `datetime-local` value as RFC 3339, or as typed when it is no date (the API then names the field). */
export function inputToIso(value: string): string {
  return localInputToIso(value) ?? value
}

/**
 * Whole days left after today (both in Beijing time) to take part before `closesIso`: 0 on
 * the last day ("今日截止"), -1 once it has closed. A period that ends at midnight has the day
 * before as its last day.
 */
export function daysLeft(closesIso: string, now: number = Date.now()): number {
  const closes = Date.parse(closesIso)
  if (Number.isNaN(closes) || closes <= now) return -1
  const lastDay = Date.parse(`${dayKey(new Date(closes - 1).toISOString())}T00:00:00+08:00`)
  const today = Date.parse(`${dayKey(new Date(now).toISOString())}T00:00:00+08:00`)
  return Math.round((lastDay - today) / 86_400_000)
}
