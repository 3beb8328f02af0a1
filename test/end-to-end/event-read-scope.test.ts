import { randomUUID } from 'node:crypto';
import { aCustomer, aCylinder, anEnterprise, aSite, aVehicle } from '../../seed/builders';
import { startAuthTestApp, strongPassword, type AuthTestApp } from '../auth/auth.harness';
import { anEvent } from '../ledger/ledger.harness';

/**
 * Issue 9, defect 10: one scope rule for every read of events. A cylinder of district 441802 is
 * received at a supply point of district 441803, and that receipt is then declared erroneous.
 * The district regulator of 441802 reads its own district's events by every path — and the
 * 441803 receipt by none: not the timeline, not the export bundle, not EPCIS (where an error
 * declaration repeats the erroneous event), not a duplicate answer.
 */
let app: AuthTestApp;
let city: string;
let home: string;
let away: string;
let admin: string;
let otherAdmin: string;
let cylinderId: string;
let receipt: { eventId: string; where?: unknown };
let foreignSupplyPoint: string;

async function ok<T = Record<string, unknown>>(method: string, path: string, token: string, body?: unknown): Promise<T> {
  const res = await app.call(method, path, { token, ...(body === undefined ? {} : { body }) });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as T;
}

async function login(role: 'city_regulator' | 'district_regulator' | 'enterprise_admin', extra: { enterpriseId?: string; districtCode?: string } = {}): Promise<string> {
  const username = `${role.replace(/_/g, '')}${Math.random().toString(36).slice(2, 8)}`;
  const password = strongPassword();
  await app.insertUser({ username, role, password, ...extra });
  return (await app.login(username, password)).accessToken;
}

beforeAll(async () => {
  app = await startAuthTestApp('event_read_scope');
  city = await login('city_regulator');
  home = await login('district_regulator', { districtCode: '441802' });
  away = await login('district_regulator', { districtCode: '441803' });
  const enterpriseId = String((await ok('POST', '/api/v1/enterprises', city, anEnterprise().inDistrict('441802').build())).id);
  admin = await login('enterprise_admin', { enterpriseId, districtCode: '441802' });
  const otherEnterprise = String((await ok('POST', '/api/v1/enterprises', city, anEnterprise().inDistrict('441802').build())).id);
  otherAdmin = await login('enterprise_admin', { enterpriseId: otherEnterprise, districtCode: '441802' });
  const id = async (path: string, body: object) => String((await ok('POST', path, admin, body)).id);
  // The city registers the credentialed records: their licences and permit count from the start.
  const byCity = async (path: string, body: object) => String((await ok('POST', path, city, body)).id);
  const station = await byCity('/api/v1/sites', aSite().fillingStation().inDistrict('441802').forEnterprise(enterpriseId).build());
  // Its fill is recorded through POST /events: the city puts the station in manual mode (issue 12).
  await ok('POST', `/api/v1/stations/${station}/manual-mode`, city, { reason: '测试：灌装秤维修中，手工记录充装', from: new Date(Date.now() - 2 * 3_600_000).toISOString(), until: new Date(Date.now() + 24 * 3_600_000).toISOString() });
  foreignSupplyPoint = await byCity('/api/v1/sites', aSite().inDistrict('441803').forEnterprise(enterpriseId).build());
  const vehicle = await byCity('/api/v1/vehicles', aVehicle().forEnterprise(enterpriseId).build());
  const customer = await id('/api/v1/customers', aCustomer().inDistrict('441802').build());
  cylinderId = await id('/api/v1/cylinders', aCylinder().registeredTo(station).build());
  await ok('POST', `/api/v1/cylinders/${cylinderId}/commission`, admin);
  const receive = anEvent('receive', cylinderId).with({ siteId: foreignSupplyPoint }).build();
  receipt = receive;
  for (const event of [
    anEvent('inspect', cylinderId).at(station).with({ result: 'pass' }).build(),
    anEvent('fill', cylinderId).at(station).with({ tareKg: 14.5, grossKg: 29.4, netKg: 14.9, durationS: 42 }).build(),
    anEvent('dispatch', cylinderId).with({ vehicleId: vehicle }).build(),
    receive,
    // Declared in the cylinder's own district (no site): the declaration is 441802's, the receipt 441803's.
    anEvent('error_declaration', cylinderId).with({ declaredEventId: receive.eventId, reason: 'incorrect_data' }).build(),
    anEvent('hand_over', cylinderId).with({ customerId: customer }).build(),
  ]) {
    await ok('POST', '/api/v1/events', admin, event);
  }
}, 120_000);

