import type { PassTiming } from '../../src/components/alerts';
import { createAlertRepository } from '../../src/components/alerts/alerts.repository';
import { unitOfWork } from '../../src/shared/db/unit-of-work';
import { startWorld, type World } from '../support/world';
import { anEnterpriseKit, expectStatus, principal, unknownCodes, type EnterpriseKit } from './alerts.harness';

/**
 * A pass is claimed once: while one runner's pass holds the claim no other runner evaluates the
 * range (it waits and tries again), a claim whose holder died runs out, and a pass that lost its
 * claim writes nothing. Two worlds on one database act as two app processes.
 */
const DISTRICT = '441802';
const city = principal('city_regulator');
type Page = { items: { rule: string; subject: { id: string }; enterpriseId: string | null }[] };

let a: World;
let b: World;
let kit: EnterpriseKit;

beforeAll(async () => {
  a = await startWorld('alerts_claim');
  b = await startWorld('alerts_claim_b', { database: a.dbRef });
  kit = await anEnterpriseKit(a, DISTRICT);
}, 120_000);

afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

const codesOf = async (world: World, tag: string) =>
  (await expectStatus<Page>(world.as(city).get(`/api/v1/alerts?rule=OUT_OF_CITY_CYLINDER&enterprise=${kit.enterpriseId}&limit=200`), 200)).items.filter((i) => i.subject.id.includes(tag)).map((i) => i.subject.id);

describe('claimPass', () => {
  it('grants one claim at a time; a released or run-out claim can be taken again; a pass that lost its claim cannot save', async () => {
    const repo = createAlertRepository(a.connection);
    const at = new Date();
    const first = await repo.claimPass('test:1', at, 10_000);
    expect(first?.positions).toEqual(expect.objectContaining({ events: expect.any(Number), refusals: expect.any(Number) }));
    expect(await repo.claimPass('test:2', at, 10_000)).toBeUndefined();
    await repo.releasePass('test:2'); // not its claim: no effect
    expect(await repo.claimPass('test:2', at, 10_000)).toBeUndefined();
    // Its holder died: after the lease another takes it over, and the first can no longer save.
    const later = new Date(at.getTime() + 10_001);
    const taken = await repo.claimPass('test:3', later, 10_000);
    expect(taken).toBeDefined();
    expect(await unitOfWork(a.connection)((session) => repo.savePass('test:1', first!, first!, session))).toBe(false);
    await repo.releasePass('test:3');
    // A regulator's act took a position while the pass ran: the pass (read before it) may not save.
    const fourth = await repo.claimPass('test:4', at, 10_000);
    expect(fourth).toBeDefined();
    await unitOfWork(a.connection)((session) => repo.saveCounters({ ...fourth!.counters, seq: fourth!.counters.seq + 1 }, session));
    expect(await unitOfWork(a.connection)((session) => repo.savePass('test:4', fourth!, fourth!, session))).toBe(false);
    const fresh = await repo.runnerState();
    await unitOfWork(a.connection)((session) => repo.saveCounters(fourth!.counters, session));
    expect(fresh.counters.seq).toBe(fourth!.counters.seq + 1);
    expect(await unitOfWork(a.connection)((session) => repo.savePass('test:4', fourth!, fourth!, session))).toBe(true);
    expect(await repo.claimPass('test:5', at, 10_000)).toBeDefined();
    await repo.releasePass('test:5');
  });

  it('a runner refused the claim evaluates nothing while the other pass holds it, then raises every alert once', async () => {
    const passes: PassTiming[] = [];
    const stop = [a.alerts.observePasses((t) => passes.push(t)), b.alerts.observePasses((t) => passes.push(t))];
    const repo = createAlertRepository(a.connection);
    try {
      // Another "process" holds the claim (its pass under way).
      expect(await repo.claimPass('elsewhere:1', new Date(), 60_000)).toBeDefined();
      await expectStatus(a.as(kit.admin).post('/api/v1/events/batch', { events: unknownCodes(3, 'CLAIMA') }), 200);
      await expectStatus(b.as(kit.admin).post('/api/v1/events/batch', { events: unknownCodes(2, 'CLAIMB') }), 200);
      // Both runners were told of their commits and keep trying: none of them may pass.
      await new Promise((r) => setTimeout(r, 300));
      expect(passes).toEqual([]);
      expect(await codesOf(a, 'CLAIM')).toEqual([]);
      await repo.releasePass('elsewhere:1');
      await Promise.all([a.alerts.settled(), b.alerts.settled()]);
      expect((await codesOf(a, 'CLAIM')).sort()).toEqual(['CLAIMA0', 'CLAIMA1', 'CLAIMA2', 'CLAIMB0', 'CLAIMB1'].map((s) => `06141410150009${s}`).sort());
      // Every refusal evaluated exactly once over both runners.
      expect(passes.reduce((n, p) => n + p.inputs, 0)).toBe(5);
    } finally {
      for (const s of stop) s();
    }
  }, 60_000);

  it('a commit another process made between two of this process\'s handed commits is read from the store: nothing skipped, nothing twice', async () => {
    const passes: PassTiming[] = [];
    const stop = [a.alerts.observePasses((t) => passes.push(t)), b.alerts.observePasses((t) => passes.push(t))];
    const repo = createAlertRepository(a.connection);
    try {
      expect(await repo.claimPass('elsewhere:2', new Date(), 60_000)).toBeDefined();
      // A's refusals, then B's, then A's again: A holds handed records on both sides of B's.
      await expectStatus(a.as(kit.admin).post('/api/v1/events/batch', { events: unknownCodes(2, 'GAPA') }), 200);
      await expectStatus(b.as(kit.admin).post('/api/v1/events/batch', { events: unknownCodes(1, 'GAPB') }), 200);
      await expectStatus(a.as(kit.admin).post('/api/v1/events/batch', { events: unknownCodes(2, 'GAPC') }), 200);
      await repo.releasePass('elsewhere:2');
      await Promise.all([a.alerts.settled(), b.alerts.settled()]);
      expect((await codesOf(a, 'GAP')).sort()).toEqual(['GAPA0', 'GAPA1', 'GAPB0', 'GAPC0', 'GAPC1'].map((s) => `06141410150009${s}`).sort());
      // Every refusal evaluated exactly once over both runners (a runner that took its handed records past B's would skip B's).
      expect(passes.reduce((n, p) => n + p.inputs, 0)).toBe(5);
    } finally {
      for (const s of stop) s();
    }
  }, 60_000);
});
