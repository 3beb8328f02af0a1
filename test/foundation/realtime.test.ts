import { io as connect } from 'socket.io-client';
import { createRealtime } from '../../src/shared/realtime/realtime.server';
import { listenOnFreePort, silentLogger } from './app.harness';

describe('realtime', () => {
  it('accepts Socket.IO clients on the HTTP server and disconnects them on close', async () => {
    const running = await listenOnFreePort((_req, res) => res.end());
    const realtime = await createRealtime(running.server, silentLogger);
    realtime.io.of('/probe').on('connection', (socket) => socket.emit('hello', { ok: true }));
    const client = connect(`${running.url}/probe`, { transports: ['websocket'], reconnection: false });
    try {
      await expect(new Promise((resolve) => client.on('hello', resolve))).resolves.toEqual({ ok: true });
      const disconnected = new Promise((resolve) => client.on('disconnect', resolve));
      await realtime.close();
      await expect(disconnected).resolves.toBeDefined();
    } finally {
      client.close();
      await running.close();
    }
  });

  it('refuses clients of the default namespace, which serves nothing', async () => {
    const running = await listenOnFreePort((_req, res) => res.end());
    const realtime = await createRealtime(running.server, silentLogger);
    const client = connect(running.url, { transports: ['websocket'], reconnection: false });
    try {
      const refused = await new Promise<Error & { data?: { code?: string } }>((resolve) => client.on('connect_error', resolve));
      expect(refused.data?.code).toBe('NOT_FOUND');
      expect(client.connected).toBe(false);
    } finally {
      client.close();
      await realtime.close();
      await running.close();
    }
  });
});

describe('realtime: who may open a connection', () => {
  /** Connects to a namespace that serves everyone, with these handshake headers; answers whether it connected. */
  async function connectsWith(headers: Record<string, string>, transports: ('websocket' | 'polling')[]): Promise<boolean> {
    const running = await listenOnFreePort((_req, res) => res.end());
    const realtime = await createRealtime(running.server, silentLogger);
    realtime.io.of('/open').on('connection', () => undefined);
    const client = connect(`${running.url}/open`, { transports, reconnection: false, extraHeaders: headers });
    try {
      return await new Promise<boolean>((resolve) => {
        client.on('connect', () => resolve(true));
        client.on('connect_error', () => resolve(false));
      });
    } finally {
      client.close();
      await realtime.close();
      await running.close();
    }
  }

  it('refuses a handshake the browser marks as made by another site, over either transport', async () => {
    await expect(connectsWith({ 'sec-fetch-site': 'cross-site' }, ['websocket'])).resolves.toBe(false);
    await expect(connectsWith({ 'sec-fetch-site': 'cross-site' }, ['polling'])).resolves.toBe(false);
  });

  it("accepts the platform's own pages (same-origin), same-site pages and clients that are no browser", async () => {
    await expect(connectsWith({ 'sec-fetch-site': 'same-origin' }, ['websocket'])).resolves.toBe(true);
    await expect(connectsWith({ 'sec-fetch-site': 'same-site' }, ['polling'])).resolves.toBe(true);
    await expect(connectsWith({}, ['websocket'])).resolves.toBe(true);
  });
});
