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

const hearing = (mySignup: object | null, extra: object = {}) => ({
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
  groups: [
    { name: '城区居民', signups: 1, seats: 1 },
    { name: '物业企业', signups: 0, seats: 0 },
  ],
  materialsDueBy: '2031-04-13T01:00:00Z',
  materials: [],
  record: null,
  mySignup,
  ...extra,
})

function render(mySignup: object | null, extra: object = {}) {
  return mount(HearingCard, {
    props: { hearing: hearing(mySignup, extra) as never, live: true },
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

  it('shows a declared group that nobody signed up for as such', () => {
    const w = render(null)
    const groups = w.get('[data-testid=hearing-groups]').text()
    expect(groups).toContain('城区居民：报名 1 人，入选 1 人')
    expect(groups).toContain('物业企业：无人报名')
  })

  const held = {
    status: 'HELD',
    participants: [{ displayName: '居民', stakeholderGroup: '城区居民' }],
    participantsPublishedAt: '2031-04-09T01:00:00Z',
    materials: [{ materials: '征求意见稿', deliveredAt: '2031-04-10T02:00:00Z' }],
    heldAt: '2031-04-20T04:00:00Z',
    record: { text: '笔录全文', publishedAt: '2031-04-21T02:00:00Z', confirmations: 1, awaiting: 1, objections: [], myAnswer: null },
  }
  const participant = { id: 's1', status: 'ACCEPTED', stakeholderGroup: '城区居民', waitlistPosition: null, submittedAt: '2031-03-01T00:00:00Z' }

  it('shows the materials, the record and its counts, and lets a participant confirm it', async () => {
    vi.mocked(request).mockResolvedValue({ answerHearingRecord: { position: '12' } } as never)
    const w = render(participant, held)
    expect(w.get('[data-testid=hearing-materials]').text()).toContain('征求意见稿')
    expect(w.get('[data-testid=record-counts]').text()).toBe('1 名参加人已确认，1 名尚未答复，0 名提出异议')
    await w.get('[data-testid=record-answer] button[type=button]').trigger('click')
    await flushPromises()
    expect(request).toHaveBeenCalledWith(op.AnswerHearingRecordMutation, { input: { hearingId: '01hearing-first-come', objection: null } })
  })

  it('an objection needs its note, and is sent with it', async () => {
    vi.mocked(request).mockResolvedValue({ answerHearingRecord: { position: '12' } } as never)
    const w = render(participant, held)
    await w.get('[data-testid=record-answer]').trigger('submit')
    expect(request).not.toHaveBeenCalled()
    expect(w.text()).toContain('不能为空')
    await w.get('[data-testid=record-answer] textarea').setValue('漏记了我的发言')
    await w.get('[data-testid=record-answer]').trigger('submit')
    await flushPromises()
    expect(request).toHaveBeenCalledWith(op.AnswerHearingRecordMutation, { input: { hearingId: '01hearing-first-come', objection: '漏记了我的发言' } })
  })

  it('someone who is not a participant, or has answered, gets no form', () => {
    expect(render(null, held).find('[data-testid=record-answer]').exists()).toBe(false)
    const answered = render(participant, { ...held, record: { ...held.record, myAnswer: 'CONFIRMED' } })
    expect(answered.find('[data-testid=record-answer]').exists()).toBe(false)
    expect(answered.text()).toContain('您已确认听证笔录。')
  })
})
