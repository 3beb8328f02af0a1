import { randomUUID } from 'node:crypto';
import { aCustomer } from '../../seed/builders';
import { startWorld, type World } from '../support/world';
import { aDeliveryKit, checklist, earlier, expectStatus, principal, type DeliveryKit } from '../deliveries/deliveries.harness';

/**
 * Premises inspections over HTTP: the checklists are data the city edits (each edit a version),
 * a regulator inspects with a version, each failed item is a hazard with its deadline; the
 * household safety checks' failed items join the same list; hazards go into a case and close
 * with it. Scope as everywhere: another district's regulator and another enterprise see nothing.
 */
const DISTRICT = '441802';
const OTHER = '441881';

type Checklist = { premisesType: string; version: number; items: { code: string; zh: string; en: string }[]; updatedBy: { id: string } | null };
type Inspection = { id: string; premises: { type: string; id: string; name: string; district: string }; checklistVersion: number; results: { code: string; zh: string; passed: boolean; deadline: string | null }[]; hazardIds: string[]; inspector: { id: string } };
type Hazard = { id: string; source: string; premises: { id: string } | null; customerId: string | null; itemCode: string; zh: string; status: string; caseId: string | null; district: string; deadline: string | null };
type Problem = { code: string; errors?: { path: string; message: string }[] };

let world: World;
let kit: DeliveryKit;
let other: DeliveryKit;
let restaurant = '';
const city = principal('city_regulator');
const district = principal('district_regulator', { districtCode: DISTRICT });
const otherDistrict = principal('district_regulator', { districtCode: OTHER });
const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

beforeAll(async () => {
  world = await startWorld('cases_inspections');
  kit = await aDeliveryKit(world, DISTRICT, 1);
  other = await aDeliveryKit(world, OTHER, 1);
  restaurant = (await expectStatus<{ id: string }>(world.as(kit.admin).post('/api/v1/customers', aCustomer().inDistrict(DISTRICT).business('清城老字号酒家').build()), 201)).id;
}, 180_000);

afterAll(async () => {
  await world?.stop();
});

const answers = (items: { code: string }[], failed: Record<string, string | undefined> = {}) =>
  items.map((i) => (i.code in failed ? { code: i.code, passed: false, ...(failed[i.code] ? { deadline: failed[i.code] } : {}), note: '现场发现' } : { code: i.code, passed: true }));

async function current(type: string): Promise<Checklist> {
  const { items } = await expectStatus<{ items: Checklist[] }>(world.as(district).get('/api/v1/inspection-checklists'), 200);
  const found = items.find((c) => c.premisesType === type);
  if (!found) throw new Error(`no checklist ${type}`);
  return found;
}

describe('checklists', () => {
  it('seeds a Chinese checklist for each premises type; the city edits one into a new version, nobody else may', async () => {
    const { items } = await expectStatus<{ items: Checklist[] }>(world.as(kit.admin).get('/api/v1/inspection-checklists'), 200);
    expect(items.map((c) => [c.premisesType, c.version])).toEqual([['station', 1], ['supply_point', 1], ['restaurant', 1]]);
    expect(items.every((c) => c.items.length >= 5 && c.items.every((i) => /[\u4e00-\u9fff]/.test(i.zh) && i.en.length > 0))).toBe(true);
    const edited = { items: [...(items[2]?.items ?? []), { code: 'exhaust_hood', zh: '排烟罩定期清洗', en: 'Exhaust hood cleaned regularly' }] };
    const refused = await world.http.put('/api/v1/inspection-checklists/restaurant').set('Authorization', `Bearer ${world.tokenFor(district)}`).send(edited);
    expect(refused.status).toBe(403);
    const res = await world.http.put('/api/v1/inspection-checklists/restaurant').set('Authorization', `Bearer ${world.tokenFor(city)}`).send(edited);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ premisesType: 'restaurant', version: 2, updatedBy: { id: city.userId } });
    expect((await current('restaurant')).items.map((i) => i.code)).toContain('exhaust_hood');
    const twice = await world.http.put('/api/v1/inspection-checklists/station').set('Authorization', `Bearer ${world.tokenFor(city)}`).set('Accept-Language', 'zh-CN').send({ items: [{ code: 'a_b', zh: '甲', en: 'a' }, { code: 'a_b', zh: '乙', en: 'b' }] });
    expect([twice.status, (twice.body as Problem).errors?.[0]?.path]).toEqual([400, 'items']);
    expect((await current('station')).version).toBe(1);
  });
});

