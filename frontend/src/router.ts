import { createRouter, createWebHistory } from 'vue-router'

declare module 'vue-router' {
  interface RouteMeta {
    /** The i18n key of the page's title. */
    title?: string
  }
}

export const router = createRouter({
  history: createWebHistory(),
  scrollBehavior(to, _from, saved) {
    if (saved) return saved
    if (to.hash) return { el: to.hash }
    return { top: 0 }
  },
  routes: [
    // `meta.title` is the page's title (an i18n key) until the page names itself (usePageTitle).
    { path: '/', name: 'catalogue', component: () => import('./views/CatalogueView.vue'), meta: { title: 'pageTitle.home' } },
    { path: '/decisions', name: 'decisions', component: () => import('./views/DecisionsView.vue'), meta: { title: 'pageTitle.decisions' } },
    { path: '/decisions/:id', name: 'decision', component: () => import('./views/DecisionView.vue'), props: true, meta: { title: 'pageTitle.decision' } },
    {
      path: '/decisions/:id/history',
      name: 'history',
      component: () => import('./views/HistoryView.vue'),
      props: true,
      meta: { title: 'pageTitle.history' },
    },
    { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { title: 'pageTitle.login' } },
    { path: '/register', name: 'register', component: () => import('./views/RegisterView.vue'), meta: { title: 'pageTitle.register' } },
    { path: '/me', name: 'my', component: () => import('./views/MyView.vue'), meta: { title: 'pageTitle.my' } },
    { path: '/unit', name: 'unit', component: () => import('./views/UnitDashboardView.vue'), meta: { title: 'pageTitle.unit' } },
    {
      path: '/unit/decisions/:id',
      name: 'manage',
      component: () => import('./views/ManageDecisionView.vue'),
      props: true,
      meta: { title: 'pageTitle.manage' },
    },
    { path: '/admin', name: 'admin', component: () => import('./views/AdminView.vue'), meta: { title: 'pageTitle.admin' } },
    { path: '/:rest(.*)*', name: 'notfound', component: () => import('./views/NotFoundView.vue'), meta: { title: 'pageTitle.notFound' } },
  ],
})
