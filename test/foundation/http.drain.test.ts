import { Agent, request } from 'node:http';
import { drainHttpServer } from '../../src/shared/lifecycle/http.drain';
import { listenOnFreePort } from './app.harness';

function get(url: string, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

describe('draining the HTTP server', () => {
  it('lets an in-flight slow request finish, then closes even keep-alive connections', async () => {
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    const running = await listenOnFreePort((_req, res) => {
      arrived();
      setTimeout(() => res.end('weighed'), 300);
    });
    const agent = new Agent({ keepAlive: true });
    try {
      const inFlight = get(`${running.url}/slow`, agent);
      await requestArrived;
      const drained = drainHttpServer(running.server, 5_000);
      await expect(inFlight).resolves.toEqual({ status: 200, body: 'weighed' });
      await expect(drained).resolves.toEqual({ timedOut: false });
      expect(running.server.listening).toBe(false);
    } finally {
      agent.destroy();
    }
  });

  it('refuses new connections once draining starts', async () => {
    const running = await listenOnFreePort((_req, res) => res.end('ok'));
    await drainHttpServer(running.server, 1_000);
    await expect(fetch(`${running.url}/`)).rejects.toThrow();
  });

  it('cuts requests still running at the deadline', async () => {
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    const running = await listenOnFreePort(() => arrived());
    const agent = new Agent({ keepAlive: true });
    try {
      const stuck = get(`${running.url}/stuck`, agent);
      await requestArrived;
      const started = Date.now();
      await expect(drainHttpServer(running.server, 200)).resolves.toEqual({ timedOut: true });
      expect(Date.now() - started).toBeLessThan(2_000);
      await expect(stuck).rejects.toThrow();
    } finally {
      agent.destroy();
    }
  });
});