describe('inspections', () => {
  it('refuses an inspection that leaves items out, answers one twice, or fails one without a deadline — naming each field', async () => {
    const station = await current('station');
    const [first, second] = station.items;
    const results = [...answers(station.items.slice(2)), { code: first?.code, passed: false }, { code: 'no_such_item', passed: true }];
    const res = await world.as(district).post('/api/v1/inspections', { premises: { type: 'station', id: kit.station }, checklistVersion: 1, inspectedAt: new Date().toISOString(), results }).set('Accept-Language', 'zh-CN');
    expect(res.status).toBe(400);
    const paths = ((res.body as Problem).errors ?? []).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining([`results.${results.length - 2}.deadline`]));
    expect(((res.body as Problem).errors ?? []).every((e) => /[\u4e00-\u9fff]/.test(e.message))).toBe(true);
    const incomplete = await expectStatus<Problem>(world.as(district).post('/api/v1/inspections', { premises: { type: 'station', id: kit.station }, checklistVersion: 1, inspectedAt: new Date().toISOString(), results: [...answers(station.items.slice(1)), { code: 'no_such_item', passed: true }] }), 400);
    expect(incomplete.errors).toEqual(expect.arrayContaining([{ path: `results.${station.items.length - 1}.code`, message: 'is no item of this checklist version' }, { path: 'results', message: `leaves items unanswered: ${first?.code}` }]));
    expect(second).toBeDefined();
    const wrongKind = await expectStatus<Problem>(world.as(district).post('/api/v1/inspections', { premises: { type: 'station', id: kit.supplyPoint }, checklistVersion: 1, inspectedAt: new Date().toISOString(), results: answers(station.items) }), 400);
    expect(wrongKind.errors).toEqual([{ path: 'premises.id', message: 'is not a filling station' }]);
    const noVersion = await expectStatus<Problem>(world.as(district).post('/api/v1/inspections', { premises: { type: 'station', id: kit.station }, checklistVersion: 9, inspectedAt: new Date().toISOString(), results: answers(station.items) }), 400);
    expect(noVersion.errors?.map((e) => e.path)).toEqual(['checklistVersion']);
    expect((await expectStatus<{ items: Inspection[] }>(world.as(city).get('/api/v1/inspections'), 200)).items).toEqual([]);
  });

  it('refuses a failed item whose rectification deadline has already passed, even one after inspectedAt, naming the field', async () => {
    const station = await current('station');
    const [a, b] = station.items;
    const day = 86_400_000;
    // An inspection typed in three days late: a deadline after it but before now is already overdue.
    const inspectedAt = new Date(Date.now() - 3 * day).toISOString();
    const late = { premises: { type: 'station', id: kit.station }, checklistVersion: 1, inspectedAt, results: answers(station.items, { [a!.code]: new Date(Date.now() - day).toISOString(), [b!.code]: inAWeek() }) };
    const res = await world.as(district).post('/api/v1/inspections', late).set('Accept-Language', 'zh-CN');
    expect([res.status, (res.body as Problem).errors]).toEqual([400, [{ path: 'results.0.deadline', message: '须在将来' }]]);
    const english = await expectStatus<Problem>(world.as(district).post('/api/v1/inspections', late), 400);
    expect(english.errors).toEqual([{ path: 'results.0.deadline', message: 'must be in the future' }]);
    expect((await expectStatus<{ items: Inspection[] }>(world.as(city).get('/api/v1/inspections'), 200)).items).toEqual([]);
  });

  it('records an inspection whose failed items are hazards, seen by the district and the enterprise, not by another district', async () => {
    const station = await current('station');
    const [a, b] = station.items;
    const due = inAWeek();
    const created = await expectStatus<Inspection>(world.as(district).post('/api/v1/inspections', { premises: { type: 'station', id: kit.station }, checklistVersion: 1, inspectedAt: new Date().toISOString(), results: answers(station.items, { [a!.code]: due, [b!.code]: due }) }), 201);
    expect(created).toMatchObject({ premises: { type: 'station', id: kit.station, district: DISTRICT }, checklistVersion: 1, inspector: { id: district.userId } });
    expect(created.hazardIds).toHaveLength(2);
    expect(created.results.filter((r) => !r.passed).map((r) => [r.code, r.zh, r.deadline])).toEqual([[a!.code, a!.zh, due], [b!.code, b!.zh, due]]);
    const hazards = async (who = district, query = 'source=inspection') => (await expectStatus<{ items: Hazard[] }>(world.as(who).get(`/api/v1/hazards?${query}`), 200)).items;
    expect((await hazards()).map((h) => [h.id, h.status, h.premises?.id, h.district]).sort()).toEqual(created.hazardIds.map((id) => [id, 'open', kit.station, DISTRICT]).sort());
    expect((await hazards(kit.admin)).map((h) => h.id).sort()).toEqual([...created.hazardIds].sort());
    expect(await hazards(otherDistrict)).toEqual([]);
    expect(await hazards(other.admin)).toEqual([]);
    expect((await expectStatus<Problem>(world.as(otherDistrict).get(`/api/v1/inspections/${created.id}`), 404)).code).toBe('NOT_FOUND');
    expect((await expectStatus<Inspection>(world.as(kit.admin).get(`/api/v1/inspections/${created.id}`), 200)).id).toBe(created.id);
    // Another district's regulator inspects nothing of this district.
    expect((await world.as(otherDistrict).post('/api/v1/inspections', { premises: { type: 'station', id: kit.station }, checklistVersion: 1, inspectedAt: new Date().toISOString(), results: answers(station.items) })).status).toBe(404);
    // A restaurant is inspected with the version named, here the city's edit.
    const rest = await current('restaurant');
    const dinner = await expectStatus<Inspection>(world.as(district).post('/api/v1/inspections', { premises: { type: 'restaurant', id: restaurant }, checklistVersion: rest.version, inspectedAt: new Date().toISOString(), results: answers(rest.items, { gas_alarm: due }) }), 201);
    expect([dinner.premises.name, dinner.checklistVersion, dinner.hazardIds.length]).toEqual(['清城老字号酒家', 2, 1]);
    const page = await expectStatus<{ items: Inspection[]; nextCursor: string | null }>(world.as(city).get('/api/v1/inspections?limit=1'), 200);
    expect(page.items.map((i) => i.id)).toEqual([dinner.id]);
    const next = await expectStatus<{ items: Inspection[] }>(world.as(city).get(`/api/v1/inspections?limit=1&cursor=${page.nextCursor}`), 200);
    expect(next.items.map((i) => i.id)).toEqual([created.id]);
  });
});

