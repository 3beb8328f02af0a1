import { aCylinder } from '../../seed/builders';
import { startScaleSimulator, type SimSummary } from '../../src/sim/scales';
import { anEnterpriseKit, expectStatus, principal, startLedgerWorld, type EnterpriseKit, type LedgerWorld } from '../ledger/ledger.harness';

describe('the scale simulator (npm run sim:scales)', () => {
  let world: LedgerWorld;
  let kit: EnterpriseKit;
  beforeAll(async () => {
    world = await startLedgerWorld('scale_simulator');
    kit = await anEnterpriseKit(world, '441802', { manualMode: false });
    // A cylinder the demo registry would hold too: overdue for its periodic inspection.
    await expectStatus(world.as(kit.admin).post('/api/v1/cylinders', aCylinder().registeredTo(kit.station).overdue().build()), 201);
  });
  afterAll(() => world.stop());

  it('provisions over HTTP, fills, is refused bad cylinders, fills offline against its allowlist and uploads the buffer later, and sends cylinders round to fill them again', async () => {
    let reached: (s: SimSummary) => void = () => undefined;
    const enough = new Promise<SimSummary>((resolve) => (reached = resolve));
    const sim = await startScaleSimulator({
      baseUrl: world.url,
      admin: { token: world.tokenFor(kit.admin) },
      regulator: { token: world.tokenFor(principal('city_regulator')) },
      stations: 2,
      scalesPerStation: 2,
      cylindersPerStation: 6,
      rate: 7_200,
      behaviour: { badRate: 0.25, outageRate: 0.25, maxFillWaitMs: 50, clockSpreadMs: 2_000 },
      reportEveryMs: 100,
      onSummary: (s) => {
        if (s.fills.accepted >= 16 && s.bursts >= 1 && s.offlineFills >= 1 && s.roundTrips >= 4 && Object.keys(s.denials).length >= 2) reached(s);
      },
    });
    let final: SimSummary;
    try {
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not reached: ${JSON.stringify(sim.summary())}`)), 240_000).unref());
      await Promise.race([enough, timeout]);
    } finally {
      final = await sim.stop();
    }

    expect(final.errors).toBe(0);
    expect(final.buffered).toBe(0);
    // The second station was created by the regulator login, with its own operator and scales.
    expect(sim.world.stations).toHaveLength(2);
    const scaleIds = sim.world.stations.flatMap((s) => s.scales.map((d) => d.id));
    expect(scaleIds).toHaveLength(4);
    // Every accepted fill is stored once: resent tails of bursts were answered as duplicates.
    const stored = await world.connection.collection('fill_records').find({ deviceId: { $in: scaleIds } }).toArray();
    expect(stored).toHaveLength(final.fills.accepted);
    expect(new Set(stored.map((r) => `${String(r.deviceId)}:${String(r.fillId)}`)).size).toBe(stored.length);
    expect(final.fills.duplicate).toBeGreaterThan(0);
    expect(final.fills.refused).toBe(0);
    // Fills made offline against the signed allowlist arrived in the bursts, marked as such.
    expect(stored.filter((r) => r.offline).length).toBe(final.offlineFills);
    // Realistic weights: a YSP-15's net near 14.5 kg, its gross the tare plus the net.
    const ysp15 = stored.filter((r) => (r.cylinder as { model: string }).model === 'YSP-15');
    expect(ysp15.length).toBeGreaterThan(0);
    for (const r of ysp15) expect(Math.abs(Number(r.netKg) - 14.5)).toBeLessThan(1.3);
    // The enterprise reads them as fill records of its station.
    const page = await expectStatus<{ items: unknown[] }>(world.as(kit.admin).get(`/api/v1/fill-records?siteId=${kit.station}&limit=200`), 200);
    expect(page.items.length).toBeGreaterThan(0);
    // Bad cylinders were refused with their reasons; none of them was filled.
    expect(Object.keys(final.denials)).toEqual(expect.arrayContaining([expect.stringMatching(/^(UNKNOWN_CODE|FOREIGN_FILLER|PRE_FILL_CHECK_FAILED|INSPECTION_OVERDUE)$/)]));
    // Cylinders came back empty and were filled again.
    const returned = await world.connection.collection('events').countDocuments({ type: 'return_empty', enterpriseId: kit.enterpriseId });
    expect(returned).toBeGreaterThanOrEqual(final.roundTrips);
    const cylinderIds = stored.map((r) => (r.cylinder as { id: string }).id);
    expect(new Set(cylinderIds).size).toBeLessThan(cylinderIds.length);
  }, 300_000);
});
