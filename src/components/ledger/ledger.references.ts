import type { EventActor } from './ledger.contract';
import type { CylinderRef, LedgerLookups } from './ledger.lookups';
import type { EventInput } from './ledger.schemas';

/** A business rejection decided before the transaction: stored in rejected_events like the others. */
export interface Rejection {
  reason: string;
  detail: string;
}

export interface Resolved {
  cylinder?: CylinderRef;
  /** District of the event: its site's, else the customer's, else the cylinder's. */
  districtCode?: string;
  rejection?: Rejection;
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
    workerCleared: (id) => memo(`w:${id}`, () => lookups.workerCleared(id)),
  };
}

const reject = (reason: string, detail: string): Resolved => ({ rejection: { reason, detail } });

/**
 * Checks what an event refers to: the cylinder (within the actor's enterprise — another
 * enterprise's cylinder is "not found", exactly like a missing one), the site, vehicle and
 * customer (the cylinder owner's, active), and the site kind the event needs.
 */
export async function resolveReferences(input: EventInput, actor: EventActor, lookups: LedgerLookups): Promise<Resolved> {
  if (actor.workerId && !(await lookups.workerCleared(actor.workerId))) {
    return reject('WORKER_NOT_CLEARED', 'the worker is inactive or has no valid safety-training certificate');
  }
  const cylinder = await lookups.cylinder({ ...(input.cylinderId ? { cylinderId: input.cylinderId } : {}), ...(input.grai ? { grai: input.grai } : {}) });
  if (!cylinder || (actor.enterpriseId && cylinder.enterpriseId !== actor.enterpriseId)) {
    return reject('CYLINDER_NOT_FOUND', `no cylinder ${input.cylinderId ?? input.grai ?? ''}`);
  }
  if (input.cylinderId && input.grai && cylinder.grai !== input.grai) return reject('GRAI_MISMATCH', 'grai is not the cylinder\'s code');
  let districtCode = cylinder.districtCode;
  const siteId = input.where.siteId;
  if (siteId) {
    const site = await lookups.site(siteId);
    if (!site || !site.active || site.enterpriseId !== cylinder.enterpriseId) return { cylinder, ...reject('REFERENCE_NOT_FOUND', `where.siteId: no active site ${siteId} of the cylinder's enterprise`) };
    const needs = input.type === 'receive' ? 'supply_point' : input.type === 'fill' || input.type === 'inspect' ? 'filling_station' : undefined;
    if (needs && site.kind !== needs) return { cylinder, ...reject('WRONG_SITE_KIND', `${input.type} happens at a ${needs}, site ${siteId} is a ${site.kind}`) };
    districtCode = site.districtCode;
  }
  const vehicleId = input.where.vehicleId;
  if (vehicleId) {
    const vehicle = await lookups.vehicle(vehicleId);
    if (!vehicle || !vehicle.active || vehicle.enterpriseId !== cylinder.enterpriseId) return { cylinder, ...reject('REFERENCE_NOT_FOUND', `vehicleId: no active vehicle ${vehicleId} of the cylinder's enterprise`) };
  }
  const customerId = typeof input.payload.customerId === 'string' ? input.payload.customerId : undefined;
  if (customerId) {
    const customer = await lookups.customer(customerId);
    if (!customer || !customer.active || customer.enterpriseId !== cylinder.enterpriseId) return { cylinder, ...reject('REFERENCE_NOT_FOUND', `payload.customerId: no active customer ${customerId} of the cylinder's enterprise`) };
    if (!siteId) districtCode = customer.districtCode;
  }
  return { cylinder, districtCode };
}
