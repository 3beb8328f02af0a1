import { expectStatus, principal, startLedgerWorld, type LedgerWorld } from '../ledger/ledger.harness';
import { startWorld, type World } from '../support/world';
import { aCylinderAtScale, aScaleKit, requestId, signed, type ReadyCylinder, type ScaleKit } from './devices.harness';

/**
 * An authorize reads its facts while the scale's device record and nonce are checked (a process
 * that holds the scale's key starts them at once). Whatever a regulator changes in one process —
 * a lock, a suspended licence or certificate — the very next authorize in the other process
 * decides on it, and the lifting of it too: no process answers from what it read before.
 */
describe('the interlock decides on the facts as they are, in every app process on the database', () => {
  let world: LedgerWorld;
  let second: World;
  let kit: ScaleKit;
  let cylinder: ReadyCylinder;
  const city = principal('city_regulator');
  beforeAll(async () => {
    world = await startLedgerWorld('interlock_fresh');
    second = await startWorld('interlock_fresh_second', { database: world.dbRef, secrets: world.secrets });
    kit = await aScaleKit(world);
    // An authorize changes nothing about the cylinder: the same one is asked about throughout.
    cylinder = await aCylinderAtScale(world, kit.kit);
  }, 180_000);
  afterAll(async () => {
    await second?.stop();
    await world?.stop();
  });

  const reasonsIn = async (process: World): Promise<string[]> => {
    const res = await signed(process, kit.scale, 'POST', '/api/v1/device/fills/authorize', { requestId: requestId(), operator: kit.operator.staffNumber, code: cylinder.uri });
    if (res.status !== 200) throw new Error(`authorize: ${res.status} ${JSON.stringify(res.body)}`);
    return (res.body.reasons as { code: string }[]).map((r) => r.code);
  };
  /** Both processes, the second first (it did not make the change), then the first. */
  const bothSee = async (expected: string[]) => {
    expect(await reasonsIn(second)).toEqual(expected);
    expect(await reasonsIn(world)).toEqual(expected);
  };

  it('allows the cylinder in both processes, each holding the scale’s key from then on', async () => {
    await bothSee([]);
  });

  it('starts reading an authorize’s facts before its nonce is claimed, once the process holds the scale’s key', async () => {
    world.commands.length = 0;
    expect(await reasonsIn(world)).toEqual([]);
    // The facts' reads (the earlier decision, cylinder, operator, station, enterprise, station lock)
    // go out first, then the nonce claim (an insert) with the device read, then the decision's write.
    const firstInsert = world.commands.indexOf('insert');
    expect(world.commands.slice(0, firstInsert).filter((c) => c === 'find').length).toBeGreaterThanOrEqual(5);
  });

  it('refuses on the next authorize after the station is locked in the other process, and allows after the unlock', async () => {
    await expectStatus(world.as(city).post(`/api/v1/stations/${kit.kit.station}/lock`, { reason: '停业整改' }), 200);
    await bothSee(['SCALE_LOCKED']);
    await expectStatus(world.as(city).post(`/api/v1/stations/${kit.kit.station}/unlock`, { reason: '整改完成' }), 200);
    await bothSee([]);
  });

  it('refuses on the next authorize after the scale itself is locked, and allows after the unlock', async () => {
    await expectStatus(second.as(city).post(`/api/v1/devices/${kit.scale.id}/lock`, { reason: '计量检定过期' }), 200);
    expect(await reasonsIn(world)).toEqual(['SCALE_LOCKED']);
    expect(await reasonsIn(second)).toEqual(['SCALE_LOCKED']);
    await expectStatus(second.as(city).post(`/api/v1/devices/${kit.scale.id}/unlock`, { reason: '已重新检定' }), 200);
    expect(await reasonsIn(world)).toEqual([]);
  });

  it.each([
    { what: 'the station’s filling licence is suspended', path: () => `/api/v1/sites/${kit.kit.station}/credentials/fillingLicence`, off: 'suspend', reason: '检查发现充装记录缺失', undo: '整改完成', code: 'FILLING_LICENCE_INVALID' },
    { what: 'the enterprise’s licence is suspended', path: () => `/api/v1/enterprises/${kit.kit.enterpriseId}/credentials/licence`, off: 'suspend', reason: '涉嫌违法经营', undo: '调查结束', code: 'ENTERPRISE_LICENCE_INVALID' },
    { what: 'the operator’s certificate is revoked', path: () => `/api/v1/workers/${kit.operator.id}/credentials/certificate`, off: 'revoke', reason: '证书系伪造', undo: '核实为真', code: 'OPERATOR_UNCERTIFIED' },
  ])('refuses on the next authorize after $what, and allows once it is reinstated', async ({ path, off, reason, undo, code }) => {
    await expectStatus(world.as(city).post(`${path()}/${off}`, { reason }), 200);
    await bothSee([code]);
    await expectStatus(world.as(city).post(`${path()}/reinstate`, { reason: undo }), 200);
    await bothSee([]);
  });

  it('refuses a scale revoked in the other process even though its request’s facts were already being read', async () => {
    await expectStatus(world.as(kit.kit.admin).post(`/api/v1/devices/${kit.scale.id}/revoke`), 200);
    for (const process of [second, world]) {
      const res = await signed(process, kit.scale, 'POST', '/api/v1/device/fills/authorize', { requestId: requestId(), operator: kit.operator.staffNumber, code: cylinder.uri });
      expect([res.status, res.body.code]).toEqual([401, 'DEVICE_REVOKED']);
    }
  });
});
