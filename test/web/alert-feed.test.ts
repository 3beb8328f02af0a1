import { createPinia, setActivePinia } from 'pinia';
import { installApi } from '../../web/src/api';
import { createApiClient } from '../../web/src/api/client';
import { useAlertFeedStore, type AuthProvider, type FeedSocket } from '../../web/src/stores/alert-feed';
import { useSessionStore } from '../../web/src/stores/session';
import type { AlertView } from '../../web/src/views/regulator/regulator.api';

/**
 * The regulator dashboard's live feed over a scripted platform and a stand-in Socket.IO client:
 * what the reader sees (newest first, the badge, an acknowledgement in place) and that a lost
 * connection resumes from the last change seen, with a fresh token when the old one expired.
 */
type Handler = (...args: unknown[]) => void;
class FakeSocket implements FeedSocket {
  handlers = new Map<string, Handler[]>();
  handshakes: { token: string; since?: number }[] = [];
  active = false;
  constructor(private readonly auth: AuthProvider) {}
  on(event: string, handler: (...args: never[]) => void): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler as Handler]);
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const h of this.handlers.get(event) ?? []) h(...args);
  }
  connect(): this {
    this.active = true;
    this.auth((a) => this.handshakes.push(a));
    return this;
  }
  disconnect(): this {
    this.active = false;
    return this;
  }
}

const alert = (id: string, seq: number, extra: Partial<AlertView> = {}): AlertView => ({
  id,
  seq,
  districtSeq: seq,
  rule: 'UNLICENSED_SELLER',
  title: { zh: '无证经营', en: 'Unlicensed seller' },
  severity: 'critical',
  status: 'open',
  subject: { kind: 'site', id: 's1' },
  districtCode: '441802',
  enterpriseId: 'e1',
  firstSeenAt: '2026-01-01T00:00:00.000Z',
  lastSeenAt: '2026-01-01T00:00:00.000Z',
  count: 1,
  detail: '',
  evidence: [],
  ...extra,
});

let tokens = 0;
const seen: string[] = [];
function platform(listed: AlertView[]) {
  seen.length = 0;
  tokens = 0;
  const user = { id: 'u1', username: 'city', displayName: '市局', role: 'city_regulator', mustChangePassword: false };
  const answer = () => ({ status: 200, body: { accessToken: `T${(tokens += 1)}`, expiresIn: 900, mustChangePassword: false, user } });
  const routes: Record<string, (body: unknown) => { status: number; body?: unknown }> = {
    'POST /api/v1/auth/login': answer,
    'POST /api/v1/auth/refresh': answer,
    'GET /api/v1/auth/me': () => ({ status: 200, body: { ...user, permissions: { alerts: ['read', 'update'] } } }),
    'POST /api/v1/auth/logout': () => ({ status: 204 }),
    'GET /api/v1/alerts': () => ({ status: 200, body: { items: listed, nextCursor: null } }),
    'POST /api/v1/alerts/a2/acknowledge': () => ({ status: 200, body: alert('a2', 9, { status: 'acknowledged' }) }),
  };
  const fetch = async (url: string | URL, init?: RequestInit) => {
    const [path, query] = String(url).split('?');
    const key = `${init?.method ?? 'GET'} ${path}`;
    seen.push(query ? `${key}?${query}` : key);
    const route = routes[key];
    if (!route) throw new Error(`unscripted ${key}`);
    const a = route(typeof init?.body === 'string' ? JSON.parse(init.body) : undefined);
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), { status: a.status });
  };
  installApi(createApiClient({ fetch: fetch as typeof globalThis.fetch, language: () => 'zh-CN', retryDelaysMs: [] }));
}

async function started(listed: AlertView[]): Promise<{ feed: ReturnType<typeof useAlertFeedStore>; socket: FakeSocket }> {
  platform(listed);
  await useSessionStore().login('city', 'pw');
  const feed = useAlertFeedStore();
  let socket: FakeSocket | undefined;
  await feed.start((auth) => (socket = new FakeSocket(auth)));
  if (!socket) throw new Error('no socket made');
  return { feed, socket };
}

beforeEach(() => setActivePinia(createPinia()));

