import type { Namespace, Server, Socket } from 'socket.io';
import { z } from 'zod';
import { accessTokenExpiresAt, verifyAccessToken, type Principal } from '../auth';
import { AppError } from '../../shared/errors/app.error';
import type { Logger } from '../../shared/logger/logger.factory';
import type { Feed } from './alerts.feed';
import type { AlertRepository, StoredChange } from './alerts.repository';
import { alertChangePayload, handshakeAuth, type AlertsClientEvents, type AlertsServerEvents, type SessionEndedPayload } from './alerts.schemas';
import { alertScope, roomsOfChange } from './alerts.scope';

export const ALERTS_NAMESPACE = '/alerts';
/** Inter-process message through the Socket.IO adapter: the changes a process's runner committed. */
const CHANGES_MESSAGE = 'alerts:changes';
const BACKLOG_PAGE = 500;
/** How long a connection waits for this process to deliver a `since` it has not seen yet (another process's change). */
const SINCE_WAIT_MS = 2_000;

interface SocketData {
  principal: Principal;
  rooms: string[];
  filter: Record<string, unknown>;
  since: number | undefined;
  expiresAt: Date | undefined;
}
type AlertsSocket = Socket<AlertsClientEvents, AlertsServerEvents, Record<string, never>, SocketData>;

export interface SocketDeps {
  jwtSecret: string;
  isActive: (principal: Principal) => Promise<boolean>;
  repo: AlertRepository;
  feed: Feed;
  logger: Pick<Logger, 'debug' | 'warn' | 'error'>;
  /** How often connected accounts are checked again (deactivation, logout). */
  recheckMs: number;
}

/** The error a refused handshake carries to the client (`connect_error`: message and `data.code`). */
function refusal(code: string, detail: string): Error & { data: { code: string; detail: string } } {
  return Object.assign(new Error(detail), { data: { code, detail } });
}

const storedChange = z.object({ seq: z.number().int().min(1), districtCode: z.string().nullable(), enterpriseId: z.string().nullable(), payload: alertChangePayload });

/**
 * The `/alerts` namespace on the app's Socket.IO server: the handshake's token is verified like a
 * bearer token (and the account checked), the connection joins the rooms of its scope only after
 * it has been sent every change after its `since` from the journal, in order, and from then on
 * receives the live feed — this process's feed, so a change is delivered once, in order, whichever
 * process committed it. Returns the detach (for a restart of the components on the same server).
 */
