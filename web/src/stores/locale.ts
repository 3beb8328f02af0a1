import { defineStore } from 'pinia';
import { ref } from 'vue';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Where the choice is kept between visits (the browser's localStorage; none in tests). */
export interface LanguageStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const KEY = 'lpg.language';
let storage: LanguageStorage | undefined;

export function useLanguageStorage(s: LanguageStorage | undefined): void {
  storage = s;
}

/** The console's language: Chinese unless the user switched to English. */
export const useLocaleStore = defineStore('locale', () => {
  const saved = storage?.getItem(KEY);
  const language = ref<Language>(LANGUAGES.find((l) => l === saved) ?? 'zh-CN');
  function setLanguage(next: Language): void {
    language.value = next;
    storage?.setItem(KEY, next);
  }
  return { language, setLanguage };
});
