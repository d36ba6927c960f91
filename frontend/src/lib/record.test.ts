import { describe, expect, it } from 'vitest'
import * as ed from '@noble/ed25519'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  EMPTY_ROOT,
  decodeLeaf,
  fromBase64,
  leafHash,
  openCheckpoint,
  toBase64,
  toHex,
  verifyBundle,
  verifyConsistency,
  verifyInclusion,
  type Bundle,
} from './record'

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16))
const cat = (...p: Uint8Array[]) => {
  const out = new Uint8Array(p.reduce((n, x) => n + x.length, 0))
  let at = 0
  for (const x of p) (out.set(x, at), (at += x.length))
  return out
}
const node = (l: Uint8Array, r: Uint8Array) => sha256(cat(Uint8Array.of(1), l, r))

// RFC 6962 §2.1 written out directly (MTH, PATH, PROOF), as a second implementation.
const split = (n: number) => {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}
function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return EMPTY_ROOT
  if (leaves.length === 1) return leaves[0]
  const k = split(leaves.length)
  return node(mth(leaves.slice(0, k)), mth(leaves.slice(k)))
}
function path(m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return []
  const k = split(d.length)
  return m < k ? [...path(m, d.slice(0, k)), mth(d.slice(k))] : [...path(m - k, d.slice(k)), mth(d.slice(0, k))]
}
function subproof(m: number, d: Uint8Array[], b: boolean): Uint8Array[] {
  const n = d.length
  if (m === n) return b ? [] : [mth(d)]
  const k = split(n)
  return m <= k ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))] : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))]
}

const ENTRIES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hex)
const LEAVES = ENTRIES.map(leafHash)
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
]

