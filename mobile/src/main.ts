import 'vant/lib/index.css';
import './styles/phone.css';
import { Button, Cell, CellGroup, Empty, Field, Icon, Notify, Popup, Radio, RadioGroup, Search, Switch, Tab, Tabs, Tag, Toast, Locale } from 'vant';
import enUS from 'vant/es/locale/lang/en-US';
import zhCN from 'vant/es/locale/lang/zh-CN';
import { createApp, watch } from 'vue';
import { createI18n } from 'vue-i18n';
import { createRouter, createWebHashHistory } from 'vue-router';
import App from './App.vue';
import en from './i18n/en';
import zh from './i18n/zh-CN';
import { phone, start } from './lib/phone';
import DayView from './views/DayView.vue';
import HomeView from './views/HomeView.vue';
import LoadView from './views/LoadView.vue';
import LoginView from './views/LoginView.vue';
import OutboxView from './views/OutboxView.vue';
import VisitView from './views/VisitView.vue';

/**
 * The delivery worker's phone app. Every view is in the first bundle (there is no network to
 * fetch a lazy one from on a stairwell); routes live in the hash so a reload offline lands where
 * the worker was.
 */
const i18n = createI18n({ legacy: false, locale: phone.language, fallbackLocale: 'zh-CN', messages: { 'zh-CN': zh, en }, missingWarn: false, fallbackWarn: false });
watch(
  () => phone.language,
  (language) => {
    i18n.global.locale.value = language;
    document.documentElement.lang = language;
    if (language === 'en') Locale.use('en-US', enUS);
    else Locale.use('zh-CN', zhCN);
  },
  { immediate: true },
);

const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', name: 'home', component: HomeView },
    { path: '/login', name: 'login', component: LoginView, meta: { public: true, title: 'login.title' } },
    { path: '/load', name: 'load', component: LoadView, meta: { title: 'load.title' } },
    { path: '/visit/:customerId', name: 'visit', component: VisitView, meta: { title: 'visit.title' } },
    { path: '/outbox', name: 'outbox', component: OutboxView, meta: { title: 'outbox.title' } },
    { path: '/day', name: 'day', component: DayView, meta: { title: 'day.title' } },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});
router.beforeEach((to) => (!to.meta.public && !phone.user ? { name: 'login' } : true));

const app = createApp(App);
for (const component of [Button, Cell, CellGroup, Empty, Field, Icon, Notify, Popup, Radio, RadioGroup, Search, Switch, Tab, Tabs, Tag, Toast]) app.use(component);
app.use(i18n);

// The router's first navigation runs its guard, which needs to know who is logged in: only after start().
void start().then(async () => {
  app.use(router);
  await router.isReady();
  app.mount('#app');
});

if ('serviceWorker' in navigator) {
  void navigator.serviceWorker.register('/m/sw.js', { scope: '/m/' }).catch(() => undefined);
}
