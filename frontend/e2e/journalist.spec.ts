// A journalist follows a decided item's history and cites the page as it stood before the result.
import { test, expect, decisionId, gql, login } from './fixtures'

test('history, a past moment with a banner, and a permanent link', async ({ page, request, offHost }) => {
  void offHost
  const parking = await decisionId(request, '停车设施')
  await page.goto(`/decisions/${parking}`)
  await expect(page.getByTestId('document-number')).toHaveText('滕政发〔2021〕8号')
  await page.getByRole('link', { name: '查看完整历程与图表' }).click()
  await expect(page.getByRole('heading', { name: /决策历程/ }).first()).toBeVisible()
  const timeline = page.getByTestId('timeline')
  // 20 entries a page, then the rest (the seeded parking decision has 30).
  await expect(timeline.locator('li')).toHaveCount(20)
  await expect(page.getByText('显示 20 / 30 条')).toBeVisible()
  await page.getByTestId('history-more').click()
  await expect(timeline.locator('li')).toHaveCount(30)
  await expect(page.getByTestId('history-more')).toHaveCount(0)
  await expect(page.getByTestId('chart-per-day').locator('svg')).toBeVisible()
  await expect(page.getByTestId('chart-outcomes').locator('svg')).toBeVisible()

  // Filter by kind (on the server: all pages).
  await page.getByTestId('history-filter').getByLabel('采纳决定').check()
  await expect(timeline.locator('li')).toHaveCount(3)
  await page.getByTestId('history-filter').getByLabel('全部').check()
  await expect(timeline.locator('li')).toHaveCount(20)

  // Pick a moment before the result.
  await page.getByLabel('日期时间（北京时间）').fill('2021-04-15T00:00')
  await page.getByRole('button', { name: '查看', exact: true }).click()
  await expect(page).toHaveURL(/asOf=2021-04-15T00(:|%3A)00(:|%3A)00%2B08(:|%3A)00/)
  await expect(page.getByTestId('asof-banner')).toContainText('2021-04-15 00:00')
  await expect(page.getByTestId('no-result')).toBeVisible()
  await expect(page.getByTestId('document-number')).toHaveCount(0)
  await expect(page.getByTestId('stage')).not.toHaveText('已决策')
  await expect(page.getByText('尚未归纳意见')).toBeVisible()

  // The permanent link opens the same view in a fresh page.
  const link = await page.getByTestId('permalink').getAttribute('href')
  const other = await page.context().newPage()
  await other.goto(link!)
  await expect(other.getByTestId('asof-banner')).toBeVisible()
  await expect(other.getByTestId('no-result')).toBeVisible()
  await other.close()
})

test('the timeline updates live while the page is open', async ({ page, request, offHost }) => {
  void offHost
  const waste = await decisionId(request, '生活垃圾分类')
  await page.goto(`/decisions/${waste}/history`)
  await expect(page.getByTestId('live')).toHaveText('实时更新中')
  const before = await page.getByTestId('timeline').locator('li').count()
  const token = await login(request, 'resident2')
  const d = await gql(request, 'query($id: ID!) { decision(id: $id) { consultations { id status } } }', { id: waste })
  const c = d.decision.consultations.find((x: { status: string }) => x.status === 'OPEN')
  await page.waitForTimeout(500)
  await gql(request, 'mutation($i: SubmitCommentInput!) { submitComment(input: $i) { position } }', { i: { consultationId: c.id, body: '实时更新测试意见' } }, token)
  await expect(page.getByTestId('timeline').locator('li')).toHaveCount(before + 1)
})

test('each history entry has a permanent link, a comment has its own', async ({ page, request, offHost }) => {
  void offHost
  const parking = await decisionId(request, '停车设施')
  await page.goto(`/decisions/${parking}/history`)
  const timeline = page.getByTestId('timeline')
  await expect(timeline.locator('li')).toHaveCount(20)
  // The last entry is on the second page: its link loads the pages up to it and marks it.
  const all = await gql(request, 'query($id: ID!) { decision(id: $id) { history(first: 100) { edges { node { position } } } } }', { id: parking })
  const last = all.decision.history.edges.at(-1).node.position
  await page.goto(`/decisions/${parking}/history#entry-${last}`)
  const entry = page.locator(`#entry-${last}`)
  await expect(entry).toBeVisible()
  await expect(entry).toHaveClass(/is-target/)
  await expect(entry.getByTestId('entry-link')).toHaveAttribute('href', `#entry-${last}`)
  await expect(entry).toBeInViewport()

  // A comment entry links to the comment on the decision page, which has an anchor of its own.
  await page.goto(`/decisions/${parking}/history`)
  await page.getByTestId('history-filter').getByLabel('公众意见').check()
  const link = timeline.getByTestId('entry-comment-link').first()
  const href = await link.getAttribute('href')
  const commentId = /#comment-(.+)$/.exec(href!)![1]
  await link.click()
  await expect(page).toHaveURL(new RegExp(`/decisions/${parking}#comment-${commentId}$`))
  const comment = page.locator(`#comment-${commentId}`)
  await expect(comment).toBeVisible()
  await expect(comment.getByTestId('comment-link')).toHaveAttribute('href', `#comment-${commentId}`)
})

test('the record is verified in the page against the pinned key, and a wrong key fails', async ({ page, request, offHost }) => {
  void offHost
  const parking = await decisionId(request, '停车设施')
  // The download is the bundle itself.
  const bundle = await (await request.get(`/record/${parking}.json`)).json()
  expect(bundle.format).toBe('canyu-record-bundle/v1')
  expect(bundle.entries.length).toBeGreaterThan(20)
  await page.goto(`/decisions/${parking}#verify`)
  const box = page.getByTestId('record-verify')
  await expect(box.getByLabel('日志验证公钥')).toHaveValue(/^canyu\.local\/log\+[0-9a-f]{8}\+/)
  await box.getByTestId('verify-run').click()
  await expect(box.getByTestId('verify-result')).toContainText(`已验证：${bundle.entries.length} 条记录`)
  await expect(box.getByTestId('verify-checkpoint')).toContainText('canyu.local/log')
  await expect(box.getByTestId('verify-witnesses')).toContainText('暂无见证方联署')
  // Another key (valid, but not the log's): the page refuses the checkpoint.
  const key = await box.getByLabel('日志验证公钥').inputValue()
  await box.getByLabel('日志验证公钥').fill(key.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))
  await box.getByTestId('verify-run').click()
  await expect(box.getByTestId('verify-result')).toContainText('验证失败')
})
