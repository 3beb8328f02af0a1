import { developmentSeeders, seedDevelopmentDatabase } from '../../seed';
import { createApp } from '../../src/app';
import { createComponents } from '../../src/components';
import { connectDatabase, type Database } from '../../src/shared/db/database.connection';
import { listenOnFreePort, silentLogger, type RunningServer } from '../foundation/app.harness';
import { startTestDatabase, type TestDatabase } from '../support/mongo';
import { TEST_SECRETS } from './auth.harness';

describe('demo accounts of the development seed, on the real registry', () => {
  let testDb: TestDatabase;
  let database: Database;
  let server: RunningServer;
  const printed = new Map<string, string>();
  const config = { secrets: TEST_SECRETS, env: 'development' as const };

  beforeAll(async () => {
    testDb = await startTestDatabase('auth_demo');
    database = await connectDatabase(testDb.uri, { mode: 'embedded', engine: 'lpg-embedded', name: testDb.dbName });
    const out: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    try {
      await seedDevelopmentDatabase({ connection: database.connection, logger: silentLogger, config }, developmentSeeders({ cityScale: 0.02, citySeed: 'demo-accounts-test' }));
    } finally {
      spy.mockRestore();
    }
    for (const m of out.join('').matchAll(/^\s+(demo\.\w+)\s+(\S+)\s+\w+\s+\S+$/gm)) printed.set(m[1] ?? '', m[2] ?? '');
    const modules = await createComponents({ connection: database.connection, config, logger: silentLogger });
    server = await listenOnFreePort(createApp({ config: { isProduction: false, http: { bodyLimit: '100kb' } }, logger: silentLogger, database, modules }));
  }, 120_000);
  afterAll(async () => {
    await server.close();
    await database.connection.db?.dropDatabase();
    await database.close();
    await testDb.stop();
  });

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  const login = async (username: string) => String((await call('POST', '/api/v1/auth/login', undefined, { username, password: printed.get(username) })).body.accessToken);

  it('prints one account per role, each of which can log in, and stores no password in clear', async () => {
    expect([...printed.keys()].sort()).toEqual(['demo.admin', 'demo.auditor', 'demo.city', 'demo.delivery', 'demo.district', 'demo.operator']);
    for (const username of printed.keys()) {
      const res = await call('POST', '/api/v1/auth/login', undefined, { username, password: printed.get(username) });
      expect([username, res.status]).toEqual([username, 200]);
    }
    const raw = JSON.stringify(await database.connection.collection('users').find({}).toArray());
    for (const password of printed.values()) expect(raw).not.toContain(password);
  });

  it('links the operator to its worker and the enterprise users to their district, from the registry', async () => {
    const me = (await call('GET', '/api/v1/auth/me', await login('demo.operator'))).body;
    expect(me).toMatchObject({ role: 'filling_operator', districtCode: '441802' });
    expect(me.workerId).toMatch(/^[0-9a-f]{24}$/);
    const users = (await call('GET', '/api/v1/users?limit=200', await login('demo.district'))).body.items as { username: string }[];
    expect(users.map((u) => u.username).sort()).toEqual(['demo.admin', 'demo.delivery', 'demo.district', 'demo.operator']);
  });

  it("registers a scale at the enterprise's real filling station, and refuses a supply point or another enterprise's station", async () => {
    const admin = await login('demo.admin');
    const me = (await call('GET', '/api/v1/auth/me', admin)).body;
    const sites = await database.connection.collection('sites').find({}).toArray();
    const own = sites.filter((s) => String(s.enterpriseId) === me.enterpriseId);
    const station = own.find((s) => s.kind === 'filling_station');
    const point = own.find((s) => s.kind === 'supply_point');
    const foreign = sites.find((s) => String(s.enterpriseId) !== me.enterpriseId && s.kind === 'filling_station');
    expect((await call('POST', '/api/v1/devices', admin, { siteId: String(station?._id), name: '1号秤' })).status).toBe(201);
    expect((await call('POST', '/api/v1/devices', admin, { siteId: String(point?._id), name: 'x' })).body.code).toBe('SITE_NOT_FILLING_STATION');
    expect((await call('POST', '/api/v1/devices', admin, { siteId: String(foreign?._id), name: 'x' })).body.code).toBe('SITE_NOT_FOUND');
  });
});
