import type { LedgerEvent } from '../../src/components/ledger';
import { anEnterpriseKit, expectStatus, lifeOf, type EnterpriseKit, type LedgerWorld, startLedgerWorld } from './ledger.harness';

type Page = { items: LedgerEvent[]; nextCursor: string | null };
type Problem = { code: string; errors?: { path: string; message: string }[] };

describe('ledger listings page with the one signed cursor', () => {
  let world: LedgerWorld;
  let a: EnterpriseKit;
  let first: string;
  let second: string;
  beforeAll(async () => {
    world = await startLedgerWorld('ledger_paging');
    a = await anEnterpriseKit(world, '441802');
    [first, second] = [await a.newCylinder(), await a.newCylinder()];
    for (const cylinder of [first, second]) {
      for (const body of lifeOf(cylinder, a)) await expectStatus(world.as(a.admin).post('/api/v1/events', body), 201);
    }
  });
  afterAll(() => world.stop());

  it('refuses a bare sequence number, a tampered cursor and another listing\'s cursor with 400 INVALID_CURSOR naming `cursor`', async () => {
    const asA = world.as(a.admin);
    const timeline = await expectStatus<Page>(asA.get(`/api/v1/cylinders/${first}/events?limit=2`), 200);
    const events = await expectStatus<Page>(asA.get('/api/v1/events?limit=2'), 200);
    const cursor = timeline.nextCursor ?? '';
    const [body, mac] = cursor.split('.') as [string, string];
    const tampered = `${body.slice(0, -2)}${body.endsWith('A') ? 'B' : 'A'}${body.slice(-1)}.${mac}`;
    for (const path of [
      `/api/v1/cylinders/${first}/events?cursor=3`,
      '/api/v1/events?cursor=500',
      `/api/v1/cylinders/${first}/events?cursor=${tampered}`,
      `/api/v1/cylinders/${second}/events?cursor=${cursor}`,
      `/api/v1/events?cursor=${cursor}`,
      `/api/v1/cylinders/${first}/events?cursor=${events.nextCursor ?? ''}`,
    ]) {
      const problem = await expectStatus<Problem>(asA.get(path), 400);
      expect([path, problem.code, problem.errors]).toEqual([path, 'INVALID_CURSOR', [{ path: 'cursor', message: 'is not valid' }]]);
    }
  });

  it('walks a timeline and the event list to their ends, each event once', async () => {
    const asA = world.as(a.admin);
    const walk = async (base: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = await expectStatus<Page>(asA.get(`${base}${cursor ? `&cursor=${cursor}` : ''}`), 200);
        seen.push(...page.items.map((e) => e.eventId));
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    const timeline = await walk(`/api/v1/cylinders/${second}/events?limit=3`);
    expect(timeline).toHaveLength(7);
    const all = await walk('/api/v1/events?limit=4');
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(expect.arrayContaining(timeline));
  });
});
