import { bootApp, fakeDatabase, type RunningServer } from './app.harness';

describe('liveness and readiness', () => {
  let app: RunningServer;
  let databaseUp = true;
  beforeAll(async () => {
    app = await bootApp({
      database: fakeDatabase(async () => {
        if (!databaseUp) throw new Error('connection refused');
      }),
      version: '9.9.9-test',
    });
  });
  afterAll(() => app.close());

  it('reports status, database mode and version on /healthz', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ok',
      db: { mode: 'embedded', engine: 'lpg-embedded' },
      version: '9.9.9-test',
    });
  });

  it('is ready while the database answers', async () => {
    databaseUp = true;
    const res = await fetch(`${app.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready', db: { ok: true } });
  });

  it('is unavailable (503) while the database does not answer, and alive all the same', async () => {
    databaseUp = false;
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', db: { ok: false } });
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it('gives up on a hanging database at the readiness timeout instead of hanging the probe', async () => {
    const hanging = await bootApp({
      database: fakeDatabase((timeoutMs) => new Promise((_r, reject) => setTimeout(() => reject(new Error('t')), timeoutMs))),
      readinessTimeoutMs: 100,
    });
    try {
      const started = Date.now();
      const res = await fetch(`${hanging.url}/readyz`);
      expect(res.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await hanging.close();
    }
  });
});
