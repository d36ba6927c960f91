// Withdrawing a hearing sign-up asks first; a withdrawn resident may sign up again.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import HearingCard from './HearingCard.vue'
import { request } from '../api/client'
import * as op from '../api/operations'
import { auth } from '../auth'
import zh from '../i18n/zh-CN'
import en from '../i18n/en'

vi.mock('../api/client', async (importOriginal) => ({ ...(await importOriginal<typeof import('../api/client')>()), request: vi.fn() }))

const hearing = (mySignup: object | null) => ({
  id: '01hearing-first-come',
  status: 'OPEN_FOR_SIGNUP',
  startsAt: '2031-04-20T01:00:00Z',
  venue: '听证室',
  capacity: 10,
  seatsTaken: 1,
  signupCount: 1,
  waitlistCount: 0,
  signupClosesAt: '2031-04-08T09:00:00Z',
  selectionMethod: 'FIRST_COME',
  selectionRules: '按报名先后',
  stakeholderGroups: ['城区居民'],
  drawSeed: null,
  participants: [],
  participantsPublishedAt: null,
  recordSummary: null,
  heldAt: null,
  mySignup,
})

function render(mySignup: object | null) {
  return mount(HearingCard, {
    props: { hearing: hearing(mySignup) as never, live: true },
    global: {
      plugins: [createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh, en } })],
      stubs: { RouterLink: true },
      mocks: { $route: { fullPath: '/decisions/d1' } },
    },
    attachTo: document.body,
  })
}

describe('HearingCard', () => {
  beforeEach(() => {
    vi.mocked(request).mockReset()
    vi.mocked(request).mockResolvedValue({ withdrawHearingSignup: { position: '9', signup: { id: 's1', status: 'WITHDRAWN' } } } as never)
    auth.signIn('token', { id: 'a1', displayName: '居民', role: 'RESIDENT' })
  })

  it('asks before withdrawing a sign-up, and withdraws only when confirmed', async () => {
    const w = render({ id: 's1', status: 'ACCEPTED', stakeholderGroup: '城区居民', waitlistPosition: null, submittedAt: '2031-03-01T00:00:00Z' })
    const dialog = w.get('[data-testid=confirm-dialog]')
    expect(dialog.attributes('open')).toBeUndefined()
    await w.get('[data-testid=my-signup] button').trigger('click')
    expect(dialog.attributes('open')).toBeDefined()
    expect(dialog.text()).toContain('确定要撤回听证会报名吗？')
    expect(request).not.toHaveBeenCalled()

    await dialog.findAll('button').find((b) => b.text() === '取消')!.trigger('click')
    expect(dialog.attributes('open')).toBeUndefined()
    expect(request).not.toHaveBeenCalled()

    await w.get('[data-testid=my-signup] button').trigger('click')
    await dialog.findAll('button').find((b) => b.text() === '确定撤回')!.trigger('click')
    await flushPromises()
    expect(vi.mocked(request).mock.calls).toEqual([[op.WithdrawSignupMutation, { input: { signupId: 's1' } }]])
    expect(w.emitted('changed')).toHaveLength(1)
    expect(w.get('[data-testid=form-success]').text()).toBe('您的报名已撤回。')
    w.unmount()
  })

  it('offers to sign up again after a withdrawal while sign-up is open', () => {
    const w = render({ id: 's1', status: 'WITHDRAWN', stakeholderGroup: '城区居民', waitlistPosition: null, submittedAt: '2031-03-01T00:00:00Z' })
    expect(w.find('[data-testid=my-signup]').exists()).toBe(false)
    expect(w.find('[data-testid=signup-form]').exists()).toBe(true)
    expect(w.text()).toContain('重新报名')
    w.unmount()
  })
})
