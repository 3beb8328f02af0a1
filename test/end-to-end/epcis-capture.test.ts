import { createHash } from 'node:crypto';
import { aCylinder, anEnterprise, aSite, aVehicle } from '../../seed/builders';
import { cylinderOfEpc } from '../../src/components/ledger/epcis';
import { startAuthTestApp, strongPassword, type AuthTestApp } from '../auth/auth.harness';

/**
 * EPCIS 2.0 capture through the real platform: a filling-scale vendor's system sends ObjectEvents
 * for cylinders the city commissioned; each cylinder each event names becomes a ledger event.
 */
type Result = { eventID: string | null; epc: string | null; eventId?: string; status: string; reason?: string; detail?: string; hash?: string };
type Report = { accepted: number; duplicate: number; rejected: number; results: Result[] };

let app: AuthTestApp;
let admin: string;
let auditor: string;
let city: string;
let station: string;
let vehicle: string;
let otherAdmin: string;
let otherStation: string;
let firstIds: (string | undefined)[] = [];
const cylinders: { id: string; grai: string }[] = [];

async function call<T>(method: string, path: string, token: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: T }> {
  const res = await fetch(`${app.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function ok<T = Record<string, unknown>>(method: string, path: string, token: string, body?: unknown): Promise<T> {
  const res = await call<T>(method, path, token, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function login(role: 'city_regulator' | 'enterprise_admin' | 'auditor', extra: { enterpriseId?: string; districtCode?: string } = {}): Promise<string> {
  const username = `${role.replace(/_/g, '')}${Math.random().toString(36).slice(2, 8)}`;
  const password = strongPassword();
  await app.insertUser({ username, role, password, ...extra });
  return (await app.login(username, password)).accessToken;
}

const digitalLink = (grai: string) => `https://id.gs1.org/8003/${grai}`;

/** The id the platform used to derive for an EPC of an EPCIS event: RFC 4122 v5 under a published namespace. */
function publicNameBasedId(eventID: string, epc: string): string {
  const bytes = createHash('sha1').update(Buffer.from('5f0c1a7e9d2b4c6e8a3f1b2d4e6f8091', 'hex')).update(`${eventID}\n${epc}`, 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
/** The EPC URN of a GRAI: company prefix and asset type split anywhere in their 12 digits, no check digit. */
const epcUrn = (grai: string) => `urn:epc:id:grai:${grai.slice(1, 8)}.${grai.slice(8, 13)}.${grai.slice(14)}`;
const site = (id: string) => `urn:lpg-trace:voc:site:${id}`;

let clock = Date.now() - 3_600_000;
function anObjectEvent(eventID: string, bizStep: string, epcList: string[], extra: Record<string, unknown> = {}) {
  clock += 60_000;
  return { type: 'ObjectEvent', eventID, eventTime: new Date(clock).toISOString().replace('Z', '+00:00'), eventTimeZoneOffset: '+08:00', epcList, action: 'OBSERVE', bizStep, ...extra };
}
const documentOf = (eventList: unknown[]) => ({
  '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { lpg: 'urn:lpg-trace:voc:' }],
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: new Date().toISOString(),
  epcisBody: { eventList },
});

beforeAll(async () => {
  app = await startAuthTestApp('epcis_capture');
  city = await login('city_regulator');
  auditor = await login('auditor');
  const enterpriseId = String((await ok<{ id: string }>('POST', '/api/v1/enterprises', city, anEnterprise().inDistrict('441802').build())).id);
  admin = await login('enterprise_admin', { enterpriseId, districtCode: '441802' });
  // The city registers the credentialed records: their licences and permit count from the start.
  station = (await ok<{ id: string }>('POST', '/api/v1/sites', city, aSite().fillingStation().inDistrict('441802').forEnterprise(enterpriseId).build())).id;
  // The document records a fill, which only a scale records, or a station in manual mode (issue 12).
  await ok('POST', `/api/v1/stations/${station}/manual-mode`, city, { reason: '测试：灌装秤维修中，手工记录充装', from: new Date(Date.now() - 2 * 3_600_000).toISOString(), until: new Date(Date.now() + 24 * 3_600_000).toISOString() });
  vehicle = (await ok<{ id: string }>('POST', '/api/v1/vehicles', city, aVehicle().forEnterprise(enterpriseId).build())).id;
  const otherEnterprise = String((await ok<{ id: string }>('POST', '/api/v1/enterprises', city, anEnterprise().inDistrict('441803').build())).id);
  otherAdmin = await login('enterprise_admin', { enterpriseId: otherEnterprise, districtCode: '441803' });
  otherStation = (await ok<{ id: string }>('POST', '/api/v1/sites', city, aSite().fillingStation().inDistrict('441803').forEnterprise(otherEnterprise).build())).id;
  // Two for the document the tests share, one of the enterprise's own for the blocking test.
  for (let i = 0; i < 3; i++) {
    const { id } = await ok<{ id: string }>('POST', '/api/v1/cylinders', admin, aCylinder().registeredTo(station).build());
    const { code } = await ok<{ code: { grai: string } }>('POST', `/api/v1/cylinders/${id}/commission`, admin);
    cylinders.push({ id, grai: code.grai });
  }
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe('EPCIS 2.0 capture', () => {
  const [c1, c2] = [() => cylinders[0] as { id: string; grai: string }, () => cylinders[1] as { id: string; grai: string }];
  /**
   * The first capture of the document and the error declaration made against it, each done once by
   * whichever test needs it first, so every test finds them whatever order the tests run in.
   */
  let first: Promise<{ document: ReturnType<typeof documentOf>; status: number; body: Report }> | undefined;
  const captured = () => (first ??= captureFirst());
  let declaration: Promise<Report> | undefined;
  const declared = () => (declaration ??= declareFilling());
  const timelineOf = (id: string, query = '') => ok<{ items: { type: string; actor: { id: string }; where: { vehicleId?: string }; payload: Record<string, unknown> }[] }>('GET', `/api/v1/cylinders/${id}/events${query}`, admin);

  async function captureFirst() {
    const document = documentOf([
      anObjectEvent('ni:///sha-256;inspection-0001?ver=CBV2.0', 'inspecting', [digitalLink(c1().grai), epcUrn(c2().grai)], { readPoint: { id: site(station) }, 'lpg:payload': { result: 'pass' } }),
      anObjectEvent('urn:uuid:3f0a4b52-8c1d-4e6f-9a2b-7c3d5e6f8a91', 'urn:lpg-trace:voc:bizstep:filling', [digitalLink(c1().grai)], {
        readPoint: { id: site(station) }, 'lpg:payload': { tareKg: 14.5, grossKg: 29.4, netKg: 14.9, durationS: 41 },
      }),
      anObjectEvent('ni:///sha-256;shipping-0001', 'urn:epcglobal:cbv:bizstep:shipping', [digitalLink(c1().grai), digitalLink(c2().grai)], { readPoint: { id: `urn:lpg-trace:voc:vehicle:${vehicle}` } }),
      { type: 'AggregationEvent', eventID: 'ni:///sha-256;pallet-1', eventTime: new Date().toISOString(), eventTimeZoneOffset: '+08:00', action: 'ADD' },
      anObjectEvent('ni:///sha-256;packing-1', 'packing', [digitalLink(c1().grai)]),
      anObjectEvent('ni:///sha-256;stranger-1', 'inspecting', [digitalLink('06901234500019999')], { readPoint: { id: site(station) }, 'lpg:payload': { result: 'pass' } }),
      anObjectEvent('ni:///sha-256;trade-item-1', 'inspecting', ['urn:epc:id:sgtin:0614141.107346.2017']),
      { ...anObjectEvent('ni:///sha-256;no-time-1', 'inspecting', [digitalLink(c1().grai)]), eventTime: undefined, colour: 'red' },
      { ...anObjectEvent('', 'inspecting', [digitalLink(c1().grai)]), eventID: undefined },
    ]);
    const { status, body } = await call<Report>('POST', '/api/v1/epcis/capture', admin, document);
    firstIds = body.results.map((r) => r.eventId);
    return { document, status, body };
  }

  async function declareFilling(): Promise<Report> {
    const { document } = await captured();
    const filling = document.epcisBody.eventList[1] as Record<string, unknown>;
    const errorDeclaration = { ...filling, errorDeclaration: { declarationTime: new Date().toISOString(), reason: 'urn:epcglobal:cbv:er:incorrect_data' } };
    return (await call<Report>('POST', '/api/v1/epcis/capture', admin, documentOf([errorDeclaration]))).body;
  }

  it('reads a cylinder from a GS1 Digital Link (signature or not) and from an EPC URN, check digit computed', () => {
    // 0 + 6901234 + 50001, check digit 1 (GS1 mod 10), serial 2345.
    const grai = '069012345000112345';
    expect(cylinderOfEpc(`https://qr.example.gov.cn/8003/${grai}?s=k1.abc`)).toEqual({ grai });
    expect(cylinderOfEpc(digitalLink(grai))).toEqual({ grai });
    expect(cylinderOfEpc('urn:epc:id:grai:6901234.50001.2345')).toEqual({ grai });
    expect(cylinderOfEpc('urn:epc:id:sgtin:0614141.107346.2017')).toBeUndefined();
  });

  it('turns every cylinder of every ObjectEvent into a ledger event, answering each one', async () => {
    const { status, body } = await captured();
    expect(status).toBe(200);
    expect(body.results.map((r) => [r.eventID, r.epc === null ? null : r.epc.slice(-6), r.reason ?? r.status])).toEqual([
      ['ni:///sha-256;inspection-0001?ver=CBV2.0', digitalLink(c1().grai).slice(-6), 'accepted'],
      ['ni:///sha-256;inspection-0001?ver=CBV2.0', epcUrn(c2().grai).slice(-6), 'accepted'],
      ['urn:uuid:3f0a4b52-8c1d-4e6f-9a2b-7c3d5e6f8a91', digitalLink(c1().grai).slice(-6), 'accepted'],
      ['ni:///sha-256;shipping-0001', digitalLink(c1().grai).slice(-6), 'accepted'],
      // The second cylinder was inspected but never filled: it may not leave the station.
      ['ni:///sha-256;shipping-0001', digitalLink(c2().grai).slice(-6), 'ILLEGAL_TRANSITION'],
      ['ni:///sha-256;pallet-1', null, 'UNSUPPORTED_EVENT_TYPE'],
      ['ni:///sha-256;packing-1', null, 'UNMAPPED_BIZSTEP'],
      ['ni:///sha-256;stranger-1', digitalLink('06901234500019999').slice(-6), 'CYLINDER_NOT_FOUND'],
      ['ni:///sha-256;trade-item-1', 'urn:epc:id:sgtin:0614141.107346.2017'.slice(-6), 'UNKNOWN_EPC'],
      ['ni:///sha-256;no-time-1', null, 'VALIDATION_FAILED'],
      [null, null, 'VALIDATION_FAILED'],
    ]);
    expect(body).toMatchObject({ accepted: 4, duplicate: 0, rejected: 7 });
    expect(body.results[10]?.detail).toBe('eventID: is required: it is the idempotency key');
    const invalid = body.results[9]?.detail ?? '';
    expect(invalid).toContain('eventTime');
    expect(invalid).toContain('colour');
    expect(body.results[2]?.eventId).toBe('3f0a4b52-8c1d-4e6f-9a2b-7c3d5e6f8a91');
    expect(body.results[0]?.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    // What the document recorded (an error declaration made later by another test aside).
    const recorded = (await timelineOf(c1().id)).items.filter((e) => e.type !== 'error_declaration');
    expect(recorded.map((e) => e.type)).toEqual(['dispatch', 'fill', 'inspect', 'commission']);
    const timeline = { items: recorded };
    expect(timeline.items[0]).toMatchObject({ where: { vehicleId: vehicle }, payload: { vehicleId: vehicle } });
    // The ledger's own marks (issue 12): the model's permitted fill mass, and a fill made in manual mode.
    expect(timeline.items[1]?.payload).toEqual({ tareKg: 14.5, grossKg: 29.4, netKg: 14.9, durationS: 41, permittedNetKg: 14.5, anomalies: ['manual_mode'] });
    const second = await ok<{ items: { type: string }[] }>('GET', `/api/v1/cylinders/${c2().id}/events`, admin);
    expect(second.items.map((e) => e.type)).toEqual(['inspect', 'commission']);
  });

  it('answers the same document sent again, as JSON-LD, with the same events as duplicates', async () => {
    const { document } = await captured();
    const before = (await timelineOf(c1().id)).items.length;
    const { status, body } = await call<Report>('POST', '/api/v1/epcis/capture', admin, document, 'application/ld+json');
    expect(status).toBe(200);
    expect(body).toMatchObject({ accepted: 0, duplicate: 4 });
    expect(body.results.map((r) => r.eventId)).toEqual(firstIds);
    expect((await timelineOf(c1().id)).items).toHaveLength(before);
  });

  it('records an EPCIS error declaration as the ledger\'s own, declaring the event it repeats', async () => {
    expect(await declared()).toMatchObject({ accepted: 1 });
    const timeline = await timelineOf(c1().id, '?limit=1');
    expect(timeline.items[0]).toMatchObject({ type: 'error_declaration', payload: { declaredEventId: '3f0a4b52-8c1d-4e6f-9a2b-7c3d5e6f8a91', reason: 'incorrect_data' } });
  });

  it('maps a document this platform exported back onto the very same events', async () => {
    await declared();
    const exported = await call<{ epcisBody: { eventList: unknown[] } }>('GET', `/api/v1/epcis/events?cylinderId=${c1().id}`, auditor);
    expect(exported.body.epcisBody.eventList).toHaveLength(5);
    const { body } = await call<Report>('POST', '/api/v1/epcis/capture', admin, exported.body);
    expect(body).toMatchObject({ accepted: 0, duplicate: 5, rejected: 0 });
  });

  it('refuses what is not an EPCIS 2.0 document, naming the field, and stores nothing', async () => {
    await captured();
    const before = (await timelineOf(c1().id)).items.length;
    const { status, body } = await call<{ code: string; errors: { path: string }[] }>('POST', '/api/v1/epcis/capture', admin, {
      ...documentOf([anObjectEvent('ni:///sha-256;never-1', 'inspecting', [digitalLink(c1().grai)])]),
      schemaVersion: '1.2',
    });
    expect(status).toBe(400);
    expect(body.errors.map((e) => e.path)).toEqual(['schemaVersion']);
    const load = (n: number) => anObjectEvent(`ni:///sha-256;many-${n}`, 'inspecting', Array.from({ length: 600 }, (_, i) => digitalLink(`0690123450001${n}${i}`)));
    const refused = await call<{ errors: { path: string; message: string }[] }>('POST', '/api/v1/epcis/capture', admin, documentOf([load(1), load(2)]));
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ path: 'epcisBody.eventList', message: 'names 1200 cylinders; at most 1000 per document' }]);
    expect((await timelineOf(c1().id)).items).toHaveLength(before);
  });

  it("answers another enterprise sending the same document without a duplicate, log position or hash of the first one's events", async () => {
    const { document } = await captured();
    const { body } = await call<Report>('POST', '/api/v1/epcis/capture', otherAdmin, document);
    expect(body.duplicate).toBe(0);
    expect(body.results.filter((r) => r.hash !== undefined)).toEqual([]);
    // The urn:uuid event keeps its own id, taken by the first enterprise: a conflict that says nothing.
    expect(body.results[2]).toMatchObject({ status: 'rejected', reason: 'EVENT_ID_CONFLICT' });
    expect(body.results.map((r) => r.eventId).filter((id, i) => i !== 2 && id !== undefined).some((id) => firstIds.includes(id))).toBe(false);
  });

  it("cannot be blocked by another enterprise posting first under the ids a document's eventIDs would map to", async () => {
    const eventID = 'ni:///sha-256;inspection-0002';
    const epc = digitalLink((cylinders[2] as { grai: string }).grai);
    const decoy = (await ok<{ id: string }>('POST', '/api/v1/cylinders', otherAdmin, aCylinder().registeredTo(otherStation).build())).id;
    await ok('POST', '/api/v1/events', otherAdmin, { eventId: publicNameBasedId(eventID, epc), cylinderId: decoy, type: 'commission', occurredAt: new Date(Date.now() - 60_000).toISOString(), where: { siteId: otherStation } });
    const { body } = await call<Report>('POST', '/api/v1/epcis/capture', admin, documentOf([anObjectEvent(eventID, 'inspecting', [epc], { readPoint: { id: site(station) }, 'lpg:payload': { result: 'pass' } })]));
    expect(body).toMatchObject({ accepted: 1, rejected: 0 });
  });

  it('lets only those who record events post a document, each event only by who may record its type', async () => {
    const document = documentOf([anObjectEvent('ni:///sha-256;reg-1', 'inspecting', [digitalLink(c1().grai)], { readPoint: { id: site(station) }, 'lpg:payload': { result: 'pass' } })]);
    expect((await call('POST', '/api/v1/epcis/capture', auditor, document)).status).toBe(403);
    // The city regulator records periodic inspections (issue 11), so it may post; a custody event is not its to record.
    const { status, body } = await call<Report>('POST', '/api/v1/epcis/capture', city, document);
    expect(status).toBe(200);
    expect(body.results.map((r) => r.reason)).toEqual(['EVENT_NOT_PERMITTED']);
  });
});
