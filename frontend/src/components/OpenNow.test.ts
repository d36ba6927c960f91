// The landing page lists what is open now: 正在征求意见, 截止日期 (Beijing time), 剩余 N 天, counts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import OpenNow from './OpenNow.vue'
import { request } from '../api/client'
import zh from '../i18n/zh-CN'
import en from '../i18n/en'

vi.mock('../api/client', async (importOriginal) => ({ ...(await importOriginal<typeof import('../api/client')>()), request: vi.fn() }))

const node = (id: string, title: string, closesAt: string, status = 'OPEN') => ({
  id,
  title,
  summary: '',
  undertakingUnit: { id: 'u1', name: '市城市管理局' },
  consultations: [{ id: `k-${id}`, channel: 'ONLINE', status, closesAt, commentCount: 12 }],
  hearings: [{ id: `h-${id}`, status: 'OPEN_FOR_SIGNUP', signupClosesAt: closesAt, signupCount: 3 }],
  participationActivities: [],
})

function render(locale: 'zh-CN' | 'en' = 'zh-CN') {
  return mount(OpenNow, { global: { plugins: [createI18n({ legacy: false, locale, messages: { 'zh-CN': zh, en } })], stubs: { RouterLink: { props: ['to'], template: '<a :href="to"><slot /></a>' } } } })
}

describe('OpenNow', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2021-03-11T02:00:00Z'))
    vi.mocked(request).mockReset()
  })
  afterEach(() => vi.useRealTimers())

  it('lists decisions open for comment, soonest closing first, with the deadline and counts', async () => {
    vi.mocked(request).mockResolvedValue({
      decisions: { totalCount: 3, edges: [{ node: node('a', '生活垃圾分类', '2021-04-10T02:00:00Z') }, { node: node('b', '停车设施', '2021-03-12T10:00:00Z') }, { node: node('c', '已结束', '2021-03-01T00:00:00Z', 'CLOSED') }] },
    } as never)
    const w = render()
    await flushPromises()
    expect(w.get('h2').text()).toBe('正在征求意见')
    const items = w.findAll('[data-testid=open-item]')
    expect(items.map((i) => i.get('.item-title').text())).toEqual(['停车设施', '生活垃圾分类'])
    expect(items[1].get('[data-testid=open-closes]').text()).toBe('截止日期：2021-04-10 10:00')
    expect(items[1].get('[data-testid=open-days-left]').text()).toBe('剩余 30 天')
    expect(items[1].text()).toContain('已收到 12 条意见')
    expect(items[1].text()).toContain('听证会报名 3 人')
    expect(items[1].get('a').attributes('href')).toBe('/decisions/a')
  })

  it('says so when nothing is open', async () => {
    vi.mocked(request).mockResolvedValue({ decisions: { totalCount: 0, edges: [] } } as never)
    const w = render('en')
    await flushPromises()
    expect(w.text()).toContain('No decision is open for online comment at the moment.')
  })
})
