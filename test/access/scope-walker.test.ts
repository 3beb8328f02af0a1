import { aCustomer, aCylinder } from '../../seed/builders';
import type { Principal } from '../../src/components/auth';
import { unknownCodes } from '../alerts/alerts.harness';
import { aDeliveryKit, aPng, expectStatus, principal, type DeliveryKit } from '../deliveries/deliveries.harness';
import { aScale } from '../devices/devices.harness';
import { routes, send, urlOf, validValue, type Answer, type Document, type Route } from '../foundation/openapi.walker';
import { startWorld, type World } from '../support/world';

/**
 * Tenants and districts attacked through every documented route: a city with two enterprises in
 * district A and one in district B, each with records of every kind (registry, cylinders and
 * events, fills, alerts, cases, inspections and hazards, public reports, devices, media). For
 * every record the city regulator lists, each narrower caller who does not see it in the same
 * listing must get, from every route taking that record's id, exactly the answer a record that
 * does not exist gets (the convention: 404, as if it did not exist). A listing filtered by another
 * district or enterprise is refused; no answer to a narrower caller names another tenant.
 */
const A = '441802';
const B = '441881';

let world: World;
let doc: Document;
let all: Route[];
let a1: DeliveryKit;
let a2: DeliveryKit;
let b1: DeliveryKit;
const names: Record<string, string> = {};
const city = principal('city_regulator');
const districtA = principal('district_regulator', { districtCode: A });
let workerA1: Principal;

