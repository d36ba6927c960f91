// Verifies a record bundle in the page itself (docs/adr/0016): the Ed25519 signature of the
// checkpoint (C2SP signed-note) against a verifier key the reader pins, each event's data
// against its leaf, each leaf's RFC 9162 inclusion proof against the checkpoint's root, and
// witnesses' cosignatures (C2SP tlog-cosignature v1). Nothing the server says is taken on trust
// except what these checks prove. Written from the RFC and the C2SP texts, independently of
// the server's Rust.
import * as ed from '@noble/ed25519'
import { sha256, sha512 } from '@noble/hashes/sha2.js'

ed.hashes.sha512 = sha512

const enc = new TextEncoder()

export function fromBase64(s: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) throw new Error('not base64')
  const bin = atob(s)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  // Only the canonical spelling: the padding bits must be zero.
  if (toBase64(out) !== s) throw new Error('not canonical base64')
  return out
}

export function toBase64(b: Uint8Array): string {
  let s = ''
  for (const x of b) s += String.fromCharCode(x)
  return btoa(s)
}

export function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/** RFC 6962 leaf hash: SHA-256(0x00 ‖ leaf). */
export function leafHash(leaf: Uint8Array): Uint8Array {
  return sha256(concat(Uint8Array.of(0), leaf))
}

function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concat(Uint8Array.of(1), left, right))
}

export const EMPTY_ROOT = sha256(new Uint8Array(0))

// Tree sizes and indexes stay below 2^53: halve with division, not 32-bit shifts.
const odd = (n: number) => n % 2 === 1
const half = (n: number) => Math.floor(n / 2)
const powerOfTwo = (n: number) => {
  while (n > 1 && !odd(n)) n = half(n)
  return n === 1
}

/** RFC 9162 §2.1.3.2: is `leaf` the leaf at `index` of the tree of `size` with root `root`? */
export function verifyInclusion(leaf: Uint8Array, index: number, size: number, proof: Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false
  if (leaf.length !== 32 || root.length !== 32 || proof.some((p) => p.length !== 32)) return false
  let fn = index
  let sn = size - 1
  let r = leaf
  for (const p of proof) {
    if (sn === 0) return false
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r)
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn)
          sn = half(sn)
        }
      }
    } else {
      r = nodeHash(r, p)
    }
    fn = half(fn)
    sn = half(sn)
  }
  return sn === 0 && equal(r, root)
}

/** RFC 9162 §2.1.4.2: does the tree of `second` leaves extend the tree of `first`? From the
 * empty tree only an empty proof is accepted; equal sizes need equal roots. */
export function verifyConsistency(first: number, second: number, firstRoot: Uint8Array, secondRoot: Uint8Array, proof: Uint8Array[]): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) return false
  if (firstRoot.length !== 32 || secondRoot.length !== 32 || proof.some((p) => p.length !== 32)) return false
  if (first === 0) return proof.length === 0 && equal(firstRoot, EMPTY_ROOT)
  if (first === second) return proof.length === 0 && equal(firstRoot, secondRoot)
  if (proof.length === 0) return false
  let path = proof
  if (powerOfTwo(first)) path = [firstRoot, ...proof]
  let fn = first - 1
  let sn = second - 1
  while (odd(fn)) {
    fn = half(fn)
    sn = half(sn)
  }
  let fr = path[0]
  let sr = path[0]
  for (const c of path.slice(1)) {
    if (sn === 0) return false
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr)
      sr = nodeHash(c, sr)
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn)
          sn = half(sn)
        }
      }
    } else {
      sr = nodeHash(sr, c)
    }
    fn = half(fn)
    sn = half(sn)
  }
  return sn === 0 && equal(fr, firstRoot) && equal(sr, secondRoot)
}

/** A leaf, as `canyu_translog::leaf::Leaf::encode` writes it (format 1). */
export interface Leaf {
  position: bigint
  eventId: string
  version: bigint
  timeMicros: bigint
  stream: string
  eventType: string
  publicSha256: Uint8Array
  sealedSha256: Uint8Array
  chainHash: Uint8Array
}

