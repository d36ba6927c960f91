import { createRouter, createWebHistory } from 'vue-router'

export const router = createRouter({
  history: createWebHistory(),
  scrollBehavior(to, _from, saved) {
    if (saved) return saved
    if (to.hash) return { el: to.hash }
    return { top: 0 }
  },
  routes: [
    { path: '/', name: 'catalogue', component: () => import('./views/CatalogueView.vue') },
    { path: '/decisions', name: 'decisions', component: () => import('./views/DecisionsView.vue') },
    { path: '/decisions/:id', name: 'decision', component: () => import('./views/DecisionView.vue'), props: true },
    { path: '/decisions/:id/history', name: 'history', component: () => import('./views/HistoryView.vue'), props: true },
    { path: '/login', name: 'login', component: () => import('./views/LoginView.vue') },
    { path: '/register', name: 'register', component: () => import('./views/RegisterView.vue') },
    { path: '/me', name: 'my', component: () => import('./views/MyView.vue') },
    { path: '/unit', name: 'unit', component: () => import('./views/UnitDashboardView.vue') },
    { path: '/unit/decisions/:id', name: 'manage', component: () => import('./views/ManageDecisionView.vue'), props: true },
    { path: '/admin', name: 'admin', component: () => import('./views/AdminView.vue') },
    { path: '/:rest(.*)*', name: 'notfound', component: () => import('./views/NotFoundView.vue') },
  ],
})
