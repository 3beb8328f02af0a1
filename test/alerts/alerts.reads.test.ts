import { randomUUID } from 'node:crypto';
import { aSite } from '../../seed/builders';
import type { PassTiming } from '../../src/components/alerts';
import { startWorld, type World } from '../support/world';
import { anEnterpriseKit, expectStatus, principal, type EnterpriseKit } from './alerts.harness';

/**
 * What one rule pass reads and writes: nothing of what this process's commits handed over is read
 * back, the registry facts of the whole batch in one query per collection (however many sites and
 * enterprises its inputs name), one write per collection; and a refusal that carries no district
 * (no cylinder was found) placed in its site's district, else its enterprise's.
 */
const DISTRICT_A = '441802';
const DISTRICT_B = '441881';
const DISTRICT_C = '441821';
const city = principal('city_regulator');

let world: World;
let a: EnterpriseKit;
let b: EnterpriseKit;
/** A site of A's enterprise in another district than the enterprise's. */
let away = '';
const seen: { at: number; name: string; collection: string }[] = [];

beforeAll(async () => {
  // A pass starts 5 s after the first commit it is told of: both requests below are answered long before.
  world = await startWorld('alerts_reads', { alertsConfig: { batchWaitMs: 5_000 } });
  a = await anEnterpriseKit(world, DISTRICT_A);
  b = await anEnterpriseKit(world, DISTRICT_C);
  away = (await expectStatus<{ id: string }>(world.as(city).post('/api/v1/sites', aSite().inDistrict(DISTRICT_B).forEnterprise(a.enterpriseId).build()), 201)).id;
  await world.alerts.settled();
  world.connection.getClient().on('commandStarted', (event) => {
    const target = (event.command as Record<string, unknown>)[event.commandName];
    seen.push({ at: performance.timeOrigin + performance.now(), name: event.commandName, collection: typeof target === 'string' ? target : '' });
  });
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

const unknownAt = (tag: string, i: number, siteId?: string) => ({ eventId: randomUUID(), grai: `06141410150009${tag}${i}`, type: 'report_lost', occurredAt: new Date().toISOString(), ...(siteId ? { where: { siteId } } : {}), payload: {} });

describe('one rule pass', () => {
  it('reads the sites, the enterprises and the codes of the whole batch in one query each, and places refusals of no district by site, else enterprise', async () => {
    const passes: PassTiming[] = [];
    const stop = world.alerts.observePasses((t) => passes.push(t));
    try {
      const sitesOfA = [a.station, a.supplyPoint, away];
      const [first, second] = await Promise.all([
        expectStatus<{ rejected: number }>(world.as(a.admin).post('/api/v1/events/batch', { events: [...Array.from({ length: 6 }, (_, i) => unknownAt('READA', i, sitesOfA[i % 3])), unknownAt('READN', 0)] }), 200),
        expectStatus<{ rejected: number }>(world.as(b.admin).post('/api/v1/events/batch', { events: Array.from({ length: 3 }, (_, i) => unknownAt('READB', i, b.station)) }), 200),
      ]);
      const answeredAt = performance.timeOrigin + performance.now();
      expect([first.rejected, second.rejected]).toEqual([7, 3]);
      await world.alerts.settled();
      expect(passes).toHaveLength(1);
      const pass = passes[0] as PassTiming;
      expect(pass.inputs).toBe(10);
      expect(answeredAt).toBeLessThan(pass.startedAt);
      const during = seen.filter((c) => c.at >= pass.startedAt && c.at <= pass.deliveredAt);
      const reads = (collection: string) => during.filter((c) => c.collection === collection && (c.name === 'find' || c.name === 'aggregate')).length;
      // The refusals were handed over by the commits: none is read back. Four sites and two enterprises named, ten
      // codes: one query each (refusals keep no tracks: none read); the active alerts of the subjects named, one.
      expect({ events: reads('events'), refusals: reads('rejected_events'), sites: reads('sites'), enterprises: reads('enterprises'), cylinders: reads('cylinders'), tracks: reads('alert_tracks'), alerts: reads('alerts') }).toEqual({
        events: 0,
        refusals: 0,
        sites: 1,
        enterprises: 1,
        cylinders: 1,
        tracks: 0,
        alerts: 1,
      });
      // The transaction: the positions and counters first, then the alerts and their changes at once; nothing else is written.
      const writes = during.filter((c) => ['insert', 'update', 'findAndModify'].includes(c.name)).map((c) => `${c.name} ${c.collection}`);
      expect(writes.sort()).toEqual(['findAndModify alert_runner', 'insert alert_changes', 'update alert_runner', 'update alerts'].sort());

      const items = (await expectStatus<{ items: { subject: { id: string }; districtCode: string | null }[] }>(world.as(city).get('/api/v1/alerts?rule=OUT_OF_CITY_CYLINDER&limit=50'), 200)).items;
      const districtOf = (code: string) => items.find((i) => i.subject.id === `06141410150009${code}`)?.districtCode;
      // At A's sites of its own district, and with no site at all: A's district; at its site in B: B's; B's enterprise: C.
      expect(['READA0', 'READA1', 'READA2', 'READA3', 'READA4', 'READA5', 'READN0', 'READB0'].map(districtOf)).toEqual([DISTRICT_A, DISTRICT_A, DISTRICT_B, DISTRICT_A, DISTRICT_A, DISTRICT_B, DISTRICT_A, DISTRICT_C]);
    } finally {
      stop();
    }
  }, 90_000);
});
