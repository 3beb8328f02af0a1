import { randomUUID } from 'node:crypto';
import { aCredential, aCustomer, aVehicle, aWorker } from '../../seed/builders';
import type { Principal } from '../../src/components/auth';
import type { World } from '../support/world';
import { aDeliveryKit, aPng, checklist, earlier, expectStatus, principal, startDeliveriesWorld, type DeliveryKit } from './deliveries.harness';

type Visit = { visitId: string; status: string; events: { role: string; cylinderId?: string; status: string; reason?: string }[]; confirmation?: { method: string; confirmed: boolean }; checkId?: string; hazards?: number; duplicate?: boolean };
type Problem = { code: string; detail: string; reasons?: { code: string; detail: string }[]; errors?: { path: string; message: string }[] };

describe('delivery flows through the API', () => {
  let world: World;
  let a: DeliveryKit;
  let b: DeliveryKit;
  let worker: Principal;
  const sent: { phone: string; text: string }[] = [];
  beforeAll(async () => {
    world = await startDeliveriesWorld('deliveries_flows', {
      sms: async (phone, text) => {
        sent.push({ phone, text });
        return true;
      },
    });
    a = await aDeliveryKit(world, '441802');
    b = await aDeliveryKit(world, '441803');
    worker = await a.worker();
  }, 120_000);
  afterAll(() => world.stop());

  const post = (who: Principal, path: string, body: object) => world.as(who).post(`/api/v1/deliveries/${path}`, body);
  const stateOf = async (id: string) => (await world.ledger.cylinderState(id))?.state;
  const refusalsOf = async (cylinderId: string) => (await expectStatus<{ items: { reason: string; payload: Record<string, unknown> }[] }>(world.as(a.admin).get(`/api/v1/events/rejected?cylinderId=${cylinderId}`), 200)).items;
  const visit = (extra: object) => ({ visitId: randomUUID(), occurredAt: earlier(), customerId: a.customers[0]?.id, ...extra });
  const last4 = (phone: string) => phone.slice(-4);

  describe('load', () => {
    it('loads full cylinders onto a vehicle: one dispatch each, in transit on it, the worker named as the actor', async () => {
      const cylinders = [await a.cylinder('full'), await a.cylinder('full')];
      const body = { visitId: randomUUID(), occurredAt: earlier(), siteId: a.station, vehicleId: a.vehicle, cylinders: cylinders.map((cylinderId) => ({ cylinderId })) };
      const res = await expectStatus<Visit>(post(worker, 'loads', body), 201);
      expect(res.status).toBe('recorded');
      expect(res.events.map((e) => [e.role, e.cylinderId, e.status])).toEqual(cylinders.map((id) => ['load', id, 'accepted']));
      expect(await Promise.all(cylinders.map(stateOf))).toEqual(['in_transit', 'in_transit']);
      const timeline = await expectStatus<{ items: { type: string; actor: { workerId?: string }; where: { vehicleId?: string } }[] }>(world.as(a.admin).get(`/api/v1/cylinders/${cylinders[0]}/events?limit=1`), 200);
      expect(timeline.items[0]).toMatchObject({ type: 'dispatch', actor: { workerId: worker.workerId }, where: { vehicleId: a.vehicle } });
    });

    it('refuses the whole load when one cylinder is not full: nothing moves, the refusal is kept', async () => {
      const [full, empty] = [await a.cylinder('full'), await a.cylinder('in_transit')];
      const body = { visitId: randomUUID(), occurredAt: earlier(), siteId: a.station, vehicleId: a.vehicle, cylinders: [{ cylinderId: full }, { cylinderId: empty }] };
      const res = await expectStatus<Problem>(post(worker, 'loads', body), 422);
      expect(res.code).toBe('ILLEGAL_TRANSITION');
      expect(res.reasons?.map((r) => r.code)).toEqual(['ILLEGAL_TRANSITION']);
      expect([await stateOf(full), await stateOf(empty)]).toEqual(['full_at_station', 'in_transit']);
      expect((await refusalsOf(empty)).map((r) => r.reason)).toEqual(['ILLEGAL_TRANSITION']);
      await expectStatus(world.as(worker).get(`/api/v1/deliveries/visits/${body.visitId}`), 404);
    });

    it("refuses a vehicle whose hazardous-goods permit has expired, and a worker without a valid certificate — the ledger's own checks", async () => {
      const city = world.as(principal('city_regulator'));
      const lapsed = (await expectStatus<{ id: string }>(city.post('/api/v1/vehicles', aVehicle().forEnterprise(a.enterpriseId).withPermit(aCredential('粤交运危').expired().build()).build()), 201)).id;
      const cylinder = await a.cylinder('full');
      const load = (vehicleId: string) => ({ visitId: randomUUID(), occurredAt: earlier(), siteId: a.station, vehicleId, cylinders: [{ cylinderId: cylinder }] });
      expect((await expectStatus<Problem>(post(worker, 'loads', load(lapsed)), 422)).code).toBe('VEHICLE_PERMIT_INVALID');
      const untrainedId = (await expectStatus<{ id: string }>(city.post('/api/v1/workers', aWorker().forEnterprise(a.enterpriseId).withExpiredCertificate().build()), 201)).id;
      const untrained = principal('delivery_worker', { enterpriseId: a.enterpriseId, workerId: untrainedId });
      expect((await expectStatus<Problem>(post(untrained, 'loads', load(a.vehicle)), 422)).code).toBe('WORKER_UNCERTIFIED');
      expect(await stateOf(cylinder)).toBe('full_at_station');
    });

    it("refuses another enterprise's vehicle and cylinder as if they did not exist; the worker comes from the token, never the body", async () => {
      const cylinder = await a.cylinder('full');
      const foreignVehicle = { visitId: randomUUID(), occurredAt: earlier(), siteId: a.station, vehicleId: b.vehicle, cylinders: [{ cylinderId: cylinder }] };
      expect((await expectStatus<Problem>(post(worker, 'loads', foreignVehicle), 422)).code).toBe('REFERENCE_NOT_FOUND');
      const theirs = await b.cylinder('full');
      const foreignCylinder = { ...foreignVehicle, visitId: randomUUID(), vehicleId: a.vehicle, cylinders: [{ cylinderId: theirs }] };
      expect((await expectStatus<Problem>(post(worker, 'loads', foreignCylinder), 404)).code).toBe('CYLINDER_NOT_FOUND');
      const posing = await expectStatus<Problem>(post(worker, 'loads', { ...foreignVehicle, vehicleId: a.vehicle, workerId: worker.workerId }), 400);
      expect(posing.errors?.map((e) => e.path)).toEqual(['workerId']);
      await expectStatus(post(a.admin, 'loads', { ...foreignVehicle, vehicleId: a.vehicle }), 403);
    });
  });

  describe('receive', () => {
    it('a supply point takes cylinders in from the vehicle; a filling station is the wrong site; a cylinder not in transit is refused', async () => {
      const cylinder = await a.cylinder('in_transit');
      const body = { visitId: randomUUID(), occurredAt: earlier(), siteId: a.supplyPoint, vehicleId: a.vehicle, cylinders: [{ cylinderId: cylinder }] };
      expect((await expectStatus<Visit>(post(worker, 'receipts', body), 201)).events[0]).toMatchObject({ role: 'receive', status: 'accepted' });
      expect(await stateOf(cylinder)).toBe('at_supply_point');
      const other = await a.cylinder('in_transit');
      expect((await expectStatus<Problem>(post(worker, 'receipts', { ...body, visitId: randomUUID(), siteId: a.station, cylinders: [{ cylinderId: other }] }), 422)).code).toBe('WRONG_SITE_KIND');
      expect((await expectStatus<Problem>(post(worker, 'receipts', { ...body, visitId: randomUUID() }), 422)).code).toBe('ILLEGAL_TRANSITION');
    });
  });

  describe('deliver and collect', () => {
    it('hands over with the last four digits of the registered phone, confirmed; wrong digits are refused and change nothing', async () => {
      const customer = a.customers[0] as { id: string; phone: string };
      const cylinder = await a.cylinder('in_transit');
      const wrong = visit({ vehicleId: a.vehicle, deliver: { cylinders: [{ cylinderId: cylinder }] }, confirmation: { method: 'phone_last4', phoneLast4: last4(customer.phone) === '0000' ? '1111' : '0000' } });
      const refused = await expectStatus<Problem>(post(worker, 'visits', wrong), 422);
      expect(refused).toMatchObject({ code: 'CONFIRMATION_FAILED', errors: [{ path: 'confirmation.phoneLast4' }] });
      expect(await stateOf(cylinder)).toBe('in_transit');
      const right = { ...wrong, visitId: randomUUID(), confirmation: { method: 'phone_last4', phoneLast4: last4(customer.phone) } };
      const res = await expectStatus<Visit>(post(worker, 'visits', right), 201);
      expect(res).toMatchObject({ status: 'recorded', confirmation: { method: 'phone_last4', confirmed: true }, events: [{ role: 'deliver', status: 'accepted' }] });
      const state = await world.ledger.cylinderState(cylinder);
      expect(state).toMatchObject({ state: 'with_customer', custodian: { kind: 'customer', id: customer.id } });
      const [event] = (await expectStatus<{ items: { payload: Record<string, unknown> }[] }>(world.as(a.admin).get(`/api/v1/cylinders/${cylinder}/events?limit=1`), 200)).items;
      // The ledger holds the method, never the digits.
      expect(event?.payload).toEqual({ customerId: customer.id, confirmedByCustomer: true, confirmation: { method: 'phone_last4' } });
    });

    it('hands over with a one-time code: the worker asks, the customer gets it by SMS, it confirms one hand-over only', async () => {
      const customer = a.customers[1] as { id: string; phone: string };
      const issued = await expectStatus<{ sentBy: string }>(post(worker, `customers/${customer.id}/handover-code`, {}), 201);
      expect(issued.sentBy).toBe('sms');
      const message = sent.filter((m) => m.phone === customer.phone).at(-1);
      const code = /(\d{6})/.exec(message?.text ?? '')?.[1] ?? '';
      expect(code).toMatch(/^\d{6}$/);
      const [c1, c2] = [await a.cylinder('in_transit'), await a.cylinder('in_transit')];
      const withCode = (cylinderId: string) => ({ visitId: randomUUID(), occurredAt: new Date(Date.now() - 1000).toISOString(), customerId: customer.id, deliver: { cylinders: [{ cylinderId }] }, confirmation: { method: 'one_time_code', code } });
      expect((await expectStatus<Visit>(post(worker, 'visits', withCode(c1)), 201)).confirmation).toEqual({ method: 'one_time_code', confirmed: true });
      expect((await expectStatus<Problem>(post(worker, 'visits', withCode(c2)), 422)).code).toBe('CONFIRMATION_FAILED');
    });

    it('hands over with a signature image, uploaded first and kept outside the ledger', async () => {
      const png = aPng(1);
      const cylinder = await a.cylinder('in_transit');
      const signed = visit({ deliver: { cylinders: [{ cylinderId: cylinder }] }, confirmation: { method: 'signature', signatureSha256: png.sha256 } });
      expect(await expectStatus<Problem>(post(worker, 'visits', signed), 422)).toMatchObject({ code: 'MEDIA_NOT_FOUND', errors: [{ path: 'confirmation.signatureSha256' }] });
      const upload = () => world.http.put(`/api/v1/deliveries/media/${png.sha256}`).set('Authorization', `Bearer ${world.tokenFor(worker)}`).set('Content-Type', 'image/png').send(png.data);
      expect((await expectStatus<{ bytes: number }>(upload(), 201)).bytes).toBe(png.data.length);
      await expectStatus(upload(), 200);
      expect((await expectStatus<Visit>(post(worker, 'visits', signed), 201)).confirmation).toEqual({ method: 'signature', confirmed: true });
      const image = await world.http.get(`/api/v1/deliveries/media/${png.sha256}`).set('Authorization', `Bearer ${world.tokenFor(a.admin)}`).buffer(true);
      expect([image.status, image.headers['content-type']]).toEqual([200, 'image/png']);
      expect(Buffer.compare(image.body as Buffer, png.data)).toBe(0);
      await expectStatus(world.http.get(`/api/v1/deliveries/media/${png.sha256}`).set('Authorization', `Bearer ${world.tokenFor(b.admin)}`), 404);
    });

    it('records an unconfirmed hand-over as such, and counts it against the worker\'s confirmation rate', async () => {
      const courier = await a.worker();
      const customer = a.customers[2] as { id: string; phone: string };
      const [c1, c2] = [await a.cylinder('in_transit'), await a.cylinder('in_transit')];
      await expectStatus(post(courier, 'visits', visit({ customerId: customer.id, deliver: { cylinders: [{ cylinderId: c1 }] }, confirmation: { method: 'phone_last4', phoneLast4: last4(customer.phone) } })), 201);
      const res = await expectStatus<Visit>(post(courier, 'visits', visit({ customerId: customer.id, deliver: { cylinders: [{ cylinderId: c2 }] }, confirmation: { method: 'none', reason: '用户不在家，家属代收' } })), 201);
      expect(res.confirmation).toEqual({ method: 'none', confirmed: false });
      const rates = await expectStatus<{ items: { workerId: string; handOvers: number; confirmed: number; unconfirmed: number; rate: number }[] }>(world.as(a.admin).get(`/api/v1/deliveries/confirmation-rates?workerId=${courier.workerId}`), 200);
      expect(rates.items).toEqual([{ workerId: courier.workerId, handOvers: 2, confirmed: 1, unconfirmed: 1, rate: 0.5, byMethod: { phone_last4: 1, none: 1 } }]);
    });

    it('refuses a hand-over to a person who is not a registered customer (CUSTOMER_NOT_REGISTERED) and keeps it as evidence', async () => {
      const cylinder = await a.cylinder('in_transit');
      const stranger = { visitId: randomUUID(), occurredAt: earlier(), recipient: { name: '路人甲', phone: '13900001234', address: '清城区某路9号' }, deliver: { cylinders: [{ cylinderId: cylinder }] } };
      const res = await expectStatus<Problem>(post(worker, 'visits', stranger), 422);
      expect(res.code).toBe('CUSTOMER_NOT_REGISTERED');
      expect(await stateOf(cylinder)).toBe('in_transit');
      const [kept] = await refusalsOf(cylinder);
      expect(kept).toMatchObject({ reason: 'CUSTOMER_NOT_REGISTERED', payload: { recipient: { name: '路人甲', phoneLast4: '1234', address: '清城区某路9号' } } });
      expect(JSON.stringify(kept)).not.toContain('13900001234');
      // Another enterprise's customer is no customer of this one either.
      const theirs = { ...stranger, visitId: randomUUID(), recipient: undefined, customerId: b.customers[0]?.id, confirmation: { method: 'none' } };
      expect((await expectStatus<Problem>(post(worker, 'visits', theirs), 422)).code).toBe('CUSTOMER_NOT_REGISTERED');
    });

    it('exchanges a full cylinder for the empty one as one visit; a named registered phone finds the customer', async () => {
      const customer = a.customers[0] as { id: string; phone: string };
      const [full, empty] = [await a.cylinder('in_transit'), await a.cylinder('with_customer', customer.id)];
      const exchange = { visitId: randomUUID(), occurredAt: earlier(), customerId: customer.id, vehicleId: a.vehicle, deliver: { cylinders: [{ cylinderId: full }] }, collect: { returnTo: a.supplyPoint, cylinders: [{ cylinderId: empty }] }, confirmation: { method: 'phone_last4', phoneLast4: last4(customer.phone) } };
      const res = await expectStatus<Visit>(post(worker, 'visits', exchange), 201);
      expect(res.events.map((e) => [e.role, e.status])).toEqual([['deliver', 'accepted'], ['collect', 'accepted']]);
      expect([await stateOf(full), await stateOf(empty)]).toEqual(['with_customer', 'empty_at_station']);
      const byPhone = await a.cylinder('in_transit');
      const named = { visitId: randomUUID(), occurredAt: earlier(), recipient: { phone: customer.phone }, deliver: { cylinders: [{ cylinderId: byPhone }] } };
      expect((await expectStatus<Visit & { customerId: string }>(post(worker, 'visits', named), 201)).customerId).toBe(customer.id);
    });

    it('collects a cylinder the customer refused; refuses to collect one the customer does not hold, and then records nothing of the visit', async () => {
      const customer = a.customers[0] as { id: string; phone: string };
      const held = await a.cylinder('with_customer', customer.id);
      const collected = await expectStatus<Visit>(post(worker, 'visits', visit({ collect: { returnTo: a.supplyPoint, cylinders: [{ cylinderId: held, condition: 'rejected_full' }] } })), 201);
      expect(collected.events).toMatchObject([{ role: 'collect', status: 'accepted' }]);
      const [event] = (await expectStatus<{ items: { payload: Record<string, unknown> }[] }>(world.as(a.admin).get(`/api/v1/cylinders/${held}/events?limit=1`), 200)).items;
      expect(event?.payload).toMatchObject({ condition: 'rejected_full', customerId: customer.id });
      const [deliverable, stillOnTruck] = [await a.cylinder('in_transit'), await a.cylinder('in_transit')];
      const wrong = visit({ deliver: { cylinders: [{ cylinderId: deliverable }] }, collect: { returnTo: a.supplyPoint, cylinders: [{ cylinderId: stillOnTruck }] }, confirmation: { method: 'phone_last4', phoneLast4: last4(customer.phone) } });
      const res = await expectStatus<Problem>(post(worker, 'visits', wrong), 422);
      expect(res.code).toBe('ILLEGAL_TRANSITION');
      expect([await stateOf(deliverable), await stateOf(stillOnTruck)]).toEqual(['in_transit', 'in_transit']);
    });
  });

  describe('home safety check', () => {
    it('a check with two failed items opens two hazards with their deadlines; a later check passing one closes it', async () => {
      const customer = a.customers[1] as { id: string; phone: string };
      const at = earlier();
      const check = { visitId: randomUUID(), occurredAt: at, customerId: customer.id, items: checklist(['regulator_sound', 'hose_braided_clamped'], { hose_braided_clamped: '软管一端无卡箍' }), confirmation: { method: 'phone_last4', phoneLast4: last4(customer.phone) } };
      const res = await expectStatus<Visit>(post(worker, 'safety-checks', check), 201);
      expect(res).toMatchObject({ status: 'recorded', hazards: 2, events: [] });
      const open = await expectStatus<{ items: { checkId: string; item: string; status: string; deadline: string; note?: string }[] }>(world.as(a.admin).get(`/api/v1/deliveries/hazards?customerId=${customer.id}&status=open`), 200);
      const day = 86_400_000;
      expect(open.items.map((h) => [h.item, h.status, Date.parse(h.deadline) - Date.parse(at)])).toEqual([
        ['regulator_sound', 'open', 3 * day],
        ['hose_braided_clamped', 'open', 3 * day],
      ]);
      expect(open.items.every((h) => h.checkId === res.checkId)).toBe(true);
      expect(await world.components.deliveries.hazards({ customerId: customer.id, status: 'open' })).toEqual([
        expect.objectContaining({ checkId: res.checkId, item: 'regulator_sound', customerId: customer.id, enterpriseId: a.enterpriseId, districtCode: a.districtCode, status: 'open' }),
        expect.objectContaining({ item: 'hose_braided_clamped' }),
      ]);
      const again = { ...check, visitId: randomUUID(), occurredAt: earlier(), items: checklist(['hose_braided_clamped']) };
      expect((await expectStatus<Visit>(post(worker, 'safety-checks', again), 201)).hazards).toBe(1);
      const after = await expectStatus<{ items: { item: string; status: string; checkId: string }[] }>(world.as(a.admin).get(`/api/v1/deliveries/hazards?customerId=${customer.id}`), 200);
      expect(after.items.map((h) => [h.item, h.status, h.checkId === res.checkId])).toEqual(expect.arrayContaining([['regulator_sound', 'closed', true], ['hose_braided_clamped', 'open', true], ['hose_braided_clamped', 'open', false]]));
      // The district's regulator sees them; another district's does not.
      expect((await expectStatus<{ items: unknown[] }>(world.as(principal('district_regulator', { districtCode: a.districtCode })).get(`/api/v1/deliveries/hazards?customerId=${customer.id}`), 200)).items).toHaveLength(3);
      expect((await expectStatus<{ items: unknown[] }>(world.as(principal('district_regulator', { districtCode: '441881' })).get(`/api/v1/deliveries/hazards?customerId=${customer.id}`), 200)).items).toHaveLength(0);
    });

    it('refuses a check dated more than 5 minutes ahead of the platform clock with a 400 naming occurredAt, and opens no hazard', async () => {
      const customer = a.customers[0] as { id: string; phone: string };
      const before = await expectStatus<{ items: unknown[] }>(world.as(a.admin).get(`/api/v1/deliveries/hazards?customerId=${customer.id}`), 200);
      for (const ahead of [6 * 60_000, 365 * 86_400_000]) {
        const check = { visitId: randomUUID(), occurredAt: new Date(Date.now() + ahead).toISOString(), customerId: customer.id, items: checklist(['regulator_sound']), confirmation: { method: 'phone_last4', phoneLast4: last4(customer.phone) } };
        const res = await world.as(worker).post('/api/v1/deliveries/safety-checks', check).set('Accept-Language', 'zh-CN');
        expect([res.status, (res.body as Problem).errors]).toEqual([400, [{ path: 'occurredAt', message: '比平台时间超前 5 分钟以上' }]]);
      }
      const after = await expectStatus<{ items: unknown[] }>(world.as(a.admin).get(`/api/v1/deliveries/hazards?customerId=${customer.id}`), 200);
      expect(after.items).toHaveLength(before.items.length);
    });

    it('checks during a delivery with a photo; refuses an incomplete checklist, a photo not uploaded, and a check by an untrained worker', async () => {
      const customer = a.customers[2] as { id: string; phone: string };
      const png = aPng(2);
      const cylinder = await a.cylinder('in_transit');
      const withCheck = visit({ customerId: customer.id, deliver: { cylinders: [{ cylinderId: cylinder }] }, confirmation: { method: 'phone_last4', phoneLast4: last4(customer.phone) }, safetyCheck: { items: checklist(['leaflet_handed_over']), photoSha256: png.sha256 } });
      expect((await expectStatus<Problem>(post(worker, 'visits', withCheck), 422)).code).toBe('MEDIA_NOT_FOUND');
      await expectStatus(world.http.put(`/api/v1/deliveries/media/${png.sha256}`).set('Authorization', `Bearer ${world.tokenFor(worker)}`).set('Content-Type', 'image/png').send(png.data), 201);
      expect(await expectStatus<Visit>(post(worker, 'visits', withCheck), 201)).toMatchObject({ hazards: 1, events: [{ role: 'deliver', status: 'accepted' }] });
      const { regulator_sound: _left, ...incomplete } = checklist();
      const missing = await expectStatus<Problem>(post(worker, 'safety-checks', { visitId: randomUUID(), occurredAt: earlier(), customerId: customer.id, items: incomplete, confirmation: { method: 'none' } }), 400);
      expect(missing.errors?.map((e) => e.path)).toEqual(['items.regulator_sound']);
      const untrainedId = (await expectStatus<{ id: string }>(world.as(principal('city_regulator')).post('/api/v1/workers', aWorker().forEnterprise(a.enterpriseId).untrained().build()), 201)).id;
      const untrained = principal('delivery_worker', { enterpriseId: a.enterpriseId, workerId: untrainedId });
      expect((await expectStatus<Problem>(post(untrained, 'safety-checks', { visitId: randomUUID(), occurredAt: earlier(), customerId: customer.id, items: checklist(), confirmation: { method: 'none' } }), 422)).code).toBe('WORKER_UNCERTIFIED');
      expect((await expectStatus<Problem>(post(worker, 'safety-checks', { visitId: randomUUID(), occurredAt: earlier(), customerId: b.customers[0]?.id, items: checklist(), confirmation: { method: 'none' } }), 404)).code).toBe('NOT_FOUND');
    });
  });

  describe('idempotency', () => {
    it('answers the same flow again as a duplicate, and other content under its visit id with 409 naming the field', async () => {
      const cylinder = await a.cylinder('full');
      const body = { visitId: randomUUID(), occurredAt: earlier(), siteId: a.station, vehicleId: a.vehicle, cylinders: [{ cylinderId: cylinder }] };
      await expectStatus(post(worker, 'loads', body), 201);
      // The same instant in another zone is the same content.
      const again = await expectStatus<Visit>(post(worker, 'loads', { ...body, occurredAt: new Date(body.occurredAt).toISOString().replace('Z', '+00:00') }), 200);
      expect(again.duplicate).toBe(true);
      const other = await a.cylinder('full');
      const changed = await expectStatus<Problem>(post(worker, 'loads', { ...body, cylinders: [{ cylinderId: other }] }), 409);
      expect(changed).toMatchObject({ code: 'VISIT_ID_CONFLICT', errors: [{ path: 'cylinders[0].cylinderId' }] });
      expect(await stateOf(other)).toBe('full_at_station');
      // The ledger answers the same for its own ids: an event id sent again with other content is 409, not a duplicate.
      const event = { eventId: randomUUID(), cylinderId: other, type: 'dispatch', occurredAt: earlier(), payload: { vehicleId: a.vehicle } };
      await expectStatus(world.as(a.admin).post('/api/v1/events', event), 201);
      expect((await expectStatus<Problem>(world.as(a.admin).post('/api/v1/events', { ...event, occurredAt: earlier() }), 409)).code).toBe('EVENT_ID_CONFLICT');
    });
  });

  describe("the customer's own page", () => {
    it('opens once through a one-time link, shows their cylinders, deliveries, checks and a hand-over code, with phone and ID masked', async () => {
      const body = aCustomer().inDistrict(a.districtCode).build();
      const customer = { id: (await expectStatus<{ id: string }>(world.as(a.admin).post('/api/v1/customers', body), 201)).id, phone: body.phone };
      const cylinder = await a.cylinder('in_transit');
      const serial = (await world.registry.cylinderIdentity({ id: cylinder }))?.serial ?? '';
      const delivered = { visitId: randomUUID(), occurredAt: earlier(), customerId: customer.id, deliver: { cylinders: [{ cylinderId: cylinder }] }, confirmation: { method: 'phone_last4', phoneLast4: last4(customer.phone) }, safetyCheck: { items: checklist(['stove_flame_failure_device']) } };
      await expectStatus(post(worker, 'visits', delivered), 201);
      const link = await expectStatus<{ url: string; sentBy: string }>(world.as(a.admin).post(`/api/v1/deliveries/customers/${customer.id}/page-link`), 201);
      expect(link.sentBy).toBe('sms');
      const path = new URL(link.url, world.url).pathname;
      const landing = await fetch(`${world.url}${path}`);
      expect(landing.status).toBe(200);
      // A GET (a link preview) spends nothing: the page is opened by the button.
      const opened = await fetch(`${world.url}${path}`, { method: 'POST', redirect: 'manual' });
      expect([opened.status, opened.headers.get('location')]).toEqual([303, '/c']);
      const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      expect(opened.headers.get('set-cookie')).toMatch(/HttpOnly/i);
      expect((await fetch(`${world.url}${path}`, { method: 'POST', redirect: 'manual' })).status).toBe(410);
      await fetch(`${world.url}/c/handover-code`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
      const page = await fetch(`${world.url}/c`, { headers: { cookie } });
      const html = await page.text();
      expect(page.status).toBe(200);
      expect(html).toContain('我的用气记录');
      expect(html).toContain(`${customer.phone.slice(0, 3)}****${customer.phone.slice(-4)}`);
      expect(html).not.toContain(customer.phone);
      expect(html).toMatch(/\*{14}[0-9X]{4}/);
      expect(html).toMatch(/class="verdict-title handover-code">\d{6}</);
      expect(html).toContain(serial);
      expect(html).toMatch(/送达 1 瓶 · 回收 0 瓶 · 已确认（手机号后四位）/);
      expect(html).toContain('灶具带熄火保护装置：请于');
      expect(html).toMatch(/隐患 1 项/);
      expect((await fetch(`${world.url}/c`)).status).toBe(401);
      // A worker of another enterprise gets no link to this customer.
      await expectStatus(world.as(b.admin).post(`/api/v1/deliveries/customers/${customer.id}/page-link`), 404);
    });
  });

  describe('photos and signatures', () => {
    it('stores only a JPEG, PNG or WebP, by its own bytes, under its own SHA-256, within the size limit', async () => {
      const png = aPng(3);
      const put = (sha: string, type: string, data: Buffer) => world.http.put(`/api/v1/deliveries/media/${sha}`).set('Authorization', `Bearer ${world.tokenFor(worker)}`).set('Content-Type', type).send(data);
      expect((await expectStatus<Problem>(put(png.sha256, 'image/jpeg', png.data), 415)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect((await expectStatus<Problem>(put('0'.repeat(64), 'image/png', png.data), 400)).errors).toEqual([{ path: 'sha256', message: "is not the image's SHA-256" }]);
      const big = Buffer.concat([png.data, Buffer.alloc(1024 * 1024)]);
      expect((await expectStatus<Problem>(put('1'.repeat(64), 'image/png', big), 413)).code).toBe('PAYLOAD_TOO_LARGE');
      const text = Buffer.from('not an image');
      expect((await expectStatus<Problem>(put('2'.repeat(64), 'image/png', text), 415)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });
  });
});
