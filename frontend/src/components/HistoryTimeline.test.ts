import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import HistoryTimeline from './HistoryTimeline.vue'
import zh from '../i18n/zh-CN'
import { KNOWN_KINDS, positionFromHash } from '../lib/history'

const entries = [
  { position: '1', at: '2021-01-04T01:00:00Z', kind: 'decision.registered', summary: '列入目录', actor: 'admin' },
  { position: '2', at: '2021-03-12T12:00:00Z', kind: 'comment.submitted', summary: '<img src=x onerror=alert(1)>', actor: 'resident', subjectId: 'c9' },
  { position: '3', at: '2021-03-13T12:00:00Z', kind: 'hearing.venue_changed', summary: '变更听证地点', actor: 'system' },
]

function render(props: Record<string, unknown> = {}) {
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh } })
  return mount(HistoryTimeline, {
    props: { entries, total: 62, kinds: KNOWN_KINDS, selected: new Set<string>(), decisionPath: '/decisions/d1', hasMore: true, ...props },
    global: { plugins: [i18n], stubs: { RouterLink: { props: ['to'], template: '<a :href="to"><slot /></a>' } } },
  })
}

describe('HistoryTimeline', () => {
  it('renders summaries as text and asks the page for another kind filter', async () => {
    const w = render()
    expect(w.findAll('[data-testid=timeline] li')).toHaveLength(3)
    expect(w.find('img').exists()).toBe(false)
    expect(w.text()).toContain('政务公开办')
    expect(w.text()).toContain('<img src=x onerror=alert(1)>')
    const chip = w.findAll('label.chip').find((l) => l.text() === '公众意见')!
    await chip.get('input').setValue(true)
    expect(w.emitted('select')?.[0]?.[0]).toEqual(new Set(['comment.submitted']))
  })

  it('gives each entry a permanent link by its position, and a comment entry a link to the comment', () => {
    const w = render({ target: '2' })
    const items = w.findAll('[data-testid=timeline] li')
    expect(items[1].attributes('id')).toBe('entry-2')
    expect(items[1].classes()).toContain('is-target')
    expect(items[1].get('[data-testid=entry-link]').attributes('href')).toBe('#entry-2')
    expect(positionFromHash('#entry-2')).toBe('2')
    expect(items[1].get('[data-testid=entry-comment-link]').attributes('href')).toBe('/decisions/d1#comment-c9')
    expect(items[0].find('[data-testid=entry-comment-link]').exists()).toBe(false)
  })

  it('shows a page at a time with a button for the next one, and never a raw kind name', async () => {
    const w = render()
    expect(w.text()).toContain('显示 3 / 62 条')
    const more = w.get('[data-testid=history-more]')
    expect(more.text()).toBe('显示后 20 条记录')
    await more.trigger('click')
    expect(w.emitted('more')).toHaveLength(1)
    // A kind the UI does not know yet is named by its family, not by its code.
    expect(w.text()).not.toContain('hearing.venue_changed')
    expect(w.findAll('[data-testid=timeline] li')[2].text()).toContain('听证会')
    expect(render({ hasMore: false }).find('[data-testid=history-more]').exists()).toBe(false)
  })
})
