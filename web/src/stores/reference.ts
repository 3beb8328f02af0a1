import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, type Page } from '../api';

export interface NamedRecord {
  id: string;
  name: string;
  code?: string;
  kind?: string;
  enterpriseId?: string;
  districtCode?: string;
}

/**
 * The names tables and forms show for ids and codes: the city's districts, and the enterprises and
 * sites the caller may see (its scope: the API filters). Loaded once per session, on first use.
 */
export const useReferenceStore = defineStore('reference', () => {
  const districts = ref<{ code: string; name: string }[]>([]);
  const enterprises = ref<NamedRecord[]>([]);
  const sites = ref<NamedRecord[]>([]);
  let loading: Promise<void> | undefined;

  async function all<T>(path: string): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<T> = await api().get<Page<T>>(path, { query: { limit: 200, ...(cursor ? { cursor } : {}) } });
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && out.length < 2_000);
    return out;
  }

  function load(can: (resource: string, action: string) => boolean): Promise<void> {
    loading ??= (async () => {
      const [d, e, s] = await Promise.all([
        can('districts', 'read') ? all<{ code: string; name: string }>('/api/v1/districts') : [],
        can('enterprises', 'read') ? all<NamedRecord>('/api/v1/enterprises') : [],
        can('sites', 'read') ? all<NamedRecord>('/api/v1/sites') : [],
      ]);
      districts.value = d;
      enterprises.value = e;
      sites.value = s;
    })().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  }

  /** After a create or edit of a site or enterprise: read them again on next use. */
  function invalidate(): void {
    loading = undefined;
  }

  const districtName = (code: string | undefined) => (code ? (districts.value.find((d) => d.code === code)?.name ?? code) : '');
  const enterpriseName = (id: string | undefined) => (id ? (enterprises.value.find((e) => e.id === id)?.name ?? id) : '');
  const siteName = (id: string | undefined) => {
    const site = id ? sites.value.find((s) => s.id === id) : undefined;
    return site ? `${site.name}${site.code ? ` (${site.code})` : ''}` : (id ?? '');
  };

  return { districts, enterprises, sites, load, invalidate, districtName, enterpriseName, siteName };
});
