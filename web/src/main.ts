import 'element-plus/dist/index.css';
import './styles/console.css';
import { createPinia } from 'pinia';
import { createApp, watch } from 'vue';
import App from './App.vue';
import { installApi } from './api';
import { createConsoleI18n } from './i18n';
import { createConsoleRouter } from './router';
import { useLanguageStorage, useLocaleStore } from './stores/locale';
import { useSessionStore } from './stores/session';

useLanguageStorage(window.localStorage);
const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
const locale = useLocaleStore();
const i18n = createConsoleI18n(locale.language);
app.use(i18n);
watch(
  () => locale.language,
  (language) => {
    i18n.global.locale.value = language;
    document.documentElement.lang = language;
  },
  { immediate: true },
);

const router = createConsoleRouter();
installApi({
  language: () => locale.language,
  sessionHint: () => document.cookie.split(';').some((c) => c.trim() === 'lpg_session=1'),
  onSession: (session) => {
    if (session) return;
    // The session ended under the page (a refresh refused): back to the login.
    const store = useSessionStore();
    if (store.status === 'authenticated') {
      store.ended();
      void router.push({ name: 'login' });
    }
  },
});
app.use(router);
app.mount('#app');
