// The GraphQL community's own checks against the real binary (issue 10, standard clients):
// 1. the `graphql-http` package's server audit (GraphQL over HTTP): any failed MUST fails the
//    run, and so does any failed SHOULD not justified below and in docs/security.md;
// 2. the `graphql-ws` reference client (graphql-transport-ws): a query, a live subscription
//    that delivers a comment submitted over the same socket, a validation error delivered as
//    an `error` message, and a refused token closing the socket with 4403.
// Run by scripts/test.d/70-frontend.sh: `node conformance/run.mjs` (CANYU_BIN names the binary).
import { auditServer } from 'graphql-http'
import { createClient } from 'graphql-ws'
import WebSocket from 'ws'
import { startServer } from './server.mjs'

// SHOULD audits the project does not meet, by id, with the reason (docs/security.md §4).
const JUSTIFIED = {}

const failures = []
const fail = (what) => {
  failures.push(what)
  console.log(`FAIL ${what}`)
}

async function audit(url) {
  const results = await auditServer({ url: `${url}/graphql` })
  const count = { ok: 0, error: 0, warn: 0, notice: 0 }
  for (const r of results) {
    count[r.status] += 1
    if (r.status === 'ok') continue
    const line = `${r.status} ${r.id} ${r.name}: ${r.reason}`
    if (r.status === 'error') fail(`graphql-http ${line}`)
    else if (r.status === 'warn' && !JUSTIFIED[r.id]) fail(`graphql-http ${line}`)
    else console.log(`  ${line}${JUSTIFIED[r.id] ? ` (justified: ${JUSTIFIED[r.id]})` : ''}`)
  }
  console.log(
    `graphql-http audit: ${results.length} audits, ${count.ok} ok, ${count.error} MUST failed, ${count.warn} SHOULD failed, ${count.notice} MAY not taken`,
  )
}

async function post(url, query, variables, token) {
  const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json' }
  if (token) headers.authorization = `Bearer ${token}`
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) })
  const body = await res.json()
  if (body.errors?.length) throw new Error(`${query.slice(0, 40)}: ${JSON.stringify(body.errors)}`)
  return body.data
}

function client(url, token, onClosed) {
  return createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 0,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    on: onClosed ? { closed: onClosed } : {},
  })
}

/** The first result of one operation over the socket, or its errors. */
function once(c, payload) {
  return new Promise((resolve) => {
    let result
    c.subscribe(payload, {
      next: (v) => (result = v),
      error: (e) => resolve({ error: e }),
      complete: () => resolve({ result }),
    })
  })
}

async function websocket(url) {
  const stamp = Date.now().toString(36)
  const { registerAccount } = await post(
    url,
    'mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { token } }',
    { input: { username: `wsclient${stamp}`, password: 'a passphrase for the ws client', displayName: `协议测试${stamp}` } },
  )
  const token = registerAccount.token
  const open = await post(url, '{ decisions(filter: { stage: CONSULTING }, first: 5) { edges { node { id consultations { id status } } } } }')
  const decision = open.decisions.edges.map((e) => e.node).find((d) => d.consultations.some((c) => c.status === 'OPEN'))
  if (!decision) return fail('graphql-ws: the demo has no open consultation')
  const consultation = decision.consultations.find((c) => c.status === 'OPEN')

  const c = client(url, token)
  try {
    const q = await once(c, { query: '{ units { id name } }' })
    if (!Array.isArray(q.result?.data?.units)) fail(`graphql-ws query: ${JSON.stringify(q)}`)
    else console.log(`graphql-ws: query answered (${q.result.data.units.length} units)`)

    const bad = await once(c, { query: '{ noSuchField }' })
    if (!Array.isArray(bad.error) || !bad.error[0]?.message) fail(`graphql-ws: a validation error should arrive as an error message: ${JSON.stringify(bad)}`)
    else console.log(`graphql-ws: validation error delivered as \`error\` (${bad.error[0].extensions?.code})`)

    // A live entry: subscribe, then submit a comment over the same socket.
    const live = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no live history entry within 10 s')), 10_000)
      const stop = c.subscribe(
        { query: 'subscription($d: ID!) { decisionHistory(decisionId: $d) { position kind } }', variables: { d: decision.id } },
        {
          next: (v) => {
            if (v.errors) return reject(new Error(JSON.stringify(v.errors)))
            if (v.data.decisionHistory.kind === 'comment.submitted') {
              clearTimeout(timer)
              stop()
              resolve(v.data.decisionHistory)
            }
          },
          error: (e) => reject(e instanceof Error ? e : new Error(JSON.stringify(e))),
          complete: () => {},
        },
      )
    })
    await new Promise((r) => setTimeout(r, 300))
    const submitted = await once(c, {
      query: 'mutation($input: SubmitCommentInput!) { submitComment(input: $input) { position } }',
      variables: { input: { consultationId: consultation.id, body: `经由协议参考客户端提交的意见 ${stamp}` } },
    })
    if (submitted.error || submitted.result?.errors) fail(`graphql-ws mutation: ${JSON.stringify(submitted)}`)
    const entry = await live.catch((e) => fail(`graphql-ws subscription: ${e.message}`))
    if (entry) console.log(`graphql-ws: subscription delivered ${entry.kind} at ${entry.position}`)
  } finally {
    await c.dispose()
  }

  // A refused token: the server closes with 4403.
  const closed = new Promise((resolve) => {
    const refused = client(url, 'not-a-token', (event) => resolve(event.code))
    refused.subscribe({ query: '{ units { id } }' }, { next() {}, error() {}, complete() {} })
  })
  const code = await Promise.race([closed, new Promise((r) => setTimeout(() => r('timeout'), 5_000))])
  if (code !== 4403) fail(`graphql-ws: a refused token should close with 4403, got ${code}`)
  else console.log('graphql-ws: refused token closed with 4403')
}

const server = await startServer()
try {
  await audit(server.url)
  await websocket(server.url)
} catch (e) {
  fail(`conformance run: ${e.stack ?? e}`)
} finally {
  await server.stop()
}
if (failures.length) {
  console.log(`${failures.length} conformance failure(s)`)
  process.exit(1)
}
console.log('conformance: all held')
