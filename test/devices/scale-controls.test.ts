import { randomUUID } from 'node:crypto';
import { anEvent, expectStatus, principal, startLedgerWorld, type LedgerWorld } from '../ledger/ledger.harness';
import { aCylinderAtScale, aScale, aScaleKit, requestId, signed, type ScaleKit } from './devices.harness';

describe('a regulator’s remote control of filling scales', () => {
  let world: LedgerWorld;
  let kit: ScaleKit;
  const city = principal('city_regulator');
  const district = principal('district_regulator', { districtCode: '441802' });
  const otherDistrict = principal('district_regulator', { districtCode: '441803' });
  beforeAll(async () => {
    world = await startLedgerWorld('device_controls');
    kit = await aScaleKit(world);
  });
  afterAll(() => world.stop());

  const authorize = async (code: string, scale = kit.scale) =>
    (await signed(world, scale, 'POST', '/api/v1/device/fills/authorize', { requestId: requestId(), operator: kit.operator.staffNumber, code })).body as { decision: string; reasons: { code: string; detail: string }[] };
  const heartbeat = (scale = kit.scale, clockOffsetMs = 0) =>
    signed(world, scale, 'POST', '/api/v1/device/heartbeat', { firmware: 'QS-200 v2.4.1', sequence: 7, bufferedReports: 2, calibrationDueOn: '2026-03-31' }, { clockOffsetMs });
  const auditOf = async (resource: string, recordId: string) =>
    (await expectStatus<{ items: { action: string; reason?: string; actor: { role: string } }[] }>(world.as(city).get(`/api/v1/audit?resource=${resource}&recordId=${recordId}`), 200)).items;

  it('locks a scale with a reason, which its next request feels, and unlocks it; both audited', async () => {
    const cylinder = await aCylinderAtScale(world, kit.kit);
    expect((await authorize(cylinder.uri)).decision).toBe('allow');
    const locked = await expectStatus<{ lock: { reason: string; byRole: string } }>(world.as(district).post(`/api/v1/devices/${kit.scale.id}/lock`, { reason: '计量检定过期' }), 200);
    expect(locked.lock).toMatchObject({ reason: '计量检定过期', byRole: 'district_regulator' });
    const denied = await authorize(cylinder.uri);
    expect([denied.decision, denied.reasons.map((r) => r.code)]).toEqual(['deny', ['SCALE_LOCKED']]);
    expect(denied.reasons[0]?.detail).toContain('计量检定过期');
    expect((await heartbeat()).body).toMatchObject({ locked: true, lockReason: '计量检定过期' });
    await expectStatus(world.as(city).post(`/api/v1/devices/${kit.scale.id}/unlock`, { reason: '已重新检定' }), 200);
    expect((await authorize(cylinder.uri)).decision).toBe('allow');
    expect((await heartbeat()).body).toMatchObject({ locked: false, lockReason: null });
    expect((await auditOf('devices', kit.scale.id)).map((e) => [e.action, e.reason, e.actor.role])).toEqual([
      ['unlock', '已重新检定', 'city_regulator'],
      ['lock', '计量检定过期', 'district_regulator'],
    ]);
    const again = await world.as(city).post(`/api/v1/devices/${kit.scale.id}/unlock`, { reason: '再解锁' });
    expect([again.status, again.body.code]).toEqual([409, 'SCALE_NOT_LOCKED']);
  });

  it('locks every scale of a station at once', async () => {
    const second = await aScale(world, kit.kit.admin, kit.kit.station, '2号灌装秤');
    const cylinder = await aCylinderAtScale(world, kit.kit);
    await expectStatus(world.as(city).post(`/api/v1/stations/${kit.kit.station}/lock`, { reason: '停业整改' }), 200);
    for (const scale of [kit.scale, second]) expect((await authorize(cylinder.uri, scale)).reasons.map((r) => r.code)).toEqual(['SCALE_LOCKED']);
    const controls = await expectStatus<{ lock: { reason: string }; scales: { id: string }[] }>(world.as(kit.kit.admin).get(`/api/v1/stations/${kit.kit.station}/scale-controls`), 200);
    expect(controls.lock.reason).toBe('停业整改');
    expect(controls.scales.map((s) => s.id)).toEqual(expect.arrayContaining([kit.scale.id, second.id]));
    await expectStatus(world.as(district).post(`/api/v1/stations/${kit.kit.station}/unlock`, { reason: '整改完成' }), 200);
    expect((await authorize(cylinder.uri, second)).decision).toBe('allow');
    expect((await auditOf('station_scale_controls', kit.kit.station)).map((e) => e.action)).toEqual(['unlock', 'lock']);
  });

  it('leaves the decision to regulators of the station’s district or the city; another district sees no such station', async () => {
    const body = { reason: '越权测试' };
    expect((await world.as(otherDistrict).post(`/api/v1/devices/${kit.scale.id}/lock`, body)).status).toBe(404);
    expect((await world.as(otherDistrict).post(`/api/v1/stations/${kit.kit.station}/lock`, body)).status).toBe(404);
    expect((await world.as(kit.kit.admin).post(`/api/v1/devices/${kit.scale.id}/lock`, body)).status).toBe(403);
    expect((await world.as(city).post(`/api/v1/devices/${kit.scale.id}/lock`, {})).status).toBe(400);
    expect((await signed(world, kit.scale, 'POST', '/api/v1/device/heartbeat', { firmware: 'x', sequence: 1, bufferedReports: 0 })).body).toMatchObject({ locked: false });
  });

  it('refuses fills recorded without a scale, unless a regulator put the station in manual mode, marked; audited; ended at once', async () => {
    const cylinder = await aCylinderAtScale(world, kit.kit);
    const fill = () => anEvent('fill', cylinder.id).at(kit.kit.station).with({ tareKg: 14.5, grossKg: 29.4, netKg: 14.9, durationS: 60 }).build();
    const refused = await world.as(kit.kit.admin).post('/api/v1/events', { ...fill(), occurredAt: new Date().toISOString() });
    expect([refused.status, refused.body.code]).toEqual([403, 'FILL_REQUIRES_SCALE']);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const tooLong = await world.as(district).post(`/api/v1/stations/${kit.kit.station}/manual-mode`, { reason: '1号秤故障', until: new Date(Date.now() + 100 * 3_600_000).toISOString() });
    expect([tooLong.status, (tooLong.body.errors as { path: string }[])[0]?.path]).toEqual([400, 'until']);
    const granted = await expectStatus<{ manualMode: { reason: string; until: string } }>(world.as(district).post(`/api/v1/stations/${kit.kit.station}/manual-mode`, { reason: '1号秤故障，厂家维修中', until }), 201);
    expect(granted.manualMode).toMatchObject({ reason: '1号秤故障，厂家维修中', until });
    const manual = await expectStatus<{ event: { payload: { anomalies: string[] } } }>(world.as(kit.kit.admin).post('/api/v1/events', { ...fill(), occurredAt: new Date().toISOString() }), 201);
    expect(manual.event.payload.anomalies).toEqual(['manual_mode']);
    await expectStatus(world.as(city).post(`/api/v1/stations/${kit.kit.station}/manual-mode/end`, { reason: '秤已修复' }), 200);
    const other = await aCylinderAtScale(world, kit.kit);
    const after = await world.as(kit.kit.admin).post('/api/v1/events', { ...anEvent('fill', other.id).at(kit.kit.station).with({ tareKg: 14.5, grossKg: 29.4, netKg: 14.9, durationS: 60 }).build(), occurredAt: new Date().toISOString() });
    expect(after.body.code).toBe('FILL_REQUIRES_SCALE');
    expect((await auditOf('station_scale_controls', kit.kit.station)).map((e) => [e.action, e.reason]).slice(0, 2)).toEqual([
      ['manual_mode_off', '秤已修复'],
      ['manual_mode_on', '1号秤故障，厂家维修中'],
    ]);
    const ended = await world.as(city).post(`/api/v1/stations/${kit.kit.station}/manual-mode/end`, { reason: '再结束' });
    expect([ended.status, ended.body.code]).toEqual([409, 'MANUAL_MODE_NOT_ACTIVE']);
  });

  it('refuses a fill captured through EPCIS outside manual mode like one posted', async () => {
    const cylinder = await aCylinderAtScale(world, kit.kit);
    const document = {
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: new Date().toISOString(),
      epcisBody: {
        eventList: [
          {
            type: 'ObjectEvent',
            eventID: `urn:uuid:${randomUUID()}`,
            eventTime: new Date().toISOString(),
            eventTimeZoneOffset: '+08:00',
            epcList: [`https://id.gs1.org/8003/${cylinder.grai}`],
            action: 'OBSERVE',
            bizStep: 'urn:lpg-trace:voc:bizstep:filling',
            readPoint: { id: `urn:lpg-trace:voc:site:${kit.kit.station}` },
            'lpg:payload': { tareKg: 14.5, grossKg: 29.4, netKg: 14.9, durationS: 60 },
          },
        ],
      },
    };
    const res = await expectStatus<{ results: { reason?: string }[] }>(world.as(kit.kit.admin).post('/api/v1/epcis/capture', document), 200);
    expect(res.results[0]?.reason).toBe('FILL_REQUIRES_SCALE');
  });

  it('answers a heartbeat with the fill limits and how far the scale clock is off, and keeps what it said', async () => {
    const res = await heartbeat(kit.scale, -120_000);
    expect(res.status).toBe(200);
    expect(res.body.config).toMatchObject({
      tolerances: { models: { 'YSP-15': { permittedNetKg: 14.5, toleranceKg: 0.5, maxNetKg: 15 }, 'YSP-5': { maxNetKg: 5 }, 'YSP-50': { maxNetKg: 50 } }, tareToleranceKg: 0.5 },
      heartbeatIntervalS: 60,
      authorizationTtlS: 600,
    });
    const offset = (res.body.config as { clockOffsetMs: number }).clockOffsetMs;
    expect(offset).toBeGreaterThan(110_000);
    expect(offset).toBeLessThan(130_000);
    const device = await expectStatus<{ online: boolean; firmware: string; calibrationDueOn: string }>(world.as(kit.kit.admin).get(`/api/v1/devices/${kit.scale.id}`), 200);
    expect(device).toMatchObject({ online: true, firmware: 'QS-200 v2.4.1', calibrationDueOn: '2026-03-31' });
  });

  it('shows a scale not heard from for five minutes as offline, and lists it for supervision', async () => {
    const quiet = await aScale(world, kit.kit.admin, kit.kit.station, '3号灌装秤');
    expect((await expectStatus<{ online: boolean }>(world.as(kit.kit.admin).get(`/api/v1/devices/${quiet.id}`), 200)).online).toBe(false);
    await heartbeat(quiet);
    expect((await expectStatus<{ online: boolean }>(world.as(kit.kit.admin).get(`/api/v1/devices/${quiet.id}`), 200)).online).toBe(true);
    const { Types } = await import('mongoose');
    await world.connection.collection('devices').updateOne({ _id: new Types.ObjectId(quiet.id) }, { $set: { lastSeenAt: new Date(Date.now() - 301_000) } });
    expect((await expectStatus<{ online: boolean }>(world.as(kit.kit.admin).get(`/api/v1/devices/${quiet.id}`), 200)).online).toBe(false);
    // A silence counts only while this process was up: asked for five minutes, a world started seconds ago lists none.
    expect(await world.components.devices.scalesSilentSince(new Date(Date.now() - 300_000))).toEqual([]);
    await heartbeat(kit.scale);
    const silent = await world.components.devices.scalesSilentSince(new Date(Date.now() - 500));
    expect(silent.find((s) => s.deviceId === quiet.id)).toMatchObject({ siteId: kit.kit.station, enterpriseId: kit.kit.enterpriseId, districtCode: '441802', lastSeenAt: expect.any(Date) });
    expect(silent.map((s) => s.deviceId)).not.toContain(kit.scale.id);
  });
});
