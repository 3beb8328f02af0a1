import { createI18n } from 'vue-i18n';
import en from './en';
import zhCN from './zh-CN';

/** zh-CN by default, English on switch; every string the console shows comes from these two tables. */
export function createConsoleI18n(language: 'zh-CN' | 'en') {
  return createI18n({
    legacy: false,
    locale: language,
    fallbackLocale: 'zh-CN',
    messages: { 'zh-CN': zhCN, en },
    missingWarn: false,
    fallbackWarn: false,
  });
}
