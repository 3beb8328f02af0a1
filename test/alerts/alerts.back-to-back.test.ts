import { randomUUID } from 'node:crypto';
import type { PassTiming } from '../../src/components/alerts';
import { startWorld, type World } from '../support/world';
import { anEnterpriseKit, expectStatus, principal, type EnterpriseKit } from './alerts.harness';

/**
 * Passes back to back: requests from several senders, with no pause between them, commit while
 * passes run; every refusal is judged exactly once, and a code met in pass after pass stays one
 * alert holding every occurrence.
 */
const DISTRICT = '441802';
const city = principal('city_regulator');
type Item = { subject: { id: string }; count: number };

let world: World;
let kit: EnterpriseKit;

beforeAll(async () => {
  world = await startWorld('alerts_back_to_back');
  kit = await anEnterpriseKit(world, DISTRICT);
  await world.alerts.settled();
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

const refusalOf = (grai: string) => ({ eventId: randomUUID(), grai, type: 'report_lost', occurredAt: new Date().toISOString(), payload: {} });

describe('passes back to back', () => {
  it('judges every refusal once when requests follow each other closely', async () => {
    const passes: PassTiming[] = [];
    const stop = world.alerts.observePasses((t) => passes.push(t));
    const tag = `BACK${Date.now().toString(36).toUpperCase().slice(-4)}`;
    const codes = Array.from({ length: 6 }, (_, i) => `06141410150009${tag}${i}`);
    const rounds = 5;
    const chains = 4;
    try {
      // Four senders, each naming every code once per request, five requests each, no pause between them.
      await Promise.all(
        Array.from({ length: chains }, async () => {
          for (let round = 0; round < rounds; round++) await expectStatus(world.as(kit.admin).post('/api/v1/events/batch', { events: codes.map(refusalOf) }), 200);
        }),
      );
      await world.alerts.settled();
      expect(passes.reduce((n, p) => n + p.inputs, 0)).toBe(rounds * chains * codes.length);
      const items = (await expectStatus<{ items: Item[] }>(world.as(city).get(`/api/v1/alerts?rule=OUT_OF_CITY_CYLINDER&enterprise=${kit.enterpriseId}&limit=200`), 200)).items.filter((i) => i.subject.id.includes(tag));
      expect(items.map((i) => i.subject.id).sort()).toEqual([...codes].sort());
      expect(items.map((i) => i.count)).toEqual(codes.map(() => rounds * chains));
    } finally {
      stop();
    }
  }, 60_000);
});