const call = (who: Principal | undefined, method: string, url: string, body?: string): Promise<Answer> =>
  send(world.url, {
    method,
    url,
    headers: { ...(who ? { authorization: `Bearer ${world.tokenFor(who)}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), 'accept-language': 'zh-CN' },
    ...(body === undefined ? {} : { body }),
  });

async function pass(): Promise<void> {
  world.alerts.runner.kick();
  await new Promise((resolve) => setTimeout(resolve, 30));
  await world.alerts.settled();
}

/** Records of every kind for one enterprise: fills (manual mode), alerts, a case, an inspection with hazards, a public report, a scale, a photo. */
async function populate(kit: DeliveryKit, tag: string): Promise<void> {
  const admin = world.as(kit.admin);
  const regulator = principal('district_regulator', { districtCode: kit.districtCode });
  await kit.cylinder('full');
  const customer = (await expectStatus<{ id: string }>(admin.post('/api/v1/customers', aCustomer().inDistrict(kit.districtCode).business(`${tag}酒家`).build()), 201)).id;
  await aScale(world, kit.admin, kit.station, `${tag}秤`);
  await expectStatus(admin.post('/api/v1/events/batch', { events: unknownCodes(1, tag) }), 200);
  await pass();
  const alerts = await expectStatus<{ items: { id: string }[] }>(world.as(city).get(`/api/v1/alerts?enterprise=${kit.enterpriseId}`), 200);
  const alertIds = alerts.items.map((x) => x.id).slice(0, 1);
  await expectStatus(world.as(city).post('/api/v1/cases', { source: { type: 'alerts', alertIds }, subject: { type: 'enterprise', id: kit.enterpriseId }, legalBasis: '《城镇燃气管理条例》第四十五条', title: `${tag}案件` }), 201);
  const { items: lists } = await expectStatus<{ items: { premisesType: string; version: number; items: { code: string }[] }[] }>(world.as(city).get('/api/v1/inspection-checklists'), 200);
  const station = lists.find((l) => l.premisesType === 'station');
  if (!station) throw new Error('no station checklist');
  const deadline = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const results = station.items.map((i, n) => (n === 0 ? { code: i.code, passed: false, deadline, note: '现场发现' } : { code: i.code, passed: true }));
  await expectStatus(world.as(regulator).post('/api/v1/inspections', { premises: { type: 'station', id: kit.station }, checklistVersion: station.version, inspectedAt: new Date().toISOString(), results }), 201);
  const cylinder = (await expectStatus<{ id: string }>(admin.post('/api/v1/cylinders', aCylinder().registeredTo(kit.station).build()), 201)).id;
  await expectStatus(admin.post(`/api/v1/cylinders/${cylinder}/commission`), 201);
  const { uri } = await expectStatus<{ uri: string }>(admin.get(`/api/v1/cylinders/${cylinder}/code`), 200);
  const printed = new URL(uri);
  await world.http.post(`${printed.pathname}/report${printed.search}`).set('Accept', 'application/json').send({ reason: 'unlicensed_seller', note: `${tag}路边卖气` }).expect(201);
  await world.insertUser({ username: `admin${tag.toLowerCase()}`, role: 'enterprise_admin', enterpriseId: kit.enterpriseId, districtCode: kit.districtCode, password: 'Scope-Walker-Passw0rd!' });
  const worker = await kit.worker();
  if (kit === a1) workerA1 = worker;
  const png = aPng(tag.length + tag.charCodeAt(0));
  await world.http.put(`/api/v1/deliveries/media/${png.sha256}`).set('Authorization', `Bearer ${world.tokenFor(worker)}`).set('Content-Type', 'image/png').send(png.data).expect(201);
  void customer;
}

beforeAll(async () => {
  world = await startWorld('scope_walker');
  a1 = await aDeliveryKit(world, A, 1);
  a2 = await aDeliveryKit(world, A, 1);
  b1 = await aDeliveryKit(world, B, 1);
  for (const [kit, tag] of [[a1, 'AONE'], [a2, 'ATWO'], [b1, 'BONE']] as const) {
    await populate(kit, tag);
    names[kit.enterpriseId] = String((await expectStatus<{ name: string }>(world.as(city).get(`/api/v1/enterprises/${kit.enterpriseId}`), 200)).name);
  }
  doc = (await world.call('GET', '/api/openapi.json')).body as unknown as Document;
  all = routes(doc).filter((r) => r.auth === 'bearer' && r.path !== '/api/v1/auth/logout');
}, 300_000);

afterAll(async () => {
  await world?.stop();
});

/** Listings taking no path parameter, readable as JSON pages, with the query a listing needs. */
function listings(): { route: Route; url: string }[] {
  return all
    .filter((r) => r.method === 'GET' && !r.params.some((p) => p.in === 'path') && !r.path.endsWith('.csv'))
    .map((route) => ({ route, url: urlOf(route) }));
}

/** The ids of the items of a listing as `who` reads them (the first 500). */
async function idsOf(who: Principal, url: string): Promise<Set<string>> {
  const sep = url.includes('?') ? '&' : '?';
  const res = await call(who, 'GET', `${url}${sep}limit=200`);
  const fallback = res.status === 400 ? await call(who, 'GET', url) : res;
  const items = fallback.status === 200 && Array.isArray(fallback.body.items) ? (fallback.body.items as Record<string, unknown>[]) : [];
  return new Set(items.map((i) => i.id).filter((id): id is string => typeof id === 'string' && /^[0-9a-f]{24}$/.test(id)));
}

/** The routes that take a record of `listing` by id: /x/{id} and /x/{id}/..., and the stations of /sites. */
function byIdRoutes(listing: string): Route[] {
  const prefixes = [`${listing}/{id}`, ...(listing === '/api/v1/sites' ? ['/api/v1/stations/{id}'] : [])];
  return all.filter((r) => prefixes.some((p) => r.path === p || r.path.startsWith(`${p}/`) || r.path.startsWith(`${p}.`)));
}

describe('records of another tenant, through every route that takes their id', () => {
  const outsiders = (): [string, Principal][] => [
    ['district regulator of A', districtA],
    ['enterprise admin of A1', a1.admin],
    ['delivery worker of A1', workerA1],
    ['district regulator of a district without records', principal('district_regulator', { districtCode: '441823' })],
  ];

  it('answers each outsider exactly as for a record that does not exist, on every route', async () => {
    const wrong: string[] = [];
    const covered = new Set<string>();
    let probed = 0;
    for (const { route: listing, url } of listings()) {
      const targets = byIdRoutes(listing.path);
      if (targets.length === 0) continue;
      const everything = await idsOf(city, url);
      for (const [who, p] of outsiders()) {
        const visible = await idsOf(p, url);
        for (const id of [...everything].filter((x) => !visible.has(x))) {
          for (const route of targets) {
            const body = route.bodyTypes.some((t) => /json/.test(t)) ? '{}' : undefined;
            const values = Object.fromEntries(route.params.filter((q) => q.in === 'path').map((q) => [q.name, q.name === 'id' ? id : validValue(q)]));
            const missing = { ...values, id: '0123456789abcdef01234567' };
            const [theirs, none] = [await call(p, route.method, urlOf(route, values), body), await call(p, route.method, urlOf(route, missing), body)];
            probed += 1;
            covered.add(listing.path);
            if (theirs.status !== none.status || theirs.body.code !== none.body.code) wrong.push(`${who}: ${route.method} ${urlOf(route, values)} → ${theirs.status} ${String(theirs.body.code)} (a missing id: ${none.status} ${String(none.body.code)})`);
          }
        }
      }
    }
    expect(probed).toBeGreaterThan(100);
    // Every kind of record the city was given was attacked through its routes.
    expect([...covered].sort()).toEqual(
      expect.arrayContaining(['alerts', 'cases', 'customers', 'cylinders', 'devices', 'enterprises', 'inspections', 'public-reports', 'sites', 'users', 'vehicles', 'workers'].map((x) => `/api/v1/${x}`)),
    );
    expect(wrong).toEqual([]);
  }, 600_000);

  it('never names another tenant in any listing or export a narrower caller reads', async () => {
    const wrong: string[] = [];
    const foreign = (kits: DeliveryKit[]) => kits.flatMap((k) => [k.enterpriseId, names[k.enterpriseId] ?? k.enterpriseId]);
    const cases: [string, Principal, string[]][] = [
      ['district regulator of A', districtA, [...foreign([b1]), B]],
      ['enterprise admin of A1', a1.admin, foreign([a2, b1])],
      ['delivery worker of A1', workerA1, foreign([a2, b1])],
    ];
    for (const route of all.filter((r) => r.method === 'GET' && !r.params.some((p) => p.in === 'path'))) {
      for (const [who, p, secrets] of cases) {
        const res = await call(p, 'GET', urlOf(route));
        if (res.status !== 200) continue;
        const leaked = secrets.filter((s) => res.text.includes(s));
        if (leaked.length > 0) wrong.push(`${who}: GET ${urlOf(route)} names ${leaked.join(', ')}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 600_000);

  it('refuses a listing or export filtered by another district or enterprise (403)', async () => {
    const wrong: string[] = [];
    let probed = 0;
    for (const route of all.filter((r) => r.method === 'GET' && !r.params.some((p) => p.in === 'path'))) {
      const names = new Set(route.params.filter((p) => p.in === 'query').map((p) => p.name));
      const probes: [string, Principal, Record<string, string>][] = [];
      for (const key of ['district', 'districtCode']) if (names.has(key)) probes.push(['district regulator of A', districtA, { [key]: B }]);
      // A district regulator may narrow by any enterprise: an enterprise's sites may lie in several districts.
      for (const key of ['enterprise', 'enterpriseId']) if (names.has(key)) probes.push(['enterprise admin of A1', a1.admin, { [key]: a2.enterpriseId }], ['delivery worker of A1', workerA1, { [key]: a2.enterpriseId }]);
      for (const [who, p, values] of probes) {
        const own = await call(p, 'GET', urlOf(route));
        // A role that may not read the listing at all is refused whatever the filter.
        if (own.status === 403) continue;
        const res = await call(p, 'GET', urlOf(route, values));
        probed += 1;
        if (res.status !== 403 || !/[\u4e00-\u9fff]/.test(String(res.body.detail))) wrong.push(`${who}: GET ${urlOf(route, values)} → ${res.status} ${res.text.slice(0, 120)}`);
      }
    }
    expect(probed).toBeGreaterThan(5);
    expect(wrong).toEqual([]);
  }, 600_000);
});
