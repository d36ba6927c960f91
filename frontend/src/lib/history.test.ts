import { describe, expect, it } from 'vitest'
import { commentsPerDay, filterEntries, kindsOf, mergeEntries, type Entry } from './history'

const e = (position: string, kind: string, at = '2021-03-12T12:00:00Z'): Entry => ({ position, kind, at, summary: kind, actor: 'resident' })

describe('history helpers', () => {
  const entries = [e('1', 'decision.registered'), e('2', 'comment.submitted'), e('10', 'decision.adoption_decided'), e('11', 'comment.submitted')]

  it('filters by the selected kinds; none selected means all', () => {
    expect(filterEntries(entries, new Set())).toHaveLength(4)
    expect(filterEntries(entries, new Set(['comment.submitted'])).map((x) => x.position)).toEqual(['2', '11'])
    expect(kindsOf(entries)).toEqual(['decision.registered', 'comment.submitted', 'decision.adoption_decided'])
  })

  it('merges live entries without duplicates, in numeric position order', () => {
    const merged = mergeEntries(entries, [e('11', 'comment.submitted'), e('9', 'hearing.held'), e('100', 'comment.hidden')])
    expect(merged.map((x) => x.position)).toEqual(['1', '2', '9', '10', '11', '100'])
  })

  it('counts comments per Beijing day across the window, with zero days', () => {
    const list = [e('1', 'comment.submitted', '2021-03-09T17:00:00Z'), e('2', 'comment.submitted', '2021-03-10T15:59:00Z'), e('3', 'comment.submitted', '2021-03-10T16:00:00Z'), e('4', 'decision.registered', '2021-03-10T16:00:00Z')]
    expect(commentsPerDay(list, '2021-03-09T16:00:00Z', '2021-03-12T16:00:00Z')).toEqual([
      { day: '2021-03-10', count: 2 },
      { day: '2021-03-11', count: 1 },
      { day: '2021-03-12', count: 0 },
      { day: '2021-03-13', count: 0 },
    ])
  })
})
