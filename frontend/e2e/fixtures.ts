import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test'
import { fileURLToPath } from 'node:url'
const __dirname = fileURLToPath(new URL('.', import.meta.url))
import AxeBuilder from '@axe-core/playwright'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

export const PASSWORD = 'canyu-demo-2021'

/** Every test runs against the local server only: any request to another host fails it. */
export const test = base.extend<{ offHost: string[]; cspErrors: string[] }>({
  baseURL: async ({}, use) => {
    await use(process.env.CANYU_URL)
  },
  offHost: async ({ page }, use) => {
    const blocked: string[] = []
    const allowed = new URL(process.env.CANYU_URL!).host
    await page.route('**/*', (route) => {
      const u = new URL(route.request().url())
      if (u.host !== allowed && u.protocol !== 'data:' && u.protocol !== 'blob:') {
        blocked.push(u.toString())
        return route.abort()
      }
      return route.continue()
    })
    page.on('websocket', (ws) => {
      if (new URL(ws.url()).host !== allowed) blocked.push(ws.url())
    })
    await use(blocked)
    expect(blocked, 'requests to other hosts').toEqual([])
  },
  cspErrors: async ({ page }, use) => {
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text())
    })
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
    await use(errors)
  },
  page: async ({ page }, use) => {
    await page.emulateMedia({ reducedMotion: 'reduce' })
    await use(page)
  },
})
export { expect }

export async function gql<T = any>(request: APIRequestContext, query: string, variables: object = {}, token?: string): Promise<T> {
  const res = await request.post('/graphql', {
    data: { query, variables },
    headers: token ? { authorization: `Bearer ${token}` } : {},
  })
  const body = await res.json()
  if (body.errors) throw new Error(JSON.stringify(body.errors))
  return body.data as T
}

export async function login(request: APIRequestContext, username: string): Promise<string> {
  const d = await gql(request, 'mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { username, password: PASSWORD } })
  return d.login.token
}

export async function decisionId(request: APIRequestContext, text: string): Promise<string> {
  const d = await gql(request, 'query($t: String) { decisions(filter: {text: $t}) { edges { node { id } } } }', { t: text })
  return d.decisions.edges[0].node.id
}

/** Signs the browser in by UI. */
export async function uiLogin(page: Page, username: string, password = PASSWORD) {
  await page.goto('/login')
  await page.getByLabel('用户名').fill(username)
  await page.getByLabel('密码').fill(password)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await expect(page).not.toHaveURL(/\/login/)
  await expect(page.getByText(/已登录/)).toBeVisible()
}

export async function axe(page: Page) {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  const summary = r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`)
  expect(summary, `axe violations on ${page.url()}`).toEqual([])
}

export const SHOTS = join(__dirname, '..', 'test-results', 'screenshots')
export async function shoot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })
}