describe('the live alert feed', () => {
  it('shows the latest alerts, then connects from the newest change it holds, and shows pushes newest first with a badge', async () => {
    const { feed, socket } = await started([alert('a2', 7), alert('a1', 3)]);
    expect(socket.handshakes).toEqual([{ token: 'T1', since: 7 }]);
    socket.emit('connect');
    expect(feed.status).toBe('live');
    expect(feed.alerts.map((a) => a.id)).toEqual(['a2', 'a1']);
    expect(feed.unseen).toBe(0);

    socket.emit('alert:new', { change: 'new', alert: alert('a3', 8), added: [] });
    socket.emit('alert:update', { change: 'update', alert: alert('a1', 9, { count: 2 }), added: [] });
    expect(feed.alerts.map((a) => [a.id, a.seq])).toEqual([['a1', 9], ['a3', 8], ['a2', 7]]);
    expect(feed.alerts.find((a) => a.id === 'a1')?.count).toBe(2);
    expect(feed.unseen).toBe(1);
    expect(feed.openCount).toBe(3);
    feed.markSeen();
    expect(feed.unseen).toBe(0);
  });

  it('applies a change it already holds (a replay after reconnecting) once, and never goes back to an older view', async () => {
    const { feed, socket } = await started([alert('a1', 5, { count: 3 })]);
    const heard: string[] = [];
    feed.onNew((a) => heard.push(a.id));
    socket.emit('alert:update', { change: 'update', alert: alert('a1', 4, { count: 2 }), added: [] });
    socket.emit('alert:new', { change: 'new', alert: alert('a1', 5, { count: 3 }), added: [] });
    expect(feed.alerts).toHaveLength(1);
    expect(feed.alerts[0]?.count).toBe(3);
    socket.emit('alert:new', { change: 'new', alert: alert('a9', 6), added: [] });
    socket.emit('alert:new', { change: 'new', alert: alert('a9', 6), added: [] });
    expect(heard).toEqual(['a9']);
    expect(feed.unseen).toBe(1);
  });

  it('resumes after a lost connection from the last change seen, so the server replays the gap', async () => {
    const { feed, socket } = await started([alert('a1', 2)]);
    socket.emit('connect');
    socket.emit('alert:new', { change: 'new', alert: alert('a2', 11), added: [] });
    socket.emit('disconnect', 'transport close');
    expect(feed.status).toBe('offline');
    // socket.io-client reconnects by itself, asking the handshake again.
    socket.connect();
    expect(socket.handshakes.at(-1)).toEqual({ token: 'T1', since: 11 });
    socket.emit('connect');
    socket.emit('alert:new', { change: 'new', alert: alert('a3', 12), added: [] });
    expect(feed.status).toBe('live');
    expect(feed.alerts.map((a) => a.id)).toEqual(['a3', 'a2', 'a1']);
  });

  it('connects again, from the last change seen, when the server let the connection go', async () => {
    const { feed, socket } = await started([alert('a1', 4)]);
    socket.emit('connect');
    socket.active = false;
    socket.emit('disconnect', 'io server disconnect');
    expect(socket.handshakes).toEqual([{ token: 'T1', since: 4 }, { token: 'T1', since: 4 }]);
    socket.emit('connect');
    expect(feed.status).toBe('live');
  });

  it('refreshes an expired token and connects again; a refusal no refresh cures is shown', async () => {
    const { feed, socket } = await started([]);
    expect(socket.handshakes).toEqual([{ token: 'T1' }]);
    socket.active = false;
    socket.emit('connect_error', Object.assign(new Error('expired'), { data: { code: 'TOKEN_EXPIRED' } }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toContain('POST /api/v1/auth/refresh');
    expect(socket.handshakes.at(-1)).toEqual({ token: 'T2' });
    socket.active = false;
    socket.emit('connect_error', Object.assign(new Error('no'), { data: { code: 'FORBIDDEN' } }));
    expect(feed.status).toBe('refused');
    expect(feed.refusal).toBe('FORBIDDEN');
  });

  it('acknowledges an alert in place, and forgets the feed at logout', async () => {
    const { feed } = await started([alert('a2', 8), alert('a1', 3)]);
    await feed.acknowledge('a2');
    expect(seen).toContain('POST /api/v1/alerts/a2/acknowledge');
    expect(feed.alerts.map((a) => [a.id, a.status])).toEqual([['a2', 'acknowledged'], ['a1', 'open']]);
    expect(feed.openCount).toBe(1);
    await useSessionStore().logout();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(feed.alerts).toEqual([]);
    expect(feed.status).toBe('idle');
  });
});
