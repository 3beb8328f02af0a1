import { createApp } from '../../src/app';
import { signAccessToken, type Principal } from '../../src/components/auth';
import { buildComponents, type Components } from '../../src/components';
import { connectDatabase, type Database } from '../../src/shared/db/database.connection';
import { createDemoAccounts, type PrintedAccount } from '../../seed/city/city.accounts';
import { generateCity, loadCity, type City, type CityIds, type LoadResult } from '../../seed/city';
import { TEST_SECRETS } from '../auth/auth.harness';
import { listenOnFreePort, silentLogger, type RunningServer } from '../foundation/app.harness';
import { startTestDatabase, type TestDatabase } from '../support/mongo';
import { startDemoSimulators } from '../../src/sim/demo/demo.simulator';

/**
 * The demo city written through the platform's own paths (issue 18), at a small scale: nothing
 * the generator meant as normal is refused, every planted violation is refused or flagged, and a
 * city regulator logging in afterwards finds them as alerts, with chains that verify.
 */
describe('the demo city, loaded through the registry, the devices API and the ledger', () => {
  let testDb: TestDatabase;
  let database: Database;
  let server: RunningServer;
  let components: Components;
  let city: City;
  let loaded: LoadResult;
  let ids: CityIds;
  let accounts: PrintedAccount[] = [];
  const config = { secrets: TEST_SECRETS, env: 'development' as const };

  beforeAll(async () => {
    testDb = await startTestDatabase('demo_city');
    database = await connectDatabase(testDb.uri, { mode: 'embedded', engine: 'lpg-embedded', name: testDb.dbName });
    city = generateCity({ seed: 'load-test', scale: 0.02 });
    loaded = await loadCity(city, {
      connection: database.connection,
      config,
      logger: silentLogger,
      afterLoad: async (c, i) => {
        accounts = await createDemoAccounts(city, i, c);
      },
    });
    ids = loaded.ids;
    // The app as it starts afterwards: supervision catches up with the history from its stored position.
    components = await buildComponents({ connection: database.connection, config, logger: silentLogger, auth: { bcryptCost: 4 } });
    server = await listenOnFreePort(createApp({ config: { isProduction: false, http: { bodyLimit: '100kb' } }, logger: silentLogger, database, modules: components.modules }));
  }, 300_000);
  afterAll(async () => {
    await server?.close();
    for (const m of components?.modules ?? []) await m.stop?.();
    await components?.ledgerLog.stop();
    await database?.connection.db?.dropDatabase();
    await database?.close();
    await testDb?.stop();
  });

  const get = async (path: string, token: string) => {
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const login = async (username: string) => {
    const password = accounts.find((a) => a.username === username)?.password;
    const res = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    expect(res.status).toBe(200);
    return String(((await res.json()) as { accessToken: string }).accessToken);
  };
  /** Polls the alert list until an alert of `rule` shows (supervision works through the year in the background). */
  const alertOf = async (token: string, rule: string): Promise<Record<string, unknown>> => {
    const deadline = Date.now() + 240_000;
    for (;;) {
      const { body } = await get(`/api/v1/alerts?rule=${rule}&limit=5`, token);
      const item = (body.items as Record<string, unknown>[] | undefined)?.[0];
      if (item) return item;
      if (Date.now() > deadline) throw new Error(`no ${rule} alert within 240 s`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };

  it('accepts every event the generator meant as normal, and refuses the planted ones', () => {
    expect(loaded.unexpected).toEqual([]);
    expect(loaded.accepted).toBeGreaterThan(0.99 * city.events.length);
    expect(loaded.plantedRefusals.unlicensed_supply_point).toBeGreaterThan(0);
    expect(loaded.plantedRefusals.untrained_worker).toBeGreaterThan(0);
    expect(loaded.plantedRefusals.out_of_city_cylinder).toBe(city.planted.outOfCitySerials.length);
  });

  it('shows the city regulator the planted cases as alerts', async () => {
    const token = await login('demo.city');
    const unlicensed = await alertOf(token, 'UNLICENSED_SELLER');
    expect(unlicensed).toMatchObject({ subject: { kind: 'site', id: ids.sites[city.planted.unlicensedSupplyPoint] } });
    const untrained = await alertOf(token, 'UNTRAINED_WORKER');
    expect(untrained).toMatchObject({ subject: { kind: 'worker', id: ids.workers[city.planted.untrainedWorker] } });
    expect(await alertOf(token, 'OUT_OF_CITY_CYLINDER')).toMatchObject({ subject: { kind: 'code' } });
    expect(await alertOf(token, 'CLONED_CODE')).toMatchObject({ subject: { kind: 'cylinder', id: ids.cylinders[city.planted.clonedCylinder] } });
    expect(await alertOf(token, 'OVERFILL')).toMatchObject({ subject: { kind: 'site', id: ids.sites[city.planted.overfillingStation] } });
  }, 300_000);

  it('shows each enterprise licence as planned: the one still applying waits in the regulator\'s queue', async () => {
    const token = await login('demo.city');
    const all = ((await get('/api/v1/enterprises?limit=100', token)).body.items ?? []) as { id: string; licence?: { status: string; state: string } }[];
    expect(all.length).toBe(city.enterprises.length);
    city.enterprises.forEach((e, i) => {
      const shown = all.find((x) => x.id === ids.enterprises[i]);
      expect([e.name, shown?.licence?.status]).toEqual([e.name, e.state]);
    });
    const queue = ((await get('/api/v1/enterprises?status=unverified', token)).body.items ?? []) as { id: string; name: string; licence: { state: string } }[];
    expect(queue.map((e) => e.name)).toEqual(city.enterprises.filter((e) => e.state === 'unverified').map((e) => e.name));
    expect(queue[0]?.licence.state).toBe('submitted');
  });

  it("runs the city's own scales when it lives: every one heard from, none registered anew, none silent", async () => {
    const token = await login('demo.city');
    type Scale = { id: string; status: string; online?: boolean };
    const scales = async () => (((await get('/api/v1/devices?status=active&limit=100', token)).body.items ?? []) as Scale[]);
    const before = await scales();
    expect(before.length).toBe(ids.scales.size);
    expect(before.every((d) => !d.online)).toBe(true);
    const t0 = new Date();
    // Registered before t0 and never heard from: silent as of t0 — but not as of a moment before this process started.
    expect((await components.devices.scalesSilentSince(t0)).length).toBe(before.length);
    expect(await components.devices.scalesSilentSince(new Date(t0.getTime() - 3_600_000))).toEqual([]);
    const live = () => startDemoSimulators({ components, baseUrl: server.url, jwtSecret: TEST_SECRETS.JWT_SECRET, intervalMs: 600_000, scaleRate: 30, logger: silentLogger });
    for (let start = 0; start < 2; start++) {
      const sim = live();
      const deadline = Date.now() + 60_000;
      let now = await scales();
      // Until the scale simulator has provisioned (where it used to register a scale of its own) and every scale is heard from.
      while ((!sim.stats().scalesRunning || !now.every((d) => d.online)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        now = await scales();
      }
      expect(sim.stats().scalesRunning).toBe(true);
      await sim.stop();
      expect(now.map((d) => d.id).sort()).toEqual(before.map((d) => d.id).sort());
      expect(now.every((d) => d.online)).toBe(true);
      expect(await components.devices.scalesSilentSince(t0)).toEqual([]);
    }
  }, 150_000);

  it("verifies a cylinder's year-long chain, and keeps the district regulator to its district", async () => {
    const busiest = [...city.events.reduce((m, e) => (typeof e.cylinder === 'number' ? m.set(e.cylinder, (m.get(e.cylinder) ?? 0) + 1) : m), new Map<number, number>())].sort((a, b) => b[1] - a[1])[0]?.[0] as number;
    const token = await login('demo.city');
    const verified = await get(`/api/v1/cylinders/${ids.cylinders[busiest]}/chain/verify`, token);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true });
    const district = await login('demo.district');
    const foreign = city.cylinders.findIndex((c) => city.enterprises[c.enterprise]?.districtCode === '441882');
    expect((await get(`/api/v1/cylinders/${ids.cylinders[foreign]}`, district)).status).toBe(404);
  }, 120_000);

  it('answers every console read from an index: no GET route, as any demo account, scans a collection of more than 200 records', async () => {
    await components.alerts.settled();
    await components.devices.syncManualFills();
    const db = database.connection.db!;
    // The embedded server counts the reads no index answered per collection; a real MongoDB's profiler marks them COLLSCAN.
    const scans = async (): Promise<Record<string, number>> => {
      if (!testDb.external) return ((await db.admin().command({ serverStatus: 1 })) as { embedded: { collectionScans: Record<string, number> } }).embedded.collectionScans;
      const rows = await db.collection('system.profile').aggregate<{ _id: string; n: number }>([{ $match: { planSummary: 'COLLSCAN' } }, { $group: { _id: '$ns', n: { $sum: 1 } } }]).toArray();
      return Object.fromEntries(rows.map((r) => [r._id, r.n]));
    };
    if (testDb.external) await db.command({ profile: 2 });
    const before = await scans();
    const spec = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: Record<string, { get?: unknown }> };
    const lists = Object.keys(spec.paths).filter((path) => spec.paths[path]?.get && !path.includes('{') && path.startsWith('/api/v1/'));
    let answered = 0;
    // Tokens signed here rather than logins: the login throttle would stop six more within the minute.
    const users = await db.collection('users').find({ username: { $in: accounts.map((a) => a.username) } }).toArray();
    expect(users).toHaveLength(accounts.length);
    for (const u of users) {
      const principal: Principal = {
        kind: 'user', userId: String(u._id), username: String(u.username), role: u.role as Principal['role'],
        ...(u.enterpriseId ? { enterpriseId: String(u.enterpriseId) } : {}), ...(u.districtCode ? { districtCode: String(u.districtCode) } : {}), ...(u.workerId ? { workerId: String(u.workerId) } : {}),
      };
      const token = signAccessToken(TEST_SECRETS.JWT_SECRET, principal);
      for (const path of lists) {
        const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
        const text = await res.text();
        if (res.ok) answered++;
        // One record of a list too, where the list has a page of items and the document a route for one.
        const first = res.ok && res.headers.get('content-type')?.includes('json') ? ((JSON.parse(text) as { items?: { id?: string }[] }).items?.[0]?.id ?? undefined) : undefined;
        const one = Object.keys(spec.paths).find((p) => p.startsWith(`${path}/{`) && p.split('/').length === path.split('/').length + 1 && spec.paths[p]?.get);
        if (first && one) await (await fetch(`${server.url}${one.replace(/\{[^}]+\}/, first)}`, { headers: { authorization: `Bearer ${token}` } })).text();
      }
    }
    const after = await scans();
    if (testDb.external) await db.command({ profile: 0 });
    expect(answered).toBeGreaterThan(lists.length);
    const sizes = Object.fromEntries(await Promise.all((await db.listCollections({}, { nameOnly: true }).toArray()).map(async (c) => [`${db.databaseName}.${c.name}`, await db.collection(c.name).estimatedDocumentCount()] as const)));
    const scanned = Object.keys(after).filter((ns) => (after[ns] ?? 0) > (before[ns] ?? 0) && (sizes[ns] ?? 0) > 200);
    expect(scanned).toEqual([]);
  }, 180_000);
});
