import { randomUUID } from 'node:crypto';
import { aCustomer, aCylinder, aSite, aVehicle, anEnterprise } from '../../seed/builders';
import type { Principal } from '../../src/components/auth';
import type { EventType } from '../../src/components/ledger';
import { expectStatus, principal, startWorld, type World, type WorldOptions } from '../support/world';

export { expectStatus, principal };

/** The ledger world is the one test world: its ledger and signed log (a checkpoint on demand) are `world.ledger` and `world.log`. */
export type LedgerWorld = World;

export function startLedgerWorld(label: string, options: WorldOptions = {}): Promise<LedgerWorld> {
  return startWorld(label, options);
}

/** One enterprise's world: its admin, a filling station, a supply point, a vehicle, a customer. */
export interface EnterpriseKit {
  enterpriseId: string;
  admin: Principal;
  station: string;
  supplyPoint: string;
  vehicle: string;
  customer: string;
  newCylinder(): Promise<string>;
}

export interface KitOptions {
  /**
   * Whether the city puts the station in manual mode (its scale "broken"), so that the tests
   * recording fills through POST /events can (issue 12: otherwise only a scale records a fill).
   * On by default; the scale tests turn it off.
   */
  manualMode?: boolean;
}

export async function anEnterpriseKit(world: LedgerWorld, districtCode: string, options: KitOptions = {}): Promise<EnterpriseKit> {
  const city = world.as(principal('city_regulator'));
  const { id: enterpriseId } = await expectStatus<{ id: string }>(city.post('/api/v1/enterprises', anEnterprise().inDistrict(districtCode).build()), 201);
  const admin = principal('enterprise_admin', { enterpriseId });
  const as = world.as(admin);
  const id = async (path: string, body: object) => (await expectStatus<{ id: string }>(as.post(path, body), 201)).id;
  // The city registers the credentialed records, so their licences and permit are verified at once
  // and count on every event (one the enterprise enters waits for a regulator).
  const byCity = async (path: string, body: object) => (await expectStatus<{ id: string }>(city.post(path, body), 201)).id;
  const station = await byCity('/api/v1/sites', aSite().fillingStation().inDistrict(districtCode).forEnterprise(enterpriseId).build());
  const supplyPoint = await byCity('/api/v1/sites', aSite().inDistrict(districtCode).forEnterprise(enterpriseId).build());
  const vehicle = await byCity('/api/v1/vehicles', aVehicle().forEnterprise(enterpriseId).build());
  const customer = await id('/api/v1/customers', aCustomer().inDistrict(districtCode).build());
  if (options.manualMode ?? true) await inManualMode(world, station);
  return {
    enterpriseId,
    admin,
    station,
    supplyPoint,
    vehicle,
    customer,
    newCylinder: () => id('/api/v1/cylinders', aCylinder().registeredTo(station).build()),
  };
}

/**
 * The city grants `station` manual mode from two hours ago (the events below are dated up to an
 * hour back) for a day, through the real route: its fills may then be recorded without a scale.
 */
export async function inManualMode(world: Pick<LedgerWorld, 'as'>, station: string): Promise<void> {
  const from = new Date(Date.now() - 2 * 3_600_000).toISOString();
  const until = new Date(Date.now() + 24 * 3_600_000).toISOString();
  await expectStatus(world.as(principal('city_regulator')).post(`/api/v1/stations/${station}/manual-mode`, { reason: '测试：灌装秤维修中，手工记录充装', from, until }), 201);
}

let clock = Date.now() - 3_600_000;

/** `anEvent('fill', cylinderId).at(station).with({...}).build()` → a POST /events body. */
export function anEvent(type: EventType, cylinderId: string) {
  clock += 1000;
  const body: { eventId: string; cylinderId: string; type: EventType; occurredAt: string; where: Record<string, unknown>; payload: Record<string, unknown> } = {
    eventId: randomUUID(),
    cylinderId,
    type,
    occurredAt: new Date(clock).toISOString(),
    where: {},
    payload: {},
  };
  const builder = {
    at(siteId: string) {
      body.where.siteId = siteId;
      return builder;
    },
    with(payload: Record<string, unknown>) {
      body.payload = { ...body.payload, ...payload };
      return builder;
    },
    withId(eventId: string) {
      body.eventId = eventId;
      return builder;
    },
    build: () => structuredClone(body),
  };
  return builder;
}

/** The happy path of one cylinder through its life, as request bodies. */
export function lifeOf(cylinderId: string, kit: EnterpriseKit) {
  return [
    anEvent('commission', cylinderId).at(kit.station).build(),
    anEvent('inspect', cylinderId).at(kit.station).with({ result: 'pass' }).build(),
    anEvent('fill', cylinderId).at(kit.station).with({ tareKg: 14.5, grossKg: 29.4, netKg: 14.9, durationS: 42, scaleId: 'S-01' }).build(),
    anEvent('dispatch', cylinderId).with({ vehicleId: kit.vehicle }).build(),
    anEvent('receive', cylinderId).with({ siteId: kit.supplyPoint }).build(),
    anEvent('hand_over', cylinderId).with({ customerId: kit.customer, confirmedByCustomer: true }).build(),
    anEvent('return_empty', cylinderId).with({ siteId: kit.station, customerId: kit.customer }).build(),
  ];
}
