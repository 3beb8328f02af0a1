import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { eventHash, type LedgerEvent } from '../../src/components/ledger';
import { anEnterpriseKit, anEvent, expectStatus, lifeOf, principal, startLedgerWorld, type EnterpriseKit, type LedgerWorld } from './ledger.harness';

type Outcome = { eventId: string; status: string; reason?: string; detail?: string; event?: LedgerEvent & { occurredAt: string } };
type Page = { items: (LedgerEvent & { occurredAt: string })[]; nextCursor: string | null };

describe('custody ledger capture through the API', () => {
  let world: LedgerWorld;
  let a: EnterpriseKit;
  let b: EnterpriseKit;
  beforeAll(async () => {
    world = await startLedgerWorld('ledger_capture');
    a = await anEnterpriseKit(world, '441802');
    b = await anEnterpriseKit(world, '441803');
  });
  afterAll(() => world.stop());

  const post = (kit: EnterpriseKit, body: object) => world.as(kit.admin).post('/api/v1/events', body);

  it('records the whole life of one cylinder, each event chained to the previous, and projects where it is', async () => {
    const cylinder = await a.newCylinder();
    const events: Outcome[] = [];
    for (const body of lifeOf(cylinder, a)) events.push(await expectStatus<Outcome>(post(a, body), 201));
    expect(events.map((e) => e.event?.toState)).toEqual([
      'empty_at_station', 'inspected_at_station', 'full_at_station', 'in_transit', 'at_supply_point', 'with_customer', 'empty_at_station',
    ]);
    events.forEach((e, i) => {
      expect(e.event?.cylinderSeq).toBe(i);
      expect(e.event?.prevHash).toBe(i === 0 ? null : events[i - 1]?.event?.hash);
      expect(e.event?.actor).toEqual({ kind: 'user', id: a.admin.userId, role: 'enterprise_admin', enterpriseId: a.enterpriseId });
    });
    expect(events[2]?.event?.bizStep).toBe('urn:lpg-trace:voc:bizstep:filling');
    expect(events[3]?.event?.where.vehicleId).toBe(a.vehicle);

    const state = await world.ledger.cylinderState(cylinder);
    expect(state).toMatchObject({ state: 'empty_at_station', cylinderSeq: 6, version: 7, headHash: events[6]?.event?.hash, place: { siteId: a.station } });
    expect(state?.lastFill).toMatchObject({ eventId: events[2]?.eventId, siteId: a.station, netKg: 14.9 });

    const timeline = await expectStatus<Page>(world.as(a.admin).get(`/api/v1/cylinders/${cylinder}/events?limit=4`), 200);
    expect(timeline.items.map((e) => e.type)).toEqual(['return_empty', 'hand_over', 'receive', 'dispatch']);
    const rest = await expectStatus<Page>(world.as(a.admin).get(`/api/v1/cylinders/${cylinder}/events?limit=4&cursor=${timeline.nextCursor ?? ''}`), 200);
    expect(rest.items.map((e) => e.type)).toEqual(['fill', 'inspect', 'commission']);
    expect(rest.nextCursor).toBeNull();
    expect(await expectStatus(world.as(principal('auditor')).get(`/api/v1/cylinders/${cylinder}/chain/verify`), 200)).toEqual({ ok: true, events: 7, headHash: events[6]?.event?.hash, log: expect.objectContaining({ included: 7, pending: 0 }) });
  });

  it('finds each cylinder by id or by GRAI when many requests arrive at once, within the sender\'s enterprise only', async () => {
    const [c1, c2] = [await a.newCylinder(), await a.newCylinder()];
    const c3 = await b.newCylinder();
    const graiOf = async (id: string, grai: string) => {
      await world.connection.collection('cylinders').updateOne({ _id: new Types.ObjectId(id) }, { $set: { grai } });
      return grai;
    };
    const [g1, g3] = [await graiOf(c1, '06901234000014A1'), await graiOf(c3, '06901234000014B3')];
    const byGrai = (kit: EnterpriseKit, grai: string) => {
      const { cylinderId: _named, ...body } = anEvent('commission', '').at(kit.station).build();
      return { ...body, grai };
    };
    const [first, second, third, foreign, mismatch] = await Promise.all([
      post(a, byGrai(a, g1)),
      post(a, anEvent('commission', c2).at(a.station).build()),
      post(b, byGrai(b, g3)),
      post(a, byGrai(a, g3)),
      post(a, { ...anEvent('inspect', c2).at(a.station).with({ result: 'pass' }).build(), grai: g1 }),
    ]);
    expect([first.status, second.status, third.status]).toEqual([201, 201, 201]);
    expect(first.body.event).toMatchObject({ cylinderId: c1, grai: g1, enterpriseId: a.enterpriseId });
    expect(second.body.event).toMatchObject({ cylinderId: c2, enterpriseId: a.enterpriseId });
    expect(third.body.event).toMatchObject({ cylinderId: c3, grai: g3, enterpriseId: b.enterpriseId });
    expect(foreign.status).toBe(404);
    expect(mismatch.status).toBe(422);
    expect(mismatch.body).toMatchObject({ code: 'GRAI_MISMATCH' });
    expect((await world.ledger.cylinderState(c3))?.cylinderSeq).toBe(0);
  });

  it('rejects an illegal transition with 422 and its reason, stores nothing in the chain, and keeps the attempt for supervision', async () => {
    const cylinder = await a.newCylinder();
    await expectStatus(post(a, anEvent('commission', cylinder).at(a.station).build()), 201);
    const fill = anEvent('fill', cylinder).at(a.station).with({ tareKg: 14.5, grossKg: 29.5, netKg: 15, durationS: 40 }).build();
    const res = await post(a, fill);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'ILLEGAL_TRANSITION', detail: expect.stringContaining('event fill is not allowed in state empty_at_station') });
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((await world.ledger.cylinderState(cylinder))?.cylinderSeq).toBe(0);
    const kept = await world.connection.collection('rejected_events').findOne({ eventId: fill.eventId });
    expect(kept).toMatchObject({ reason: 'ILLEGAL_TRANSITION', fromState: 'empty_at_station', cylinderId: cylinder, type: 'fill' });
  });

  it('answers bad input with 400 naming every field, and changes nothing', async () => {
    const cylinder = await a.newCylinder();
    const res = await post(a, { ...anEvent('fill', cylinder).with({ tareKg: 14.5, grossKg: 29.5, netKg: 3, durationS: 40, weight: 1 }).build(), actor: { id: 'x' } });
    expect(res.status).toBe(400);
    const paths = (res.body as { errors: { path: string }[] }).errors.map((e) => e.path).sort();
    expect(paths).toEqual(['actor', 'payload.netKg', 'payload.weight', 'where.siteId']);
    expect(await world.connection.collection('rejected_events').countDocuments({ cylinderId: cylinder })).toBe(0);
  });

  it('answers a time more than 5 minutes ahead of the platform clock with 400 naming occurredAt, alone and in a batch, and keeps nothing', async () => {
    const cylinder = await a.newCylinder();
    const ahead = { ...anEvent('commission', cylinder).at(a.station).build(), occurredAt: new Date(Date.now() + 6 * 60_000).toISOString() };
    const res = await post(a, ahead);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'occurredAt', message: 'is more than 5 minutes ahead of the platform clock' }] });
    const batch = await expectStatus<{ rejected: number; results: (Outcome & { errors?: unknown })[] }>(world.as(a.admin).post('/api/v1/events/batch', { events: [{ ...ahead, eventId: randomUUID() }] }), 200);
    expect(batch.results[0]).toMatchObject({ status: 'rejected', reason: 'VALIDATION_FAILED', errors: [{ path: 'occurredAt', message: 'is more than 5 minutes ahead of the platform clock' }] });
    expect(await world.connection.collection('rejected_events').countDocuments({ cylinderId: cylinder })).toBe(0);
    expect(await world.ledger.cylinderState(cylinder)).toBeNull();
  });

  it('stores the same event sent twice once: the second answer is 200 duplicate with the original, other content under its id 409', async () => {
    const cylinder = await a.newCylinder();
    const body = anEvent('commission', cylinder).at(a.station).build();
    const first = await expectStatus<Outcome>(post(a, body), 201);
    const second = await expectStatus<Outcome>(post(a, { ...body }), 200);
    expect(second).toMatchObject({ status: 'duplicate', event: { hash: first.event?.hash, occurredAt: first.event?.occurredAt } });
    expect((await post(a, { ...body, occurredAt: new Date().toISOString() })).status).toBe(409);
    expect(await world.connection.collection('events').countDocuments({ eventId: body.eventId })).toBe(1);
  });

  it('stores an event sent concurrently many times exactly once', async () => {
    const cylinder = await a.newCylinder();
    const body = anEvent('commission', cylinder).at(a.station).build();
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(a, body)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((r) => (r.body as Outcome).event?.hash)).size).toBe(1);
    expect(await world.connection.collection('events').countDocuments({ eventId: body.eventId })).toBe(1);
    expect(await world.connection.collection('events').countDocuments({ cylinderId: cylinder })).toBe(1);
  });

  it('serializes 50 concurrent events on one cylinder into one unforked chain', async () => {
    const cylinder = await a.newCylinder();
    await expectStatus(post(a, anEvent('commission', cylinder).at(a.station).build()), 201);
    // A failing inspection keeps the state: every one of the 50 is legal whatever the order.
    const bodies = Array.from({ length: 50 }, () => anEvent('inspect', cylinder).at(a.station).with({ result: 'fail', defects: ['valve'] }).build());
    const answers = await Promise.all(bodies.map((body) => post(a, body)));
    expect(answers.every((r) => r.status === 201)).toBe(true);
    const chain = (await world.connection.collection('events').find({ cylinderId: cylinder }).sort({ cylinderSeq: 1 }).toArray()) as unknown as LedgerEvent[];
    expect(chain.map((e) => e.cylinderSeq)).toEqual(Array.from({ length: 51 }, (_, i) => i));
    chain.forEach((e, i) => {
      expect(e.prevHash).toBe(i === 0 ? null : chain[i - 1]?.hash);
      expect(eventHash(e)).toBe(e.hash);
    });
    const seqs = chain.map((e) => e.logSeq);
    expect(new Set(seqs).size).toBe(51);
    expect((await world.ledger.cylinderState(cylinder))?.headHash).toBe(chain[50]?.hash);
  });

  it('detects an event changed directly in the database and names it', async () => {
    const cylinder = await a.newCylinder();
    const outcomes: Outcome[] = [];
    for (const body of lifeOf(cylinder, a).slice(0, 4)) outcomes.push(await expectStatus<Outcome>(post(a, body), 201));
    const fill = outcomes[2]?.event as LedgerEvent;
    await world.connection.collection('events').updateOne({ eventId: fill.eventId }, { $set: { 'payload.netKg': 12.9 } });
    const verdict = await expectStatus(world.as(a.admin).get(`/api/v1/cylinders/${cylinder}/chain/verify`), 200);
    expect(verdict).toEqual({ ok: false, events: 2, headHash: outcomes[1]?.event?.hash, firstBadEventId: fill.eventId, reason: 'HASH_MISMATCH', log: expect.any(Object) });
  });

  it('detects a deleted last event through the projection head', async () => {
    // A world of its own: the hole it punches in the log would hold back every later test's events.
    const own = await startLedgerWorld('ledger_deleted_event');
    try {
      const kit = await anEnterpriseKit(own, '441802');
      const cylinder = await kit.newCylinder();
      const outcomes: Outcome[] = [];
      for (const body of lifeOf(cylinder, kit).slice(0, 3)) outcomes.push(await expectStatus<Outcome>(own.as(kit.admin).post('/api/v1/events', body), 201));
      await own.connection.collection('events').deleteOne({ eventId: outcomes[2]?.eventId });
      const verdict = await expectStatus(own.as(principal('city_regulator')).get(`/api/v1/cylinders/${cylinder}/chain/verify`), 200);
      expect(verdict).toMatchObject({ ok: false, reason: 'HEAD_MISMATCH', firstBadEventId: outcomes[2]?.eventId });
    } finally {
      await own.stop();
    }
  });

  it('an enterprise admin cannot post events for another enterprise\'s cylinder (404) nor read its history', async () => {
    const foreign = await b.newCylinder();
    await expectStatus(post(b, anEvent('commission', foreign).at(b.station).build()), 201);
    const res = await post(a, anEvent('inspect', foreign).at(a.station).with({ result: 'pass' }).build());
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'CYLINDER_NOT_FOUND' });
    await expectStatus(world.as(a.admin).get(`/api/v1/cylinders/${foreign}/events`), 404);
    await expectStatus(world.as(a.admin).get(`/api/v1/cylinders/${foreign}/chain/verify`), 404);
    const listed = await expectStatus<Page>(world.as(a.admin).get(`/api/v1/events?cylinderId=${foreign}`), 200);
    expect(listed.items).toEqual([]);
    expect((await world.ledger.cylinderState(foreign))?.cylinderSeq).toBe(0);
  });

  it('refuses another enterprise\'s site, vehicle or customer as a reference', async () => {
    const cylinder = await a.newCylinder();
    await expectStatus(post(a, anEvent('commission', cylinder).at(a.station).build()), 201);
    const res = await post(a, anEvent('inspect', cylinder).at(b.station).with({ result: 'pass' }).build());
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'REFERENCE_NOT_FOUND', detail: expect.stringContaining('where.siteId') });
  });

  it('scopes history: a district regulator sees its district\'s events, operators only their own, regulators may not capture', async () => {
    await expectStatus(post(b, anEvent('commission', await b.newCylinder()).at(b.station).build()), 201);
    await expectStatus(post(a, anEvent('commission', await a.newCylinder()).at(a.station).build()), 201);
    const district = principal('district_regulator', { districtCode: '441803' });
    const page = await expectStatus<Page>(world.as(district).get('/api/v1/events?type=commission&limit=200'), 200);
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((e) => e.districtCode === '441803' && e.enterpriseId === b.enterpriseId)).toBe(true);
    const operator = principal('filling_operator', { enterpriseId: a.enterpriseId });
    expect((await expectStatus<Page>(world.as(operator).get('/api/v1/events'), 200)).items).toEqual([]);
    const city = principal('city_regulator');
    await expectStatus(world.as(city).post('/api/v1/events', anEvent('commission', await a.newCylinder()).build()), 403);
  });

  it('lists events by site and type, newest first, with a cursor', async () => {
    for (let i = 0; i < 6; i++) await expectStatus(post(a, anEvent('commission', await a.newCylinder()).at(a.station).build()), 201);
    const all: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: Page = await expectStatus<Page>(world.as(a.admin).get(`/api/v1/events?siteId=${a.station}&type=commission&limit=3${cursor ? `&cursor=${cursor}` : ''}`), 200);
      all.push(...page.items.map((e) => `${e.logSeq}`));
      expect(page.items.every((e) => e.where.siteId === a.station && e.type === 'commission')).toBe(true);
      cursor = page.nextCursor;
    }
    const seqs = all.map(Number);
    expect(seqs).toEqual([...seqs].sort((x, y) => y - x));
    expect(seqs.length).toBeGreaterThan(5);
  });

  it('answers each event of a batch: accepted, duplicate, or rejected with a reason code', async () => {
    const c1 = await a.newCylinder();
    const c2 = await a.newCylinder();
    const life = lifeOf(c1, a);
    const dup = life[0] as object;
    const events = [
      ...life,
      dup,
      anEvent('commission', c2).at(a.station).build(),
      anEvent('fill', c2).at(a.station).with({ tareKg: 14.5, grossKg: 29.5, netKg: 15, durationS: 40 }).build(),
      { eventId: randomUUID(), type: 'teleport' },
      anEvent('inspect', b.station).with({ result: 'pass' }).build(),
    ];
    const res = await expectStatus<{ accepted: number; duplicate: number; rejected: number; results: Outcome[] }>(world.as(a.admin).post('/api/v1/events/batch', { events }), 200);
    expect(res.results.map((r) => r.reason ?? r.status)).toEqual([
      'accepted', 'accepted', 'accepted', 'accepted', 'accepted', 'accepted', 'accepted', 'duplicate', 'accepted', 'ILLEGAL_TRANSITION', 'VALIDATION_FAILED', 'CYLINDER_NOT_FOUND',
    ]);
    expect(res).toMatchObject({ accepted: 8, duplicate: 1, rejected: 3 });
    const again = await expectStatus<{ duplicate: number }>(world.as(a.admin).post('/api/v1/events/batch', { events: life }), 200);
    expect(again.duplicate).toBe(7);
    expect((await world.ledger.cylinderState(c1))?.cylinderSeq).toBe(6);
  });

  it('records an error declaration without reverting the projection, and only for an event of the same cylinder', async () => {
    const cylinder = await a.newCylinder();
    const [commission, inspect] = lifeOf(cylinder, a);
    await expectStatus(post(a, commission as object), 201);
    await expectStatus(post(a, inspect as object), 201);
    const declaration = anEvent('error_declaration', cylinder).with({ declaredEventId: inspect?.eventId, reason: 'incorrect_data' }).build();
    const declared = await expectStatus<Outcome>(post(a, declaration), 201);
    expect(declared.event).toMatchObject({ fromState: 'inspected_at_station', toState: 'inspected_at_station' });
    const stray = anEvent('error_declaration', cylinder).with({ declaredEventId: randomUUID(), reason: 'did_not_occur' }).build();
    expect((await post(a, stray)).body).toMatchObject({ code: 'REFERENCE_NOT_FOUND' });
  });

  it('gives the log a gap-free append order', async () => {
    // A world of its own: positions from 0, whatever the other tests appended before.
    const own = await startLedgerWorld('ledger_append_order');
    try {
      const kit = await anEnterpriseKit(own, '441802');
      const [c1, c2, c3] = [await kit.newCylinder(), await kit.newCylinder(), await kit.newCylinder()];
      for (const body of lifeOf(c1, kit)) await expectStatus(own.as(kit.admin).post('/api/v1/events', body), 201);
      // Concurrent writers too: sequence numbers handed out under contention must not skip either.
      await Promise.all([c2, c3].map((c) => expectStatus(own.as(kit.admin).post('/api/v1/events/batch', { events: lifeOf(c, kit) }), 200)));
      const all = await own.ledger.eventsInAppendOrder(undefined, 10_000);
      expect(all.map((e) => e.logSeq)).toEqual(Array.from({ length: 21 }, (_, i) => i));
      const tail = await own.ledger.eventsInAppendOrder(4, 3);
      expect(tail.map((e) => e.logSeq)).toEqual([5, 6, 7]);
    } finally {
      await own.stop();
    }
  });
});
