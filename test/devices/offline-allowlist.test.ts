import { signAllowlist, type AllowlistAnswer } from '../../src/components/devices';
import { expectStatus, principal, startLedgerWorld, type LedgerWorld } from '../ledger/ledger.harness';
import { TestClock } from '../support/world';
import { aCylinderAtScale, aFillReport, aScaleKit, signed, type ReadyCylinder, type ScaleKit } from './devices.harness';

const CHECKS = { valve: 'ok', leak: 'none', appearance: 'ok', residualKg: 0.3 };

describe('the offline allowlist: filling while the line is down, judged again on arrival', () => {
  let world: LedgerWorld;
  let kit: ScaleKit;
  let inspected: ReadyCylinder;
  let empty: ReadyCylinder;
  let overdue: ReadyCylinder;
  let foreign: ReadyCylinder;
  let list: AllowlistAnswer;
  const city = principal('city_regulator');
  const heartbeat = (extra: Record<string, unknown> = {}) => signed(world, kit.scale, 'POST', '/api/v1/device/heartbeat', { firmware: 'QS-200 v2.4.1', sequence: 1, bufferedReports: 0, ...extra });
  const offlineFill = (cylinder: ReadyCylinder, overrides: Record<string, unknown> = {}): Record<string, unknown> & { fillId: string } => {
    const report = aFillReport('0'.repeat(24), cylinder.uri, kit.operator.staffNumber, { checks: CHECKS, ...overrides });
    delete report.authorizationId;
    return { ...report, fillId: String(report.fillId), allowlistId: list.id, ...overrides };
  };

  // The device API's clock, moved on to judge a fill uploaded after its list expired (a scale's clock follows it).
  const deviceClock = new TestClock();
  beforeAll(async () => {
    world = await startLedgerWorld('device_offline_allowlist', { devices: { now: deviceClock.now } });
    kit = await aScaleKit(world);
    inspected = await aCylinderAtScale(world, kit.kit);
    empty = await aCylinderAtScale(world, kit.kit, { inspected: false });
    overdue = await aCylinderAtScale(world, kit.kit);
    await world.connection.collection('cylinders').updateOne({ grai: overdue.grai }, { $set: { nextInspectionDate: new Date(Date.now() + 10 * 60_000) } });
    const elsewhere = await aScaleKit(world, '441803');
    foreign = await aCylinderAtScale(world, elsewhere.kit);
    const res = await heartbeat({ offlineAllowlist: true });
    expect(res.status).toBe(200);
    list = res.body.offlineAllowlist as AllowlistAnswer;
  });
  afterAll(() => world.stop());

  it('hands a scale that asks a signed half-hour list of its station’s cylinders that pass the interlock until it expires', async () => {
    expect(list.cylinders.map((c) => c.grai).sort()).toEqual([inspected.grai, empty.grai].sort());
    expect(list.cylinders[0]).toMatchObject({ model: 'YSP-15', nominalKg: 15, tareKg: 14.5, targetNetKg: 14.5, maxGrossKg: 29.5 });
    expect(Date.parse(list.expiresAt) - Date.parse(list.issuedAt)).toBe(30 * 60_000);
    expect(list).toMatchObject({ deviceId: kit.scale.id, siteId: kit.kit.station });
    // The scale checks it with its own secret; a list altered in transit does not verify.
    expect(list.signature).toBe(signAllowlist(kit.scale.secret, list));
    expect(signAllowlist(kit.scale.secret, { ...list, cylinders: [...list.cylinders, { ...(list.cylinders[0] as AllowlistAnswer['cylinders'][number]), grai: foreign.grai }] })).not.toBe(list.signature);
    expect('offlineAllowlist' in (await heartbeat()).body).toBe(false);
  });

  it('records a fill made offline against the list, once however often it is uploaded, marked offline', async () => {
    const report = offlineFill(inspected);
    const first = await signed(world, kit.scale, 'POST', '/api/v1/device/fills', report);
    expect([first.status, first.body.status, first.body.deniedNow]).toEqual([201, 'accepted', []]);
    const again = await signed(world, kit.scale, 'POST', '/api/v1/device/fills/batch', { reports: [report, report] });
    expect(again.body).toMatchObject({ accepted: 0, duplicate: 2, refused: 0 });
    const stored = await world.connection.collection('fill_records').find({ fillId: report.fillId }).toArray();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ offline: { allowlistId: list.id, deniedNow: [] }, cylinder: { id: inspected.id } });
    // The checks came with it: the inspection and the fill are in the cylinder's chain.
    const chain = await world.connection.collection('events').find({ cylinderId: inspected.id }).sort({ cylinderSeq: 1 }).toArray();
    expect(chain.slice(-2).map((e) => e.type)).toEqual(['inspect', 'fill']);
  });

  it('records a fill that the interlock would deny by the time it arrives, and says why', async () => {
    await expectStatus(world.as(city).post(`/api/v1/devices/${kit.scale.id}/lock`, { reason: '计量检定到期' }), 200);
    try {
      const res = await signed(world, kit.scale, 'POST', '/api/v1/device/fills', offlineFill(empty));
      expect([res.status, res.body.status]).toEqual([201, 'accepted']);
      expect((res.body.deniedNow as { code: string }[]).map((r) => r.code)).toEqual(['SCALE_LOCKED']);
      const record = await world.connection.collection('fill_records').findOne({ fillId: (res.body as { fillId: string }).fillId });
      expect(record?.offline).toEqual({ allowlistId: list.id, deniedNow: ['SCALE_LOCKED'] });
      // And while it is locked it gets no new list.
      expect((await heartbeat({ offlineAllowlist: true })).body.offlineAllowlist).toBeNull();
    } finally {
      await expectStatus(world.as(city).post(`/api/v1/devices/${kit.scale.id}/unlock`, { reason: '已检定' }), 200);
    }
  });

  it('refuses a cylinder not on the list, a fill started after the list expired, another scale’s list, and a report naming both or neither', async () => {
    const off = await signed(world, kit.scale, 'POST', '/api/v1/device/fills', offlineFill(overdue));
    expect([off.status, (off.body.reasons as { code: string }[])[0]?.code]).toEqual([422, 'AUTHORIZATION_INVALID']);
    const late = Date.parse(list.expiresAt) + 6 * 60_000;
    // Uploaded two minutes after it ended: not ahead of the platform clock, which has moved on with it.
    deviceClock.offsetMs = late + 180_000 - Date.now();
    const expired = await signed(world, kit.scale, 'POST', '/api/v1/device/fills', offlineFill(inspected, { startedAt: new Date(late).toISOString(), endedAt: new Date(late + 60_000).toISOString() }), { clockOffsetMs: deviceClock.offsetMs });
    deviceClock.offsetMs = 0;
    expect([expired.status, (expired.body.reasons as { code: string }[])[0]?.code]).toEqual([422, 'AUTHORIZATION_EXPIRED']);
    const other = await aScaleKit(world);
    const stranger = await signed(world, other.scale, 'POST', '/api/v1/device/fills', { ...offlineFill(inspected), operator: other.operator.staffNumber });
    expect([stranger.status, (stranger.body.reasons as { code: string }[])[0]?.code]).toEqual([422, 'AUTHORIZATION_INVALID']);
    const both = await signed(world, kit.scale, 'POST', '/api/v1/device/fills', { ...offlineFill(inspected), authorizationId: '0'.repeat(24) });
    expect([both.status, (both.body.errors as { path: string }[])[0]?.path]).toEqual([400, 'authorizationId']);
    const { allowlistId: _l, ...neither } = offlineFill(inspected);
    expect((await signed(world, kit.scale, 'POST', '/api/v1/device/fills', neither)).status).toBe(400);
  });
});
