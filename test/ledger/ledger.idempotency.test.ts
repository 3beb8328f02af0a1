import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { LedgerEvent } from '../../src/components/ledger';
import { anEnterpriseKit, anEvent, expectStatus, principal, startLedgerWorld, type EnterpriseKit, type LedgerWorld } from './ledger.harness';

type Outcome = { eventId: string; status: string; reason?: string; detail?: string; event?: LedgerEvent };
type Batch = { accepted: number; duplicate: number; rejected: number; results: Outcome[] };

/**
 * Issue 9, defects 3 and 8: an event id is an idempotency key, never a way to read somebody
 * else's event; and a cylinder whose registry record is closed takes no further event.
 */
describe('ledger idempotency keys and closed records', () => {
  let world: LedgerWorld;
  let a: EnterpriseKit;
  let b: EnterpriseKit;
  beforeAll(async () => {
    world = await startLedgerWorld('ledger_idempotency');
    a = await anEnterpriseKit(world, '441802');
    b = await anEnterpriseKit(world, '441803');
  });
  afterAll(() => world.stop());

  const post = (kit: EnterpriseKit, body: object) => world.as(kit.admin).post('/api/v1/events', body);
  const batch = (kit: EnterpriseKit, events: object[]) => expectStatus<Batch>(world.as(kit.admin).post('/api/v1/events/batch', { events }), 200);
  /** A's commissioned cylinder and its commission event. */
  const aCommission = async () => {
    const body = anEvent('commission', await a.newCylinder()).at(a.station).build();
    await expectStatus(post(a, body), 201);
    return body;
  };

  it("refuses another enterprise's event id with 409 EVENT_ID_CONFLICT and reveals nothing of the event", async () => {
    const original = await aCommission();
    const res = await post(b, anEvent('report_lost', await b.newCylinder()).withId(original.eventId).build());
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('EVENT_ID_CONFLICT');
    const text = JSON.stringify(res.body);
    for (const secret of [original.cylinderId, a.enterpriseId, a.admin.userId, a.station]) expect(text).not.toContain(secret);
  });

  it("answers another enterprise exactly alike whether it sends the stolen id with its own or with the owner's cylinder", async () => {
    const original = await aCommission();
    const withOwn = await post(b, anEvent('report_lost', await b.newCylinder()).withId(original.eventId).build());
    const withTheirs = await post(b, { ...original });
    expect([withOwn.status, withTheirs.status]).toEqual([409, 409]);
    expect(withTheirs.body.detail).toBe(withOwn.body.detail);
  });

  it('refuses an own id sent again with other content with the same 409 as a stolen one', async () => {
    const original = await aCommission();
    const stolen = await post(b, anEvent('report_lost', await b.newCylinder()).withId(original.eventId).build());
    const reused = await post(a, anEvent('inspect', original.cylinderId).at(a.station).with({ result: 'pass' }).withId(original.eventId).build());
    expect(reused.status).toBe(409);
    expect({ code: reused.body.code, detail: reused.body.detail }).toEqual({ code: stolen.body.code, detail: stolen.body.detail });
    expect(await world.ledger.cylinderState(original.cylinderId)).toMatchObject({ state: 'empty_at_station', cylinderSeq: 0 });
  });

  it('still answers the same event sent again by its enterprise as a duplicate with the stored event (the same instant written in another zone is the same event)', async () => {
    const original = await aCommission();
    const again = await expectStatus<Outcome>(post(a, { ...original, occurredAt: original.occurredAt.replace('Z', '+00:00') }), 200);
    expect(again).toMatchObject({ status: 'duplicate', event: { eventId: original.eventId, cylinderId: original.cylinderId } });
  });

  it("does not answer an operator with a colleague's event, even sent with the same content", async () => {
    const original = await aCommission();
    const operator = principal('filling_operator', { enterpriseId: a.enterpriseId });
    const res = await world.as(operator).post('/api/v1/events', original);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('EVENT_ID_CONFLICT');
  });

  it("answers a stolen id inside a batch as a rejected EVENT_ID_CONFLICT with no event, and a batch's own repeat with other content alike", async () => {
    const original = await aCommission();
    const mine = await b.newCylinder();
    const first = anEvent('commission', mine).at(b.station).build();
    const report = await batch(b, [
      anEvent('report_lost', mine).withId(original.eventId).build(),
      first,
      { ...first },
      anEvent('inspect', mine).at(b.station).with({ result: 'pass' }).withId(first.eventId).build(),
    ]);
    expect(report.results.map((r) => [r.status, r.reason])).toEqual([
      ['rejected', 'EVENT_ID_CONFLICT'],
      ['accepted', undefined],
      ['duplicate', undefined],
      ['rejected', 'EVENT_ID_CONFLICT'],
    ]);
    expect(report.results[0]?.event).toBeUndefined();
    expect(JSON.stringify(report.results[0])).not.toContain(original.cylinderId);
  });

  it('answers two enterprises sending one id at the same moment without handing either the other\'s event', async () => {
    const [ca, cb] = [await a.newCylinder(), await b.newCylinder()];
    const eventId = randomUUID();
    const [ra, rb] = await Promise.all([
      post(a, anEvent('commission', ca).at(a.station).withId(eventId).build()),
      post(b, anEvent('commission', cb).at(b.station).withId(eventId).build()),
    ]);
    const statuses = [ra.status, rb.status].sort();
    expect(statuses).toEqual([201, 409]);
    const loser = ra.status === 409 ? ra : rb;
    expect(loser.body.code).toBe('EVENT_ID_CONFLICT');
    expect(JSON.stringify(loser.body)).not.toMatch(new RegExp(`${ca}|${cb}`));
  });

  it('refuses any event for a cylinder scrapped in the registry even though its projection says it is at the station', async () => {
    const cylinderId = await a.newCylinder();
    await expectStatus(post(a, anEvent('commission', cylinderId).at(a.station).build()), 201);
    // The registry record closed behind the ledger's back (an old PATCH, the database).
    await world.connection.collection('cylinders').updateOne({ _id: new Types.ObjectId(cylinderId) }, { $set: { scrappedAt: new Date(Date.now() - 60_000) } });
    const res = await post(a, anEvent('inspect', cylinderId).at(a.station).with({ result: 'pass' }).build());
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('CYLINDER_SCRAPPED');
    expect(await world.ledger.cylinderState(cylinderId)).toMatchObject({ state: 'empty_at_station', cylinderSeq: 0 });
  });

  it('refuses to commission in the ledger a never-commissioned cylinder closed in the registry', async () => {
    const cylinderId = await a.newCylinder();
    await world.connection.collection('cylinders').updateOne({ _id: new Types.ObjectId(cylinderId) }, { $set: { scrappedAt: new Date(Date.now() - 60_000) } });
    const res = await post(a, anEvent('commission', cylinderId).at(a.station).build());
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('CYLINDER_SCRAPPED');
  });
});
