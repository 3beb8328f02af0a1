import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp, type AppDeps } from '../../src/app';
import type { DatabaseProbe } from '../../src/shared/db/database.connection';

export const silentLogger = pino({ level: 'silent' });

export function fakeDatabase(ping: DatabaseProbe['ping'] = async () => undefined): DatabaseProbe {
  return { info: { mode: 'embedded', engine: 'lpg-embedded', name: 'test' }, ping };
}

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Listens on a free port, like main does, so tests talk plain HTTP to it. */
export async function listenOnFreePort(handler: RequestListener): Promise<RunningServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function bootApp(overrides: Partial<AppDeps> = {}): Promise<RunningServer> {
  return listenOnFreePort(
    createApp({
      config: { isProduction: false, http: { bodyLimit: '2kb' } },
      logger: silentLogger,
      database: fakeDatabase(),
      ...overrides,
    }),
  );
}
