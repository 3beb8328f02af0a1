import { randomUUID } from 'node:crypto';
import { anEvent, expectStatus, inManualMode, principal, startLedgerWorld, type LedgerWorld } from '../ledger/ledger.harness';
import { aCylinderAtScale, aFillReport, anAllow, aScale, aScaleKit, signed, type ScaleKit } from './devices.harness';

interface Page {
  items: { fillId: string; scale: { id: string }; operator: { staffNumber: string }; day: string }[];
  nextCursor: string | null;
}

describe('filling records: per station and day, per scale, per operator', () => {
  let world: LedgerWorld;
  let kit: ScaleKit;
  let other: ScaleKit;
  const fillIds: string[] = [];
  let secondScale = '';
  beforeAll(async () => {
    world = await startLedgerWorld('device_fill_records');
    kit = await aScaleKit(world);
    other = await aScaleKit(world, '441803');
    const second = await aScale(world, kit.kit.admin, kit.kit.station, '2号灌装秤');
    secondScale = second.id;
    for (let i = 0; i < 5; i++) {
      const scale = i < 3 ? kit.scale : second;
      const cylinder = await aCylinderAtScale(world, kit.kit);
      const allow = await anAllow(world, { ...kit, scale }, cylinder.uri);
      const fill = aFillReport(allow, cylinder.uri, kit.operator.staffNumber);
      const res = await signed(world, scale, 'POST', '/api/v1/device/fills', fill);
      if (res.status !== 201) throw new Error(`fill: ${res.status} ${JSON.stringify(res.body)}`);
      fillIds.push(String(fill.fillId));
    }
    const foreign = await aCylinderAtScale(world, other.kit);
    await signed(world, other.scale, 'POST', '/api/v1/device/fills', aFillReport(await anAllow(world, other, foreign.uri), foreign.uri, other.operator.staffNumber));
  });
  afterAll(() => world.stop());

  const list = (who: ReturnType<typeof principal>, query: string) => expectStatus<Page>(world.as(who).get(`/api/v1/fill-records?${query}`), 200);
  const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

  it('lists a station’s fills of a day, newest first, in pages, as one indexed read', async () => {
    const first = await list(kit.kit.admin, `siteId=${kit.kit.station}&day=${today()}&limit=3`);
    expect(first.items.map((r) => r.fillId)).toEqual([...fillIds].reverse().slice(0, 3));
    expect(first.items.every((r) => r.day === today())).toBe(true);
    const second = await list(kit.kit.admin, `siteId=${kit.kit.station}&day=${today()}&limit=3&cursor=${first.nextCursor}`);
    expect(second).toEqual({ items: [expect.objectContaining({ fillId: fillIds[1] }), expect.objectContaining({ fillId: fillIds[0] })], nextCursor: null });
    expect((await list(kit.kit.admin, `siteId=${kit.kit.station}&day=2001-01-01`)).items).toEqual([]);
    world.commands.length = 0;
    await list(kit.kit.admin, `siteId=${kit.kit.station}`);
    expect(world.commands.filter((c) => c === 'find' || c === 'aggregate')).toEqual(['find']);
  });

  it('lists a scale’s fills and an operator’s', async () => {
    expect((await list(kit.kit.admin, `deviceId=${secondScale}`)).items.map((r) => r.fillId)).toEqual([fillIds[4], fillIds[3]]);
    const byOperator = await list(kit.kit.admin, `operatorWorkerId=${kit.operator.id}`);
    expect(byOperator.items).toHaveLength(5);
    expect(byOperator.items.every((r) => r.operator.staffNumber === kit.operator.staffNumber)).toBe(true);
  });

  it('shows each reader its own scope: another enterprise or district reads none of them', async () => {
    const query = `siteId=${kit.kit.station}`;
    expect((await list(other.kit.admin, query)).items).toEqual([]);
    expect((await list(principal('district_regulator', { districtCode: '441803' }), query)).items).toEqual([]);
    expect((await list(principal('district_regulator', { districtCode: '441802' }), query)).items).toHaveLength(5);
    expect((await list(principal('auditor'), `siteId=${other.kit.station}`)).items).toHaveLength(1);
    expect((await world.as(principal('delivery_worker', { enterpriseId: kit.kit.enterpriseId })).get(`/api/v1/fill-records?${query}`)).status).toBe(403);
  });

  it('asks for exactly one of station, scale or operator', async () => {
    const res = await world.as(kit.kit.admin).get(`/api/v1/fill-records?siteId=${kit.kit.station}&deviceId=${secondScale}`);
    expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await world.as(kit.kit.admin).get('/api/v1/fill-records?day=2025-01-01')).status).toBe(400);
  });

  it('maps an EPCIS inspecting event with a conformant or non_conformant disposition onto an inspection pass or fail', async () => {
    const pass = await aCylinderAtScale(world, kit.kit, { inspected: false });
    const fail = await aCylinderAtScale(world, kit.kit, { inspected: false });
    const objectEvent = (grai: string, disposition: string) => ({
      type: 'ObjectEvent',
      eventID: `urn:uuid:${randomUUID()}`,
      eventTime: new Date().toISOString(),
      eventTimeZoneOffset: '+08:00',
      epcList: [`https://id.gs1.org/8003/${grai}`],
      action: 'OBSERVE',
      bizStep: 'urn:epcglobal:cbv:bizstep:inspecting',
      disposition,
      readPoint: { id: `urn:lpg-trace:voc:site:${kit.kit.station}` },
    });
    const document = { type: 'EPCISDocument', schemaVersion: '2.0', creationDate: new Date().toISOString(), epcisBody: { eventList: [objectEvent(pass.grai, 'conformant'), objectEvent(fail.grai, 'urn:epcglobal:cbv:disp:non_conformant')] } };
    const res = await expectStatus<{ accepted: number }>(world.as(kit.kit.admin).post('/api/v1/epcis/capture', document), 200);
    expect(res.accepted).toBe(2);
    const last = async (id: string) => (await world.connection.collection('events').find({ cylinderId: id }).sort({ cylinderSeq: -1 }).limit(1).toArray())[0];
    expect(await last(pass.id)).toMatchObject({ type: 'inspect', payload: { result: 'pass' }, toState: 'inspected_at_station' });
    expect(await last(fail.id)).toMatchObject({ type: 'inspect', payload: { result: 'fail' }, toState: 'empty_at_station', disposition: 'urn:epcglobal:cbv:disp:non_conformant' });
  });

  it('lists the fills recorded without a scale during a manual mode with the station’s and the operator’s, marked manual', async () => {
    await inManualMode(world, kit.kit.station);
    const cylinder = await aCylinderAtScale(world, kit.kit);
    const operator = principal('filling_operator', { enterpriseId: kit.kit.enterpriseId, workerId: kit.operator.id });
    const body = { ...anEvent('fill', cylinder.id).at(kit.kit.station).with({ tareKg: 14.5, grossKg: 29.3, netKg: 14.8, durationS: 80 }).build(), occurredAt: new Date().toISOString() };
    const recorded = await expectStatus<{ event: { eventId: string } }>(world.as(operator).post('/api/v1/events', body), 201);
    await world.components.devices.syncManualFills();
    const station = await list(kit.kit.admin, `siteId=${kit.kit.station}&day=${today()}`);
    const manual = station.items.find((r) => r.fillId === recorded.event.eventId) as unknown as Record<string, unknown>;
    expect(manual).toMatchObject({ manual: true, scale: null, authorizationId: null, eventId: recorded.event.eventId, netKg: 14.8, permittedNetKg: 14.5, deviationKg: 0.3, operator: { workerId: kit.operator.id }, cylinder: { id: cylinder.id, serial: cylinder.serial } });
    expect(manual.anomalies).toEqual(expect.arrayContaining(['manual_mode']));
    expect(station.items.filter((r) => (r as unknown as { manual: boolean }).manual)).toHaveLength(1);
    expect(station.items.find((r) => r.fillId === fillIds[0])).toMatchObject({ manual: false });
    expect((await list(kit.kit.admin, `operatorWorkerId=${kit.operator.id}`)).items.map((r) => r.fillId)).toContain(recorded.event.eventId);
    // Read twice (a second pass, another process), it is stored once; another enterprise reads none of it.
    await world.connection.collection('fill_record_positions').deleteMany({});
    await world.components.devices.syncManualFills();
    expect(await world.connection.collection('fill_records').countDocuments({ fillId: recorded.event.eventId })).toBe(1);
    expect((await list(other.kit.admin, `siteId=${kit.kit.station}`)).items).toEqual([]);
  });
});