afterAll(async () => {
  await app?.close();
});

type Events = { items: { eventId: string; districtCode: string }[] };

describe('one read rule for every read of events', () => {
  it('hides the other district\'s receipt from the district regulator\'s timeline and listing', async () => {
    const timeline = await ok<Events>('GET', `/api/v1/cylinders/${cylinderId}/events`, home);
    expect(timeline.items.map((e) => e.eventId)).not.toContain(receipt.eventId);
    expect(new Set(timeline.items.map((e) => e.districtCode))).toEqual(new Set(['441802']));
    const listed = await ok<Events>('GET', `/api/v1/events?cylinderId=${cylinderId}`, home);
    expect(listed.items.map((e) => e.eventId)).not.toContain(receipt.eventId);
  });

  it('refuses the district regulator an export bundle of a chain that passes through another district, saying why', async () => {
    const res = await app.call('GET', `/api/v1/cylinders/${cylinderId}/export`, { token: home });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'EXPORT_OUT_OF_SCOPE' });
    expect(JSON.stringify(res.body)).not.toContain(receipt.eventId);
    // The city regulator, who reads every event of it, still gets the whole chain.
    const bundle = await ok<{ events: unknown[] }>('GET', `/api/v1/cylinders/${cylinderId}/export`, city);
    expect(bundle.events).toHaveLength(7);
  });

  it('never repeats the other district\'s erroneous event in the district regulator\'s EPCIS document', async () => {
    const doc = await ok<{ epcisBody: { eventList: Record<string, unknown>[] } }>('GET', `/api/v1/epcis/events?cylinderId=${cylinderId}`, home);
    const text = JSON.stringify(doc);
    expect(text).not.toContain(foreignSupplyPoint);
    expect(doc.epcisBody.eventList.map((e) => e['lpg:eventType'])).not.toContain('receive');
    const declaration = doc.epcisBody.eventList.find((e) => e.errorDeclaration !== undefined);
    // Still declared, under the declared event's id, but rendered from the declaration alone.
    expect(declaration).toMatchObject({ eventID: `urn:uuid:${receipt.eventId}`, 'lpg:eventType': 'error_declaration' });
    const all = await ok<{ epcisBody: { eventList: Record<string, unknown>[] } }>('GET', `/api/v1/epcis/events?cylinderId=${cylinderId}`, city);
    expect(all.epcisBody.eventList.find((e) => e.errorDeclaration !== undefined)).toMatchObject({ 'lpg:eventType': 'receive' });
  });

  it('tells a district regulator of another district nothing of the cylinder by any path', async () => {
    for (const path of [`/api/v1/cylinders/${cylinderId}/events`, `/api/v1/cylinders/${cylinderId}/export`, `/api/v1/epcis/events?cylinderId=${cylinderId}`]) {
      const res = await app.call('GET', path, { token: away });
      expect([path, res.status]).toEqual([path, 404]);
    }
    // Its EPCIS document of its own district holds the receipt at its supply point, nothing else of this cylinder.
    const doc = await ok<{ epcisBody: { eventList: Record<string, unknown>[] } }>('GET', '/api/v1/epcis/events', away);
    const mine = doc.epcisBody.eventList.filter((e) => JSON.stringify(e).includes(cylinderId) || (e.eventID as string).includes(receipt.eventId));
    expect(mine.map((e) => e['lpg:eventType'])).toEqual(['receive']);
  });

  it('tells another enterprise nothing of the cylinder\'s events by any path, its event ids included', async () => {
    for (const [path, status] of [[`/api/v1/cylinders/${cylinderId}/events`, 404], [`/api/v1/cylinders/${cylinderId}/export`, 403], [`/api/v1/epcis/events?cylinderId=${cylinderId}`, 403]] as const) {
      const res = await app.call('GET', path, { token: otherAdmin });
      expect([path, res.status]).toEqual([path, status]);
    }
    const listed = await ok<Events>('GET', `/api/v1/events?cylinderId=${cylinderId}`, otherAdmin);
    expect(listed.items).toEqual([]);
    const resent = await app.call('POST', '/api/v1/events/batch', { token: otherAdmin, body: { events: [{ ...receipt }, { ...anEvent('report_lost', cylinderId).build(), eventId: randomUUID() }] } });
    expect(resent.status).toBe(200);
    expect(JSON.stringify(resent.body)).not.toContain(foreignSupplyPoint);
    expect((resent.body.results as { status: string; reason?: string }[]).map((r) => r.reason)).toEqual(['EVENT_ID_CONFLICT', 'CYLINDER_NOT_FOUND']);
  });
});
