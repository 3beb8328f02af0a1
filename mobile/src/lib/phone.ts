import { reactive } from 'vue';
import { ApiError, createApiClient, NetworkError, type UserView } from '../../../web/src/api/client';
import { judge, type Language, type SyncResult } from './answers';
import { parseCityFacts, type CityFacts } from './city-code';
import { db, getRef, setRef, type CachedCustomer, type FlowKind, type OutboxEntry } from './db';
import { newVisitId } from './uuid';

/**
 * The phone's state and its one way to the platform. Rules kept here once:
 * - A flow is written to the outbox (IndexedDB) with its client id before anything else; only
 *   then may the upload start. Nothing is ever sent that is not in the outbox first.
 * - Uploads go in the order the flows were recorded, a batch at a time; a lost answer is simply
 *   sent again (the platform answers a flow it has as `duplicate`), so a flow is stored once.
 * - The session lasts the shift: offline, the phone works on the worker it last saw; the platform
 *   decides at the next sync, and an account deactivated meanwhile ends the session there, keeping
 *   every unsent flow on the phone.
 */
export const BATCH = 10;
const LANGUAGE_KEY = 'lpg-mobile-language';

export interface Site {
  id: string;
  name: string;
  kind: string;
}
export interface Vehicle {
  id: string;
  plate: string;
}

export const phone = reactive({
  language: (localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'zh-CN') as Language,
  online: navigator.onLine,
  user: undefined as UserView | undefined,
  /** ended: the platform refused the session (deactivated, or logged out elsewhere). */
  account: 'unknown' as 'unknown' | 'active' | 'ended',
  syncing: false,
  lastSync: undefined as string | undefined,
  entries: [] as OutboxEntry[],
  sites: [] as Site[],
  vehicles: [] as Vehicle[],
  customerCount: 0,
  city: parseCityFacts(document.querySelector('meta[name="lpg-city"]')?.getAttribute('content')) as CityFacts | undefined,
  ready: false,
});

export const api = createApiClient({
  language: () => phone.language,
  sessionHint: () => document.cookie.split(';').some((c) => c.trim() === 'lpg_session=1'),
});

export function setLanguage(language: Language): void {
  phone.language = language;
  localStorage.setItem(LANGUAGE_KEY, language);
}

export const pendingCount = () => phone.entries.filter((e) => e.state === 'pending').length;
/** Answers the worker has not acknowledged yet: a refusal, a collision, a flow that must be put right. */
export const unseenCount = () => phone.entries.filter((e) => !e.seen).length;

async function reload(): Promise<void> {
  phone.entries = await db.outbox.orderBy('seq').toArray();
  phone.customerCount = await db.customers.count();
}

/** Once per start: what the phone knows, then an upload if the network is there. */
export async function start(): Promise<void> {
  phone.user = await getRef<UserView>('user');
  phone.sites = (await getRef<Site[]>('sites')) ?? [];
  phone.vehicles = (await getRef<Vehicle[]>('vehicles')) ?? [];
  phone.lastSync = await getRef<string>('lastSync');
  if ((await getRef<string>('account')) === 'ended') phone.account = 'ended';
  await reload();
  phone.ready = true;
  window.addEventListener('online', () => {
    phone.online = true;
    void sync();
  });
  window.addEventListener('offline', () => {
    phone.online = false;
  });
  if (phone.user && phone.account !== 'ended') void sync();
}

export async function login(username: string, password: string): Promise<void> {
  // Unsent visits are the last worker's: uploaded under another account they would be misattributed.
  if (phone.user && phone.user.username !== username && pendingCount() > 0) {
    throw new ApiError(409, { title: 'Conflict', status: 409, code: 'OTHER_WORKER_PENDING' });
  }
  const session = await api.login(username, password);
  if (session.user.role !== 'delivery_worker') {
    await api.logout().catch(() => undefined);
    throw new ApiError(403, { title: 'Forbidden', status: 403, code: 'NOT_A_DELIVERY_WORKER' });
  }
  phone.user = session.user;
  phone.account = 'active';
  await setRef('user', session.user);
  await setRef('account', 'active');
  await refreshReference();
  void sync();
}

/** Logging out of a phone with unsent flows would strand them: the app does not offer it. */
export async function logout(): Promise<void> {
  if (pendingCount() > 0) return;
  await api.logout().catch(() => undefined);
  phone.user = undefined;
  phone.account = 'unknown';
  await db.refs.bulkDelete(['user', 'account']);
}

async function pages<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: T[]; nextCursor: string | null } = await api.get(path, { query: { limit: 200, ...(cursor ? { cursor } : {}) } });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** The enterprise's customers, sites and vehicles, kept on the phone for a day without network. */
async function refreshReference(): Promise<void> {
  const [customers, sites, vehicles] = await Promise.all([
    pages<Omit<CachedCustomer, 'search'>>('/api/v1/customers'),
    pages<Site>('/api/v1/sites'),
    pages<Vehicle>('/api/v1/vehicles'),
  ]);
  await db.transaction('rw', db.customers, async () => {
    await db.customers.clear();
    await db.customers.bulkPut(customers.map((c) => ({ id: c.id, realName: c.realName, phone: c.phone, address: c.address, kind: c.kind, search: `${c.realName} ${c.address} ${c.phone}`.toLowerCase() })));
  });
  // Plain copies go to IndexedDB: a reactive proxy cannot be structured-cloned.
  const siteList = sites.map((s) => ({ id: s.id, name: s.name, kind: s.kind }));
  const vehicleList = vehicles.map((v) => ({ id: v.id, plate: v.plate }));
  await setRef('sites', siteList);
  await setRef('vehicles', vehicleList);
  phone.sites = siteList;
  phone.vehicles = vehicleList;
  phone.customerCount = await db.customers.count();
}