export function decodeLeaf(b: Uint8Array): Leaf {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  let at = 0
  const need = (n: number) => {
    if (at + n > b.length) throw new Error('the leaf is too short')
  }
  const u64 = () => (need(8), (at += 8), view.getBigUint64(at - 8))
  const i64 = () => (need(8), (at += 8), view.getBigInt64(at - 8))
  const bytes = (n: number) => (need(n), (at += n), b.slice(at - n, at))
  const name = () => {
    need(2)
    const len = view.getUint16(at)
    at += 2
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes(len))
  }
  need(1)
  if (b[at++] !== 1) throw new Error('unknown leaf format')
  const position = u64()
  const id = toHex(bytes(16))
  const eventId = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`
  const version = u64()
  const timeMicros = i64()
  const stream = name()
  const eventType = name()
  const leaf = { position, eventId, version, timeMicros, stream, eventType, publicSha256: bytes(32), sealedSha256: bytes(32), chainHash: bytes(32) }
  if (at !== b.length) throw new Error('trailing bytes after the leaf')
  return leaf
}

/** The stream as a leaf names it (account streams only as `account`). */
export function leafStream(stream: string): string {
  return stream.startsWith('account-') ? 'account' : stream
}

/** Microseconds since the epoch of an RFC 3339 UTC time such as 2026-04-15T08:00:00.123456Z. */
export function micros(time: string): bigint | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(time)
  if (!m) return null
  const ms = Date.parse(`${m[1]}Z`)
  if (Number.isNaN(ms)) return null
  const frac = (m[2] ?? '').padEnd(9, '0').slice(0, 6)
  return BigInt(ms) * 1000n + BigInt(frac)
}

interface VerifierKey {
  name: string
  id: Uint8Array
  type: number
  publicKey: Uint8Array
}

/** Reads a signed-note verifier key `<name>+<hex id>+<base64(type ‖ key)>`. */
export function parseVerifierKey(vkey: string): VerifierKey {
  const parts = vkey.trim().split('+')
  if (parts.length < 3) throw new Error('a verifier key reads <name>+<id>+<key>')
  const [name, hexId] = parts
  const raw = fromBase64(parts.slice(2).join('+'))
  if (!name || /\s/.test(name) || !/^[0-9a-f]{8}$/.test(hexId) || raw.length !== 33) throw new Error('malformed verifier key')
  const id = sha256(concat(enc.encode(`${name}\n`), raw)).slice(0, 4)
  if (toHex(id) !== hexId) throw new Error('the verifier key’s id does not match its key')
  if (raw[0] !== 1 && raw[0] !== 4) throw new Error('unknown key type')
  return { name, id, type: raw[0], publicKey: raw.slice(1) }
}

interface Note {
  text: string
  signatures: { name: string; id: Uint8Array; sig: Uint8Array }[]
}

function parseNote(note: string): Note {
  const split = note.lastIndexOf('\n\n')
  if (split < 0 || !note.endsWith('\n')) throw new Error('not a signed note')
  const text = note.slice(0, split + 1)
  const signatures = note
    .slice(split + 2, -1)
    .split('\n')
    .map((line) => {
      const m = /^— (\S+) (\S+)$/.exec(line)
      if (!m) throw new Error('malformed signature line')
      const raw = fromBase64(m[2])
      if (raw.length < 5) throw new Error('signature too short')
      return { name: m[1], id: raw.slice(0, 4), sig: raw.slice(4) }
    })
  return { text, signatures }
}

function signedBy(note: Note, key: VerifierKey): boolean {
  const msg = enc.encode(note.text)
  return note.signatures.some((s) => {
    if (s.name !== key.name || !equal(s.id, key.id)) return false
    try {
      if (key.type === 1) return s.sig.length === 64 && ed.verify(s.sig, msg, key.publicKey)
      // cosignature/v1: an 8-byte time, then the signature over a header and the checkpoint.
      if (s.sig.length !== 72) return false
      const time = new DataView(s.sig.buffer, s.sig.byteOffset).getBigUint64(0)
      const signed = concat(enc.encode(`cosignature/v1\ntime ${time}\n`), msg)
      return ed.verify(s.sig.slice(8), signed, key.publicKey)
    } catch {
      return false
    }
  })
}

export interface Checkpoint {
  origin: string
  size: number
  root: Uint8Array
  /** Names on the note's other signature lines (witnesses, checked or not). */
  cosigners: string[]
  /** Witnesses whose keys were given and whose cosignatures verified. */
  witnesses: string[]
}

/** Opens a checkpoint: signed by the pinned key, origin equal to the key's name. */
export function openCheckpoint(note: string, vkey: string, witnessKeys: string[] = []): Checkpoint {
  const key = parseVerifierKey(vkey)
  if (key.type !== 1) throw new Error('the log key must be an Ed25519 key')
  const n = parseNote(note)
  if (!signedBy(n, key)) throw new Error(`the checkpoint is not signed by ${key.name}`)
  const lines = n.text.slice(0, -1).split('\n')
  if (lines.length < 3 || lines[0] !== key.name) throw new Error(`the checkpoint's origin is not the pinned ${key.name}`)
  if (!/^(0|[1-9]\d*)$/.test(lines[1])) throw new Error('the checkpoint has no tree size')
  const size = Number(lines[1])
  const root = fromBase64(lines[2])
  if (!Number.isSafeInteger(size) || root.length !== 32) throw new Error('malformed checkpoint')
  const witnesses: string[] = []
  for (const w of witnessKeys) {
    const wk = parseVerifierKey(w)
    if (!signedBy(n, wk)) throw new Error(`the checkpoint is not cosigned by the witness ${wk.name}`)
    witnesses.push(wk.name)
  }
  const cosigners = [...new Set(n.signatures.map((s) => s.name).filter((s) => s !== key.name))]
  return { origin: key.name, size, root, cosigners, witnesses }
}

