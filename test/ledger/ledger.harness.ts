import { randomUUID } from 'node:crypto';
import { aCustomer, aCylinder, aSite, aVehicle, anEnterprise } from '../../seed/builders';
import type { Principal } from '../../src/components/auth';
import { createLedger, type EventType, type Ledger } from '../../src/components/ledger';
import { createLedgerLog, registryCylinderVisibility } from '../../src/components/ledger/log';
import { silentLogger } from '../foundation/app.harness';
import { expectStatus, initModels, principal, SECRETS, startWorld, type World } from '../support/world';
import { createPageCursors } from '../../src/shared/http/page.cursor';

export { expectStatus, principal };

const SIGNING_KEY = 'ledger-test-signing-key-0123456789abcdef';

export interface LedgerWorld extends World {
  ledger: Ledger;
}

/** The real app with authentication, the registry, the ledger and its signed log, on a fresh database. */
export async function startLedgerWorld(label: string): Promise<LedgerWorld> {
  const world = await startWorld(label);
  const ledger = await createLedger({ connection: world.connection }, { registry: world.registry, eventIdSecret: SECRETS.PII_HASH_SECRET, cursors: createPageCursors(SECRETS.JWT_SECRET) });
  // Chain verification proves events against the log's checkpoints, so the log is served too.
  const log = await createLedgerLog({
    connection: world.connection,
    source: ledger,
    cylinderVisible: registryCylinderVisibility(world.registry),
    signingKey: SIGNING_KEY,
    logger: silentLogger,
    checkpointIntervalMs: 0,
  });
  await initModels(world.connection);
  world.mount([ledger.module, log.module]);
  return Object.assign(world, { ledger });
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

export async function anEnterpriseKit(world: LedgerWorld, districtCode: string): Promise<EnterpriseKit> {
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
