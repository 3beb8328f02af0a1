import { aWorker } from '../../seed/builders';
import { signedHeaders } from '../../src/components/devices';
import { expectStatus, principal, startLedgerWorld, type LedgerWorld } from '../ledger/ledger.harness';
import { aCylinderAtScale, aScaleKit, requestId, signed, type ScaleKit } from './devices.harness';

interface Answer {
  decision: 'allow' | 'deny';
  reasons: { code: string; message: { zh: string; en: string }; detail: string }[];
  decisionId: string;
  authorizationId: string | null;
  expiresAt: string | null;
  cylinder: { grai: string | null; serial: string; nominalKg: number; tareKg: number | null } | null;
  targetNetKg: number | null;
  maxGrossKg: number | null;
}

describe('POST /api/v1/device/fills/authorize', () => {
  let world: LedgerWorld;
  let kit: ScaleKit;
  beforeAll(async () => {
    world = await startLedgerWorld('device_interlock');
    kit = await aScaleKit(world);
  });
  afterAll(() => world.stop());

  const authorize = async (body: Record<string, unknown>) => {
    const res = await signed(world, kit.scale, 'POST', '/api/v1/device/fills/authorize', { requestId: requestId(), operator: kit.operator.staffNumber, ...body });
    if (res.status !== 200) throw new Error(`authorize: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as unknown as Answer;
  };
  const codes = (a: Answer) => a.reasons.map((r) => r.code).sort();

  it('allows a commissioned, inspected cylinder of its station scanned by its QR code, with the limits to fill to', async () => {
    const cylinder = await aCylinderAtScale(world, kit.kit);
    const before = Date.now();
    const answer = await authorize({ code: cylinder.uri });
    expect(answer).toMatchObject({ decision: 'allow', reasons: [], cylinder: { grai: cylinder.grai, serial: cylinder.serial, nominalKg: 15, tareKg: 14.5 }, targetNetKg: 14.5, maxGrossKg: 29.5 });
    expect(answer.authorizationId).toBe(answer.decisionId);
    expect(Date.parse(String(answer.expiresAt)) - before).toBeGreaterThan(590_000);
  });

  it('answers a resent request with the decision it gave, stored once', async () => {
    const cylinder = await aCylinderAtScale(world, kit.kit);
    const body = { requestId: requestId(), operator: kit.operator.staffNumber, code: cylinder.grai };
    const first = await signed(world, kit.scale, 'POST', '/api/v1/device/fills/authorize', body);
    const again = await signed(world, kit.scale, 'POST', '/api/v1/device/fills/authorize', body);
    expect(again.body).toEqual(first.body);
    expect(await world.connection.collection('interlock_decisions').countDocuments({ requestId: body.requestId })).toBe(1);
  });

  it('takes a typed GRAI or steel-stamp serial, and refuses a forged or foreign code', async () => {
    const cylinder = await aCylinderAtScale(world, kit.kit);
    expect((await authorize({ code: cylinder.grai })).decision).toBe('allow');
    expect((await authorize({ code: cylinder.serial.toLowerCase() })).decision).toBe('allow');
    const forged = cylinder.uri.replace(/s=k1\.(.)/, (_m, c: string) => `s=k1.${c === 'A' ? 'B' : 'A'}`);
    expect(codes(await authorize({ code: forged }))).toEqual(['BAD_SIGNATURE']);
    expect(codes(await authorize({ code: cylinder.uri.split('?')[0] ?? '' }))).toEqual(['BAD_SIGNATURE']);
    expect(codes(await authorize({ code: cylinder.uri.replace('qr.qingyuan.example.cn', 'qr.elsewhere.example.cn') }))).toEqual(['UNKNOWN_CODE']);
    const unknown = await authorize({ code: 'NO-SUCH-SERIAL' });
    expect(unknown).toMatchObject({ decision: 'deny', cylinder: null, targetNetKg: null, authorizationId: null, expiresAt: null });
    expect(unknown.reasons).toEqual([{ code: 'UNKNOWN_CODE', message: { zh: '气瓶码未登记或不是本市发放的码', en: 'The code is not a cylinder the city registered' }, detail: expect.any(String) }]);
  });

  it('refuses another filling unit’s cylinder, and one not inspected unless passing checks come with the request', async () => {
    const elsewhere = await aScaleKit(world, '441803');
    const foreign = await aCylinderAtScale(world, elsewhere.kit);
    expect(codes(await authorize({ code: foreign.uri }))).toEqual(['FOREIGN_FILLER']);
    const fresh = await aCylinderAtScale(world, kit.kit, { inspected: false });
    expect(codes(await authorize({ code: fresh.uri }))).toEqual(['NOT_INSPECTED']);
    const checks = { valve: 'ok', leak: 'none', appearance: 'ok', residualKg: 0.3 };
    expect((await authorize({ code: fresh.uri, checks })).decision).toBe('allow');
    const leaking = await authorize({ code: fresh.uri, checks: { ...checks, leak: 'leaking' } });
    expect(codes(leaking)).toEqual(['PRE_FILL_CHECK_FAILED']);
    expect(leaking.reasons[0]?.message.zh).toBe('充装前检查不合格（瓶阀、泄漏或外观），不得充装');
    const inspected = await aCylinderAtScale(world, kit.kit);
    expect(codes(await authorize({ code: inspected.uri, checks: { ...checks, valve: 'defective' } }))).toEqual(['PRE_FILL_CHECK_FAILED']);
  });

  it('refuses an operator without a valid certificate, and a staff number nobody has', async () => {
    const cylinder = await aCylinderAtScale(world, kit.kit);
    const untrained = aWorker().forEnterprise(kit.kit.enterpriseId).fillingOperator().atSite(kit.kit.station).withStaffNumber('FOX01').withExpiredCertificate().build();
    await expectStatus(world.as(principal('city_regulator')).post('/api/v1/workers', untrained), 201);
    const expired = await authorize({ code: cylinder.uri, operator: 'FOX01' });
    expect(codes(expired)).toEqual(['OPERATOR_UNCERTIFIED']);
    expect(codes(await authorize({ code: cylinder.uri, operator: 'NOBODY' }))).toEqual(['OPERATOR_NOT_AT_THIS_STATION', 'OPERATOR_UNCERTIFIED']);
  });

  it('refuses a cylinder overdue for inspection, and names every reason at once', async () => {
    const cylinder = await aCylinderAtScale(world, kit.kit);
    // Fallen due since commissioning (the registry's dates moved past, as time would move them).
    await world.connection.collection('cylinders').updateOne({ grai: cylinder.grai }, { $set: { nextInspectionDate: new Date(Date.now() - 86_400_000) } });
    const answer = await authorize({ code: cylinder.uri, operator: 'NOBODY' });
    expect(codes(answer)).toEqual(['INSPECTION_OVERDUE', 'OPERATOR_NOT_AT_THIS_STATION', 'OPERATOR_UNCERTIFIED']);
  });

  it('keeps every decision, allow and deny, at increasing positions readable by supervision', async () => {
    const cylinder = await aCylinderAtScale(world, kit.kit);
    const start = (await world.connection.collection('interlock_decisions').find().sort({ seq: -1 }).limit(1).toArray())[0]?.seq as number;
    const allow = await authorize({ code: cylinder.uri });
    const deny = await authorize({ code: 'NO-SUCH-SERIAL' });
    const read = await world.components.devices.decisionsAfter(start, 10);
    expect(read.map((d) => [d.decision, d.reasons.map((r) => r.code)])).toEqual([
      ['allow', []],
      ['deny', ['UNKNOWN_CODE']],
    ]);
    expect(read[0]).toMatchObject({ seq: start + 1, kind: 'authorize', deviceId: kit.scale.id, siteId: kit.kit.station, enterpriseId: kit.kit.enterpriseId, districtCode: '441802', cylinderId: cylinder.id, code: cylinder.uri, operator: kit.operator.staffNumber });
    expect(read[1]?.seq).toBe(start + 2);
    expect([allow.decisionId, deny.decisionId]).toHaveLength(2);
  });

  it('leaves supervision no position to wait at when a request is resent, replayed or answered from its first decision', async () => {
    const decisions = world.connection.collection('interlock_decisions');
    const top = async () => ((await decisions.find().sort({ seq: -1 }).limit(1).toArray())[0]?.seq as number) ?? 0;
    const start = await top();
    const cylinder = await aCylinderAtScale(world, kit.kit);
    const body = { requestId: requestId(), operator: kit.operator.staffNumber, code: cylinder.uri };
    const first = await authorize(body);
    // Resent with a fresh signature: answered from the first decision; the position its reads took is given back.
    expect((await authorize(body)).decisionId).toBe(first.decisionId);
    // The very same signed request twice: the copy is refused after its reads started.
    const raw = JSON.stringify({ ...body, requestId: requestId() });
    const headers = { ...signedHeaders(kit.scale, { method: 'POST', path: '/api/v1/device/fills/authorize', body: raw }), 'Content-Type': 'application/json' };
    const send = () => fetch(`${world.url}/api/v1/device/fills/authorize`, { method: 'POST', headers, body: raw });
    const replayed = JSON.parse(raw) as { requestId: string };
    expect((await send()).status).toBe(200);
    const again = await send();
    expect([again.status, ((await again.json()) as { code: string }).code]).toEqual([401, 'DEVICE_NONCE_REPLAYED']);
    const last = await authorize({ code: 'NO-SUCH-SERIAL' });
    // Well inside GAP_GRACE_MS (10 s): supervision reads every decision at once, none twice.
    const deadline = Date.now() + 3_000;
    let read = await world.components.devices.decisionsAfter(start, 50);
    while (read.length < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      read = await world.components.devices.decisionsAfter(start, 50);
    }
    const mine = read.filter((d) => d.deviceId === kit.scale.id);
    expect(mine.map((d) => [d.code, d.decision])).toEqual([
      [cylinder.uri, 'allow'],
      [cylinder.uri, first.decision],
      ['NO-SUCH-SERIAL', 'deny'],
    ]);
    expect(await decisions.countDocuments({ deviceId: kit.scale.id, requestId: replayed.requestId })).toBe(1);
    expect(last.decision).toBe('deny');
    // Every position up to the last is taken: a decision or a released place.
    expect(await decisions.countDocuments({ seq: { $gt: start } })).toBe((await top()) - start);
  });

  it('refuses a malformed request with the field named, and stores nothing', async () => {
    const before = await world.connection.collection('interlock_decisions').countDocuments();
    const res = await signed(world, kit.scale, 'POST', '/api/v1/device/fills/authorize', { code: 'x', operator: 'W1', requestId: 'short', extra: 1 });
    expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((res.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['extra', 'requestId']);
    expect(await world.connection.collection('interlock_decisions').countDocuments()).toBe(before);
  });
});
