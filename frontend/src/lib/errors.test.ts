/// <reference types="node" />
// No server text reaches the reader: every code and reason the API can send has a message in
// both languages, and network and HTTP failures have theirs. The codes are read from the Rust
// sources (read only), so a new one without a message fails here.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { createI18n } from 'vue-i18n'
import { ApiError, request } from '../api/client'
import { UnitsQuery } from '../api/operations'
import { errorMessage, toFormErrors } from './errors'
import zh from '../i18n/zh-CN'
import en from '../i18n/en'

const repo = resolve(import.meta.dirname, '..', '..', '..')
const read = (path: string) => readFileSync(resolve(repo, path), 'utf8')

function upperSnake(name: string): string {
  return name.replace(/(?<!^)([A-Z])/g, '_$1').toUpperCase()
}

/** `DomainError::reason()` of every variant: the upper snake case of its name. */
function domainReasons(): string[] {
  const src = read('services/domain/src/error.rs')
  const body = src.slice(src.indexOf('pub enum DomainError'), src.indexOf('\nimpl DomainError'))
  const variants = [...body.matchAll(/^ {4}([A-Z][A-Za-z]+)\b/gm)].map((m) => m[1])
  return variants.filter((v) => v !== 'Invalid').map(upperSnake)
}

/** Every `extensions.code` the gateway sets. */
function gatewayCodes(): string[] {
  const sources = ['services/gateway/src/error.rs', 'services/gateway/src/server.rs', 'services/gateway/src/server/limits.rs'].map(read).join('\n')
  const codes = new Set<string>()
  for (const m of sources.matchAll(/(?:=> \(|^\s*\(|refused\(|\berr\(|=> Some\(|ext\.set\("code", )"([A-Z][A-Z_]{3,})"/gm)) codes.add(m[1])
  return [...codes]
}

function i18nFor(locale: 'zh-CN' | 'en') {
  const i18n = createI18n({ legacy: false, locale, messages: { 'zh-CN': zh, en } })
  const g = i18n.global
  return { t: (k: string, n?: Record<string, unknown>) => (n ? g.t(k, n) : g.t(k)), te: (k: string) => g.te(k, locale) }
}

const latin = /[A-Za-z]{3,}/

describe('error messages', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('has a message in both languages for every reason and code the API sends', () => {
    const reasons = [...domainReasons(), 'IDEMPOTENCY_KEY_REUSED']
    expect(reasons.length).toBeGreaterThan(50)
    const codes = [...gatewayCodes(), 'NETWORK', 'UNKNOWN']
    expect(codes).toEqual(expect.arrayContaining(['VALIDATION', 'REJECTED', 'UNAVAILABLE', 'INTERNAL', 'RATE_LIMITED', 'TOO_MANY_OPERATIONS']))
    for (const locale of ['zh-CN', 'en'] as const) {
      const { te } = i18nFor(locale)
      expect(reasons.filter((r) => !te(`errors.reason.${r}`)), `reasons without a ${locale} message`).toEqual([])
      expect(codes.filter((c) => !te(`errors.code.${c}`)), `codes without a ${locale} message`).toEqual([])
    }
  })

  it('says in Chinese what went wrong, never the server’s English', () => {
    const { t, te } = i18nFor('zh-CN')
    const cases: [unknown, string][] = [
      [new ApiError([{ message: 'Failed to parse "DateTime": input contains invalid characters', extensions: { code: 'VALIDATION' } }]), '输入有误，请检查'],
      [new ApiError([{ message: 'network error', extensions: { code: 'NETWORK' } }]), '网络连接失败，请检查网络后重试'],
      [new ApiError([{ message: 'HTTP 500', extensions: { code: 'UNAVAILABLE' } }]), '服务暂时不可用，请稍后再试'],
      [new ApiError([{ message: 'sign in first', extensions: { code: 'UNAUTHENTICATED' } }]), '请先登录'],
      [new ApiError([{ message: 'something new', extensions: { code: 'SOMETHING_NEW' } }]), '出现错误，请稍后再试'],
      [new ApiError([{ message: 'no code at all' }]), '出现错误，请稍后再试'],
      [new TypeError('Failed to fetch'), '出现错误，请稍后再试'],
      [new ApiError([{ message: 'accountId: not a valid id', extensions: { code: 'VALIDATION', field: 'accountId' } }]), '账号 ID：此项填写有误'],
      [new ApiError([{ message: 'someField: bad', extensions: { code: 'VALIDATION', field: 'someField' } }]), '此项填写有误'],
      [new ApiError([{ message: 'too many requests', extensions: { code: 'RATE_LIMITED', retryAfter: 3 } }]), '操作过于频繁，请稍候再试，请 3 秒后再试'],
    ]
    for (const [e, want] of cases) {
      const got = errorMessage(e, t, te)
      expect(got).toBe(want)
      expect(got).not.toMatch(latin)
    }
  })

  it('tells when a consultation may close, in Beijing time', () => {
    const { t, te } = i18nFor('zh-CN')
    const e = new ApiError([
      { message: 'an online consultation ... may close from 2021-04-09T16:00:00+00:00', extensions: { code: 'REJECTED', reason: 'EARLY_CLOSE_BEFORE_MINIMUM_PERIOD', earliestCloseAt: '2021-04-09T16:00:00+00:00' } },
    ])
    expect(toFormErrors(e, t, te).general).toEqual(['发布时未说明缩短理由的网上征求意见不少于 30 日，尚不能结束：最早可于 2021-04-10 00:00（北京时间）结束'])
  })

  it('turns network failures and HTTP errors without a GraphQL answer into codes', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')))
    await expect(request(UnitsQuery)).rejects.toMatchObject({ code: 'NETWORK' })
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(new Response('<html>502 Bad Gateway</html>', { status: 502 })))
    await expect(request(UnitsQuery)).rejects.toMatchObject({ code: 'UNAVAILABLE' })
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(new Response('{}', { status: 500, headers: { 'content-type': 'application/json' } })))
    await expect(request(UnitsQuery)).rejects.toMatchObject({ code: 'UNAVAILABLE' })
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(new Response('slow down', { status: 429 })))
    await expect(request(UnitsQuery)).rejects.toMatchObject({ code: 'RATE_LIMITED' })
  })

  it('keeps the Chinese texts Chinese', () => {
    const strings: [string, string][] = []
    const walk = (o: unknown, path: string) => {
      if (typeof o === 'string') strings.push([path, o])
      else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) walk(v, path ? `${path}.${k}` : k)
    }
    walk(zh, '')
    // Names that stay Latin on purpose: the language switch and the API's name.
    const allowed = new Set(['app.switchTo', 'app.footer'])
    expect(strings.filter(([path, s]) => !allowed.has(path) && latin.test(s.replace(/\{\w+\}/g, ''))).map(([path]) => path)).toEqual([])
  })
})