describe('hazards into cases', () => {
  it('lists household hazards beside the inspections\', puts both into a case, and closes them with it', async () => {
    const worker = await kit.worker();
    const customer = kit.customers[0]!;
    const check = { visitId: randomUUID(), occurredAt: earlier(), customerId: customer.id, items: checklist(['hose_braided_clamped']), confirmation: { method: 'phone_last4', phoneLast4: customer.phone.slice(-4) } };
    await expectStatus(world.as(worker).post('/api/v1/deliveries/safety-checks', check), 201);
    const household = (await expectStatus<{ items: Hazard[] }>(world.as(district).get('/api/v1/hazards?source=household'), 200)).items;
    expect(household.map((h) => [h.source, h.customerId, h.itemCode, h.zh, h.status, h.premises])).toEqual([['household', customer.id, 'hose_braided_clamped', '金属编织软管，两端卡箍紧固', 'open', null]]);
    const inspection = (await expectStatus<{ items: Hazard[] }>(world.as(district).get('/api/v1/hazards?source=inspection&status=open'), 200)).items;
    const all = (await expectStatus<{ items: Hazard[] }>(world.as(district).get('/api/v1/hazards'), 200)).items;
    expect(all.map((h) => h.id).sort()).toEqual([...household, ...inspection].map((h) => h.id).sort());
    // Paged one by one, soonest deadline first, the same hazards come back.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Hazard[]; nextCursor: string | null } = await expectStatus(world.as(district).get(`/api/v1/hazards?limit=1${cursor ? `&cursor=${cursor}` : ''}`), 200);
      seen.push(...page.items.map((h) => h.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((h) => h.id));
    expect(all.map((h) => h.deadline)).toEqual([...all.map((h) => h.deadline)].sort());

    const hazardIds = [household[0]!.id, inspection[0]!.id];
    const opened = await expectStatus<{ id: string; hazardIds: string[]; enterpriseId: string; district: string }>(world.as(district).post('/api/v1/cases', { source: { type: 'hazard', hazardIds }, subject: { type: 'enterprise', id: kit.enterpriseId }, legalBasis: '《城镇燃气管理条例》第四十一条', title: '安全隐患逾期未整改' }), 201);
    expect([opened.hazardIds, opened.district]).toEqual([hazardIds, DISTRICT]);
    const inCase = (await expectStatus<{ items: Hazard[] }>(world.as(district).get('/api/v1/hazards?status=in_case'), 200)).items;
    expect(inCase.map((h) => [h.id, h.caseId]).sort()).toEqual(hazardIds.map((id) => [id, opened.id]).sort());
    expect((await expectStatus<{ items: Hazard[] }>(world.as(district).get('/api/v1/hazards?status=open'), 200)).items.map((h) => h.id)).not.toContain(household[0]!.id);
    expect((await expectStatus<Problem>(world.as(district).post('/api/v1/cases', { source: { type: 'hazard', hazardIds: [household[0]!.id] }, subject: { type: 'enterprise', id: kit.enterpriseId }, legalBasis: '依据', title: '重复立案' }), 409)).code).toBe('HAZARD_IN_CASE');
    // Another district's regulator cannot take them.
    expect((await expectStatus<Problem>(world.as(otherDistrict).post('/api/v1/cases', { source: { type: 'hazard', hazardIds: [inspection[1]!.id] }, subject: { type: 'location', location: { lat: 23.7, lng: 113.0 } }, legalBasis: '依据', title: '越权' }), 404)).code).toBe('NOT_FOUND');

    await expectStatus(world.as(district).post(`/api/v1/cases/${opened.id}/review`, { outcome: 'unfounded', note: '已当场整改，不予立案' }), 200);
    const closed = (await expectStatus<{ items: Hazard[] }>(world.as(district).get('/api/v1/hazards?status=closed'), 200)).items;
    expect(closed.map((h) => [h.id, h.caseId]).sort()).toEqual(hazardIds.map((id) => [id, opened.id]).sort());
    expect((await expectStatus<Problem>(world.as(district).post('/api/v1/cases', { source: { type: 'hazard', hazardIds: [inspection[0]!.id] }, subject: { type: 'enterprise', id: kit.enterpriseId }, legalBasis: '依据', title: '再立案' }), 409)).code).toBe('HAZARD_CLOSED');
  });
});
