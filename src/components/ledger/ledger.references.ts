import type { EventActor } from './ledger.contract';
import type { CylinderRef, EnterpriseRef, LedgerLookups, SiteRef, VehicleRef, WorkerRef } from './ledger.lookups';
import type { RejectionCode } from './ledger.reasons';
import type { EventInput } from './ledger.schemas';

/** Which credential a refusal is about, as it stood at the event's time: the evidence kept with it. */
export interface CredentialEvidence {
  kind: 'enterprise_licence' | 'site_licence' | 'filling_licence' | 'vehicle_permit' | 'worker_certificate';
  /** The registry collection and record holding it. */
  holder: 'enterprises' | 'sites' | 'vehicles' | 'workers';
  recordId: string;
  /** null: the record holds no such credential at all. */
  number: string | null;
  /** credentialStatus at the event's occurredAt. */
  status: string;
  validFrom?: Date;
  validTo?: Date;
  suspendedAt?: Date;
  revokedAt?: Date;
}

/** A business rejection: stored in rejected_events with its evidence. */
export interface Rejection {
  reason: RejectionCode;
  detail: string;
  credential?: CredentialEvidence;
  /** For SERVICE_LIFE_EXCEEDED / INSPECTION_OVERDUE: the registry dates the refusal read. */
  cylinder?: { serviceLifeEndsAt?: Date; nextInspectionDate?: Date };
}

/**
 * The registry records an event's compliance is checked against, read with its references (no
 * read of its own): the acting worker, the site, the vehicle and the enterprises involved. A
 * record looked up and not found is `found: undefined`.
 */
export interface Holders {
  worker?: { id: string; found?: WorkerRef };
  site?: SiteRef;
  vehicle?: VehicleRef;
  /** The cylinder's owner first, then the site's owner when another. */
  enterprises: { id: string; found?: EnterpriseRef }[];
}

export interface Resolved {
  cylinder?: CylinderRef;
  /** For a fill or re-weigh a user records: the station's manual-mode grants (ledger.enforce.ts scaleRule). */
  manualModes?: readonly { from: Date; until: Date }[];
  /** District of the event: its site's, else the customer's, else the cylinder's. */
  districtCode?: string;
  rejection?: Rejection;
  holders?: Holders;
}

/** Memoised lookups for one batch: a batch of 1,000 events over 50 cylinders reads each once. */
export function memoLookups(lookups: LedgerLookups): LedgerLookups {
  const cache = new Map<string, Promise<unknown>>();
  const memo = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    let hit = cache.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = read();
      cache.set(key, hit);
    }
    return hit;
  };
  return {
    cylinder: (ref) => memo(`c:${ref.cylinderId ?? ''}:${ref.grai ?? ''}`, () => lookups.cylinder(ref)),
    site: (id) => memo(`s:${id}`, () => lookups.site(id)),
    vehicle: (id) => memo(`v:${id}`, () => lookups.vehicle(id)),
    customer: (id) => memo(`u:${id}`, () => lookups.customer(id)),
    worker: (id) => memo(`w:${id}`, () => lookups.worker(id)),
    enterprise: (id) => memo(`e:${id}`, () => lookups.enterprise(id)),
    ...(lookups.manualModes ? { manualModes: (id: string) => memo(`m:${id}`, () => (lookups.manualModes as NonNullable<LedgerLookups['manualModes']>)(id)) } : {}),
  };
}

const reject = (reason: RejectionCode, detail: string): Resolved => ({ rejection: { reason, detail } });

/**
 * Checks what an event refers to: the cylinder (within the actor's enterprise — another
 * enterprise's cylinder is "not found", exactly like a missing one), the site, vehicle and
 * customer (the cylinder owner's, active), and the site kind the event needs; and gathers the
 * records whose credentials `decide` checks at the event's time. Every read starts at once (the
 * enterprise is the actor's, which a cylinder must belong to), so the checks add no round trip.
 */
