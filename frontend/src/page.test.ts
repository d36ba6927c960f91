// On navigation focus moves to the new page's main heading; not on the first load, not for a
// change of query only.
import { describe, expect, it } from 'vitest'
import { defineComponent, h, nextTick, ref } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { focusHeadingWhenShown, installHeadingFocus } from './page'

describe('heading focus', () => {
  it('focuses a heading that appears once the page has loaded', async () => {
    const root = document.createElement('main')
    document.body.append(root)
    focusHeadingWhenShown(root)
    const h1 = document.createElement('h1')
    h1.textContent = '决策查询'
    root.append(h1)
    await new Promise((r) => setTimeout(r, 0))
    expect(document.activeElement).toBe(h1)
    expect(h1.getAttribute('tabindex')).toBe('-1')
    root.remove()
  })

  it('moves focus to the new page’s h1 after navigating to another path', async () => {
    const Page = (title: string) => defineComponent({ setup: () => () => h('h1', title) })
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/', component: Page('首页') },
        { path: '/decisions', component: Page('决策查询') },
      ],
    })
    const main = ref<HTMLElement | null>(null)
    installHeadingFocus(router, () => main.value)
    const App = defineComponent({ setup: () => () => h('main', { ref: main }, [h(RouterView)]) })
    const w = mount(App, { global: { plugins: [router] }, attachTo: document.body })
    await router.push('/')
    await flushPromises()
    // The first load leaves focus alone (the skip link comes first).
    expect(document.activeElement).toBe(document.body)
    await router.push('/decisions')
    await nextTick()
    await flushPromises()
    expect(document.activeElement?.textContent).toBe('决策查询')
    ;(document.activeElement as HTMLElement).blur()
    await router.push('/decisions?year=2021')
    await flushPromises()
    expect(document.activeElement).toBe(document.body)
    w.unmount()
  })
})
