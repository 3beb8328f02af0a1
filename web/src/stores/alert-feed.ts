import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { api } from '../api';
import { useSessionStore } from './session';
import { alertsApi, type AlertChange, type AlertView } from '../views/regulator/regulator.api';

/** What the feed needs of a Socket.IO client (socket.io-client's Socket; a stand-in in tests). */
export interface FeedSocket {
  on(event: string, handler: (...args: never[]) => void): unknown;
  connect(): unknown;
  disconnect(): unknown;
  readonly active: boolean;
}
/** The handshake `auth` is asked again on every (re)connection: the token now held and the last change seen. */
export type AuthProvider = (callback: (auth: { token: string; since?: number }) => void) => void;
export type SocketFactory = (auth: AuthProvider) => FeedSocket;

/** A handshake refusal a fresh access token cures. */
const REFRESHABLE = new Set(['TOKEN_EXPIRED', 'INVALID_TOKEN', 'UNAUTHORIZED']);
/** How many alerts the feed keeps (the alert list page pages through the rest). */
const KEEP = 200;

/**
 * The live alert feed of the regulator's dashboard: the latest alerts from the REST list, then
 * every change pushed on the /alerts namespace. Each (re)connection names the last change seen
 * (`since`: the alerts' global `seq`), so the server replays what happened while the connection
 * was down before the live feed resumes — no gap, and a change seen twice is applied once.
 * A handshake refused for an expired token is retried once with a refreshed one.
 */
export const useAlertFeedStore = defineStore('alertFeed', () => {
  const byId = ref(new Map<string, AlertView>());
  const lastSeq = ref(0);
  const status = ref<'idle' | 'connecting' | 'live' | 'offline' | 'refused'>('idle');
  const refusal = ref('');
  /** New alerts since the reader last looked (the badge). */
  const unseen = ref(0);
  const sound = ref(false);
  /** Told of each new alert (the dashboard's sound). */
  const listeners = new Set<(alert: AlertView) => void>();
  const socket = shallowRef<FeedSocket | undefined>();
  let refreshedOnce = false;

  const alerts = computed(() => [...byId.value.values()].sort((a, b) => b.seq - a.seq));
  const openCount = computed(() => alerts.value.filter((a) => a.status === 'open').length);

  /** Applies an alert's view unless an as-new or newer one is already held; true when it changed the feed. */
  function apply(view: AlertView): boolean {
    const held = byId.value.get(view.id);
    if (view.seq > lastSeq.value) lastSeq.value = view.seq;
    if (held && held.seq >= view.seq) return false;
    const next = new Map(byId.value);
    next.set(view.id, view);
    if (next.size > KEEP) {
      const oldest = [...next.values()].sort((a, b) => a.seq - b.seq).slice(0, next.size - KEEP);
      for (const a of oldest) next.delete(a.id);
    }
    byId.value = next;
    return true;
  }

  function received(payload: AlertChange): void {
    const isNew = !byId.value.has(payload.alert.id);
    if (apply(payload.alert) && payload.change === 'new' && isNew) {
      unseen.value += 1;
      for (const l of listeners) l(payload.alert);
    }
  }

  /** Loads the latest alerts, then connects: the first handshake's `since` is the newest of them. */
  async function start(factory: SocketFactory): Promise<void> {
    if (socket.value) return;
    status.value = 'connecting';
    const page = await alertsApi.list({ limit: 50 });
    for (const a of page.items) apply(a);
    const auth: AuthProvider = (callback) => {
      const token = api().session?.accessToken ?? '';
      callback(lastSeq.value > 0 ? { token, since: lastSeq.value } : { token });
    };
    const s = factory(auth);
    socket.value = s;
    s.on('connect', () => {
      status.value = 'live';
      refusal.value = '';
      refreshedOnce = false;
    });
    s.on('disconnect', ((reason: string) => {
      if (socket.value !== s) return;
      status.value = 'offline';
      // The client reconnects by itself after a lost transport, not after the server let it go
      // (a restart of the server's components): then it asks again, and a refusal is shown.
      if (reason === 'io server disconnect') s.connect();
    }) as never);
    s.on('alert:new', received as never);
    s.on('alert:update', received as never);
    s.on('connect_error', ((error: Error & { data?: { code?: string } }) => {
      const code = error.data?.code ?? '';
      // A refusal by the server (not a transport failure) is not retried by the client itself.
      if (REFRESHABLE.has(code) && !refreshedOnce) {
        refreshedOnce = true;
        void renewAndConnect(s);
        return;
      }
      if (!s.active) {
        status.value = 'refused';
        refusal.value = code || error.message;
      } else status.value = 'offline';
    }) as never);
    s.on('session:ended', ((payload: { code: string }) => {
      if (payload.code === 'TOKEN_EXPIRED') void renewAndConnect(s);
    }) as never);
    s.connect();
  }

  async function renewAndConnect(s: FeedSocket): Promise<void> {
    const session = await api().refresh().catch(() => undefined);
    if (session && socket.value === s) s.connect();
  }

  /** Disconnects and forgets the feed (a logout: the next account starts afresh). */
  function stop(): void {
    const s = socket.value;
    socket.value = undefined;
    s?.disconnect();
    status.value = 'idle';
    byId.value = new Map();
    lastSeq.value = 0;
    unseen.value = 0;
  }
  const session = useSessionStore();
  watch(
    () => session.status,
    (now) => {
      if (now !== 'authenticated') stop();
    },
  );

  async function acknowledge(id: string, note?: string): Promise<AlertView> {
    const view = await alertsApi.acknowledge(id, note);
    apply(view);
    return view;
  }

  /** Another page changed an alert (dismissed, opened a case): the feed shows it at once. */
  function adopt(view: AlertView): void {
    apply(view);
  }

  function markSeen(): void {
    unseen.value = 0;
  }

  function onNew(listener: (alert: AlertView) => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  function setSound(on: boolean): void {
    sound.value = on;
  }

  return { alerts, lastSeq, status, refusal, unseen, openCount, sound, start, stop, acknowledge, adopt, markSeen, onNew, setSound, received };
});
