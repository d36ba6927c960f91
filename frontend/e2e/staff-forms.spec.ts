// Every admin and staff form through the UI, at 1280 and 360 px: each is disabled while it
// is sent (a double click sends one request), confirms, and empties. Along the way the
// FIRST_COME hearing flow: staff announce it, a resident signs up, withdraws (after a
// confirmation), signs up again, sign-up closes, staff publish the participants and record the
// materials delivered; the public hearing shows them and the group nobody signed up for.
import type { Locator, Page } from '@playwright/test'
import { test, expect, gql, login, uiLogin, axe } from './fixtures'

const STAFF_PASSWORD = 'staff-pass-2021'

/** `YYYY-MM-DDTHH:MM[:SS]` in Beijing time, `ms` from now, for datetime-local inputs. */
function beijing(ms: number, seconds = false): string {
  const s = new Date(Date.now() + ms + 8 * 3600_000).toISOString()
  return seconds ? s.slice(0, 19) : s.slice(0, 16)
}
const DAY = 86_400_000

/** A step's collapsible section on the manage page, opened. */
async function step(page: Page, summary: string): Promise<Locator> {
  const details = page.locator('details.form-section').filter({ has: page.locator('summary', { hasText: summary }) }).first()
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click()
  return details
}

/** Counts the GraphQL requests that run an operation. */
function countOperations(page: Page, name: string): () => number {
  let n = 0
  page.on('request', (r) => {
    if (r.url().endsWith('/graphql') && r.method() === 'POST' && (r.postData() ?? '').includes(name)) n++
  })
  return () => n
}

