// Clause-by-clause comparison of two draft versions. Clauses are aligned by a longest
// common subsequence on their text; a removed clause directly followed by an added one is
// shown as a modification, with a character-level diff (Chinese has no word spaces).

export interface ClauseLike {
  id: string
  number: number
  text: string
}

export type Segment = { op: 'same' | 'add' | 'del'; text: string }

export type ClauseChange =
  | { kind: 'same'; before: ClauseLike; after: ClauseLike }
  | { kind: 'added'; after: ClauseLike }
  | { kind: 'removed'; before: ClauseLike }
  | { kind: 'modified'; before: ClauseLike; after: ClauseLike; segments: Segment[] }

function lcsTable<T>(a: T[], b: T[], eq: (x: T, y: T) => boolean): number[][] {
  const t: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0))
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      t[i][j] = eq(a[i], b[j]) ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1])
    }
  }
  return t
}

type Op<T> = { op: 'same'; a: T; b: T } | { op: 'del'; a: T } | { op: 'add'; b: T }

function align<T>(a: T[], b: T[], eq: (x: T, y: T) => boolean): Op<T>[] {
  const t = lcsTable(a, b, eq)
  const out: Op<T>[] = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    if (eq(a[i], b[j])) {
      out.push({ op: 'same', a: a[i], b: b[j] })
      i++
      j++
    } else if (t[i + 1][j] >= t[i][j + 1]) {
      out.push({ op: 'del', a: a[i++] })
    } else {
      out.push({ op: 'add', b: b[j++] })
    }
  }
  while (i < a.length) out.push({ op: 'del', a: a[i++] })
  while (j < b.length) out.push({ op: 'add', b: b[j++] })
  return out
}

/** Character-level diff of two strings, merged into runs. */
export function diffText(before: string, after: string): Segment[] {
  const a = Array.from(before)
  const b = Array.from(after)
  // Guard the quadratic table on very long clauses: fall back to whole replacement.
  if (a.length * b.length > 4_000_000) {
    return [
      { op: 'del', text: before },
      { op: 'add', text: after },
    ]
  }
  const segs: Segment[] = []
  for (const o of align(a, b, (x, y) => x === y)) {
    const op = o.op
    const ch = o.op === 'add' ? o.b : o.a
    const last = segs[segs.length - 1]
    if (last && last.op === op) last.text += ch
    else segs.push({ op, text: ch })
  }
  return segs
}

/** Compares two versions' clauses. */
export function diffClauses(before: ClauseLike[], after: ClauseLike[]): ClauseChange[] {
  const ops = align(before, after, (x, y) => x.text === y.text)
  const out: ClauseChange[] = []
  for (let k = 0; k < ops.length; k++) {
    const o = ops[k]
    if (o.op === 'same') {
      out.push({ kind: 'same', before: o.a, after: o.b })
      continue
    }
    // Pair a run of deletions with the run of additions that follows it.
    if (o.op === 'del') {
      const dels: ClauseLike[] = []
      while (k < ops.length && ops[k].op === 'del') dels.push((ops[k++] as { a: ClauseLike }).a)
      const adds: ClauseLike[] = []
      while (k < ops.length && ops[k].op === 'add') adds.push((ops[k++] as { b: ClauseLike }).b)
      k--
      const n = Math.min(dels.length, adds.length)
      for (let i = 0; i < n; i++) {
        out.push({ kind: 'modified', before: dels[i], after: adds[i], segments: diffText(dels[i].text, adds[i].text) })
      }
      for (let i = n; i < dels.length; i++) out.push({ kind: 'removed', before: dels[i] })
      for (let i = n; i < adds.length; i++) out.push({ kind: 'added', after: adds[i] })
      continue
    }
    out.push({ kind: 'added', after: o.b })
  }
  return out
}

/** Counts of each change kind, for a one-line summary. */
export function summarize(changes: ClauseChange[]): Record<ClauseChange['kind'], number> {
  const s = { same: 0, added: 0, removed: 0, modified: 0 }
  for (const c of changes) s[c.kind]++
  return s
}
