import { ref, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import type { Page } from '../api';
import { problemText } from '../components/errors';

/**
 * A listing read page by page with the API's cursors: `load()` reads the first page again (a filter
 * changed), `load(nextCursor)` appends the next; a failure is shown in the console's language.
 */
export function useCursorList<T>(fetchPage: (cursor?: string) => Promise<Page<T>>) {
  const { t } = useI18n();
  const rows = ref([]) as Ref<T[]>;
  const nextCursor = ref<string | null>(null);
  const loading = ref(false);
  const error = ref('');
  async function load(cursor?: string): Promise<void> {
    loading.value = true;
    error.value = '';
    try {
      const page = await fetchPage(cursor);
      rows.value = cursor ? [...rows.value, ...page.items] : page.items;
      nextCursor.value = page.nextCursor;
    } catch (e) {
      error.value = problemText(e, t);
    } finally {
      loading.value = false;
    }
  }
  return { rows, nextCursor, loading, error, load };
}
