import express from 'express';
import { Writable } from 'node:stream';
import pino, { type LevelWithSilent } from 'pino';
import { accessLog } from '../../src/shared/http/access-log.middleware';
import { listenOnFreePort, type RunningServer } from './app.harness';

/** An app whose log lines land in `lines`, with routes that answer 200, 404 and 500 and one that logs. */
async function appLoggingAt(level: LevelWithSilent): Promise<{ server: RunningServer; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level, formatters: { level: (label: string) => ({ level: label }) } }, sink);
  const app = express();
  app.use(accessLog(logger));
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/fine', (req, res) => {
    req.log?.info({ step: 'weighed' }, 'inside the handler');
    res.json({ ok: true });
  });
  app.get('/missing', (_req, res) => {
    res.status(404).json({ code: 'NOT_FOUND' });
  });
  app.get('/broken', (_req, res) => {
    res.status(500).json({ code: 'INTERNAL' });
  });
  app.get('/slow', () => {
    // Never answers: the client gives up.
  });
  return { server: await listenOnFreePort(app), lines };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('the access log', () => {
  let running: { server: RunningServer; lines: Record<string, unknown>[] };
  beforeAll(async () => {
    running = await appLoggingAt('info');
  });
  afterAll(async () => {
    await running.server.close();
  });

  it('writes one line per request with its id, method, url, status and duration', async () => {
    const res = await fetch(`${running.server.url}/fine?page=2`, { headers: { 'x-request-id': 'scale-0042-req-17' } });
    await res.text();
    await settle();
    expect(res.headers.get('x-request-id')).toBe('scale-0042-req-17');
    const access = running.lines.filter((l) => l.msg === 'request completed' && l.requestId === 'scale-0042-req-17');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ level: 'info', req: { method: 'GET', url: '/fine?page=2' }, res: { statusCode: 200 } });
    expect(typeof access[0]?.responseTime).toBe('number');
  });

  it('stamps the request id on the lines a handler writes through req.log', async () => {
    const res = await fetch(`${running.server.url}/fine`);
    await res.text();
    await settle();
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(running.lines).toContainEqual(expect.objectContaining({ msg: 'inside the handler', step: 'weighed', requestId: id }));
  });

  it('replaces an incoming request id that could forge or bloat log lines', async () => {
    const res = await fetch(`${running.server.url}/fine`, { headers: { 'x-request-id': `x","level":"fatal${'a'.repeat(200)}` } });
    await res.text();
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs client errors as warn and server errors as error', async () => {
    for (const path of ['/missing', '/broken']) await (await fetch(`${running.server.url}${path}`)).text();
    await settle();
    const levelOf = (url: string) => running.lines.find((l) => (l.req as { url?: string } | undefined)?.url === url)?.level;
    expect(levelOf('/missing')).toBe('warn');
    expect(levelOf('/broken')).toBe('error');
  });

  it('records a request the client abandoned as aborted', async () => {
    await expect(fetch(`${running.server.url}/slow`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    await settle();
    await settle();
    expect(running.lines).toContainEqual(expect.objectContaining({ msg: 'request aborted', level: 'error', req: expect.objectContaining({ url: '/slow' }) }));
  });

  it('leaves health probes out', async () => {
    await (await fetch(`${running.server.url}/healthz`)).text();
    await settle();
    expect(running.lines.some((l) => (l.req as { url?: string } | undefined)?.url === '/healthz')).toBe(false);
  });

  it('writes no access line below its level but still gives the request an id', async () => {
    const quiet = await appLoggingAt('error');
    try {
      const res = await fetch(`${quiet.server.url}/missing`);
      await res.text();
      await settle();
      expect(res.headers.get('x-request-id')).toBeTruthy();
      expect(quiet.lines).toEqual([]);
    } finally {
      await quiet.server.close();
    }
  });
});
