import { randomUUID } from 'node:crypto';
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
/**
 * Supervision's alerts: regulators and the enterprise concerned read them (each within scope);
 * only a regulator acknowledges or dismisses (an unknown alert past the table: 404); operators,
 * delivery workers and the auditor see none.
 */
const ALERTS_EXPECTED: Record<Who, { list: number; acknowledge: number }> = {
  city_regulator: { list: 200, acknowledge: 404 },
  district_regulator: { list: 200, acknowledge: 404 },
  enterprise_admin: { list: 200, acknowledge: 403 },
  filling_operator: { list: 403, acknowledge: 403 },
  delivery_worker: { list: 403, acknowledge: 403 },
  auditor: { list: 403, acknowledge: 403 },
  anonymous: { list: 401, acknowledge: 401 },
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

/**
 * A cylinder's authority (issue 11): corrections of its stamped facts and decisions on transfers
 * are the city's, or its district's regulator's; requests are the enterprise admin's; recording a
 * periodic inspection is a regulator's (the inspection body's, until those are registered).
 */
const AUTHORITY_EXPECTED: Record<Who, { correctOwn: number; correctOther: number; listTransfers: number; requestTransfer: number; decideTransfer: number; periodicInspection: [number, string] }> = {
  // A correction that changes nothing answers 200; a decision on an unknown request 404 — both past the table.
  city_regulator: { correctOwn: 200, correctOther: 200, listTransfers: 200, requestTransfer: 403, decideTransfer: 404, periodicInspection: [422, 'ILLEGAL_TRANSITION'] },
  district_regulator: { correctOwn: 200, correctOther: 404, listTransfers: 200, requestTransfer: 403, decideTransfer: 404, periodicInspection: [422, 'ILLEGAL_TRANSITION'] },
  // An empty body is a 400 only once the table has let the caller through.
  enterprise_admin: { correctOwn: 403, correctOther: 403, listTransfers: 200, requestTransfer: 400, decideTransfer: 403, periodicInspection: [403, 'INSPECTION_NOT_PERMITTED'] },
  filling_operator: { correctOwn: 403, correctOther: 403, listTransfers: 403, requestTransfer: 403, decideTransfer: 403, periodicInspection: [403, 'INSPECTION_NOT_PERMITTED'] },
  delivery_worker: { correctOwn: 403, correctOther: 403, listTransfers: 403, requestTransfer: 403, decideTransfer: 403, periodicInspection: [403, 'INSPECTION_NOT_PERMITTED'] },
  auditor: { correctOwn: 403, correctOther: 403, listTransfers: 200, requestTransfer: 403, decideTransfer: 403, periodicInspection: [403, 'FORBIDDEN'] },
  anonymous: { correctOwn: 401, correctOther: 401, listTransfers: 401, requestTransfer: 401, decideTransfer: 401, periodicInspection: [401, 'UNAUTHORIZED'] },
};

/**
 * The credential lifecycle routes, on a credential of enterprise A (district A) and of enterprise B
 * (district B). Regulators of the record's district or the city decide; the enterprise may only
 * submit its own (a renewal); everyone else is refused by the table. Out of scope: 404.
 */
type CredentialCommand = 'submit' | 'verify' | 'reject' | 'suspend' | 'revoke' | 'reinstate' | 'amend';
const CREDENTIAL_EXPECTED: Record<Who, Record<CredentialCommand, [own: number, other: number]>> = {
  city_regulator: { submit: [200, 200], verify: [200, 200], reject: [200, 200], suspend: [200, 200], revoke: [200, 200], reinstate: [200, 200], amend: [200, 200] },
  district_regulator: { submit: [200, 404], verify: [200, 404], reject: [200, 404], suspend: [200, 404], revoke: [200, 404], reinstate: [200, 404], amend: [200, 404] },
  enterprise_admin: { submit: [200, 404], verify: [403, 403], reject: [403, 403], suspend: [403, 403], revoke: [403, 403], reinstate: [403, 403], amend: [403, 403] },
  filling_operator: { submit: [403, 403], verify: [403, 403], reject: [403, 403], suspend: [403, 403], revoke: [403, 403], reinstate: [403, 403], amend: [403, 403] },
  delivery_worker: { submit: [403, 403], verify: [403, 403], reject: [403, 403], suspend: [403, 403], revoke: [403, 403], reinstate: [403, 403], amend: [403, 403] },
  auditor: { submit: [403, 403], verify: [403, 403], reject: [403, 403], suspend: [403, 403], revoke: [403, 403], reinstate: [403, 403], amend: [403, 403] },
  anonymous: { submit: [401, 401], verify: [401, 401], reject: [401, 401], suspend: [401, 401], revoke: [401, 401], reinstate: [401, 401], amend: [401, 401] },
};

/**
 * The delivery flows (issue 13): a delivery worker records them (an empty body is its 400, past the
 * table), supervision reads them; the enterprise resolves collisions (an unknown one is its 404)
 * and hands out customer page links; hand-over codes are the worker's to ask for.
 */
type DeliveryCell = 'recordFlow' | 'readVisits' | 'readCollisions' | 'resolveCollision' | 'readHazards' | 'pageLinkOwn' | 'pageLinkOther' | 'handoverCode';
const DELIVERIES_EXPECTED: Record<Who, Record<DeliveryCell, number>> = {
  city_regulator: { recordFlow: 403, readVisits: 200, readCollisions: 200, resolveCollision: 403, readHazards: 200, pageLinkOwn: 403, pageLinkOther: 403, handoverCode: 403 },
  district_regulator: { recordFlow: 403, readVisits: 200, readCollisions: 200, resolveCollision: 403, readHazards: 200, pageLinkOwn: 403, pageLinkOther: 403, handoverCode: 403 },
  enterprise_admin: { recordFlow: 403, readVisits: 200, readCollisions: 200, resolveCollision: 404, readHazards: 200, pageLinkOwn: 201, pageLinkOther: 404, handoverCode: 403 },
  filling_operator: { recordFlow: 403, readVisits: 403, readCollisions: 403, resolveCollision: 403, readHazards: 403, pageLinkOwn: 403, pageLinkOther: 403, handoverCode: 403 },
  delivery_worker: { recordFlow: 400, readVisits: 200, readCollisions: 403, resolveCollision: 403, readHazards: 200, pageLinkOwn: 201, pageLinkOther: 404, handoverCode: 201 },
  auditor: { recordFlow: 403, readVisits: 200, readCollisions: 200, resolveCollision: 403, readHazards: 200, pageLinkOwn: 403, pageLinkOther: 403, handoverCode: 403 },
  anonymous: { recordFlow: 401, readVisits: 401, readCollisions: 401, resolveCollision: 401, readHazards: 401, pageLinkOwn: 401, pageLinkOther: 401, handoverCode: 401 },
};

/**
 * The remote control of filling scales (issue 12): a regulator of the station's district, or the
 * city, locks a station; an enterprise sees its own stations' controls; nobody else either.
 * [lock own, lock other, read own controls, read other controls, read fill records of own station].
 */
const SCALE_CONTROLS_EXPECTED: Record<Who, [number, number, number, number, number]> = {
  city_regulator: [200, 200, 200, 200, 200],
  district_regulator: [200, 404, 200, 404, 200],
  enterprise_admin: [403, 403, 200, 404, 200],
  filling_operator: [403, 403, 403, 403, 403],
  delivery_worker: [403, 403, 403, 403, 403],
  auditor: [403, 403, 200, 200, 200],
  anonymous: [401, 401, 401, 401, 401],
};

/**
 * Cases (issue 15): a regulator opens (an empty body is its 400, past the table), assigns and
 * reviews them (an unknown case is its 404); the enterprise concerned submits the rectification
 * (an unknown case is its 404) and uploads evidence; the auditor reads; nobody else sees any.
 */
type CaseCell = 'list' | 'open' | 'review' | 'rectification' | 'photo';
const CASES_EXPECTED: Record<Who, Record<CaseCell, number>> = {
  city_regulator: { list: 200, open: 400, review: 404, rectification: 403, photo: 404 },
  district_regulator: { list: 200, open: 400, review: 404, rectification: 403, photo: 404 },
  enterprise_admin: { list: 200, open: 403, review: 403, rectification: 404, photo: 404 },
  filling_operator: { list: 403, open: 403, review: 403, rectification: 403, photo: 403 },
  delivery_worker: { list: 403, open: 403, review: 403, rectification: 403, photo: 403 },
  auditor: { list: 200, open: 403, review: 403, rectification: 403, photo: 403 },
  anonymous: { list: 401, open: 401, review: 401, rectification: 401, photo: 401 },
};

/**
 * Inspections (issue 15): regulators record them (an empty body is their 400), the enterprise and
 * the auditor read; the checklists are read by all of these and edited by the city alone; the one
 * hazard list is read by everyone with hazards (the delivery worker sees its enterprise's at the door).
 */
type InspectionCell = 'list' | 'record' | 'checklists' | 'editChecklist' | 'hazards';
const INSPECTIONS_EXPECTED: Record<Who, Record<InspectionCell, number>> = {
  city_regulator: { list: 200, record: 400, checklists: 200, editChecklist: 400, hazards: 200 },
  district_regulator: { list: 200, record: 400, checklists: 200, editChecklist: 403, hazards: 200 },
  enterprise_admin: { list: 200, record: 403, checklists: 200, editChecklist: 403, hazards: 200 },
  filling_operator: { list: 403, record: 403, checklists: 403, editChecklist: 403, hazards: 403 },
  delivery_worker: { list: 403, record: 403, checklists: 403, editChecklist: 403, hazards: 200 },
  auditor: { list: 200, record: 403, checklists: 200, editChecklist: 403, hazards: 200 },
  anonymous: { list: 401, record: 401, checklists: 401, editChecklist: 401, hazards: 401 },
};

/**
 * The public's reports (issue 15): the regulators' queue (an unknown report is their 404), read by
 * the auditor too; the reporter's status check needs no login (a malformed receipt: 400 for anyone).
 */
type ReportCell = 'queue' | 'dismiss' | 'status';
const REPORTS_EXPECTED: Record<Who, Record<ReportCell, number>> = {
  city_regulator: { queue: 200, dismiss: 404, status: 400 },
  district_regulator: { queue: 200, dismiss: 404, status: 400 },
  enterprise_admin: { queue: 403, dismiss: 403, status: 400 },
  filling_operator: { queue: 403, dismiss: 403, status: 400 },
  delivery_worker: { queue: 403, dismiss: 403, status: 400 },
  auditor: { queue: 200, dismiss: 403, status: 400 },
  anonymous: { queue: 401, dismiss: 401, status: 400 },
};

const DISTRICT_A = '441802';
const DISTRICT_B = '441881';

let app: AuthTestApp;
/** Enterprise B's administrator, who submits the renewals the credential cells verify. */
let otherAdmin = '';
const tokens = new Map<Who, string | undefined>();
const ids = { own: {} as Record<Recorded, string>, other: {} as Record<Recorded, string>, operatorWorker: '', courierWorker: '', ownEnterprise: '', otherEnterprise: '' };

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
  ids.ownEnterprise = a.enterpriseId;
  ids.otherEnterprise = b.enterpriseId;
  ids.courierWorker = a.courier;
  tokens.set('city_regulator', city);
  tokens.set('district_regulator', await account('district_regulator', { districtCode: DISTRICT_A }));
  tokens.set('enterprise_admin', await account('enterprise_admin', { enterpriseId: a.enterpriseId, districtCode: DISTRICT_A }));
  tokens.set('filling_operator', await account('filling_operator', { enterpriseId: a.enterpriseId, districtCode: DISTRICT_A, workerId: a.workers }));
  tokens.set('delivery_worker', await account('delivery_worker', { enterpriseId: a.enterpriseId, districtCode: DISTRICT_A, workerId: a.courier }));
  tokens.set('auditor', await account('auditor', {}));
  otherAdmin = await account('enterprise_admin', { enterpriseId: b.enterpriseId, districtCode: DISTRICT_B });
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

  it.each(WHO)('%s → cylinders: correct the stamped facts, own district and another', async (who) => {
    const body = { designLifeYears: 8, reason: '矩阵复核' };
    const own = await app.call('POST', `/api/v1/cylinders/${ids.own.cylinders}/corrections`, { token: tokens.get(who), body });
    const other = await app.call('POST', `/api/v1/cylinders/${ids.other.cylinders}/corrections`, { token: tokens.get(who), body });
    expect([own.status, other.status]).toEqual([AUTHORITY_EXPECTED[who].correctOwn, AUTHORITY_EXPECTED[who].correctOther]);
  });

  it.each(WHO)('%s → cylinders: list, request and decide transfers', async (who) => {
    const token = tokens.get(who);
    const list = await app.call('GET', '/api/v1/cylinder-transfer-requests', { token });
    const request = await app.call('POST', `/api/v1/cylinders/${ids.own.cylinders}/transfer-requests`, { token, body: {} });
    const decide = await app.call('POST', `/api/v1/cylinders/${ids.own.cylinders}/transfer-requests/0123456789abcdef01234567/approve`, { token, body: {} });
    const { listTransfers, requestTransfer, decideTransfer } = AUTHORITY_EXPECTED[who];
    expect([list.status, request.status, decide.status]).toEqual([listTransfers, requestTransfer, decideTransfer]);
  });

  it.each(WHO)('%s → events: record a periodic inspection', async (who) => {
    const body = { eventId: randomUUID(), cylinderId: ids.own.cylinders, type: 'periodic_inspection', occurredAt: new Date().toISOString(), payload: { result: 'pass', nextInspectionDate: '2030-01-01' } };
    const res = await app.call('POST', '/api/v1/events', { token: tokens.get(who), body });
    expect([res.status, res.body.code]).toEqual(AUTHORITY_EXPECTED[who].periodicInspection);
  });

  /**
   * Each cell runs on a fresh vehicle whose permit the city has put in the state the command needs
   * (so a 200 proves the authority, not the order the cells run in), and reads the permit back.
   */
  const credentialCells = WHO.flatMap((who) =>
    (['submit', 'verify', 'reject', 'suspend', 'revoke', 'reinstate', 'amend'] as const).flatMap((command) => (['own', 'other'] as const).map((whose) => [who, command, whose] as const)),
  );
  it.each(credentialCells)('%s → credentials: %s a vehicle permit (%s)', async (who, command, whose) => {
    const city = tokens.get('city_regulator')!;
    const enterpriseId = whose === 'own' ? ids.ownEnterprise : ids.otherEnterprise;
    const route = (vehicle: string, c: string) => `/api/v1/vehicles/${vehicle}/credentials/permit/${c}`;
    const vehicle = await created(city, 'vehicles', aVehicle().forEnterprise(enterpriseId).build());
    if (command === 'verify' || command === 'reject') {
      // Something to verify: a renewal the vehicle's own enterprise submitted (a city entry is verified at once).
      const holder = whose === 'own' ? tokens.get('enterprise_admin') : otherAdmin;
      expect((await app.call('POST', route(vehicle, 'submit'), { token: holder, body: { number: `PENDING-${vehicle.slice(-6)}`, validTo: '2035-01-01' } })).status).toBe(200);
    }
    if (command === 'reinstate') expect((await app.call('POST', route(vehicle, 'suspend'), { token: city, body: { reason: '矩阵' } })).status).toBe(200);
    const bodies: Record<typeof command, object> = {
      submit: { number: `RENEW-${vehicle.slice(-6)}`, validTo: '2035-01-01' },
      verify: { reason: '矩阵' },
      reject: { reason: '矩阵' },
      suspend: { reason: '矩阵' },
      revoke: { reason: '矩阵' },
      reinstate: { reason: '矩阵' },
      amend: { validTo: '2036-01-01', reason: '矩阵' },
    };
    const res = await app.call('POST', route(vehicle, command), { token: tokens.get(who), body: bodies[command] });
    expect(res.status).toBe(CREDENTIAL_EXPECTED[who][command][whose === 'own' ? 0 : 1]);
    if (res.status === 404) expect(res.body.code).toBe('NOT_FOUND');
  });

  it.each(WHO)('%s → ledger: read the refused events', async (who) => {
    const res = await app.call('GET', '/api/v1/events/rejected', { token: tokens.get(who) });
    expect(res.status).toBe(REJECTED_EXPECTED[who]);
  });

  it.each(WHO)('%s → alerts: list them, acknowledge one', async (who) => {
    const token = tokens.get(who);
    const list = await app.call('GET', '/api/v1/alerts', { token });
    const ack = await app.call('POST', '/api/v1/alerts/0123456789abcdef01234567/acknowledge', { token, body: {} });
    expect({ list: list.status, acknowledge: ack.status }).toEqual(ALERTS_EXPECTED[who]);
  });

  const deliveryCells = WHO.flatMap((who) => (Object.keys(DELIVERIES_EXPECTED[who]) as DeliveryCell[]).map((cell) => [who, cell] as const));
  it.each(deliveryCells)('%s → deliveries: %s', async (who, cell) => {
    const token = tokens.get(who);
    const requests: Record<DeliveryCell, () => ReturnType<typeof app.call>> = {
      recordFlow: () => app.call('POST', '/api/v1/deliveries/loads', { token, body: {} }),
      readVisits: () => app.call('GET', '/api/v1/deliveries/visits', { token }),
      readCollisions: () => app.call('GET', '/api/v1/deliveries/collisions', { token }),
      resolveCollision: () => app.call('POST', '/api/v1/deliveries/collisions/0123456789abcdef01234567/dismiss', { token, body: { note: '矩阵' } }),
      readHazards: () => app.call('GET', '/api/v1/deliveries/hazards', { token }),
      pageLinkOwn: () => app.call('POST', `/api/v1/deliveries/customers/${ids.own.customers}/page-link`, { token }),
      pageLinkOther: () => app.call('POST', `/api/v1/deliveries/customers/${ids.other.customers}/page-link`, { token }),
      handoverCode: () => app.call('POST', `/api/v1/deliveries/customers/${ids.own.customers}/handover-code`, { token }),
    };
    const res = await requests[cell]();
    expect(res.status).toBe(DELIVERIES_EXPECTED[who][cell]);
    if (res.status === 404) expect(res.body.code).toBe('NOT_FOUND');
  });

  it.each(WHO)('%s → scale controls: lock a station, read its controls and fill records (own district, another)', async (who) => {
    const token = tokens.get(who);
    const lock = (site: string) => app.call('POST', `/api/v1/stations/${site}/lock`, { token, body: { reason: '矩阵' } });
    const read = (site: string) => app.call('GET', `/api/v1/stations/${site}/scale-controls`, { token });
    const records = await app.call('GET', `/api/v1/fill-records?siteId=${ids.own.sites}`, { token });
    const statuses = [(await lock(ids.own.sites)).status, (await lock(ids.other.sites)).status, (await read(ids.own.sites)).status, (await read(ids.other.sites)).status, records.status];
    expect(statuses).toEqual(SCALE_CONTROLS_EXPECTED[who]);
  });

  const caseCells = WHO.flatMap((who) => (Object.keys(CASES_EXPECTED[who]) as CaseCell[]).map((cell) => [who, cell] as const));
  it.each(caseCells)('%s → cases: %s', async (who, cell) => {
    const token = tokens.get(who);
    const unknown = '0123456789abcdef01234567';
    const requests: Record<CaseCell, () => ReturnType<typeof app.call>> = {
      list: () => app.call('GET', '/api/v1/cases', { token }),
      open: () => app.call('POST', '/api/v1/cases', { token, body: {} }),
      review: () => app.call('POST', `/api/v1/cases/${unknown}/review`, { token, body: { outcome: 'unfounded', note: '矩阵' } }),
      rectification: () => app.call('POST', `/api/v1/cases/${unknown}/rectification`, { token, body: { text: '矩阵' } }),
      photo: () => app.call('POST', `/api/v1/cases/${unknown}/photos`, { token, body: { contentType: 'image/png', dataBase64: 'iVBORw0KGgo=' } }),
    };
    const res = await requests[cell]();
    expect(res.status).toBe(CASES_EXPECTED[who][cell]);
    if (res.status === 404) expect(res.body.code).toBe('NOT_FOUND');
  });

  const inspectionCells = WHO.flatMap((who) => (Object.keys(INSPECTIONS_EXPECTED[who]) as InspectionCell[]).map((cell) => [who, cell] as const));
  it.each(inspectionCells)('%s → inspections: %s', async (who, cell) => {
    const token = tokens.get(who);
    const requests: Record<InspectionCell, () => ReturnType<typeof app.call>> = {
      list: () => app.call('GET', '/api/v1/inspections', { token }),
      record: () => app.call('POST', '/api/v1/inspections', { token, body: {} }),
      checklists: () => app.call('GET', '/api/v1/inspection-checklists', { token }),
      editChecklist: () => app.call('PUT', '/api/v1/inspection-checklists/station', { token, body: {} }),
      hazards: () => app.call('GET', '/api/v1/hazards', { token }),
    };
    expect((await requests[cell]()).status).toBe(INSPECTIONS_EXPECTED[who][cell]);
  });

  const reportCells = WHO.flatMap((who) => (Object.keys(REPORTS_EXPECTED[who]) as ReportCell[]).map((cell) => [who, cell] as const));
  it.each(reportCells)('%s → public reports: %s', async (who, cell) => {
    const token = tokens.get(who);
    const requests: Record<ReportCell, () => ReturnType<typeof app.call>> = {
      queue: () => app.call('GET', '/api/v1/public-reports', { token }),
      dismiss: () => app.call('POST', '/api/v1/public-reports/0123456789abcdef01234567/dismiss', { token, body: { reason: '矩阵' } }),
      status: () => app.call('GET', '/api/v1/public/report-status?receipt=nope', { token }),
    };
    expect((await requests[cell]()).status).toBe(REPORTS_EXPECTED[who][cell]);
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
