import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import AsOfBanner from './AsOfBanner.vue'
import zh from '../i18n/zh-CN'
import en from '../i18n/en'
import { localInputToIso, isoToLocalInput } from '../lib/time'

function render(locale: 'zh-CN' | 'en') {
  const i18n = createI18n({ legacy: false, locale, messages: { 'zh-CN': zh, en } })
  return mount(AsOfBanner, {
    props: { asOf: '2021-04-15T00:00:00+08:00', decisionId: 'd1' },
    global: { plugins: [i18n], stubs: { RouterLink: { props: ['to'], template: '<a :href="to"><slot /></a>' } } },
  })
}

describe('AsOfBanner', () => {
  it('states the moment in Beijing time and links permanently to it', () => {
    const w = render('zh-CN')
    expect(w.text()).toContain('您正在查看本决策在 2021-04-15 00:00（北京时间）的状态')
    expect(w.get('[data-testid=permalink]').attributes('href')).toBe('/decisions/d1?asOf=2021-04-15T00%3A00%3A00%2B08%3A00')
    expect(w.findAll('a').some((a) => a.attributes('href') === '/decisions/d1' && a.text() === '回到当前')).toBe(true)
  })

  it('speaks English when switched', () => {
    expect(render('en').text()).toContain('as it stood at 2021-04-15 00:00 (Beijing time)')
  })

  it('reads picker values as Beijing time', () => {
    expect(localInputToIso('2021-04-15T08:30')).toBe('2021-04-15T08:30:00+08:00')
    expect(localInputToIso('nope')).toBeNull()
    expect(isoToLocalInput('2021-04-15T00:30:00Z')).toBe('2021-04-15T08:30')
  })
})