export function attachAlertsNamespace(realtime: { io: Server; clustered: boolean }, deps: SocketDeps): () => void {
  const nsp = realtime.io.of(ALERTS_NAMESPACE) as unknown as Namespace<AlertsClientEvents, AlertsServerEvents, Record<string, never>, SocketData>;
  let detached = false;
  nsp.use((socket, next) => {
    // A restart of the components attaches again on the same server: the detached handlers step aside.
    if (detached) return next();
    admit(socket.handshake.auth).then(
      (data) => {
        socket.data = data;
        next();
      },
      (error: unknown) => next(error instanceof Error && 'data' in error ? error : refusal('INTERNAL', 'The connection could not be checked')),
    );
  });

  async function admit(auth: unknown): Promise<SocketData> {
    const parsed = handshakeAuth.safeParse(auth ?? {});
    if (!parsed.success) {
      const missing = typeof (auth as { token?: unknown } | undefined)?.token !== 'string';
      throw missing ? refusal('UNAUTHORIZED', 'handshake.auth.token (an access token) is required') : refusal('VALIDATION_FAILED', parsed.error.issues.map((i) => `${i.path.join('.') || 'auth'}: ${i.message}`).join('; '));
    }
    let principal: Principal;
    try {
      principal = verifyAccessToken(deps.jwtSecret, parsed.data.token);
    } catch (error) {
      const e = error instanceof AppError ? error : undefined;
      throw refusal(e?.code ?? 'INVALID_TOKEN', e?.detail ?? 'The access token is not valid');
    }
    if (principal.mustChangePassword) throw refusal('PASSWORD_CHANGE_REQUIRED', 'Change the password, then connect with a new token');
    if (!(await deps.isActive(principal))) throw refusal('ACCOUNT_INACTIVE', 'The account is deactivated or locked');
    const scope = alertScope(principal);
    if (!scope) throw refusal('FORBIDDEN', `Role ${principal.role} receives no alerts`);
    return { principal, rooms: scope.rooms, filter: scope.filter, since: parsed.data.since, expiresAt: accessTokenExpiresAt(parsed.data.token) };
  }

  const end = (socket: AlertsSocket, payload: SessionEndedPayload) => {
    socket.emit('session:ended', payload);
    socket.disconnect(true);
  };

  nsp.on('connection', (socket: AlertsSocket) => {
    if (detached) return;
    const { expiresAt } = socket.data;
    const timer = expiresAt ? setTimeout(() => end(socket, { code: 'TOKEN_EXPIRED', message: 'The access token expired: connect again with a fresh one and `since`' }), Math.max(0, expiresAt.getTime() - Date.now())) : undefined;
    socket.on('disconnect', () => clearTimeout(timer));
    void join(socket).catch((error: unknown) => {
      deps.logger.error({ err: error }, 'sending an alerts backlog failed');
      socket.disconnect(true);
    });
  });

  /** Backlog (since, feed position] from the journal in the socket's scope, then the rooms: synchronously once caught up, so no change falls between. */
  async function join(socket: AlertsSocket): Promise<void> {
    const { since, filter, rooms } = socket.data;
    if (since === undefined) {
      await socket.join(rooms);
      return;
    }
    if (since > deps.feed.position) await deps.feed.reach(since, SINCE_WAIT_MS);
    let cursor = since;
    for (;;) {
      const target = deps.feed.position;
      while (cursor < target) {
        const page = await deps.repo.changesAfter(cursor, filter, BACKLOG_PAGE, target);
        for (const change of page) socket.emit(change.payload.change === 'new' ? 'alert:new' : 'alert:update', change.payload);
        cursor = page.length < BACKLOG_PAGE ? target : (page.at(-1) as StoredChange).seq;
      }
      if (!socket.connected) return;
      if (deps.feed.position <= cursor) {
        // Joined in the same turn as the check: the feed delivers the next change to the rooms, this socket included.
        void socket.join(rooms);
        return;
      }
    }
  }

  const unsubscribe = deps.feed.subscribe((change) => {
    nsp.local.to(roomsOfChange(change)).emit(change.payload.change === 'new' ? 'alert:new' : 'alert:update', change.payload);
  });
  const fromOthers = (changes: unknown) => {
    const parsed = z.array(storedChange).safeParse(changes);
    if (parsed.success) deps.feed.offer(parsed.data);
    else deps.logger.warn({ issues: parsed.error.issues.slice(0, 3) }, 'ignored a malformed alerts message from another process');
  };
  if (realtime.clustered) nsp.on(CHANGES_MESSAGE as never, fromOthers as never);

  const recheck = setInterval(() => {
    for (const socket of nsp.sockets.values()) {
      deps.isActive(socket.data.principal).then(
        (active) => active || end(socket, { code: 'ACCOUNT_INACTIVE', message: 'The account was deactivated or the session ended' }),
        () => undefined,
      );
    }
  }, deps.recheckMs);
  recheck.unref();

  return () => {
    unsubscribe();
    clearInterval(recheck);
    if (realtime.clustered) nsp.off(CHANGES_MESSAGE as never, fromOthers as never);
    detached = true;
    nsp.disconnectSockets(true);
  };
}

/** Tells the other processes of this process's committed changes (through the adapter: Redis Streams' PUB/SUB). */
export function shareWithCluster(realtime: { io: Server; clustered: boolean }, changes: readonly StoredChange[]): void {
  if (realtime.clustered && changes.length > 0) realtime.io.of(ALERTS_NAMESPACE).serverSideEmit(CHANGES_MESSAGE, changes);
}
