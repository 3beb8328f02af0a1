import { computed, ref, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import type { Page } from '../api';
import { problemText } from '../components/errors';

export interface CursorListOptions {
  /**
   * Page by page (a registry table with 上一页 / 下一页): `next()` replaces the rows with the next
   * page and `previous()` goes back; without it, `next()` appends (a feed with 加载更多).
   */
  pages?: boolean;
}

/**
 * A listing read with the API's cursors: `load()` reads the first page again (a filter changed),
 * `next()` the page after the last one read (appended, or in its place with `pages`), `reload()`
 * the rows shown again (after a change); a failure is shown in the console's language.
 * `load(nextCursor)` appends, as the feed pages call it.
 */
export function useCursorList<T>(fetchPage: (cursor?: string) => Promise<Page<T>>, options: CursorListOptions = {}) {
  const { t } = useI18n();
  const rows = ref([]) as Ref<T[]>;
  const nextCursor = ref<string | null>(null);
  const loading = ref(false);
  const error = ref('');
  /** The cursor each page shown was read with (pages mode): the first is the first page's, none. */
  const cursors = ref<(string | undefined)[]>([undefined]);
  const pageIndex = computed(() => cursors.value.length - 1);

  async function read(cursor: string | undefined, append: boolean): Promise<void> {
    loading.value = true;
    error.value = '';
    try {
      const page = await fetchPage(cursor);
      rows.value = append ? [...rows.value, ...page.items] : page.items;
      nextCursor.value = page.nextCursor;
    } catch (e) {
      error.value = problemText(e, t);
      if (!append) rows.value = [];
    } finally {
      loading.value = false;
    }
  }

  async function load(cursor?: string): Promise<void> {
    if (!cursor) cursors.value = [undefined];
    await read(cursor, !!cursor);
  }
  async function next(): Promise<void> {
    const cursor = nextCursor.value;
    if (!cursor) return;
    if (!options.pages) return read(cursor, true);
    cursors.value = [...cursors.value, cursor];
    await read(cursor, false);
  }
  async function previous(): Promise<void> {
    if (!options.pages || cursors.value.length < 2) return;
    cursors.value = cursors.value.slice(0, -1);
    await read(cursors.value.at(-1), false);
  }
  /** The rows shown, read again: the current page (pages mode), else the first. */
  async function reload(): Promise<void> {
    if (!options.pages) return load();
    await read(cursors.value.at(-1), false);
  }
  return { rows, nextCursor, loading, error, load, next, previous, reload, pageIndex };
}
