import { describe, expect, it } from 'vitest'
import { diffClauses, diffText, summarize } from './diff'

const c = (id: string, number: number, text: string) => ({ id, number, text })

describe('diffClauses', () => {
  it('pairs a replaced clause as a modification with a character diff', () => {
    const v1 = [c('c1', 1, '第一条 总则'), c('c3', 2, '第二条 每户1.2个泊位'), c('c6', 3, '第三条 施行')]
    const v2 = [c('c1', 1, '第一条 总则'), c('c7', 2, '第二条 每户1.5个泊位'), c('c6', 3, '第三条 施行')]
    const d = diffClauses(v1, v2)
    expect(d.map((x) => x.kind)).toEqual(['same', 'modified', 'same'])
    const m = d[1]
    if (m.kind !== 'modified') throw new Error('expected modified')
    expect(m.segments).toContainEqual({ op: 'del', text: '2' })
    expect(m.segments).toContainEqual({ op: 'add', text: '5' })
  })

  it('reports added and removed clauses and a summary', () => {
    const d = diffClauses([c('a', 1, '甲'), c('b', 2, '乙')], [c('a', 1, '甲'), c('x', 2, '丙'), c('y', 3, '丁')])
    expect(summarize(d)).toEqual({ same: 1, modified: 1, added: 1, removed: 0 })
    expect(summarize(diffClauses([c('a', 1, '甲'), c('b', 2, '乙')], [c('b', 1, '乙')]))).toEqual({ same: 1, modified: 0, added: 0, removed: 1 })
  })

  it('compares a version with itself as unchanged', () => {
    const v = [c('a', 1, '甲'), c('b', 2, '乙')]
    expect(diffClauses(v, v).every((x) => x.kind === 'same')).toBe(true)
  })

  it('diffText rebuilds both sides', () => {
    const segs = diffText('城区核心区', '城区外围区')
    expect(segs.filter((s) => s.op !== 'add').map((s) => s.text).join('')).toBe('城区核心区')
    expect(segs.filter((s) => s.op !== 'del').map((s) => s.text).join('')).toBe('城区外围区')
  })
})