export async function resolveReferences(input: EventInput, actor: EventActor, lookups: LedgerLookups): Promise<Resolved> {
  const siteId = input.where.siteId;
  const vehicleId = input.where.vehicleId;
  const customerId = typeof input.payload.customerId === 'string' ? input.payload.customerId : undefined;
  const scaleEvent = (input.type === 'fill' || input.type === 'reweigh') && actor.kind !== 'device' && siteId !== undefined;
  const [cylinder, site, vehicle, customer, worker, actorEnterprise, manualModes] = await Promise.all([
    lookups.cylinder({ ...(input.cylinderId ? { cylinderId: input.cylinderId } : {}), ...(input.grai ? { grai: input.grai } : {}) }),
    siteId ? lookups.site(siteId) : undefined,
    vehicleId ? lookups.vehicle(vehicleId) : undefined,
    customerId ? lookups.customer(customerId) : undefined,
    actor.workerId ? lookups.worker(actor.workerId) : undefined,
    actor.enterpriseId ? lookups.enterprise(actor.enterpriseId) : undefined,
    scaleEvent && lookups.manualModes ? lookups.manualModes(siteId) : undefined,
  ]);
  if (!cylinder || (actor.enterpriseId && cylinder.enterpriseId !== actor.enterpriseId)) {
    return reject('CYLINDER_NOT_FOUND', `no cylinder ${input.cylinderId ?? input.grai ?? ''}`);
  }
  if (input.cylinderId && input.grai && cylinder.grai !== input.grai) return reject('GRAI_MISMATCH', 'grai is not the cylinder\'s code');
  let districtCode = cylinder.districtCode;
  if (siteId) {
    if (!site || !site.active || site.enterpriseId !== cylinder.enterpriseId) return { cylinder, ...reject('REFERENCE_NOT_FOUND', `where.siteId: no active site ${siteId} of the cylinder's enterprise`) };
    const needs = input.type === 'receive' ? 'supply_point' : input.type === 'fill' || input.type === 'inspect' ? 'filling_station' : undefined;
    if (needs && site.kind !== needs) return { cylinder, ...reject('WRONG_SITE_KIND', `${input.type} happens at a ${needs}, site ${siteId} is a ${site.kind}`) };
    districtCode = site.districtCode;
  }
  if (vehicleId && (!vehicle || !vehicle.active || vehicle.enterpriseId !== cylinder.enterpriseId)) {
    return { cylinder, ...reject('REFERENCE_NOT_FOUND', `vehicleId: no active vehicle ${vehicleId} of the cylinder's enterprise`) };
  }
  // A sale or hand-over goes to a real-name customer of the cylinder's enterprise (实名制配送), or is refused and kept as evidence.
  const handsOver = input.type === 'sell' || input.type === 'hand_over';
  if (customerId) {
    if (!customer || !customer.active || customer.enterpriseId !== cylinder.enterpriseId) {
      const detail = `payload.customerId: no active customer ${customerId} of the cylinder's enterprise`;
      return { cylinder, ...reject(handsOver ? 'CUSTOMER_NOT_REGISTERED' : 'REFERENCE_NOT_FOUND', detail) };
    }
    if (!siteId) districtCode = customer.districtCode;
  } else if (handsOver) {
    return { cylinder, ...reject('CUSTOMER_NOT_REGISTERED', `payload.customerId: a ${input.type} names the registered customer it goes to; the recipient is not one`) };
  }
  const owners = site && site.enterpriseId !== cylinder.enterpriseId ? [cylinder.enterpriseId, site.enterpriseId] : [cylinder.enterpriseId];
  // The usual event involves only the actor's own enterprise, read above: no second wait.
  const enterprises = owners.every((id) => id === actor.enterpriseId)
    ? owners.map((id) => ({ id, found: actorEnterprise }))
    : await Promise.all(owners.map(async (id) => ({ id, found: await lookups.enterprise(id) })));
  const holders: Holders = {
    enterprises: enterprises.map(({ id, found }) => (found ? { id, found } : { id })),
    ...(actor.workerId ? { worker: { id: actor.workerId, ...(worker ? { found: worker } : {}) } } : {}),
    ...(site ? { site } : {}),
    ...(vehicle ? { vehicle } : {}),
  };
  return { cylinder, districtCode, holders, ...(manualModes ? { manualModes } : {}) };
}
