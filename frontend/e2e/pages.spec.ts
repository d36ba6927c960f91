// Accessibility (axe-core, WCAG 2.1 AA) and screenshots of the main pages in zh-CN at 1280 px
// and 360 px; the offline GraphQL IDE; the language switch.
import { test, expect, decisionId, axe, shoot, uiLogin } from './fixtures'

const widths = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 360, height: 780 },
]

for (const w of widths) {
  test(`main pages pass axe and are captured at ${w.width}px`, async ({ page, request, offHost, cspErrors }) => {
    void offHost
    await page.setViewportSize({ width: w.width, height: w.height })
    const parking = await decisionId(request, '停车设施')
    const waste = await decisionId(request, '生活垃圾分类')
    const pages: [string, string, string][] = [
      ['catalogue', '/', '重大行政决策公众参与平台'],
      ['decisions', '/decisions', '决策查询'],
      ['decision', `/decisions/${parking}`, '滕州市城区停车设施规划建设管理办法'],
      ['decision-consulting', `/decisions/${waste}`, '生活垃圾分类'],
      ['history', `/decisions/${parking}/history`, '决策历程'],
      ['asof', `/decisions/${parking}?asOf=2021-04-15T00%3A00%3A00%2B08%3A00`, '停车设施'],
      ['login', '/login', '登录'],
      ['register', '/register', '注册居民账号'],
      ['not-found', '/no/such/page', '页面不存在'],
      ['decision-not-found', '/decisions/01a00000-0000-7000-8000-000000000000', '未找到该决策'],
    ]
    for (const [name, path, heading] of pages) {
      await page.goto(path)
      await expect(page.getByRole('heading', { level: 1 })).toContainText(heading)
      await page.waitForLoadState('networkidle')
      await axe(page)
      await shoot(page, `${name}-${w.width}`)
    }
    await uiLogin(page, 'resident1')
    await page.goto('/me')
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('我的参与')
    await axe(page)
    await shoot(page, `my-${w.width}`)
    await uiLogin(page, 'chengguan')
    await page.goto('/unit')
    await expect(page.getByTestId('dashboard-item').first()).toBeVisible()
    await axe(page)
    await shoot(page, `unit-${w.width}`)
    await page.getByTestId('dashboard-item').first().getByRole('link').first().click()
    await expect(page.getByRole('heading', { level: 1 })).toContainText('管理')
    await page.waitForLoadState('networkidle')
    await axe(page)
    await shoot(page, `manage-${w.width}`)
    // Nothing overflows sideways on a phone.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow).toBeLessThanOrEqual(1)
    await uiLogin(page, 'admin')
    await page.goto('/admin')
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('管理')
    await page.waitForLoadState('networkidle')
    await axe(page)
    await shoot(page, `admin-${w.width}`)
    expect(cspErrors).toEqual([])
  })
}

test('keyboard: skip link and language switch', async ({ page, offHost }) => {
  void offHost
  await page.goto('/')
  await page.keyboard.press('Tab')
  await expect(page.getByRole('link', { name: '跳到主要内容' })).toBeFocused()
  await page.getByRole('button', { name: 'English' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Public participation in major administrative decisions')
  await expect(page.getByRole('heading', { level: 2, name: 'Catalogue of major decisions, 2021' })).toBeVisible()
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')
  await page.getByRole('button', { name: '中文' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toContainText('重大行政决策公众参与平台')
})

test('the GraphQL IDE works offline', async ({ page, offHost }) => {
  void offHost
  await page.goto('/graphiql')
  await expect(page.locator('.graphiql-container')).toBeVisible({ timeout: 20_000 })
  await shoot(page, 'graphiql-1280')
})

test('the built site is served compressed, hashed assets cached for a year', async ({ request }) => {
  const index = await request.get('/', { headers: { 'accept-encoding': 'br, gzip' } })
  expect(index.headers()['content-encoding']).toBe('br')
  expect(index.headers()['cache-control']).toBe('no-cache')
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(await index.text())?.[1]
  expect(script, 'index.html loads a hashed script').toBeTruthy()
  const asset = await request.get(script!, { headers: { 'accept-encoding': 'gzip' } })
  expect(asset.headers()['content-encoding']).toBe('gzip')
  expect(asset.headers()['cache-control']).toBe('public, max-age=31536000, immutable')
})
