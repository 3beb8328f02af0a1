import { ref, type Ref } from 'vue';
import { api } from '../api';
import { useLocaleStore } from '../stores/locale';

export interface ReasonEntry {
  code: string;
  zh: string;
  en: string;
}

/** The platform's one reason table (ledger.reasons.ts), shared by every page that names a reason. */
const table = ref<ReasonEntry[]>([]);
let asked: Promise<void> | undefined;

function read(): Promise<void> {
  asked ??= api()
    .get<{ items: ReasonEntry[] }>('/api/v1/events/rejection-reasons')
    .then(
      (r) => {
        table.value = r.items;
      },
      () => {
        asked = undefined; // asked again by the next page that needs it
      },
    );
  return asked;
}

/**
 * The reason and rule codes in the console's language, read from the platform once per session: its
 * words, never a copy in the console. A code the table does not hold is shown as it is.
 */
export function useReasons(): { reasons: Ref<ReasonEntry[]>; reasonText: (code: string) => string; ready: Promise<void> } {
  const locale = useLocaleStore();
  const ready = read();
  const reasonText = (code: string): string => {
    const entry = table.value.find((r) => r.code === code);
    return entry ? (locale.language === 'en' ? entry.en : entry.zh) : code;
  };
  return { reasons: table, reasonText, ready };
}
