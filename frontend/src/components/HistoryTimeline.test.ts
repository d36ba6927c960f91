import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import HistoryTimeline from './HistoryTimeline.vue'
import zh from '../i18n/zh-CN'

const entries = [
  { position: '1', at: '2021-01-04T01:00:00Z', kind: 'decision.registered', summary: '列入目录', actor: 'admin' },
  { position: '2', at: '2021-03-12T12:00:00Z', kind: 'comment.submitted', summary: '<img src=x onerror=alert(1)>', actor: 'resident' },
]

describe('HistoryTimeline', () => {
  it('filters by kind and renders summaries as text', async () => {
    const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh } })
    const w = mount(HistoryTimeline, { props: { entries }, global: { plugins: [i18n] } })
    expect(w.findAll('[data-testid=timeline] li')).toHaveLength(2)
    expect(w.find('img').exists()).toBe(false)
    expect(w.text()).toContain('政务公开办')
    expect(w.text()).toContain('<img src=x onerror=alert(1)>')
    const chip = w.findAll('label.chip').find((l) => l.text() === '公众意见')!
    await chip.get('input').setValue(true)
    expect(w.findAll('[data-testid=timeline] li')).toHaveLength(1)
  })
})
