import { aCustomer, aCylinder, anEnterprise, aSite, aVehicle, aWorker } from '../../seed/builders';
import type { Role } from '../../src/components/auth';
import { startAuthTestApp, strongPassword, type AuthTestApp } from '../auth/auth.harness';

/**
 * Every role against every route class, with the exact status each cell must answer. The table is
 * written out by hand from the brief (not derived from the permission table it checks).
 */
type Who = Role | 'anonymous';
type RouteClass = 'readOwn' | 'readOther' | 'writeOwn' | 'writeOther';
type Recorded = 'sites' | 'vehicles' | 'cylinders' | 'customers' | 'workers';

const RECORDS: Recorded[] = ['sites', 'vehicles', 'cylinders', 'customers', 'workers'];
const PATCHES: Record<Recorded, object> = {
  sites: { address: '清城区矩阵路1号' },
  vehicles: { kind: 'cylinder_truck' },
  cylinders: { manufacturer: '矩阵气瓶厂' },
  customers: { address: '清城区矩阵路2号' },
  workers: { realName: '矩阵测试员' },
};

/** Expected status for [role][class]; a per-resource exception list follows. */
const EXPECTED: Record<Who, Record<RouteClass, number>> = {
  city_regulator: { readOwn: 200, readOther: 200, writeOwn: 200, writeOther: 200 },
  district_regulator: { readOwn: 200, readOther: 404, writeOwn: 403, writeOther: 403 },
  enterprise_admin: { readOwn: 200, readOther: 404, writeOwn: 200, writeOther: 404 },
  filling_operator: { readOwn: 200, readOther: 404, writeOwn: 403, writeOther: 403 },
  delivery_worker: { readOwn: 200, readOther: 404, writeOwn: 403, writeOther: 403 },
  auditor: { readOwn: 200, readOther: 200, writeOwn: 403, writeOther: 403 },
  anonymous: { readOwn: 401, readOther: 401, writeOwn: 401, writeOther: 401 },
};
/** Filling operators have no business with customers' records at all. */
function expected(who: Who, resource: Recorded, routeClass: RouteClass): number {
  if (who === 'filling_operator' && resource === 'customers') return 403;
  return EXPECTED[who][routeClass];
}
/** The ledger log's integrity incidents: the city regulator's alert, readable by the auditor too. */
const INCIDENTS_EXPECTED: Record<Who, number> = {
  city_regulator: 200,
  district_regulator: 403,
  enterprise_admin: 403,
  filling_operator: 403,
  delivery_worker: 403,
  auditor: 200,
  anonymous: 401,
};
/** The refusals capture kept: supervision reads them (regulators, the auditor), an enterprise its own; operators are answered at the time and read none. */
const REJECTED_EXPECTED: Record<Who, number> = {
  city_regulator: 200,
  district_regulator: 200,
  enterprise_admin: 200,
  filling_operator: 403,
  delivery_worker: 403,
  auditor: 200,
  anonymous: 401,
};
/** Creating an enterprise or a city-regulator account: the city regulator's alone. */
const ADMIN_EXPECTED: Record<Who, number> = {
  city_regulator: 201,
  district_regulator: 403,
  enterprise_admin: 403,
  filling_operator: 403,
  delivery_worker: 403,
  auditor: 403,
  anonymous: 401,
};

/**
 * Setting one's own password through PATCH /users/{own id} with only a token: nobody may (the
 * current password is needed, through /auth/password); roles without account rights are refused
 * by the table before that.
 */
const OWN_PASSWORD_EXPECTED: Record<Who, [number, string]> = {
  city_regulator: [403, 'OWN_PASSWORD_NEEDS_CURRENT'],
  district_regulator: [403, 'FORBIDDEN'],
  enterprise_admin: [403, 'OWN_PASSWORD_NEEDS_CURRENT'],
  filling_operator: [403, 'FORBIDDEN'],
  delivery_worker: [403, 'FORBIDDEN'],
  auditor: [403, 'FORBIDDEN'],
  anonymous: [401, 'UNAUTHORIZED'],
};

const DISTRICT_A = '441802';
const DISTRICT_B = '441881';

let app: AuthTestApp;
const tokens = new Map<Who, string | undefined>();
const ids = { own: {} as Record<Recorded, string>, other: {} as Record<Recorded, string>, operatorWorker: '', courierWorker: '' };

