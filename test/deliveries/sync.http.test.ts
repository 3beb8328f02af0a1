import { randomUUID } from 'node:crypto';
import type { Principal } from '../../src/components/auth';
import type { World } from '../support/world';
import { aDeliveryKit, checklist, earlier, expectStatus, principal, startDeliveriesWorld, type DeliveryKit } from './deliveries.harness';

type SyncResult = { recorded: number; duplicate: number; refused: number; invalid: number; results: { visitId: string; status: string; code?: string; visit?: { status: string; collisions?: string[] } }[] };
type Collision = { id: string; cylinderId: string; workerId: string; visitId: string; status: string; type: string; conflictsWith: { eventId: string; workerId?: string; type: string } | null };

/**
 * The phone's offline outbox uploaded as one batch (issue 13's proof): 500 flows from three workers,
 * duplicates among them and two collisions (two workers handing over the same cylinder), the whole
 * upload sent twice at once — every flow stored once, both collisions listed, nothing lost.
 */
describe('offline sync of delivery flows', () => {
  let world: World;
  let kit: DeliveryKit;
  const workers: Principal[] = [];
  let batches: object[][] = [];
  let contested: { x: string; y: string };
  let uniqueVisits = 0;
  let answers: SyncResult[] = [];

  const batchIds = () => [...new Set(batches.flat().map((f) => (f as { visitId: string }).visitId))];
  const sync = (who: Principal, visits: object[]) => world.as(who).post('/api/v1/deliveries/sync', { visits });

  beforeAll(async () => {
    world = await startDeliveriesWorld('deliveries_sync');
    kit = await aDeliveryKit(world, '441802', 6);
    for (let i = 0; i < 3; i++) workers.push(await kit.worker());
    const own = [await kit.cylinders(30, 'full'), await kit.cylinders(30, 'full'), await kit.cylinders(30, 'full')];
    contested = { x: await kit.cylinder('in_transit'), y: await kit.cylinder('in_transit') };
    const base = Date.parse(earlier());
    const at = (worker: number, step: number) => new Date(base + step * 3000 + worker * 1000).toISOString();
    const customerAt = (n: number) => kit.customers[n % kit.customers.length] as { id: string; phone: string };
    const deliver = (cylinderId: string, worker: number, step: number, n: number) => {
      const customer = customerAt(n);
      return { kind: 'visit', visitId: randomUUID(), occurredAt: at(worker, step), customerId: customer.id, vehicleId: kit.vehicle, deliver: { cylinders: [{ cylinderId }] }, confirmation: { method: 'phone_last4', phoneLast4: customer.phone.slice(-4) } };
    };
    const check = (worker: number, step: number, n: number) => {
      const customer = customerAt(n);
      return { kind: 'safety_check', visitId: randomUUID(), occurredAt: at(worker, step), customerId: customer.id, items: checklist(n % 10 === 0 ? ['leaflet_handed_over'] : []), confirmation: { method: 'phone_last4', phoneLast4: customer.phone.slice(-4) } };
    };
    // Contested cylinders: x is handed over by workers 0 and 1, y by workers 1 and 2, at different times.
    const contestedAt: Record<number, [string, number][]> = { 0: [[contested.x, 40]], 1: [[contested.x, 45], [contested.y, 50]], 2: [[contested.y, 55]] };
    const sizes = [167, 167, 166];
    batches = sizes.map((size, w) => {
      const load = { kind: 'load', visitId: randomUUID(), occurredAt: at(w, 0), siteId: kit.station, vehicleId: kit.vehicle, cylinders: (own[w] as string[]).map((cylinderId) => ({ cylinderId })) };
      const flows: object[] = [load, ...(own[w] as string[]).map((id, i) => deliver(id, w, 1 + i, i)), ...(contestedAt[w] ?? []).map(([id, step], i) => deliver(id, w, step, i + 1))];
      let step = 60;
      while (flows.length < size - 5) flows.push(check(w, step++, step));
      // The phone resent five flows: the same content under the same ids, later in the batch.
      return [...flows, ...flows.slice(10, 15).map((f) => structuredClone(f))];
    });
    uniqueVisits = batches.reduce((n, b) => n + b.length - 5, 0);
    // The whole upload, twice, all at once.
    const responses = await Promise.all([...workers, ...workers].map((w, i) => sync(w, batches[i % 3] as object[])));
    answers = responses.map((r) => {
      if (r.status !== 200) throw new Error(`sync: ${r.status} ${JSON.stringify(r.body).slice(0, 500)}`);
      return r.body as SyncResult;
    });
  }, 180_000);
  afterAll(() => world.stop());

  it('sends 500 flows from three workers', () => {
    expect(batches.reduce((n, b) => n + b.length, 0)).toBe(500);
    expect(uniqueVisits).toBe(485);
  });

  it('stores every flow once, whichever copy arrived first, and answers every flow of both uploads', async () => {
    const visits = world.connection.collection('delivery_visits');
    const ids = batchIds();
    expect(await visits.countDocuments({ visitId: { $in: ids } })).toBe(uniqueVisits);
    expect(new Set((await visits.find({ visitId: { $in: ids } }).toArray()).map((v) => v.visitId as string)).size).toBe(uniqueVisits);
    for (const answer of answers) {
      expect(answer.invalid).toBe(0);
      expect(answer.results.every((r) => ['recorded', 'partial', 'refused', 'duplicate'].includes(r.status))).toBe(true);
    }
    // Each flow of each worker is recorded by exactly one of the two uploads (the other answers duplicate); the five resends are duplicates in both.
    for (let w = 0; w < 3; w++) {
      const [first, second] = [answers[w] as SyncResult, answers[w + 3] as SyncResult];
      const size = (batches[w] as object[]).length;
      const recordedBy = first.results.map((r, i) => [r.status !== 'duplicate', (second.results[i] as { status: string }).status !== 'duplicate']);
      expect(recordedBy.slice(0, size - 5).every(([one, other]) => one !== other)).toBe(true);
      expect(recordedBy.slice(size - 5)).toEqual(Array.from({ length: 5 }, () => [false, false]));
      expect(first.recorded + first.refused + second.recorded + second.refused).toBe(size - 5);
    }
  });

  it('records each ledger event once: the loads, the hand-overs, and one hand-over of each contested cylinder', async () => {
    const events = await world.connection.collection('events').find({ 'actor.workerId': { $in: workers.map((w) => w.workerId) } }).toArray();
    expect(events).toHaveLength(90 + 90 + 2);
    expect(new Set(events.map((e) => e.eventId as string)).size).toBe(events.length);
    const [x, y] = [await world.ledger.cylinderState(contested.x), await world.ledger.cylinderState(contested.y)];
    expect([x?.state, y?.state]).toEqual(['with_customer', 'with_customer']);
    expect(await world.connection.collection('safety_checks').countDocuments({ visitId: { $in: batchIds() } })).toBe(uniqueVisits - 3 - 90 - 4);
  });

  it('lists the two collisions, each against the other worker\'s hand-over, for the enterprise and its district\'s regulator', async () => {
    // Listed whether resolved yet or not (the resolution test may have run first).
    const page = await expectStatus<{ items: Collision[] }>(world.as(kit.admin).get('/api/v1/deliveries/collisions'), 200);
    expect(page.items.map((c) => c.cylinderId).sort()).toEqual([contested.x, contested.y].sort());
    for (const c of page.items) {
      expect(c).toMatchObject({ type: 'hand_over', conflictsWith: { type: 'hand_over' } });
      expect(c.conflictsWith?.workerId).not.toBe(c.workerId);
      const visit = await expectStatus<{ status: string; collisions: string[] }>(world.as(kit.admin).get(`/api/v1/deliveries/visits/${c.visitId}`), 200);
      expect(visit).toMatchObject({ status: 'refused', collisions: [c.id] });
    }
    const district = await expectStatus<{ items: Collision[] }>(world.as(principal('district_regulator', { districtCode: '441802' })).get('/api/v1/deliveries/collisions'), 200);
    expect(district.items.filter((c) => [contested.x, contested.y].includes(c.cylinderId))).toHaveLength(2);
    expect((await expectStatus<{ items: Collision[] }>(world.as(principal('district_regulator', { districtCode: '441881' })).get('/api/v1/deliveries/collisions'), 200)).items).toEqual([]);
    await expectStatus(world.as(workers[0] as Principal).get('/api/v1/deliveries/collisions'), 403);
  });

  it('opens a hazard for each failed item among the uploaded checks', async () => {
    const failed = batches.flat().filter((f) => (f as { items?: Record<string, { result: string }> }).items?.leaflet_handed_over?.result === 'fail');
    const unique = new Set(failed.map((f) => (f as { visitId: string }).visitId));
    expect(unique.size).toBeGreaterThan(0);
    expect(await world.connection.collection('hazards').countDocuments({ item: 'leaflet_handed_over', checkId: { $in: (await world.connection.collection('safety_checks').find({ visitId: { $in: [...unique] } }).toArray()).map((c) => String(c._id)) } })).toBe(unique.size);
  });

  it('answers the same upload a third time as duplicates only', async () => {
    const again = await expectStatus<SyncResult>(sync(workers[2] as Principal, batches[2] as object[]), 200);
    expect([again.duplicate, again.recorded, again.refused, again.invalid]).toEqual([(batches[2] as object[]).length, 0, 0, 0]);
  });

  it('refuses a batch reusing a stored visit id for other content with 409 naming the field, and stores nothing of it', async () => {
    const stored = structuredClone((batches[0] as object[])[2]) as { customerId: string };
    const fresh = { ...(structuredClone((batches[0] as object[])[100]) as object), visitId: randomUUID() };
    stored.customerId = kit.customers[5]?.id as string;
    const res = await expectStatus<{ code: string; errors: { path: string }[] }>(sync(workers[0] as Principal, [fresh, stored]), 409);
    expect(res.code).toBe('VISIT_ID_CONFLICT');
    expect(res.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['visits[1].customerId']));
    expect(await world.connection.collection('delivery_visits').countDocuments({ visitId: (fresh as { visitId: string }).visitId })).toBe(0);
  });

  it('answers a bad item alone, naming its fields, and stores the rest', async () => {
    const good = { ...(structuredClone((batches[1] as object[])[100]) as object), visitId: randomUUID(), occurredAt: earlier() };
    const res = await expectStatus<SyncResult & { results: { errors?: { path: string }[] }[] }>(sync(workers[1] as Principal, [{ kind: 'load', visitId: randomUUID() }, good]), 200);
    expect(res.results.map((r) => r.status)).toEqual(['invalid', 'recorded']);
    expect(res.results[0]?.errors?.map((e) => e.path)).toEqual(expect.arrayContaining(['visits[0].occurredAt', 'visits[0].cylinders']));
  });

  it('answers an offline flow dated more than 5 minutes ahead of the platform clock as invalid, naming its occurredAt, and stores the rest', async () => {
    const good = { ...(structuredClone((batches[1] as object[])[101]) as object), visitId: randomUUID(), occurredAt: earlier() };
    const ahead = { ...(structuredClone((batches[1] as object[])[102]) as object), visitId: randomUUID(), occurredAt: new Date(Date.now() + 3_600_000).toISOString() };
    const res = await expectStatus<SyncResult & { results: { errors?: { path: string; message: string }[] }[] }>(sync(workers[1] as Principal, [good, ahead]), 200);
    expect(res.results.map((r) => [r.status, r.code])).toEqual([['recorded', undefined], ['invalid', 'VALIDATION_FAILED']]);
    expect(res.results[1]?.errors).toEqual([{ path: 'visits[1].occurredAt', message: 'is more than 5 minutes ahead of the platform clock' }]);
    expect(await world.connection.collection('delivery_visits').countDocuments({ visitId: (ahead as { visitId: string }).visitId })).toBe(0);
  });

  it('records an offline hand-over whose digits do not match as unconfirmed, naming the method that failed, and the rest of the visit', async () => {
    const customer = kit.customers[3] as { id: string; phone: string };
    const [full, held] = [await kit.cylinder('in_transit'), await kit.cylinder('with_customer', customer.id)];
    const wrong = customer.phone.slice(-4) === '0000' ? '1111' : '0000';
    const flow = { kind: 'visit', visitId: randomUUID(), occurredAt: earlier(), customerId: customer.id, deliver: { cylinders: [{ cylinderId: full }] }, collect: { returnTo: kit.supplyPoint, cylinders: [{ cylinderId: held }] }, confirmation: { method: 'phone_last4', phoneLast4: wrong } };
    const res = await expectStatus<SyncResult & { results: { visit?: { confirmation?: object; events: { role: string; status: string }[] } }[] }>(sync(workers[2] as Principal, [flow]), 200);
    expect(res.results[0]?.visit).toMatchObject({ confirmation: { method: 'none', confirmed: false, failed: 'phone_last4' }, events: [{ role: 'deliver', status: 'accepted' }, { role: 'collect', status: 'accepted' }] });
    const rates = await expectStatus<{ items: { unconfirmed: number }[] }>(world.as(kit.admin).get(`/api/v1/deliveries/confirmation-rates?workerId=${workers[2]?.workerId}`), 200);
    expect(rates.items[0]?.unconfirmed).toBeGreaterThanOrEqual(1);
  });

  it('records what the ledger accepts of an offline visit and lists the rest: a partial visit', async () => {
    const customer = kit.customers[4] as { id: string; phone: string };
    const [full, notHeld] = [await kit.cylinder('in_transit'), await kit.cylinder('in_transit')];
    const flow = { kind: 'visit', visitId: randomUUID(), occurredAt: earlier(), customerId: customer.id, deliver: { cylinders: [{ cylinderId: full }] }, collect: { returnTo: kit.supplyPoint, cylinders: [{ cylinderId: notHeld }] }, confirmation: { method: 'phone_last4', phoneLast4: customer.phone.slice(-4) } };
    const res = await expectStatus<SyncResult>(sync(workers[1] as Principal, [flow]), 200);
    expect(res.results[0]).toMatchObject({ status: 'partial', visit: { status: 'partial', collisions: [expect.any(String)] } });
    expect((await world.ledger.cylinderState(full))?.state).toBe('with_customer');
    expect((await world.ledger.cylinderState(notHeld))?.state).toBe('in_transit');
  });

  it('accepts a collision as a correction (the other hand-over declared erroneous) and dismisses the other; each is resolved once', async () => {
    const open = (await expectStatus<{ items: Collision[] }>(world.as(kit.admin).get('/api/v1/deliveries/collisions?status=open'), 200)).items;
    const x = open.find((c) => c.cylinderId === contested.x) as Collision;
    const y = open.find((c) => c.cylinderId === contested.y) as Collision;
    await expectStatus(world.as(workers[0] as Principal).post(`/api/v1/deliveries/collisions/${x.id}/accept`, { note: '核实' }), 403);
    const accepted = await expectStatus<{ status: string; resolution: { declarationEventId: string; correctionEventId: string } }>(world.as(kit.admin).post(`/api/v1/deliveries/collisions/${x.id}/accept`, { note: '回访核实：实际交给了后一位用户' }), 200);
    expect(accepted.status).toBe('accepted');
    const refusedVisit = await world.connection.collection('delivery_visits').findOne({ visitId: x.visitId });
    const chain = await world.ledger.cylinderChain(contested.x);
    const [declaration, correction] = chain.slice(-2);
    expect(declaration).toMatchObject({ type: 'error_declaration', eventId: accepted.resolution.declarationEventId, payload: { declaredEventId: x.conflictsWith?.eventId, reason: 'incorrect_data', correctiveEventIds: [accepted.resolution.correctionEventId] } });
    expect(correction).toMatchObject({ type: 'hand_over', eventId: accepted.resolution.correctionEventId, fromState: 'with_customer', toState: 'with_customer' });
    expect((await world.ledger.cylinderState(contested.x))?.custodian).toEqual({ kind: 'customer', id: refusedVisit?.customerId });
    expect(await expectStatus(world.as(principal('auditor')).get(`/api/v1/cylinders/${contested.x}/chain/verify`), 200)).toMatchObject({ ok: true });
    expect((await expectStatus<{ code: string }>(world.as(kit.admin).post(`/api/v1/deliveries/collisions/${x.id}/dismiss`, { note: '重复' }), 409)).code).toBe('COLLISION_RESOLVED');
    const before = (await world.ledger.cylinderChain(contested.y)).length;
    expect((await expectStatus<{ status: string }>(world.as(kit.admin).post(`/api/v1/deliveries/collisions/${y.id}/dismiss`, { note: '扫码错误' }), 200)).status).toBe('dismissed');
    expect((await world.ledger.cylinderChain(contested.y)).length).toBe(before);
    const resolved = (await expectStatus<{ items: Collision[] }>(world.as(principal('city_regulator')).get(`/api/v1/deliveries/collisions?cylinderId=${contested.y}`), 200)).items;
    expect(resolved.map((c) => c.status)).toEqual(['dismissed']);
  });
});
