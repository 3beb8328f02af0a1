import { Types } from 'mongoose';
import { anEvent, expectStatus, startLedgerWorld, type LedgerWorld } from '../ledger/ledger.harness';
import { TestClock } from '../support/world';
import { aCylinderAtScale, aFillReport, anAllow, aScaleKit, signed, type ScaleKit } from './devices.harness';

describe('fill reports from a scale', () => {
  let world: LedgerWorld;
  let kit: ScaleKit;
  // The device API's clock, moved on to judge a fill reported after its allow expired (a scale's clock follows it).
  const deviceClock = new TestClock();
  beforeAll(async () => {
    world = await startLedgerWorld('device_fills', { devices: { now: deviceClock.now } });
    kit = await aScaleKit(world);
  });
  afterAll(() => world.stop());

  const report = (body: Record<string, unknown>) => signed(world, kit.scale, 'POST', '/api/v1/device/fills', body);
  const events = (cylinderId: string) => world.connection.collection('events').find({ cylinderId }).sort({ cylinderSeq: 1 }).toArray();

  it('records an allowed fill as the ledger’s fill event by the scale, with a filling record of everything the standards list', async () => {
    const cylinder = await aCylinderAtScale(world, kit.kit, { inspected: false });
    const checks = { valve: 'ok', leak: 'none', appearance: 'ok', residualKg: 0.4 };
    const authorizationId = await anAllow(world, kit, cylinder.uri, { checks });
    const body = aFillReport(authorizationId, cylinder.uri, kit.operator.staffNumber, { checks, startedAt: '2020-01-01T00:00:00+08:00' });
    const bad = await report(body);
    expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const fill = aFillReport(authorizationId, cylinder.uri, kit.operator.staffNumber, { checks });
    const res = await report(fill);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ fillId: fill.fillId, status: 'accepted', anomalies: [] });
    const chain = await events(cylinder.id);
    expect(chain.map((e) => [e.type, e.toState])).toEqual([['commission', 'empty_at_station'], ['inspect', 'inspected_at_station'], ['fill', 'full_at_station']]);
    expect(chain[1]?.payload).toEqual({ result: 'pass', checks });
    expect(chain[2]).toMatchObject({
      eventId: res.body.eventId,
      actor: { kind: 'device', id: kit.scale.id, enterpriseId: kit.kit.enterpriseId, workerId: kit.operator.id },
      payload: { tareKg: 14.5, grossKg: 29.4, netKg: 14.9, durationS: 75, scaleId: kit.scale.id, fillId: fill.fillId, authorizationId, operatorWorkerId: kit.operator.id, permittedNetKg: 14.5 },
    });
    const record = await world.connection.collection('fill_records').findOne({ fillId: fill.fillId });
    const station = await world.connection.collection('sites').findOne({ _id: new Types.ObjectId(kit.kit.station) });
    expect(station?.name).toEqual(expect.any(String));
    expect(record).toMatchObject({
      deviceId: kit.scale.id,
      eventId: res.body.eventId,
      cylinder: { id: cylinder.id, grai: cylinder.grai, serial: cylinder.serial, model: 'YSP-15', nominalKg: 15, registeredTareKg: 14.5 },
      station: { id: kit.kit.station, name: station?.name, fillingLicenceNumber: expect.any(String) },
      scale: { id: kit.scale.id, name: '1号灌装秤' },
      operator: { workerId: kit.operator.id, staffNumber: kit.operator.staffNumber, certificateNumber: expect.any(String) },
      checks,
      tareKg: 14.5,
      netKg: 14.9,
      permittedNetKg: 14.5,
      deviationKg: 0.4,
      anomalies: [],
      startedAt: fill.startedAt,
      endedAt: fill.endedAt,
    });
  });

  it('stores a fill once however often, and however concurrently, it is sent', async () => {
    const cylinder = await aCylinderAtScale(world, kit.kit);
    const fill = aFillReport(await anAllow(world, kit, cylinder.uri), cylinder.uri, kit.operator.staffNumber);
    const answers = await Promise.all(Array.from({ length: 8 }, () => report(fill)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.eventId)).size).toBe(1);
    expect((await events(cylinder.id)).filter((e) => e.type === 'fill')).toHaveLength(1);
    expect(await world.connection.collection('fill_records').countDocuments({ fillId: fill.fillId })).toBe(1);
  });

  it('refuses a report without a valid authorization, and keeps it as evidence', async () => {
    const cylinder = await aCylinderAtScale(world, kit.kit);
    const other = await aCylinderAtScale(world, kit.kit);
    const allow = await anAllow(world, kit, cylinder.uri);
    const cases: [Record<string, unknown>, string][] = [
      [aFillReport('0123456789abcdef01234567', cylinder.uri, kit.operator.staffNumber), 'AUTHORIZATION_INVALID'],
      [aFillReport(allow, other.uri, kit.operator.staffNumber), 'AUTHORIZATION_INVALID'],
      [aFillReport(allow, cylinder.uri, 'SOMEONE-ELSE'), 'AUTHORIZATION_INVALID'],
      [aFillReport(allow, cylinder.uri, kit.operator.staffNumber, { startedAt: new Date(Date.now() + 1_000_000).toISOString(), endedAt: new Date(Date.now() + 1_060_000).toISOString() }), 'AUTHORIZATION_EXPIRED'],
    ];
    for (const [body, code] of cases) {
      // The expired one is reported 20 minutes on, after the fill it reports (a fill ending ahead of the platform clock is a 400).
      const later = code === 'AUTHORIZATION_EXPIRED' ? 1_200_000 : 0;
      deviceClock.offsetMs = later;
      const res = await signed(world, kit.scale, 'POST', '/api/v1/device/fills', body, { clockOffsetMs: later });
      deviceClock.offsetMs = 0;
      expect([res.status, res.body.status, (res.body.reasons as { code: string }[])[0]?.code]).toEqual([422, 'refused', code]);
      const kept = await world.connection.collection('interlock_decisions').findOne({ kind: 'report_refused', fillId: body.fillId });
      expect(kept).toMatchObject({ decision: 'deny', deviceId: kit.scale.id, reasons: [{ reason: code }] });
    }
    expect((await events(cylinder.id)).map((e) => e.type)).toEqual(['commission', 'inspect']);
    // The allow is still unused: a correct report goes through, and a second fill under it does not.
    expect((await report(aFillReport(allow, cylinder.serial, kit.operator.staffNumber))).status).toBe(201);
    const second = await report(aFillReport(allow, cylinder.uri, kit.operator.staffNumber));
    expect((second.body.reasons as { code: string }[])[0]?.code).toBe('AUTHORIZATION_USED');
  });

  it('marks an overfill and a tare far from the registered one, and holds the overfilled cylinder until a re-weigh is within limits', async () => {
    const cylinder = await aCylinderAtScale(world, kit.kit);
    const fill = aFillReport(await anAllow(world, kit, cylinder.uri), cylinder.uri, kit.operator.staffNumber, { tareKg: 3, grossKg: 21, netKg: 18 });
    const res = await report(fill);
    expect([res.status, res.body.anomalies]).toEqual([201, ['overfill', 'tare_mismatch']]);
    const dispatch = anEvent('dispatch', cylinder.id).with({ vehicleId: kit.kit.vehicle }).build();
    const held = await world.as(kit.kit.admin).post('/api/v1/events', dispatch);
    expect([held.status, held.body.code]).toEqual([422, 'OVERFILL_UNRESOLVED']);
    const reweigh = (netKg: number, id: string) =>
      signed(world, kit.scale, 'POST', '/api/v1/device/reweighs', { reweighId: id, code: cylinder.uri, operator: kit.operator.staffNumber, tareKg: 14.5, grossKg: 14.5 + netKg, netKg, at: new Date().toISOString() });
    const still = await reweigh(15.6, `rw-${cylinder.id}-1`);
    expect(still.body).toMatchObject({ status: 'accepted', withinLimits: false, maxNetKg: 15, anomalies: ['overfill'] });
    expect((await world.as(kit.kit.admin).post('/api/v1/events', { ...dispatch, eventId: crypto.randomUUID() })).body.code).toBe('OVERFILL_UNRESOLVED');
    const fixed = await reweigh(14.8, `rw-${cylinder.id}-2`);
    expect([fixed.status, fixed.body.withinLimits]).toEqual([201, true]);
    await expectStatus(world.as(kit.kit.admin).post('/api/v1/events', { ...dispatch, eventId: crypto.randomUUID() }), 201);
  });

  it('refuses a re-weigh dated more than 5 minutes ahead of the platform clock with a 400 naming `at`, and records nothing', async () => {
    const cylinder = await aCylinderAtScale(world, kit.kit);
    const fill = aFillReport(await anAllow(world, kit, cylinder.uri), cylinder.uri, kit.operator.staffNumber);
    expect((await report(fill)).status).toBe(201);
    const reweigh = (at: string, id: string) =>
      signed(world, kit.scale, 'POST', '/api/v1/device/reweighs', { reweighId: id, code: cylinder.uri, operator: kit.operator.staffNumber, tareKg: 14.5, grossKg: 29.3, netKg: 14.8, at }, { override: { 'accept-language': 'zh-CN' } });
    const now = deviceClock.now().getTime();
    for (const [minutes, id] of [[6, 'rw-ahead-6m'], [60 * 24 * 365, 'rw-ahead-1y']] as const) {
      const res = await reweigh(new Date(now + minutes * 60_000).toISOString(), `${id}-${cylinder.id}`);
      expect([res.status, res.body.code, res.body.title]).toEqual([400, 'VALIDATION_FAILED', '输入有误']);
      expect(res.body.errors).toEqual([{ path: 'at', message: '比平台时间超前 5 分钟以上' }]);
    }
    expect((await events(cylinder.id)).map((e) => e.type)).not.toContain('reweigh');
    // Within the clock-skew allowance it is a re-weigh like any other.
    const skewed = await reweigh(new Date(now + 4 * 60_000).toISOString(), `rw-skew-${cylinder.id}`);
    expect([skewed.status, skewed.body.status]).toEqual([201, 'accepted']);
  });

  it('takes an offline burst of 200 reports, duplicates among them and sent twice at once, storing each fill once', async () => {
    const ready = [];
    for (let i = 0; i < 200; i += 20) {
      ready.push(
        ...(await Promise.all(
          Array.from({ length: 20 }, async () => {
            const cylinder = await aCylinderAtScale(world, kit.kit);
            return aFillReport(await anAllow(world, kit, cylinder.grai), cylinder.grai, kit.operator.staffNumber);
          }),
        )),
      );
    }
    // The buffer as the scale holds it, with 40 reports it had sent before the line dropped (their answers were lost).
    const resentEarlier = ready.slice(0, 40);
    await signed(world, kit.scale, 'POST', '/api/v1/device/fills/batch', { reports: resentEarlier.slice(0, 20) });
    const burst = [...ready, ...resentEarlier].sort(() => Math.random() - 0.5);
    const [a, b] = await Promise.all([
      signed(world, kit.scale, 'POST', '/api/v1/device/fills/batch', { reports: burst.slice(0, 140) }),
      signed(world, kit.scale, 'POST', '/api/v1/device/fills/batch', { reports: burst.slice(100) }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const results = [...(a.body.results as { fillId: string; status: string }[]), ...(b.body.results as { fillId: string; status: string }[])];
    expect(results.filter((r) => r.status === 'refused')).toEqual([]);
    expect(results.filter((r) => r.status === 'accepted')).toHaveLength(180);
    const ids = ready.map((r) => String(r.fillId));
    expect(await world.connection.collection('fill_records').countDocuments({ fillId: { $in: ids } })).toBe(200);
    const filled = await world.connection.collection('events').countDocuments({ type: 'fill', 'payload.fillId': { $in: ids } });
    expect(filled).toBe(200);
    const device = await world.connection.collection('devices').findOne({ _id: new (await import('mongoose')).Types.ObjectId(kit.scale.id) });
    expect(device?.reportSequence).toBe(Math.max(...ready.map((r) => Number(r.sequence))));
  }, 120_000);
});
