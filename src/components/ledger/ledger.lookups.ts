import type { ClientSession } from 'mongoose';
import { isOperative, type LifecycleChange, type Registry } from '../registry';

/** What the ledger needs to know about registry records. Unscoped: the ledger applies its own scope. */
export interface CylinderRef {
  id: string;
  enterpriseId: string;
  districtCode: string;
  grai?: string;
}
export interface SiteRef {
  id: string;
  enterpriseId: string;
  districtCode: string;
  kind: 'filling_station' | 'supply_point';
  active: boolean;
}
export interface OwnedRef {
  id: string;
  enterpriseId: string;
  districtCode: string;
  active: boolean;
}

export interface LedgerLookups {
  cylinder(ref: { cylinderId?: string; grai?: string }): Promise<CylinderRef | undefined>;
  site(id: string): Promise<SiteRef | undefined>;
  vehicle(id: string): Promise<OwnedRef | undefined>;
  customer(id: string): Promise<OwnedRef | undefined>;
  /** Whether a worker may operate now: employed, active and holding a valid training certificate. */
  workerCleared(id: string): Promise<boolean>;
  /** Writes a periodic inspection's dates or a scrapping back to the cylinder record, in the event's transaction. */
  recordLifecycle?(cylinderId: string, change: LifecycleChange, session: ClientSession): Promise<void>;
}




/** Lookups through the registry's public surface: indexed reads, no views built. */
export function registryLookups(registry: Registry): LedgerLookups {
  return {
    cylinder: (ref) => registry.cylinderRef(ref),
    async site(id) {
      const site = await registry.siteById(id);
      return site ? { id: site.id, enterpriseId: site.enterpriseId, districtCode: site.districtCode, kind: site.kind, active: site.active } : undefined;
    },
    vehicle: (id) => registry.ownedRef('vehicles', id),
    customer: (id) => registry.ownedRef('customers', id),
    async workerCleared(id) {
      const worker = await registry.workerById(id);
      return worker !== undefined && worker.active && isOperative(worker.certificateStatus);
    },
    recordLifecycle: (cylinderId, change, session) => registry.recordLifecycle(cylinderId, change, session),
  };
}