for (const w of [
  { width: 1280, height: 900 },
  { width: 360, height: 780 },
]) {
  test(`admin and staff forms, and a FIRST_COME hearing, at ${w.width}px`, async ({ page, request, offHost }) => {
    test.setTimeout(240_000)
    void offHost
    await page.setViewportSize(w)
    const tag = `${w.width}-${Date.now().toString(36)}`
    const unitName = `市测试局${tag}`
    const title = `测试事项${tag}`
    const title2 = `待撤回事项${tag}`
    const venue = `听证室${tag}`

    // ---- Admin ----------------------------------------------------------------------------
    await uiLogin(page, 'admin')
    await page.goto('/admin')
    const registerUnits = countOperations(page, 'RegisterUnit')
    await page.getByLabel('单位名称').fill(unitName)
    await page.getByRole('button', { name: '登记单位' }).dblclick()
    await expect(page.getByText(`已登记单位：${unitName}`)).toBeVisible()
    expect(registerUnits()).toBe(1)
    await expect(page.getByLabel('单位名称')).toHaveValue('')

    // A new account becomes staff of the new unit.
    const username = `staff${tag.replace('-', '')}`
    await gql(request, 'mutation($i: RegisterAccountInput!) { registerAccount(input: $i) { account { id } } }', {
      i: { username, password: STAFF_PASSWORD, displayName: `测试局 周科长 ${tag}` },
    })
    const grants = countOperations(page, 'GrantRole')
    // Found by username: an unknown one is named as such, nothing is granted.
    const roles = page.locator('form').filter({ has: page.locator('#gr-account') })
    await roles.getByLabel('用户名').fill(`nobody${tag.replace('-', '')}`)
    await roles.getByRole('button', { name: '授予', exact: true }).click()
    await expect(roles.getByText('没有使用这个用户名的账号')).toBeVisible()
    expect(grants()).toBe(0)
    await roles.getByLabel('用户名').fill(username.toUpperCase())
    await page.getByLabel('角色', { exact: true }).selectOption('UNIT_STAFF')
    await page.locator('#gr-unit').selectOption({ label: unitName })
    await page.getByRole('button', { name: '授予', exact: true }).dblclick()
    await expect(page.getByText(`已授予 测试局 周科长 ${tag} 角色：承办单位工作人员`)).toBeVisible()
    expect(grants()).toBe(1)
    await expect(roles.getByLabel('用户名')).toHaveValue('')

    for (const t of [title, title2]) {
      await page.locator('#rd-unit').selectOption({ label: unitName })
      await page.getByLabel('标题').fill(t)
      await page.getByLabel('摘要').fill('端到端测试登记的事项。')
      await page.getByLabel('增补理由（目录公布后必填）').fill('年度目录公布后新增')
      await page.getByRole('button', { name: '列入目录', exact: true }).click()
      await expect(page.getByText(`已列入目录：${t}`)).toBeVisible()
      await expect(page.getByLabel('标题')).toHaveValue('')
    }
    const year = 2040 + (w.width === 360 ? 1 : 0)
    await page.locator('#pc-year').fill(String(year))
    await page.getByRole('button', { name: `公布 ${year} 年度目录` }).click()
    await expect(page.getByText('目录已公布')).toBeVisible()
    await axe(page)

    // ---- Staff: drafting ------------------------------------------------------------------------
    await uiLogin(page, username, STAFF_PASSWORD)
    await expect(page).toHaveURL(/\/unit$/)
    await page.getByRole('link', { name: title }).click()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`管理：${title}`)
    const manageUrl = page.url()
    const decision = manageUrl.split('/').pop()!

    let s = await step(page, '发布起草背景')
    const backgrounds = countOperations(page, 'PublishBackground')
    await s.getByLabel('起草背景').fill('为规范测试事项，起草本办法。')
    await s.getByRole('button', { name: '提交' }).dblclick()
    await expect(s.getByTestId('form-success')).toHaveText('起草背景已发布。')
    expect(backgrounds()).toBe(1)
    await expect(s.getByLabel('起草背景')).toHaveValue('')

    s = await step(page, '发布新稿本')
    await s.getByLabel('草案正文（每个非空行为一条）').fill('第一条 为规范测试事项，制定本办法。\n第二条 本办法自公布之日起施行。')
    await s.getByLabel('起草说明').fill('起草说明。')
    await s.getByRole('button', { name: '提交' }).click()
    await expect(s.getByTestId('form-success')).toHaveText('新稿本已发布。')
    await expect(s.getByLabel('草案正文（每个非空行为一条）')).toHaveValue('')

    s = await step(page, '开始征求意见')
    await s.getByLabel('开始时间').fill(beijing(-60_000))
    await s.getByLabel('结束时间').fill(beijing(10 * DAY))
    await s.getByLabel('缩短期限的理由').fill('测试事项时间紧迫')
    await s.getByLabel('提交方式').fill('本平台在线提交')
    await s.getByRole('button', { name: '提交' }).click()
    await expect(s.getByTestId('form-success').first()).toHaveText('征求意见已发布。')
    await expect(s.getByLabel('开始时间')).toHaveValue('')

    s = await step(page, '记录线下参与活动')
    await s.getByLabel(/^时间/).fill(beijing(-DAY))
    await s.getByLabel('参加人数').fill('12')
    await s.getByLabel('摘要').fill('召开座谈会，听取居民代表意见。')
    await s.getByRole('button', { name: '提交' }).click()
    await expect(s.getByTestId('form-success')).toHaveText('线下参与活动已记录。')
    await expect(s.getByLabel('摘要')).toHaveValue('')

    // ---- A FIRST_COME hearing ---------------------------------------------------------------------
    const signupCloses = Date.now() + 75_000
    s = await step(page, '公告听证会')
    await s.getByLabel('举行时间').fill(beijing(9 * DAY))
    await s.getByLabel('报名截止时间').fill(beijing(signupCloses - Date.now(), true))
    await s.getByLabel('名额').fill('5')
    await s.getByLabel('地点').fill(venue)
    await s.getByLabel('遴选方式').selectOption('FIRST_COME')
    await s.getByLabel('遴选规则').fill('按报名先后确定参加人。')
    await s.getByLabel('利害关系人类别（每行一个）').fill('城区居民\n企业代表')
    await s.getByRole('button', { name: '提交' }).click()
    await expect(s.getByTestId('form-success')).toHaveText('听证会已公告。')
    await expect(s.getByLabel('地点')).toHaveValue('')

    // Residents comment (through the API) and one signs up through the page.
    const d = await gql(request, 'query($id: ID!) { decision(id: $id) { consultations { id status } } }', { id: decision })
    const consultationId = d.decision.consultations[0].id
    const r2 = await login(request, 'resident2')
    const comment = (body: string) =>
      gql(request, 'mutation($i: SubmitCommentInput!) { submitComment(input: $i) { comment { id } } }', { i: { consultationId, body } }, r2)
    const hiddenBody = `广告内容${tag}`
    const keptBody = `建议明确施行日期${tag}`
    await comment(hiddenBody)
    await comment(keptBody)

    await uiLogin(page, 'resident1')
    await page.goto(`/decisions/${decision}`)
    const hearing = page.getByTestId('hearing').filter({ hasText: venue })
    await hearing.getByLabel('真实姓名').fill('张测试')
    await hearing.getByLabel('联系电话').fill('13800000009')
    await hearing.getByRole('button', { name: '提交报名' }).click()
    await expect(hearing.getByTestId('my-signup')).toContainText('已入选')
    // Withdrawing asks first: cancelling keeps the sign-up.
    await hearing.getByRole('button', { name: '撤回报名' }).click()
    const dialog = page.getByRole('dialog', { name: '确定要撤回听证会报名吗？' })
    await expect(dialog).toBeVisible()
    await expect(dialog.getByRole('button', { name: '取消' })).toBeFocused()
    await axe(page)
    await dialog.getByRole('button', { name: '取消' }).click()
    await expect(dialog).toBeHidden()
    await expect(hearing.getByTestId('my-signup')).toContainText('已入选')
    await hearing.getByRole('button', { name: '撤回报名' }).click()
    await dialog.getByRole('button', { name: '确定撤回' }).click()
    await expect(hearing.getByTestId('form-success')).toHaveText('您的报名已撤回。')
    // Sign-up is still open: the resident may sign up again.
    await expect(hearing.getByRole('heading', { name: '重新报名' })).toBeVisible()
    await hearing.getByLabel('真实姓名').fill('张测试')
    await hearing.getByLabel('联系电话').fill('13800000009')
    await hearing.getByRole('button', { name: '提交报名' }).click()
    await expect(hearing.getByTestId('my-signup')).toContainText('已入选')

    // ---- Staff: after the sign-up deadline ------------------------------------------------------
    await uiLogin(page, username, STAFF_PASSWORD)
    await page.goto(manageUrl)
    const ops = page.locator('details.form-section').filter({ hasText: '听证会操作' }).first()
    await expect(ops.getByTestId('roster')).toContainText('张测试')
    const wait = signupCloses - Date.now() + 1_500
    if (wait > 0) await page.waitForTimeout(wait)
    await page.reload()
    const opsAfter = page.locator('details.form-section').filter({ hasText: '听证会操作' }).first()
    await opsAfter.getByRole('button', { name: '公布参加人名单' }).click()
    await expect(opsAfter.getByTestId('form-success')).toHaveText('参加人名单已公布。')
    const hearingsPublic = await gql(request, 'query($id: ID!) { decision(id: $id) { hearings { venue status participants { displayName stakeholderGroup } } } }', { id: decision })
    const published = hearingsPublic.decision.hearings.find((h: { venue: string }) => h.venue === venue)
    expect(published.status).toBe('PARTICIPANTS_PUBLISHED')
    expect(published.participants).toEqual([{ displayName: '荆河街道居民', stakeholderGroup: '城区居民' }])
    // The materials go to the participants (Art. 17), recorded with the time they were sent.
    await opsAfter.getByLabel('送达的听证材料').fill(`征求意见稿及起草说明${tag}`)
    await opsAfter.getByLabel('送达时间').fill(beijing(-60_000))
    await opsAfter.getByRole('button', { name: '记录材料送达' }).click()
    await expect(opsAfter.getByTestId('form-success')).toHaveText('听证材料送达已记录。')
    await expect(opsAfter.getByLabel('送达的听证材料')).toHaveValue('')
    await page.goto(`/decisions/${decision}`)
    const publicHearing = page.getByTestId('hearing').filter({ hasText: venue })
    await expect(publicHearing.getByTestId('hearing-materials')).toContainText(`征求意见稿及起草说明${tag}`)
    await expect(publicHearing.getByTestId('hearing-groups')).toContainText('企业代表：无人报名')
    await page.goto(manageUrl)

    // ---- Staff: comments, opinions, adoption ----------------------------------------------------
    s = await step(page, '隐藏')
    await s.getByLabel(/公众意见/).selectOption({ label: hiddenBody })
    await s.getByLabel('隐藏理由').fill('含广告内容')
    await s.getByRole('button', { name: '隐藏' }).click()
    await expect(s.getByTestId('form-success')).toHaveText('该意见已隐藏。')
    await expect(s.getByLabel('隐藏理由')).toHaveValue('')

    const grouping = page.getByTestId('group-form')
    await grouping.getByTestId('group-comment').filter({ hasText: keptBody }).getByRole('checkbox').check()
    await grouping.getByLabel('意见概括').fill(`明确施行日期${tag}`)
    await grouping.getByRole('button', { name: '归纳为一条意见' }).click()
    await expect(grouping.getByTestId('form-success')).toHaveText('已归纳为一条意见。')
    await expect(grouping.getByLabel('意见概括')).toHaveValue('')
    // Adoption waits for the consultation to close.
    await expect(page.getByTestId('adoption-after-close')).toContainText(`明确施行日期${tag}`)

    s = await step(page, '开始征求意见')
    await s.getByLabel('提前结束的理由').fill('意见已充分收集')
    await s.getByRole('button', { name: '结束征求意见' }).click()
    await expect(s.getByTestId('form-success').filter({ hasText: '征求意见已结束。' })).toBeVisible()

    const adoption = page.getByTestId('adoption-form').filter({ hasText: `明确施行日期${tag}` })
    await adoption.getByLabel('结果').selectOption('NOT_ADOPTED')
    await adoption.getByRole('button', { name: '发布采纳决定' }).click()
    await expect(adoption.getByText('不予采纳或部分采纳时必须说明理由')).toBeVisible()
    await adoption.getByLabel(/理由/).fill('施行日期由正式文件另行确定。')
    await adoption.getByRole('button', { name: '发布采纳决定' }).click()
    await expect(page.locator('[data-step=adoption]').getByTestId('form-success')).toHaveText('采纳决定已发布。')

    s = await step(page, '公布意见采纳情况')
    await s.getByLabel('摘要').fill('共收到意见 2 条，归纳 1 条，不予采纳 1 条。')
    await s.getByRole('button', { name: '提交' }).click()
    await expect(s.getByTestId('form-success')).toHaveText('意见采纳情况已公布。')

    s = await step(page, '记录会议审议')
    await s.getByLabel(/^时间/).fill(beijing(-3_600_000))
    await s.getByLabel('摘要').fill('政府常务会议审议通过。')
    await s.getByRole('button', { name: '提交' }).click()
    await expect(s.getByTestId('form-success')).toHaveText('会议审议已记录。')

    s = await step(page, '公布决策结果及政策解读')
    await s.getByLabel('文号').fill(`测政发〔2021〕${w.width}号`)
    await s.getByLabel('施行日期').fill(beijing(30 * DAY))
    await s.getByLabel('决策文本').fill('第一条 为规范测试事项，制定本办法。')
    await s.getByLabel('政策解读').fill('本办法规范测试事项。')
    await s.getByRole('button', { name: '提交' }).click()
    await expect(s.getByTestId('form-success')).toHaveText('决策结果已公布。')
    await expect(page.getByTestId('manage-finished')).toContainText('已决策')
    await axe(page)

    await page.goto(`/decisions/${decision}`)
    await expect(page.getByTestId('document-number')).toHaveText(`测政发〔2021〕${w.width}号`)
    await expect(page.getByTestId('comment').filter({ hasText: '该意见已隐藏' })).toBeVisible()

    // ---- Staff: the other decision — no deliberation before participation or an exemption ------
    await page.goto('/unit')
    await page.getByRole('link', { name: title2 }).click()
    await page.waitForURL(/\/unit\/decisions\//)
    const manage2 = page.url()
    s = await step(page, '记录免于公众参与的依据')
    await expect(page.locator('[data-step=withdraw]')).toHaveCount(1)
    await expect(page.locator('[data-step=deliberation]')).toHaveCount(0)
    await s.getByLabel('法定依据').fill(`依据上级统一部署执行，市级无裁量空间${tag}`)
    await s.getByRole('button', { name: '记录并公开' }).dblclick()
    await expect(s.getByTestId('form-success')).toHaveText('免于公众参与的依据已记录并公开。')
    await expect(s.getByTestId('recorded-exemption')).toHaveText(`依据上级统一部署执行，市级无裁量空间${tag}`)
    await expect(page.locator('[data-step=deliberation]')).toHaveCount(1)
    await page.goto(manage2.replace('/unit/decisions/', '/decisions/'))
    await expect(page.getByTestId('exemption')).toHaveText(`依据上级统一部署执行，市级无裁量空间${tag}`)

    // ---- Staff: withdrawing the other decision asks first ---------------------------------------
    await page.goto(manage2)
    s = await step(page, '撤回决策')
    await s.getByLabel('撤回理由').fill('上位法调整，暂缓推进。')
    await s.getByRole('button', { name: '撤回决策' }).click()
    const confirm = page.getByRole('dialog', { name: '确定要撤回该决策吗？' })
    await expect(confirm).toBeVisible()
    await confirm.getByRole('button', { name: '确定撤回决策' }).click()
    await expect(s.getByTestId('form-success')).toHaveText('决策已撤回。')
    await expect(page.getByTestId('manage-finished')).toContainText('已撤回')
  })
}
