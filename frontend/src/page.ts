// Each page's document title and, on navigation, focus on its main heading, so that screen
// reader and keyboard users learn that the page changed and start reading at its top.
import { nextTick, onBeforeUnmount, ref, toValue, watchEffect, type MaybeRefOrGetter } from 'vue'
import type { Router } from 'vue-router'

/** The title a page set from its data (a decision's title); `null` uses the route's own. */
export const pageTitleOverride = ref<string | null>(null)

/** Names the current page after what it shows; until it is known the route's title is used. */
export function usePageTitle(title: MaybeRefOrGetter<string | null | undefined>): void {
  watchEffect(() => {
    pageTitleOverride.value = toValue(title) || null
  })
  onBeforeUnmount(() => {
    pageTitleOverride.value = null
  })
}

/** How long to wait for a page's heading (it appears once its data has loaded). */
const HEADING_WAIT_MS = 10_000

/** Waits for the `h1` inside `root` and focuses it (made focusable by script only: tabindex=-1). */
export function focusHeadingWhenShown(root: HTMLElement, waitMs = HEADING_WAIT_MS): () => void {
  let observer: MutationObserver | null = null
  let timer: ReturnType<typeof setTimeout> | null = null
  const stop = () => {
    observer?.disconnect()
    observer = null
    if (timer) clearTimeout(timer)
    timer = null
  }
  const tryFocus = (): boolean => {
    const h1 = root.querySelector('h1')
    if (!h1) return false
    h1.setAttribute('tabindex', '-1')
    h1.focus({ preventScroll: true })
    return true
  }
  if (!tryFocus()) {
    observer = new MutationObserver(() => {
      if (tryFocus()) stop()
    })
    observer.observe(root, { childList: true, subtree: true })
    timer = setTimeout(stop, waitMs)
  }
  return stop
}

/**
 * After each navigation to another path (not the first load, not a change of query only, not
 * a jump to an anchor), moves focus to the new page's main heading.
 */
export function installHeadingFocus(router: Router, main: () => HTMLElement | null): void {
  let cancel: (() => void) | null = null
  router.afterEach((to, from, failure) => {
    if (failure || from.matched.length === 0 || to.path === from.path || to.hash) return
    cancel?.()
    cancel = null
    nextTick(() => {
      const root = main()
      if (root) cancel = focusHeadingWhenShown(root)
    })
  })
}