export async function searchCustomers(text: string, limit = 30): Promise<CachedCustomer[]> {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return db.customers
    .filter((c) => words.every((w) => c.search.includes(w)))
    .limit(limit)
    .toArray();
}

/**
 * Records a flow: the outbox row (with its photos) is committed first, in one transaction; the
 * upload is only attempted afterwards.
 */
export async function record(kind: FlowKind, body: Record<string, unknown>, label: string, media: { sha256: string; type: string; data: ArrayBuffer }[] = []): Promise<string> {
  const visitId = newVisitId();
  const entry: OutboxEntry = {
    visitId,
    kind,
    // A plain copy: what the screens hand over may be reactive proxies, which IndexedDB cannot clone.
    body: { ...(JSON.parse(JSON.stringify(body)) as Record<string, unknown>), visitId, occurredAt: new Date().toISOString() },
    media: media.map((m) => m.sha256),
    label,
    state: 'pending',
    seen: true,
    createdAt: new Date().toISOString(),
  };
  await db.transaction('rw', db.outbox, db.media, async () => {
    for (const m of media) if (!(await db.media.get(m.sha256))) await db.media.put({ sha256: m.sha256, type: m.type, data: m.data, uploaded: false });
    await db.outbox.add(entry);
  });
  await reload();
  void sync();
  return visitId;
}

let running: Promise<void> | undefined;

/** Uploads what is pending, in order. Safe to call at any time: one upload runs at once. */
export function sync(): Promise<void> {
  running ??= (async () => {
    phone.syncing = true;
    try {
      await upload();
    } finally {
      phone.syncing = false;
      running = undefined;
      await reload();
    }
  })();
  return running;
}

async function upload(): Promise<void> {
  // Offline there is nothing to try: the 'online' event starts the next upload.
  if (!phone.user || !navigator.onLine) return;
  try {
    if (!api.session) {
      const session = await api.restore();
      if (!session) return await ended();
      phone.user = session.user;
    }
    phone.account = 'active';
    await setRef('account', 'active');
    for (;;) {
      const batch = (await db.outbox.where('state').equals('pending').sortBy('seq')).slice(0, BATCH);
      if (batch.length === 0) break;
      for (const sha of new Set(batch.flatMap((e) => e.media))) await uploadMedia(sha);
      await sendBatch(batch);
    }
    await refreshReference();
    phone.lastSync = new Date().toISOString();
    await setRef('lastSync', phone.lastSync);
  } catch (error) {
    if (error instanceof NetworkError) return;
    if (error instanceof ApiError && error.status === 401) return await ended();
    throw error;
  }
}

async function ended(): Promise<void> {
  phone.account = 'ended';
  await setRef('account', 'ended');
}

async function uploadMedia(sha256: string): Promise<void> {
  const file = await db.media.get(sha256);
  if (!file || file.uploaded) return;
  await api.request('PUT', `/api/v1/deliveries/media/${sha256}`, { raw: { data: file.data, type: file.type }, idempotent: true });
  await db.media.update(sha256, { uploaded: true });
}

async function sendBatch(batch: OutboxEntry[]): Promise<void> {
  const visits = batch.map((e) => ({ kind: e.kind, ...e.body }));
  let answer: { results: SyncResult[] };
  try {
    answer = await api.post('/api/v1/deliveries/sync', { visits }, { idempotent: true });
  } catch (error) {
    // Another flow already holds one of these ids with other content: that flow is refused, the rest go on.
    if (error instanceof ApiError && error.code === 'VISIT_ID_CONFLICT') {
      const named = new Set((error.problem.errors ?? []).map((e) => Number(/^visits\[(\d+)\]/.exec(e.path)?.[1])));
      const at = new Date().toISOString();
      for (const [i, entry] of batch.entries()) {
        if (named.has(i)) await db.outbox.update(entry.seq as number, { state: 'refused', seen: false, answer: { reasons: [{ code: 'VISIT_ID_CONFLICT', text: error.problem.title }], at } });
      }
      if (named.size > 0) return;
    }
    throw error;
  }
  const at = new Date().toISOString();
  await db.transaction('rw', db.outbox, async () => {
    for (const result of answer.results) {
      const entry = batch.find((e) => e.visitId === result.visitId);
      if (!entry) continue;
      const { state, reasons, hazards } = judge(result, phone.language);
      const changes: Partial<OutboxEntry> = { state, seen: state === 'stored' || state === 'duplicate', answer: { reasons, at, ...(hazards ? { hazards } : {}) } };
      await db.outbox.update(entry.seq as number, changes);
    }
  });
}

export async function acknowledge(seq: number): Promise<void> {
  await db.outbox.update(seq, { seen: true });
  await reload();
}

/** A flow the platform could not take as it was (invalid): sent again once the cause is put right. */
export async function resend(seq: number): Promise<void> {
  await db.outbox.update(seq, { state: 'pending', seen: true });
  await reload();
  void sync();
}

/**
 * Clears the answered flows from the phone. Refused while any flow is unsent or any refusal
 * unacknowledged: the outbox never drops what the platform does not have.
 */
export async function clearAnswered(): Promise<boolean> {
  if (pendingCount() > 0 || unseenCount() > 0) return false;
  await db.transaction('rw', db.outbox, db.media, async () => {
    await db.outbox.where('state').noneOf(['pending', 'invalid']).delete();
    const kept = new Set((await db.outbox.toArray()).flatMap((e) => e.media));
    await db.media.filter((m) => m.uploaded && !kept.has(m.sha256)).delete();
  });
  await reload();
  return true;
}
