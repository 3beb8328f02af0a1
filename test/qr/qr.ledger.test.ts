import { createHash, randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { anEnterprise, aCylinder, aSite } from '../../seed/builders';
import { actorOf, type Ledger } from '../../src/components/ledger';
import type { Principal } from '../../src/components/auth';
import { expectStatus, principal } from '../registry/registry.harness';
import { QR_DOMAIN, startQrWorld, type QrWorld } from './qr.harness';
import { inManualMode } from '../ledger/ledger.harness';

let world: QrWorld;
let ledger: Ledger;
beforeAll(async () => {
  world = await startQrWorld('qr_ledger', { realLedger: true });
  ledger = world.realLedger as Ledger;
});
afterAll(async () => {
  await world.stop();
});

interface Kit {
  admin: Principal;
  station: string;
  stationName: string;
  newCylinder(): Promise<string>;
}

async function anEnterpriseWithStation(district: string): Promise<Kit> {
  const city = principal('city_regulator');
  const enterprise = await expectStatus<{ id: string }>(world.as(city).post('/api/v1/enterprises', anEnterprise().inDistrict(district).build()), 201);
  const admin = principal('enterprise_admin', { enterpriseId: enterprise.id });
  // Registered by the city regulator, so its licences are verified and the station counts as registered.
  const site = aSite().fillingStation().forEnterprise(enterprise.id).inDistrict(district).build();
  const station = await expectStatus<{ id: string }>(world.as(city).post('/api/v1/sites', site), 201);
  // Fills recorded through POST /events need the station in manual mode (issue 12).
  await inManualMode(world, station.id);
  return {
    admin,
    station: station.id,
    stationName: site.name,
    newCylinder: async () => (await expectStatus<{ id: string }>(world.as(admin).post('/api/v1/cylinders', aCylinder().forEnterprise(enterprise.id).registeredTo(station.id).build()), 201)).id,
  };
}

/** The commission event id the platform used to derive from nothing but the (predictable) cylinder id. */
function publicCommissionId(cylinderId: string): string {
  const h = createHash('sha256').update(`lpg-trace/commission/${cylinderId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

const anHourAgo = () => new Date(Date.now() - 3_600_000).toISOString();

describe('QR identity wired to the custody ledger', () => {
  it('commissioning appends one commission event; the page shows the ledger\'s last fill', async () => {
    const kit = await anEnterpriseWithStation('441802');
    const cylinder = await kit.newCylinder();
    const first = await expectStatus<{ code: { grai: string; uri: string } }>(world.as(kit.admin).post(`/api/v1/cylinders/${cylinder}/commission`), 201);
    await expectStatus(world.as(kit.admin).post(`/api/v1/cylinders/${cylinder}/commission`), 200);
    const state = await ledger.cylinderState(cylinder);
    expect(state).toMatchObject({ state: 'empty_at_station', cylinderSeq: 0 });
    expect(await world.connection.collection('events').countDocuments({ cylinderId: cylinder })).toBe(1);

    const at = new Date(Date.now() - 60_000).toISOString();
    const actor = actorOf(kit.admin);
    for (const event of [
      { type: 'inspect', payload: { result: 'pass' } },
      { type: 'fill', payload: { tareKg: 14.5, grossKg: 29.5, netKg: 15, durationS: 90 } },
    ]) {
      const outcome = await ledger.append({ eventId: randomUUID(), cylinderId: cylinder, occurredAt: at, where: { siteId: kit.station }, ...event }, actor);
      expect(outcome).toMatchObject({ status: 'accepted' });
    }
    const page = await world.http.get(first.code.uri.replace(`https://${QR_DOMAIN}`, '')).set('Accept', 'application/json');
    expect(page.body).toMatchObject({ verdict: 'genuine', warnings: [], cylinder: { lastFill: { stationName: kit.stationName, registeredStation: true } } });
  });

  it("cannot be blocked by another enterprise posting first under an id computed from the new cylinder's id", async () => {
    const [a, b] = [await anEnterpriseWithStation('441802'), await anEnterpriseWithStation('441803')];
    const target = await a.newCylinder();
    const decoy = await b.newCylinder();
    const squat = { eventId: publicCommissionId(target), cylinderId: decoy, type: 'commission', occurredAt: anHourAgo(), where: { siteId: b.station }, payload: {} };
    expect(await ledger.append(squat, actorOf(b.admin))).toMatchObject({ status: 'accepted' });

    await expectStatus(world.as(a.admin).post(`/api/v1/cylinders/${target}/commission`), 201);
    expect(await ledger.cylinderState(target)).toMatchObject({ state: 'empty_at_station', cylinderSeq: 0 });
    const inspect = { eventId: randomUUID(), cylinderId: target, type: 'inspect', occurredAt: new Date().toISOString(), where: { siteId: a.station }, payload: { result: 'pass' } };
    expect(await ledger.append(inspect, actorOf(a.admin))).toMatchObject({ status: 'accepted' });
  });

  it('never answers success without the commission event: with its id already taken it fails loudly (409) and hands out no code', async () => {
    const [a, b] = [await anEnterpriseWithStation('441802'), await anEnterpriseWithStation('441803')];
    const target = await a.newCylinder();
    // Suppose the id leaked (an insider): another enterprise's event holds it first.
    const taken = ledger.eventIds.derived('commission', target);
    const squat = { eventId: taken, cylinderId: await b.newCylinder(), type: 'commission', occurredAt: anHourAgo(), where: { siteId: b.station }, payload: {} };
    expect(await ledger.append(squat, actorOf(b.admin))).toMatchObject({ status: 'accepted' });

    const res = await world.as(a.admin).post(`/api/v1/cylinders/${target}/commission`);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'LEDGER_REJECTED' });
    expect(JSON.stringify(res.body)).not.toContain(squat.cylinderId);
    expect(await ledger.cylinderState(target)).toBeNull();
    // The code went back off the record: nothing to print, the registry agrees with the ledger.
    expect((await world.as(a.admin).get(`/api/v1/cylinders/${target}/code`)).body).toMatchObject({ code: 'NOT_COMMISSIONED' });
  });

  it('a commission the ledger refuses on its merits is a 422 naming every reason, and leaves no code bound', async () => {
    const kit = await anEnterpriseWithStation('441802');
    const admin = kit.admin as Principal & { enterpriseId: string };
    const overdue = (await expectStatus<{ id: string }>(world.as(admin).post('/api/v1/cylinders', aCylinder().forEnterprise(admin.enterpriseId).registeredTo(kit.station).overdue().build()), 201)).id;
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await world.as(admin).post(`/api/v1/cylinders/${overdue}/commission`);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'COMMISSION_REFUSED', reasons: [expect.objectContaining({ code: 'INSPECTION_OVERDUE' })] });
    }
    expect(await ledger.cylinderState(overdue)).toBeNull();
    const record = await expectStatus<Record<string, unknown>>(world.as(admin).get(`/api/v1/cylinders/${overdue}`), 200);
    expect(record.grai).toBeUndefined();
    expect((await world.as(admin).get(`/api/v1/cylinders/${overdue}/code`)).body).toMatchObject({ code: 'NOT_COMMISSIONED' });
    const trail = await world.connection.collection('audit_records').find({ resource: 'cylinders', recordId: new Types.ObjectId(overdue), action: { $in: ['commission', 'commission_refused'] } }).sort({ _id: 1 }).toArray();
    expect(trail.map((r) => r.action)).toEqual(['commission', 'commission_refused', 'commission', 'commission_refused']);
  });

  it('derives commission event ids nobody can compute from the cylinder id alone, the same on every retry', () => {
    const id = '665f1c2e9b1d8c0012345678';
    expect(ledger.eventIds.derived('commission', id)).toBe(ledger.eventIds.derived('commission', id));
    expect(ledger.eventIds.derived('commission', id)).not.toBe(publicCommissionId(id));
    expect(ledger.eventIds.derived('commission', id)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
