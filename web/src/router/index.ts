import { createRouter, createWebHistory, type RouteRecordRaw, type Router } from 'vue-router';
import { useSessionStore } from '../stores/session';
import { allows, PAGES } from './pages';

/** The login at `/`, the consoles under /console inside the layout, the print sheet on its own. */
export function createConsoleRouter(): Router {
  const routes: RouteRecordRaw[] = [
    { path: '/', name: 'login', component: () => import('../views/LoginView.vue'), meta: { public: true } },
    { path: '/console/labels/print', name: 'print', component: () => import('../views/labels/PrintSheetView.vue') },
    {
      path: '/console',
      component: () => import('../layouts/ConsoleLayout.vue'),
      children: [
        ...PAGES.map((page) => ({ path: page.path, name: page.name, component: page.component, meta: { page }, props: page.params ?? true })),
        { path: '/console/password', name: 'password', component: () => import('../views/account/PasswordView.vue'), meta: { anyRole: true } },
        { path: '/console/:rest(.*)*', name: 'missing', component: () => import('../views/NotFoundView.vue') },
      ],
    },
  ];
  const router = createRouter({ history: createWebHistory('/'), routes });

  router.beforeEach(async (to) => {
    const session = useSessionStore();
    await session.restore();
    if (to.meta.public) return session.status === 'authenticated' ? { name: 'overview' } : true;
    if (session.status !== 'authenticated') return { name: 'login', query: to.fullPath === '/console' ? {} : { next: to.fullPath } };
    if (session.mustChangePassword && to.name !== 'password') return { name: 'password' };
    const page = to.meta.page as (typeof PAGES)[number] | undefined;
    if (page && !allows(page, session.role, session.can)) return { name: 'overview' };
    return true;
  });
  return router;
}
