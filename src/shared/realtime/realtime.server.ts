import type { Server as HttpServer } from 'node:http';
import { Server as SocketServer } from 'socket.io';
import type { Logger } from '../logger/logger.factory';

export interface Realtime {
  /** Components add namespaces and rooms here (alerts to district regulators, ...). */
  readonly io: SocketServer;
  /** Disconnects every client; the HTTP server itself is drained separately. */
  close(): Promise<void>;
}

/** Socket.IO on the same HTTP server and port as the API; same-origin only until a feature needs CORS. */
export function createRealtime(httpServer: HttpServer, logger: Logger): Realtime {
  const io = new SocketServer(httpServer, { serveClient: false, maxHttpBufferSize: 100_000 });
  io.on('connection', (socket) => {
    logger.debug({ socketId: socket.id }, 'realtime client connected');
    socket.on('disconnect', (reason) => logger.debug({ socketId: socket.id, reason }, 'realtime client left'));
  });
  return {
    io,
    close: () =>
      // io.close() also closes the HTTP server; when the drain already did, its callback gets
      // ERR_SERVER_NOT_RUNNING, which here only means "already stopped accepting".
      new Promise<void>((resolve) => {
        void io.close(() => resolve());
      }),
  };
}
