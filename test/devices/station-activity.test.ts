import { expectStatus, principal, startLedgerWorld, type LedgerWorld } from '../ledger/ledger.harness';
import { aCylinderAtScale, aFillReport, anAllow, aScale, aScaleKit, requestId, signed, type Scale, type ScaleKit } from './devices.harness';

interface Decision {
  decision: string;
  kind: string;
  reasons: { code: string; detail: string }[];
  scale: { id: string; name: string | null };
  cylinder: { id: string | null; serial: string | null };
  operator: string;
}
interface DecisionPage {
  items: Decision[];
  nextCursor: string | null;
}
interface Tally {
  fills: number;
  netKg: number;
  anomalous: number;
}
interface Summary {
  day: string;
  fills: number;
  netKg: number;
  byScale: (Tally & { scaleId: string; name: string | null })[];
  byOperator: (Tally & { staffNumber: string; workerId: string | null })[];
}

/** The city calendar day (UTC+8) of now. */
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

describe("a filling station's activity: the interlock's decisions and the day's fills per scale and operator", () => {
  let world: LedgerWorld;
  let kit: ScaleKit;
  let other: ScaleKit;
  let second: Scale;
  const city = principal('city_regulator');

  beforeAll(async () => {
    world = await startLedgerWorld('device_station_activity');
    kit = await aScaleKit(world);
    other = await aScaleKit(world, '441803');
    second = await aScale(world, kit.kit.admin, kit.kit.station, '2号灌装秤');
    // Three fills on scale 1, one on scale 2 (net 14.9 kg each; the last one 15.6 kg: an overfill).
    for (const [scale, netKg] of [[kit.scale, 14.9], [kit.scale, 14.9], [kit.scale, 14.9], [second, 15.6]] as const) {
      const cylinder = await aCylinderAtScale(world, kit.kit);
      const allow = await anAllow(world, { ...kit, scale }, cylinder.uri);
      const res = await signed(world, scale, 'POST', '/api/v1/device/fills', aFillReport(allow, cylinder.uri, kit.operator.staffNumber, { netKg, grossKg: 14.5 + netKg }));
      if (res.status !== 201) throw new Error(`fill: ${res.status} ${JSON.stringify(res.body)}`);
    }
    // The regulator locks scale 2: its next request is denied, with the lock's reason.
    await expectStatus(world.as(city).post(`/api/v1/devices/${second.id}/lock`, { reason: '计量检定过期' }), 200);
    const cylinder = await aCylinderAtScale(world, kit.kit);
    const denied = await signed(world, second, 'POST', '/api/v1/device/fills/authorize', { requestId: requestId(), operator: kit.operator.staffNumber, code: cylinder.uri });
    if (denied.body.decision !== 'deny') throw new Error(`expected a deny: ${JSON.stringify(denied.body)}`);
    // Another district's station has a decision of its own.
    const foreign = await aCylinderAtScale(world, other.kit);
    await anAllow(world, other, foreign.uri);
  });
  afterAll(() => world.stop());

  const decisions = (who: ReturnType<typeof principal>, query = '', site = kit.kit.station) => world.as(who).get(`/api/v1/stations/${site}/interlock-decisions${query}`);

  it('lists the denials with their reasons and the scale they came from, newest first', async () => {
    const page = await expectStatus<DecisionPage>(decisions(kit.kit.admin, '?decision=deny'), 200);
    expect(page.items).toHaveLength(1);
    const [denial] = page.items;
    expect(denial).toMatchObject({ decision: 'deny', kind: 'authorize', scale: { id: second.id, name: '2号灌装秤' }, operator: kit.operator.staffNumber });
    expect(denial?.reasons.map((r) => r.code)).toEqual(['SCALE_LOCKED']);
    expect(denial?.reasons[0]?.detail).toContain('计量检定过期');
    const all = await expectStatus<DecisionPage>(decisions(kit.kit.admin, `?day=${today()}`), 200);
    expect(all.items.map((d) => d.decision)).toEqual(['deny', 'allow', 'allow', 'allow', 'allow']);
    expect((await expectStatus<DecisionPage>(decisions(kit.kit.admin, '?day=2001-01-01'), 200)).items).toEqual([]);
  });

  it('pages the decisions with a cursor, without repeating or skipping one', async () => {
    const first = await expectStatus<DecisionPage>(decisions(kit.kit.admin, '?limit=2'), 200);
    const rest = await expectStatus<DecisionPage>(decisions(kit.kit.admin, `?limit=10&cursor=${first.nextCursor}`), 200);
    expect(first.items).toHaveLength(2);
    expect(rest.items).toHaveLength(3);
    expect(rest.nextCursor).toBeNull();
    expect([...first.items, ...rest.items].map((d) => d.decision)).toEqual(['deny', 'allow', 'allow', 'allow', 'allow']);
    // A cursor of one listing is no cursor of another (the denials only).
    const mixed = await decisions(kit.kit.admin, `?decision=deny&cursor=${first.nextCursor}`);
    expect([mixed.status, mixed.body.code]).toEqual([400, 'INVALID_CURSOR']);
  });

  it("counts the day's fills per scale and per operator, with their net mass and anomalies", async () => {
    const summary = await expectStatus<Summary>(world.as(kit.kit.admin).get(`/api/v1/stations/${kit.kit.station}/fill-summary`), 200);
    expect(summary.day).toBe(today());
    expect([summary.fills, summary.netKg]).toEqual([4, 60.3]);
    expect(summary.byScale.map((s) => [s.scaleId, s.name, s.fills, s.netKg])).toEqual([
      [kit.scale.id, '1号灌装秤', 3, 44.7],
      [second.id, '2号灌装秤', 1, 15.6],
    ]);
    expect(summary.byScale[1]?.anomalous).toBe(1);
    expect(summary.byOperator.map((o) => [o.staffNumber, o.workerId, o.fills])).toEqual([[kit.operator.staffNumber, kit.operator.id, 4]]);
    const empty = await expectStatus<Summary>(world.as(kit.kit.admin).get(`/api/v1/stations/${kit.kit.station}/fill-summary?day=2001-01-01`), 200);
    expect([empty.fills, empty.byScale, empty.byOperator]).toEqual([0, [], []]);
  });

  it("answers another enterprise's or district's station exactly like no station, and refuses roles that read no fill records", async () => {
    for (const who of [other.kit.admin, principal('district_regulator', { districtCode: '441803' })]) {
      for (const path of ['interlock-decisions', 'fill-summary']) {
        const res = await world.as(who).get(`/api/v1/stations/${kit.kit.station}/${path}`);
        expect([res.status, res.body.code]).toEqual([404, 'NOT_FOUND']);
      }
    }
    const district = await expectStatus<DecisionPage>(decisions(principal('district_regulator', { districtCode: '441802' })), 200);
    expect(district.items).toHaveLength(5);
    expect((await expectStatus<DecisionPage>(decisions(city, '', other.kit.station), 200)).items).toHaveLength(1);
    const operator = await decisions(principal('filling_operator', { enterpriseId: kit.kit.enterpriseId }));
    expect(operator.status).toBe(403);
  });

  it('names the bad fields of a bad query in a 400, in Chinese for the consoles', async () => {
    const res = await decisions(kit.kit.admin, '?decision=maybe&day=2025-13-40').set('Accept-Language', 'zh-CN');
    expect(res.status).toBe(400);
    const errors = res.body.errors as { path: string; message: string }[];
    expect(errors.map((e) => e.path).sort()).toEqual(['day', 'decision']);
    expect(res.body.title).toMatch(/[\u4e00-\u9fff]/);
    for (const e of errors) expect(e.message).toMatch(/[\u4e00-\u9fff]/);
    const bad = await world.as(kit.kit.admin).get('/api/v1/stations/not-an-id/fill-summary');
    expect([bad.status, (bad.body.errors as { path: string }[])[0]?.path]).toEqual([400, 'id']);
  });
});
