import { createHash, randomUUID } from 'node:crypto';
import { aCustomer, aCylinder, anEnterprise, aSite, aVehicle, aWorker } from '../../seed/builders';
import type { Principal } from '../../src/components/auth';
import { SAFETY_ITEM_KEYS } from '../../src/components/deliveries';
import { expectStatus, principal, startWorld, type World, type WorldOptions } from '../support/world';

export { expectStatus, principal };

/** What a delivery test starts from: one enterprise with its sites, a vehicle, customers, certified workers. */
export interface DeliveryKit {
  enterpriseId: string;
  districtCode: string;
  admin: Principal;
  station: string;
  supplyPoint: string;
  vehicle: string;
  customers: { id: string; phone: string }[];
  /** A delivery worker (certificate verified by the city) signed in with its worker record. */
  worker(): Promise<Principal>;
  /** A cylinder of the enterprise brought through the ledger to `state`. */
  cylinder(state: 'full' | 'in_transit' | 'at_supply_point' | 'with_customer', customerId?: string): Promise<string>;
  cylinders(count: number, state: 'full' | 'in_transit'): Promise<string[]>;
}

export function startDeliveriesWorld(label: string, options: WorldOptions = {}): Promise<World> {
  return startWorld(label, options);
}

let clock = Date.now() - 6 * 3_600_000;
/** Device times that move forward, an hour or more in the past, so every flow's credentials count and nothing is "in the future". */
export function earlier(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

export async function aDeliveryKit(world: World, districtCode = '441802', customers = 3): Promise<DeliveryKit> {
  const city = world.as(principal('city_regulator'));
  const byCity = async (path: string, body: object) => (await expectStatus<{ id: string }>(city.post(path, body), 201)).id;
  const enterpriseId = await byCity('/api/v1/enterprises', anEnterprise().inDistrict(districtCode).build());
  const admin = principal('enterprise_admin', { enterpriseId, districtCode });
  const as = world.as(admin);
  const station = await byCity('/api/v1/sites', aSite().fillingStation().inDistrict(districtCode).forEnterprise(enterpriseId).build());
  // Fills are recorded through the user API here: the city puts the station in manual mode (its
  // scale "broken") from before the earliest device time of these flows, through the real route.
  const manual = { reason: '测试：灌装秤维修中，手工记录充装', from: new Date(Date.now() - 8 * 3_600_000).toISOString(), until: new Date(Date.now() + 24 * 3_600_000).toISOString() };
  await expectStatus(city.post(`/api/v1/stations/${station}/manual-mode`, manual), 201);
  const supplyPoint = await byCity('/api/v1/sites', aSite().inDistrict(districtCode).forEnterprise(enterpriseId).build());
  const vehicle = await byCity('/api/v1/vehicles', aVehicle().forEnterprise(enterpriseId).build());
  const registered: { id: string; phone: string }[] = [];
  for (let i = 0; i < customers; i++) {
    const body = aCustomer().inDistrict(districtCode).build();
    registered.push({ id: (await expectStatus<{ id: string }>(as.post('/api/v1/customers', body), 201)).id, phone: body.phone });
  }
  const events = async (list: object[]) => {
    const res = await expectStatus<{ accepted: number; results: { reason?: string }[] }>(as.post('/api/v1/events/batch', { events: list }), 200);
    if (res.accepted !== list.length) throw new Error(`setup events: ${JSON.stringify(res.results.filter((r) => r.reason))}`);
  };
  const newCylinder = async () => (await expectStatus<{ id: string }>(as.post('/api/v1/cylinders', aCylinder().registeredTo(station).build()), 201)).id;
  const ev = (type: string, cylinderId: string, extra: { where?: object; payload?: object } = {}) => ({ eventId: randomUUID(), cylinderId, type, occurredAt: earlier(), where: extra.where ?? {}, payload: extra.payload ?? {} });
  const toFull = (id: string) => [
    ev('commission', id, { where: { siteId: station } }),
    ev('inspect', id, { where: { siteId: station }, payload: { result: 'pass' } }),
    ev('fill', id, { where: { siteId: station }, payload: { tareKg: 14.5, grossKg: 29.4, netKg: 14.9, durationS: 42 } }),
  ];
  const onward = (id: string, state: string, customerId?: string) => [
    ...toFull(id),
    ...(state === 'full' ? [] : [ev('dispatch', id, { payload: { vehicleId: vehicle } })]),
    ...(state === 'at_supply_point' ? [ev('receive', id, { payload: { siteId: supplyPoint } })] : []),
    ...(state === 'with_customer' ? [ev('hand_over', id, { payload: { customerId: customerId ?? registered[0]?.id, confirmedByCustomer: true } })] : []),
  ];
  return {
    enterpriseId,
    districtCode,
    admin,
    station,
    supplyPoint,
    vehicle,
    customers: registered,
    async worker() {
      const workerId = await byCity('/api/v1/workers', aWorker().forEnterprise(enterpriseId).build());
      return principal('delivery_worker', { enterpriseId, districtCode, workerId });
    },
    async cylinder(state, customerId) {
      const id = await newCylinder();
      await events(onward(id, state, customerId));
      return id;
    },
    async cylinders(count, state) {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push(await newCylinder());
      const all = ids.flatMap((id) => onward(id, state));
      for (let i = 0; i < all.length; i += 900) await events(all.slice(i, i + 900));
      return ids;
    },
  };
}

/** Every item of the checklist passed, but those named failed. */
export function checklist(failed: readonly string[] = [], notes: Record<string, string> = {}) {
  return Object.fromEntries(SAFETY_ITEM_KEYS.map((k) => [k, failed.includes(k) ? { result: 'fail', ...(notes[k] ? { note: notes[k] } : {}) } : { result: k === 'gas_alarm_for_restaurant' ? 'na' : 'pass' }]));
}

/** A tiny valid PNG (1×1, its bytes varied by `seed` so each has its own SHA-256). */
export function aPng(seed = 0): { data: Buffer; sha256: string } {
  const data = Buffer.concat([
    Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'),
    Buffer.from([0x1f, 0x15, 0xc4, 0x89]),
    Buffer.from(`tEXtseed${seed}`),
  ]);
  return { data, sha256: createHash('sha256').update(data).digest('hex') };
}
