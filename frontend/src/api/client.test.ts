import { beforeEach, describe, expect, it, vi } from 'vitest'
import { parse } from 'graphql'
import type { TypedDocumentNode } from '@graphql-typed-document-node/core'

// The socket client is replaced by one that hands the test the sink of each subscription.
const sinks: Array<{ next: (m: unknown) => void; error: (e: unknown) => void }> = []
vi.mock('graphql-ws', () => ({
  createClient: () => ({
    subscribe: (_: unknown, sink: { next: (m: unknown) => void; error: (e: unknown) => void }) => {
      sinks.push(sink)
      return () => {}
    },
    dispose: () => {},
  }),
}))

import { ApiError, subscribe } from './client'

const doc = parse('subscription { decisionHistory(decisionId: "d") { kind } }') as unknown as TypedDocumentNode<
  { decisionHistory: { kind: string } },
  Record<string, never>
>

describe('subscribe', () => {
  beforeEach(() => {
    sinks.length = 0
  })

  it('forwards an `error` message as an ApiError with its code', () => {
    const onError = vi.fn()
    subscribe(doc, {}, () => {}, onError)
    sinks[0].error([{ message: 'too many', extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } }])
    expect(onError).toHaveBeenCalledOnce()
    const e = onError.mock.calls[0][0] as ApiError
    expect(e).toBeInstanceOf(ApiError)
    expect(e.code).toBe('TOO_MANY_SUBSCRIPTIONS')
  })

  it('forwards errors carried by a result, and still delivers its data', () => {
    const onError = vi.fn()
    const onData = vi.fn()
    subscribe(doc, {}, onData, onError)
    sinks[0].next({ data: { decisionHistory: { kind: 'x' } }, errors: [{ message: 'gone', extensions: { code: 'NOT_FOUND' } }] })
    expect((onError.mock.calls[0][0] as ApiError).code).toBe('NOT_FOUND')
    expect(onData).toHaveBeenCalledWith({ decisionHistory: { kind: 'x' } })
  })

  it('passes a close event through unchanged', () => {
    const onError = vi.fn()
    subscribe(doc, {}, () => {}, onError)
    const closed = { code: 4403, reason: 'Forbidden' }
    sinks[0].error(closed)
    expect(onError).toHaveBeenCalledWith(closed)
  })
})
