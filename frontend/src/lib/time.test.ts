import { describe, expect, it } from 'vitest'
import { daysLeft } from './time'

describe('daysLeft', () => {
  const at = (iso: string) => Date.parse(iso)
  it('counts whole days after today, in Beijing time, up to the last day', () => {
    // Opened now, closes 30 days later at the same time: 30 days after today.
    expect(daysLeft('2021-04-10T02:00:00Z', at('2021-03-11T02:00:00Z'))).toBe(30)
    // 23:30 in Beijing on 03-11: tomorrow is another day.
    expect(daysLeft('2021-03-12T10:00:00Z', at('2021-03-11T15:30:00Z'))).toBe(1)
    // Closing at midnight (Beijing) makes the day before the last day.
    expect(daysLeft('2021-04-09T16:00:00Z', at('2021-04-09T01:00:00Z'))).toBe(0)
    expect(daysLeft('2021-04-09T16:00:00Z', at('2021-04-08T01:00:00Z'))).toBe(1)
    expect(daysLeft('2021-04-09T16:00:00Z', at('2021-04-09T16:00:00Z'))).toBe(-1)
  })
})
