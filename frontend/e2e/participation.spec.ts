// The story, in order: a resident registers, comments on a clause and signs up for a
// hearing; staff group the comment into an opinion, whose adoption waits for the consultation
// to close; the resident sees it grouped; a hostile comment shows as text. (The adoption with
// a rationale is in staff-forms.spec.ts, on a consultation that closes.)
import { test, expect, decisionId, uiLogin } from './fixtures'

const user = `e2e${Date.now().toString(36)}`
const password = 'resident-pass-2021'
const commentText = '建议在每个小区出入口增设分类督导员，并公布督导时间。'
const xss = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'

test.describe.serial('resident and unit staff', () => {
  test('a resident registers, comments on a clause and signs up for a hearing', async ({ page, request, offHost, cspErrors }) => {
    void offHost
    const waste = await decisionId(request, '生活垃圾分类')
    await page.goto('/register')
    await page.getByLabel('用户名').fill(user)
    await page.getByLabel('显示名称').fill('测试居民')
    await page.getByLabel('密码').fill('short')
    await page.getByRole('button', { name: '注册' }).click()
    // The API's validation error appears next to the password field, in Chinese.
    await expect(page.locator('#reg-password-err')).toContainText('密码须为 8 至 128 个字符')
    await page.getByLabel('密码').fill(password)
    await page.getByRole('button', { name: '注册' }).click()
    await expect(page).toHaveURL(/\/me$/)

    await page.goto(`/decisions/${waste}`)
    await page.getByRole('button', { name: '对第 2 条提意见' }).click()
    await expect(page.getByLabel('意见针对')).toHaveValue(/.+/)
    await page.getByLabel('意见内容').fill(commentText)
    await page.getByRole('button', { name: '提交意见' }).click()
    await expect(page.getByText('意见已提交')).toBeVisible()
    await expect(page.getByTestId('comment').filter({ hasText: commentText })).toContainText('针对第 2 条')

    // Hostile input is shown literally and runs nothing.
    await page.getByLabel('意见针对').selectOption('')
    await page.getByLabel('意见内容').fill(xss)
    await page.getByRole('button', { name: '提交意见' }).click()
    await expect(page.getByTestId('comment').filter({ hasText: '<script>window.__xss=1</script>' })).toBeVisible()
    await page.reload()
    await expect(page.getByTestId('comment').filter({ hasText: 'onerror="window.__xss=2"' })).toBeVisible()
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()
    expect(await page.locator('[data-testid=comment] img').count()).toBe(0)

    // The heating hearing is a lottery: the sign-up awaits the draw.
    const heating = await decisionId(request, '集中供热')
    await page.goto(`/decisions/${heating}`)
    const hearing = page.getByTestId('hearing').first()
    await hearing.getByLabel('真实姓名').fill('张三')
    await hearing.getByLabel('联系电话').fill('12')
    await hearing.getByRole('button', { name: '提交报名' }).click()
    await expect(hearing.getByText('请输入 7 至 12 位数字的电话号码')).toBeVisible()
    await hearing.getByLabel('联系电话').fill('13800000000')
    await hearing.getByRole('button', { name: '提交报名' }).click()
    await expect(hearing.getByTestId('my-signup')).toContainText('等待抽签')
    expect(cspErrors).toEqual([])
  })

  test('unit staff group the comment; its adoption waits for the consultation to close', async ({ page, request, offHost }) => {
    void offHost
    const waste = await decisionId(request, '生活垃圾分类')
    await uiLogin(page, 'chengguan')
    await expect(page).toHaveURL(/\/unit$/)
    await page.getByRole('link', { name: /生活垃圾分类/ }).first().click()
    await expect(page).toHaveURL(new RegExp(`/unit/decisions/${waste}`))
    await page.getByTestId('group-comment').filter({ hasText: commentText }).getByRole('checkbox').check()
    await page.getByLabel('意见概括').fill('增设小区分类督导员')
    await page.getByLabel('较为集中意见').check()
    await page.getByRole('button', { name: '归纳为一条意见' }).click()
    await expect(page.getByTestId('form-success').filter({ hasText: '已归纳为一条意见。' })).toBeVisible()
    // The consultation is still open: no adoption form for this opinion, and the page says why.
    await expect(page.getByTestId('adoption-form').filter({ hasText: '增设小区分类督导员' })).toHaveCount(0)
    await expect(page.getByTestId('adoption-after-close')).toContainText('征求意见结束后才能作出采纳决定')
    await expect(page.getByTestId('adoption-after-close')).toContainText('增设小区分类督导员')

    await page.goto(`/decisions/${waste}#opinions`)
    const op = page.getByTestId('opinion').filter({ hasText: '增设小区分类督导员' })
    await expect(op).toContainText('待决定')
    await expect(op).toContainText('较为集中意见')
  })

  test("the resident's participation page shows the outcome", async ({ page, offHost }) => {
    void offHost
    await uiLogin(page, user, password)
    await page.goto('/me')
    const c = page.getByTestId('my-comment').filter({ hasText: commentText })
    await expect(c).toContainText('已归入意见「增设小区分类督导员」')
    await expect(c).toContainText('待作采纳决定')
    await expect(page.getByTestId('my-signup').first()).toContainText('等待抽签')
  })
})