describe('RFC 6962 / 9162 proofs', () => {
  it('reproduces the reference roots', () => {
    expect(toHex(mth([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    ROOTS.forEach((r, i) => expect(toHex(mth(LEAVES.slice(0, i + 1)))).toBe(r))
  })

  it('verifies the reference inclusion and consistency proofs', () => {
    const p0 = ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'].map(hex)
    expect(verifyInclusion(LEAVES[0], 0, 8, p0, hex(ROOTS[7]))).toBe(true)
    expect(verifyInclusion(LEAVES[0], 0, 1, [], hex(ROOTS[0]))).toBe(true)
    expect(verifyInclusion(LEAVES[1], 0, 8, p0, hex(ROOTS[7]))).toBe(false)
    const c = ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'].map(hex)
    expect(verifyConsistency(6, 8, hex(ROOTS[5]), hex(ROOTS[7]), c)).toBe(true)
    expect(verifyConsistency(6, 8, hex(ROOTS[4]), hex(ROOTS[7]), c)).toBe(false)
    expect(verifyConsistency(0, 8, EMPTY_ROOT, hex(ROOTS[7]), [])).toBe(true)
    expect(verifyConsistency(0, 8, hex(ROOTS[0]), hex(ROOTS[7]), [])).toBe(false)
    expect(verifyConsistency(0, 8, EMPTY_ROOT, hex(ROOTS[7]), [EMPTY_ROOT])).toBe(false)
  })

  it('accepts every honest proof and refuses mangled ones for trees up to 40 leaves', () => {
    const leaves = Array.from({ length: 40 }, (_, i) => leafHash(new TextEncoder().encode(`leaf ${i}`)))
    for (let n = 1; n <= 40; n++) {
      const root = mth(leaves.slice(0, n))
      for (let m = 0; m < n; m++) {
        const p = path(m, leaves.slice(0, n))
        expect(verifyInclusion(leaves[m], m, n, p, root)).toBe(true)
        if (p.length > 0) {
          expect(verifyInclusion(leaves[m], m, n, p.slice(1), root)).toBe(false)
          expect(verifyInclusion(leaves[m], m, n, [...p, p[0]], root)).toBe(false)
          const flipped = p.map((x) => x.slice())
          flipped[0][3] ^= 1
          expect(verifyInclusion(leaves[m], m, n, flipped, root)).toBe(false)
        }
        expect(verifyInclusion(leaves[m], m + 1, n, p, root)).toBe(false)
      }
      for (let m = 1; m < n; m++) {
        const p = subproof(m, leaves.slice(0, n), true)
        const old = mth(leaves.slice(0, m))
        expect(verifyConsistency(m, n, old, root, p)).toBe(true)
        expect(verifyConsistency(m, n, old, root, p.slice(1))).toBe(false)
        expect(verifyConsistency(m, n, mth(leaves.slice(0, m - 1)), root, p)).toBe(false)
      }
    }
  })
})

// A bundle made here, the way the server makes one (docs/adr/0016), signed with a fresh key.
const te = new TextEncoder()
function leafBytes(position: number, id: string, stream: string, version: number, micros: bigint, type: string, data: string): Uint8Array {
  const head = new Uint8Array(1 + 8 + 16 + 8 + 8)
  const v = new DataView(head.buffer)
  head[0] = 1
  v.setBigUint64(1, BigInt(position))
  head.set(hex(id.replace(/-/g, '')), 9)
  v.setBigUint64(25, BigInt(version))
  v.setBigInt64(33, micros)
  const name = (s: string) => {
    const b = te.encode(s)
    const out = new Uint8Array(2 + b.length)
    new DataView(out.buffer).setUint16(0, b.length)
    out.set(b, 2)
    return out
  }
  return cat(head, name(stream), name(type), sha256(te.encode(data)), new Uint8Array(32), new Uint8Array(32).fill(9))
}

function keyPair(name: string, type: number) {
  const secret = ed.utils.randomSecretKey()
  const raw = cat(Uint8Array.of(type), ed.getPublicKey(secret))
  const id = sha256(cat(te.encode(`${name}\n`), raw)).slice(0, 4)
  return { secret, id, vkey: `${name}+${toHex(id)}+${toBase64(raw)}` }
}

function makeBundle() {
  const origin = 'canyu.test/log'
  const log = keyPair(origin, 1)
  const events = [1, 2, 3, 4, 5].map((i) => ({
    position: i,
    id: `01a2489c-b79a-7202-bea3-0880${String(i).padStart(8, '0')}`,
    stream: i === 1 ? 'account-x' : 'decision-d1',
    version: i,
    type: 'decision.draft_published.v1',
    time: `2021-04-1${i}T08:00:00.00012${i}Z`,
    data: `{"text":"第${i}条"}`,
  }))
  const leaves = events.map((e) => leafBytes(e.position, e.id, e.stream === 'account-x' ? 'account' : e.stream, e.version, BigInt(Date.parse(e.time.slice(0, 19) + 'Z')) * 1000n + BigInt(e.time.slice(20, 26)), e.type, e.data))
  const hashes = leaves.map(leafHash)
  const root = mth(hashes)
  const text = `${origin}\n5\n${toBase64(root)}\n`
  const sig = ed.sign(te.encode(text), log.secret)
  const checkpoint = `${text}\n— ${origin} ${toBase64(cat(log.id, sig))}\n`
  const bundle: Bundle = {
    format: 'canyu-record-bundle/v1',
    decisionId: 'd1',
    checkpoint,
    entries: events.map((e, i) => ({ leafIndex: i, leaf: toBase64(leaves[i]), inclusionProof: path(i, hashes).map(toBase64), event: { ...e } })),
  }
  return { bundle, vkey: log.vkey, text }
}

describe('bundle verification in the page', () => {
  it('verifies an untouched bundle and decodes its leaves', () => {
    const { bundle, vkey } = makeBundle()
    const r = verifyBundle(bundle, vkey)
    expect(r).toMatchObject({ ok: true, events: 5, withData: 5 })
    expect(decodeLeaf(fromBase64(bundle.entries[1].leaf)).stream).toBe('decision-d1')
  })

  it('fails on one changed byte anywhere that matters, naming the first failure', () => {
    const { bundle, vkey } = makeBundle()
    const swap = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1)
    let tried = 0
    bundle.entries.forEach((entry, n) => {
      for (let i = 0; i < entry.leaf.length; i += 3) {
        if (entry.leaf[i] === '=') continue
        const b: Bundle = structuredClone(bundle)
        b.entries[n].leaf = swap(entry.leaf, i)
        expect(verifyBundle(b, vkey).ok, `leaf ${n} char ${i}`).toBe(false)
        tried++
      }
      entry.inclusionProof.forEach((_, p) => {
        const b: Bundle = structuredClone(bundle)
        b.entries[n].inclusionProof[p] = swap(b.entries[n].inclusionProof[p], 2)
        expect(verifyBundle(b, vkey).ok).toBe(false)
        tried++
      })
      for (const change of [
        (b: Bundle) => (b.entries[n].event.data = b.entries[n].event.data!.replace('条', '款')),
        (b: Bundle) => (b.entries[n].event.time = b.entries[n].event.time.replace('08:00', '09:00')),
        (b: Bundle) => (b.entries[n].event.position += 1),
        (b: Bundle) => (b.entries[n].event.type = 'decision.withdrawn.v1'),
        (b: Bundle) => (b.entries[n].leafIndex += 10),
      ]) {
        const b: Bundle = structuredClone(bundle)
        change(b)
        expect(verifyBundle(b, vkey).ok).toBe(false)
        tried++
      }
    })
    for (let i = 0; i < bundle.checkpoint.length; i++) {
      if (bundle.checkpoint[i] === '\n') continue
      const b: Bundle = structuredClone(bundle)
      b.checkpoint = swap(bundle.checkpoint, i)
      expect(verifyBundle(b, vkey).ok, `checkpoint char ${i}`).toBe(false)
      tried++
    }
    expect(tried).toBeGreaterThan(200)
    const b: Bundle = structuredClone(bundle)
    b.entries[2].event.data = '{"text":"改过"}'
    const r = verifyBundle(b, vkey)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.failure).toMatch(/^event 3 \(leaf 2\): .*public hash/)
  })

  it('pins the key: another key of the same name fails', () => {
    const { bundle } = makeBundle()
    const other = keyPair('canyu.test/log', 1)
    expect(verifyBundle(bundle, other.vkey).ok).toBe(false)
  })

  it('checks a witness cosignature when the witness key is given', () => {
    const { bundle, vkey, text } = makeBundle()
    const w = keyPair('archive.test/witness', 4)
    const time = 1_780_000_000n
    const t = new Uint8Array(8)
    new DataView(t.buffer).setBigUint64(0, time)
    const sig = ed.sign(cat(te.encode(`cosignature/v1\ntime ${time}\n`), te.encode(text)), w.secret)
    const cosigned = `${bundle.checkpoint}— archive.test/witness ${toBase64(cat(w.id, t, sig))}\n`
    const cp = openCheckpoint(cosigned, vkey, [w.vkey])
    expect(cp.witnesses).toEqual(['archive.test/witness'])
    expect(cp.cosigners).toEqual(['archive.test/witness'])
    expect(() => openCheckpoint(bundle.checkpoint, vkey, [w.vkey])).toThrow(/not cosigned/)
    const stranger = keyPair('archive.test/witness', 4)
    expect(() => openCheckpoint(cosigned, vkey, [stranger.vkey])).toThrow()
  })
})
