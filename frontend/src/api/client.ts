// A small typed GraphQL client: POST for queries and mutations, graphql-ws for
// subscriptions. Errors keep `extensions.code`, `field` and `reason` so forms can show them
// next to the field they concern.
import { print } from 'graphql'
import type { TypedDocumentNode } from '@graphql-typed-document-node/core'
import { createClient, type Client } from 'graphql-ws'
import { auth } from '../auth'
import { i18n } from '../i18n'

export interface GqlError {
  message: string
  extensions?: { code?: string; field?: string; reason?: string; earliestCloseAt?: string; overlapsUntil?: string; retryAfter?: number }
}

export class ApiError extends Error {
  constructor(public readonly errors: GqlError[]) {
    super(errors.map((e) => e.message).join('; '))
  }
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code
  }
}

export function endpoint(): string {
  return '/graphql'
}

export async function request<R, V>(doc: TypedDocumentNode<R, V>, variables?: V): Promise<R> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (auth.token.value) headers.authorization = `Bearer ${auth.token.value}`
  // Texts the server renders (history summaries) follow the page's language, not the browser's.
  headers['accept-language'] = i18n.global.locale.value
  let res: Response
  try {
    res = await fetch(endpoint(), {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: print(doc), variables: variables ?? {} }),
    })
  } catch {
    throw new ApiError([{ message: 'network error', extensions: { code: 'NETWORK' } }])
  }
  let body: { data?: R; errors?: GqlError[] }
  try {
    body = await res.json()
  } catch {
    throw new ApiError([{ message: `HTTP ${res.status}`, extensions: { code: statusCode(res.status) } }])
  }
  if (!res.ok && !body.errors?.length) {
    throw new ApiError([{ message: `HTTP ${res.status}`, extensions: { code: statusCode(res.status) } }])
  }
  if (body.errors?.length) {
    if (body.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED') && auth.token.value) {
      auth.signOut()
    }
    throw new ApiError(body.errors)
  }
  return body.data as R
}

/** The error code for an HTTP failure that carries no GraphQL error (a proxy's page, say). */
function statusCode(status: number): string {
  if (status === 429) return 'RATE_LIMITED'
  if (status === 413) return 'REQUEST_TOO_LARGE'
  if (status >= 500 || status === 0) return 'UNAVAILABLE'
  return 'UNKNOWN'
}

let wsClient: Client | null = null
let wsToken: string | null = null

function ws(): Client {
  if (wsClient && wsToken === auth.token.value) return wsClient
  wsClient?.dispose()
  wsToken = auth.token.value
  const url = new URL(endpoint(), window.location.href)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  const token = wsToken
  wsClient = createClient({
    url: url.toString(),
    lazy: true,
    retryAttempts: 5,
    connectionParams: () => ({
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      acceptLanguage: i18n.global.locale.value,
    }),
  })
  return wsClient
}

/**
 * Subscribes; returns the function that unsubscribes. Errors reach `onError` as an
 * `ApiError` with their codes, whether the server refused the operation (an `error`
 * message) or a result carried them (`next` with `errors`); a closed socket passes its
 * close event.
 */
export function subscribe<R, V extends Record<string, unknown>>(
  doc: TypedDocumentNode<R, V>,
  variables: V,
  onData: (data: R) => void,
  onError?: (e: unknown) => void,
): () => void {
  return ws().subscribe<R>(
    { query: print(doc), variables },
    {
      next: (msg) => {
        if (msg.errors?.length) onError?.(new ApiError(msg.errors as unknown as GqlError[]))
        if (msg.data) onData(msg.data as R)
      },
      error: (e) => onError?.(Array.isArray(e) ? new ApiError(e as GqlError[]) : e),
      complete: () => {},
    },
  )
}
