import { randomUUID } from 'node:crypto';
import { anEnterprise, aCylinder, aSite } from '../../seed/builders';
import { actorOf, type Ledger } from '../../src/components/ledger';
import { commissionEventId } from '../../src/components/qr';
import { expectStatus, principal } from '../registry/registry.harness';
import { QR_DOMAIN, startQrWorld, type QrWorld } from './qr.harness';

let world: QrWorld;
afterAll(async () => {
  await world.stop();
});

describe('QR identity wired to the custody ledger', () => {
  it('commissioning appends one commission event; the page shows the ledger\'s last fill', async () => {
    world = await startQrWorld('qr_ledger', { realLedger: true });
    const ledger = world.realLedger as Ledger;
    const city = principal('city_regulator');
    const enterprise = await expectStatus<{ id: string }>(world.as(city).post('/api/v1/enterprises', anEnterprise().inDistrict('441802').build()), 201);
    const admin = principal('enterprise_admin', { enterpriseId: enterprise.id });
    const site = aSite().fillingStation().inDistrict('441802').build();
    const station = await expectStatus<{ id: string }>(world.as(admin).post('/api/v1/sites', site), 201);
    const cylinder = await expectStatus<{ id: string }>(world.as(admin).post('/api/v1/cylinders', aCylinder().forEnterprise(enterprise.id).registeredTo(station.id).build()), 201);

    const first = await expectStatus<{ code: { grai: string; uri: string } }>(world.as(admin).post(`/api/v1/cylinders/${cylinder.id}/commission`), 201);
    await expectStatus(world.as(admin).post(`/api/v1/cylinders/${cylinder.id}/commission`), 200);
    const state = await ledger.cylinderState(cylinder.id);
    expect(state).toMatchObject({ state: 'empty_at_station', headEventId: commissionEventId(cylinder.id), cylinderSeq: 0 });

    const at = new Date(Date.now() - 60_000).toISOString();
    const actor = actorOf(admin);
    for (const event of [
      { type: 'inspect', payload: { result: 'pass' } },
      { type: 'fill', payload: { tareKg: 14.5, grossKg: 29.5, netKg: 15, durationS: 90 } },
    ]) {
      const outcome = await ledger.append({ eventId: randomUUID(), cylinderId: cylinder.id, occurredAt: at, where: { siteId: station.id }, ...event }, actor);
      expect(outcome).toMatchObject({ status: 'accepted' });
    }
    const page = await world.http.get(first.code.uri.replace(`https://${QR_DOMAIN}`, '')).set('Accept', 'application/json');
    expect(page.body).toMatchObject({ verdict: 'genuine', warnings: [], cylinder: { lastFill: { stationName: site.name, registeredStation: true } } });
  });
});