async function created(token: string, path: string, body: object): Promise<string> {
  const res = await app.call('POST', `/api/v1/${path}`, { token, body });
  if (res.status !== 201) throw new Error(`setup POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return String(res.body.id);
}

/** One enterprise's station, vehicle, cylinder, customer and two workers, made by the city regulator. */
async function enterpriseWithRecords(city: string, district: string) {
  const enterpriseId = await created(city, 'enterprises', anEnterprise().inDistrict(district).build());
  const siteId = await created(city, 'sites', aSite().fillingStation().forEnterprise(enterpriseId).inDistrict(district).build());
  return {
    enterpriseId,
    sites: siteId,
    vehicles: await created(city, 'vehicles', aVehicle().forEnterprise(enterpriseId).build()),
    cylinders: await created(city, 'cylinders', aCylinder().forEnterprise(enterpriseId).registeredTo(siteId).build()),
    customers: await created(city, 'customers', aCustomer().forEnterprise(enterpriseId).inDistrict(district).build()),
    workers: await created(city, 'workers', aWorker().forEnterprise(enterpriseId).fillingOperator().atSite(siteId).build()),
    courier: await created(city, 'workers', aWorker().forEnterprise(enterpriseId).build()),
  };
}

async function account(role: Role, extra: { enterpriseId?: string; districtCode?: string; workerId?: string }): Promise<string> {
  const username = `${role.replace(/_/g, '')}${Math.random().toString(36).slice(2, 8)}`;
  const password = strongPassword();
  await app.insertUser({ username, role, password, ...extra });
  return (await app.login(username, password)).accessToken;
}

beforeAll(async () => {
  app = await startAuthTestApp('permission_matrix');
  const city = await account('city_regulator', {});
  const a = await enterpriseWithRecords(city, DISTRICT_A);
  const b = await enterpriseWithRecords(city, DISTRICT_B);
  for (const r of RECORDS) {
    ids.own[r] = a[r];
    ids.other[r] = b[r];
  }
  ids.operatorWorker = a.workers;
  ids.courierWorker = a.courier;
  tokens.set('city_regulator', city);
  tokens.set('district_regulator', await account('district_regulator', { districtCode: DISTRICT_A }));
  tokens.set('enterprise_admin', await account('enterprise_admin', { enterpriseId: a.enterpriseId, districtCode: DISTRICT_A }));
  tokens.set('filling_operator', await account('filling_operator', { enterpriseId: a.enterpriseId, districtCode: DISTRICT_A, workerId: a.workers }));
  tokens.set('delivery_worker', await account('delivery_worker', { enterpriseId: a.enterpriseId, districtCode: DISTRICT_A, workerId: a.courier }));
  tokens.set('auditor', await account('auditor', {}));
  tokens.set('anonymous', undefined);
}, 120_000);

afterAll(async () => {
  await app?.close();
});

/** A worker's "own" worker record is their own; everyone else's is the operator's record of enterprise A. */
function ownId(who: Who, resource: Recorded): string {
  if (resource === 'workers' && who === 'delivery_worker') return ids.courierWorker;
  return ids.own[resource];
}

const WHO: Who[] = ['city_regulator', 'district_regulator', 'enterprise_admin', 'filling_operator', 'delivery_worker', 'auditor', 'anonymous'];
const cells = WHO.flatMap((who) => RECORDS.flatMap((resource) => (['readOwn', 'readOther', 'writeOwn', 'writeOther'] as const).map((c) => [who, resource, c] as const)));

describe('the permission matrix', () => {
  it.each(cells)('%s → %s %s', async (who, resource, routeClass) => {
    const id = routeClass.endsWith('Own') ? ownId(who, resource) : ids.other[resource];
    const write = routeClass.startsWith('write');
    const res = await app.call(write ? 'PATCH' : 'GET', `/api/v1/${resource}/${id}`, {
      token: tokens.get(who),
      ...(write ? { body: PATCHES[resource] } : {}),
    });
    expect(res.status).toBe(expected(who, resource, routeClass));
    if (res.status === 404) expect(res.body.code).toBe('NOT_FOUND');
  });

  it.each(WHO)('%s → admin: register an enterprise', async (who) => {
    const res = await app.call('POST', '/api/v1/enterprises', { token: tokens.get(who), body: anEnterprise().build() });
    expect(res.status).toBe(ADMIN_EXPECTED[who]);
  });

  it.each(WHO)('%s → admin: create a city regulator account', async (who) => {
    const body = { username: `cityx${Math.random().toString(36).slice(2, 8)}`, displayName: '新监管员', role: 'city_regulator', password: strongPassword() };
    const res = await app.call('POST', '/api/v1/users', { token: tokens.get(who), body });
    expect(res.status).toBe(ADMIN_EXPECTED[who]);
  });

  it.each(WHO)('%s → PATCH its own account with a new password', async (who) => {
    const token = tokens.get(who);
    const ownId = token ? String((await app.call('GET', '/api/v1/auth/me', { token })).body.id) : '0123456789abcdef01234567';
    const res = await app.call('PATCH', `/api/v1/users/${ownId}`, { token, body: { password: strongPassword() } });
    expect([res.status, res.body.code]).toEqual(OWN_PASSWORD_EXPECTED[who]);
  });

  it.each(WHO)('%s → ledger: read the log-integrity incidents', async (who) => {
    const res = await app.call('GET', '/api/v1/ledger/incidents', { token: tokens.get(who) });
    expect(res.status).toBe(INCIDENTS_EXPECTED[who]);
  });

  it.each(WHO)('%s → ledger: read the refused events', async (who) => {
    const res = await app.call('GET', '/api/v1/events/rejected', { token: tokens.get(who) });
    expect(res.status).toBe(REJECTED_EXPECTED[who]);
  });

  it('answers an out-of-scope record exactly like a missing one', async () => {
    const token = tokens.get('enterprise_admin');
    const outside = await app.call('GET', `/api/v1/sites/${ids.other.sites}`, { token });
    const missing = await app.call('GET', '/api/v1/sites/0123456789abcdef01234567', { token });
    const normalised = (body: Record<string, unknown>, id: string) =>
      ({ ...body, instance: null, requestId: null, detail: String(body.detail).replace(id, '<id>') });
    expect(outside.status).toBe(missing.status);
    expect(normalised(outside.body, ids.other.sites)).toEqual(normalised(missing.body, '0123456789abcdef01234567'));
  });
});
