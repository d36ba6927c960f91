// Titles, focus, not-found pages, errors in the reader's language, the landing page and the
// layout at 360 and 1280 px.
import { test, expect, decisionId, uiLogin } from './fixtures'

const latin = /[A-Za-z]{3,}/

test('every route has its own title and focus moves to the new page’s heading', async ({ page, request, offHost }) => {
  void offHost
  const parking = await decisionId(request, '停车设施')
  await page.goto('/')
  await expect(page).toHaveTitle('首页 · 参与')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('重大行政决策公众参与平台')

  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '决策查询' }).click()
  await expect(page).toHaveTitle('决策查询 · 参与')
  await expect(page.getByRole('heading', { level: 1, name: '决策查询' })).toBeFocused()

  await page.getByRole('link', { name: '滕州市城区停车设施规划建设管理办法' }).click()
  await expect(page).toHaveTitle('滕州市城区停车设施规划建设管理办法 · 参与')
  await expect(page.getByRole('heading', { level: 1, name: '滕州市城区停车设施规划建设管理办法' })).toBeFocused()

  await page.getByRole('link', { name: '查看完整历程与图表' }).click()
  await expect(page).toHaveTitle('决策历程：滕州市城区停车设施规划建设管理办法 · 参与')
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused()

  for (const [path, title] of [
    ['/login', '登录 · 参与'],
    ['/register', '注册 · 参与'],
    ['/me', '我的参与 · 参与'],
    ['/unit', '单位工作台 · 参与'],
    ['/admin', '管理 · 参与'],
    ['/nowhere', '页面不存在 · 参与'],
  ]) {
    await page.goto(path)
    await expect(page).toHaveTitle(title)
  }

  // English titles follow the language.
  await page.goto(`/decisions/${parking}/history`)
  await page.getByRole('button', { name: 'English' }).click()
  await expect(page).toHaveTitle('History: 滕州市城区停车设施规划建设管理办法 · Canyu')
  await page.goto('/decisions')
  await expect(page).toHaveTitle('Decisions · Canyu')
  await page.getByRole('button', { name: '中文' }).click()
})

test('unknown routes and unknown ids show the not-found page', async ({ page, offHost }) => {
  void offHost
  await page.goto('/no/such/page')
  await expect(page.getByTestId('not-found')).toBeVisible()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('页面不存在')
  const missing = '01a00000-0000-7000-8000-000000000000'
  for (const path of [`/decisions/${missing}`, `/decisions/${missing}/history`, `/decisions/not-an-id`]) {
    await page.goto(path)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('未找到该决策')
    await expect(page).toHaveTitle('未找到该决策 · 参与')
  }
  await uiLogin(page, 'chengguan')
  await page.goto(`/unit/decisions/${missing}`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('未找到该决策')
  await page.getByRole('link', { name: '返回首页' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused()
})

test('no raw English or technical error reaches the Chinese UI', async ({ page, request, offHost }) => {
  void offHost
  const parking = await decisionId(request, '停车设施')
  // A mistyped moment in a link (the API answers `Failed to parse "DateTime"`).
  await page.goto(`/decisions/${parking}?asOf=garbage`)
  const alert = page.getByRole('alert')
  await expect(alert).toContainText('链接中的日期时间无效')
  expect(await alert.innerText()).not.toMatch(latin)

  // HTTP 500 with a proxy's page, and a network failure.
  await page.route('**/graphql', (route) => route.fulfill({ status: 500, contentType: 'text/html', body: '<h1>500 Internal Server Error</h1>' }))
  await page.goto('/decisions')
  await expect(page.getByRole('alert')).toContainText('服务暂时不可用，请稍后再试')
  expect(await page.getByRole('alert').innerText()).not.toMatch(latin)
  await page.unroute('**/graphql')
  await page.route('**/graphql', (route) => route.abort('failed'))
  await page.goto(`/decisions/${parking}`)
  await expect(page.getByRole('alert')).toContainText('网络连接失败，请检查网络后重试')
  expect(await page.getByRole('alert').innerText()).not.toMatch(latin)
  await page.unroute('**/graphql')

  // A page that needs a sign-in says so in Chinese (the API says `sign in first`).
  await page.goto(`/unit/decisions/${parking}`)
  await expect(page.getByTestId('manage-refused')).toContainText('请先以承办单位工作人员身份登录')
  // Staff of another unit are told who may manage it.
  await uiLogin(page, 'chengguan')
  await page.goto(`/unit/decisions/${parking}`)
  await expect(page.getByTestId('manage-refused')).toHaveText('只有该决策承办单位的工作人员和政务公开办可以管理此决策。')
  await expect(page.locator('form')).toHaveCount(0)
  expect(await page.locator('main').innerText()).not.toMatch(/sign in|forbidden|unauth/i)
})

test('the landing page says what the site is and lists what is open now', async ({ page, offHost }) => {
  void offHost
  await page.goto('/')
  await expect(page.getByTestId('intro')).toContainText('公开本市重大行政决策')
  const open = page.getByTestId('open-now')
  await expect(open.getByRole('heading', { name: '正在征求意见' })).toBeVisible()
  const item = open.getByTestId('open-item').filter({ hasText: '生活垃圾分类' })
  await expect(item).toBeVisible()
  await expect(item.getByTestId('open-closes')).toHaveText(/^截止日期：\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/)
  // The seeded consultation runs 30 days from the seed.
  await expect(item.getByTestId('open-days-left')).toHaveText(/^剩余 (29|30) 天$/)
  await expect(item.getByTestId('open-comments')).toHaveText(/^已收到 \d+ 条意见$/)
  await item.getByRole('link', { name: '阅读草案并发表意见' }).click()
  await expect(page.getByTestId('decision')).toBeVisible()
})

test('layout: the decision first on a phone, the as-of picker in its column, the language switch on one line', async ({ page, request, offHost }) => {
  void offHost
  const parking = await decisionId(request, '停车设施')
  await page.setViewportSize({ width: 360, height: 780 })
  await page.goto(`/decisions/${parking}`)
  const overview = page.locator('#overview')
  const toc = page.getByRole('navigation', { name: '本页目录' })
  await expect(overview).toBeVisible()
  const o = (await overview.boundingBox())!
  const c = (await toc.boundingBox())!
  expect(o.y).toBeLessThan(c.y)
  // The summary is on the first screen.
  await expect(overview.getByText('规范城区停车设施规划、建设和管理')).toBeInViewport()

  for (const name of ['English', '中文']) {
    const lang = page.getByRole('button', { name })
    const box = (await lang.boundingBox())!
    const lineHeight = await lang.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight))
    // One line of text, inside the viewport.
    expect(box.height).toBeLessThan(lineHeight * 2 + 14)
    expect(box.x + box.width).toBeLessThanOrEqual(360)
    await lang.click()
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(1)

  await page.setViewportSize({ width: 1280, height: 900 })
  await page.goto(`/decisions/${parking}`)
  const nav = (await toc.boundingBox())!
  for (const el of [page.getByLabel('日期时间（北京时间）'), page.getByRole('button', { name: '查看', exact: true })]) {
    const b = (await el.boundingBox())!
    expect(b.x).toBeGreaterThanOrEqual(nav.x)
    expect(b.x + b.width).toBeLessThanOrEqual(nav.x + nav.width + 0.5)
  }
  // On a wide screen the contents stay beside the decision.
  const wide = (await overview.boundingBox())!
  expect(nav.x + nav.width).toBeLessThanOrEqual(wide.x)
})