export interface BundleEntry {
  leafIndex: number
  leaf: string
  inclusionProof: string[]
  event: { position: number; id: string; stream: string; version: number; type: string; time: string; data: string | null }
}

export interface Bundle {
  format: string
  decisionId: string
  checkpoint: string
  entries: BundleEntry[]
  consistency?: { from: number; proof: string[] }[]
}

/** What failed, for the reader's language: `event` is 1-based. */
export type FailureCode = 'format' | 'checkpoint' | 'order' | 'leaf' | 'identity' | 'data' | 'proof'

export type Verification =
  | { ok: true; checkpoint: Checkpoint; events: number; withData: number }
  | { ok: false; failure: string; code: FailureCode; event?: number; checkpoint?: Checkpoint }

/** Verifies a bundle as `canyu record verify` does; names the first thing that fails. */
export function verifyBundle(bundle: Bundle, vkey: string, witnessKeys: string[] = []): Verification {
  if (bundle.format !== 'canyu-record-bundle/v1') return { ok: false, code: 'format', failure: `unknown bundle format ${bundle.format}` }
  let checkpoint: Checkpoint
  try {
    checkpoint = openCheckpoint(bundle.checkpoint, vkey, witnessKeys)
  } catch (e) {
    return { ok: false, code: 'checkpoint', failure: (e as Error).message }
  }
  let withData = 0
  let last = -1
  for (const [i, entry] of bundle.entries.entries()) {
    const at = `event ${i + 1} (leaf ${entry.leafIndex})`
    const fail = (code: FailureCode, why: string): Verification => ({ ok: false, code, event: i + 1, failure: `${at}: ${why}`, checkpoint })
    if (entry.leafIndex <= last) return fail('order', 'leaves are not in increasing order')
    last = entry.leafIndex
    let bytes: Uint8Array
    let leaf: Leaf
    try {
      bytes = fromBase64(entry.leaf)
      leaf = decodeLeaf(bytes)
    } catch (e) {
      return fail('leaf', (e as Error).message)
    }
    const e = entry.event
    const same =
      leaf.position === BigInt(e.position) &&
      leaf.eventId === e.id &&
      leaf.stream === leafStream(e.stream) &&
      leaf.version === BigInt(e.version) &&
      leaf.eventType === e.type &&
      leaf.timeMicros === micros(e.time)
    if (!same) return fail('identity', 'the event’s identity differs from its leaf')
    if (e.data !== null) {
      if (!equal(sha256(enc.encode(e.data)), leaf.publicSha256)) return fail('data', 'the event’s data does not match the leaf’s public hash')
      withData++
    }
    let proof: Uint8Array[]
    try {
      proof = entry.inclusionProof.map(fromBase64)
    } catch {
      return fail('proof', 'the inclusion proof is not base64')
    }
    if (!verifyInclusion(leafHash(bytes), entry.leafIndex, checkpoint.size, proof, checkpoint.root)) {
      return fail('proof', `the inclusion proof does not lead to the checkpoint’s root (tree size ${checkpoint.size})`)
    }
  }
  return { ok: true, checkpoint, events: bundle.entries.length, withData }
}
