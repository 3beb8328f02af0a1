import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient } from 'redis';
import { Server as SocketServer } from 'socket.io';
import type { Logger } from '../logger/logger.factory';

export interface Realtime {
  /** Components add namespaces and rooms here (alerts to district regulators, ...). */
  readonly io: SocketServer;
  /** True when a Redis Streams adapter shares the server with other app processes. */
  readonly clustered: boolean;
  /** Disconnects every client (and Redis); the HTTP server itself is drained separately. */
  close(): Promise<void>;
}

export interface RealtimeOptions {
  /** With it, processes share broadcasts and server-side messages through Redis Streams (@socket.io/redis-streams-adapter). */
  redisUrl?: string | undefined;
}

/**
 * Socket.IO on the same HTTP server and port as the API; same-origin only until a feature needs
 * CORS. Several processes behind one address need sticky sessions while long-polling is allowed,
 * or clients that connect with the websocket transport only (docs/architecture.md).
 */
export async function createRealtime(httpServer: HttpServer, logger: Logger, options: RealtimeOptions = {}): Promise<Realtime> {
  const redis = options.redisUrl ? createClient({ url: options.redisUrl, socket: { connectTimeout: 5_000 } }) : undefined;
  if (redis) {
    redis.on('error', (err: unknown) => logger.warn({ err }, 'redis (realtime adapter) error'));
    await redis.connect();
    logger.info({ redis: redactedUrl(options.redisUrl ?? '') }, 'realtime shared through Redis Streams');
  }
  const io = new SocketServer(httpServer, {
    serveClient: false,
    maxHttpBufferSize: 100_000,
    // A connection opened by another site's page (the browser says so: Fetch Metadata) is refused
    // before any namespace sees it, as the cookie routes refuse such a request (cross-site.guard.ts).
    // Its token would be needed too; this holds whatever such a page might have got hold of.
    // Clients that are no browser send no such header and are unaffected.
    allowRequest: (req, callback) => {
      const crossSite = req.headers['sec-fetch-site'] === 'cross-site';
      callback(crossSite ? 'A page of another site may not connect' : null, !crossSite);
    },
    ...(redis ? { adapter: createAdapter(redis) } : {}),
  });
  // The default namespace serves nothing: a client there is refused rather than kept connected
  // (and counted) with no purpose; components serve namespaces of their own (/alerts).
  io.of('/').use((_socket, next) => next(Object.assign(new Error('No such namespace: connect to a namespace the platform serves (/alerts)'), { data: { code: 'NOT_FOUND' } })));
  io.on('new_namespace', (namespace) => {
    namespace.on('connection', (socket) => {
      logger.debug({ socketId: socket.id, namespace: namespace.name }, 'realtime client connected');
      socket.on('disconnect', (reason) => logger.debug({ socketId: socket.id, reason }, 'realtime client left'));
    });
  });
  return {
    io,
    clustered: !!redis,
    close: async () => {
      // io.close() also closes the HTTP server; when the drain already did, its callback gets
      // ERR_SERVER_NOT_RUNNING, which here only means "already stopped accepting".
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
      if (redis?.isOpen) await redis.quit().catch(() => undefined);
    },
  };
}

/** A Redis URL without its password, for the log. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis';
  }
}
