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




/** How long a site read is reused: sites change rarely, and every event at a station names it. */
export const SITE_CACHE_MS = 5_000;
const SITE_CACHE_ENTRIES = 10_000;

/** Lookups through the registry's public surface: indexed reads, no views built. */
export function registryLookups(registry: Registry, siteCacheMs = SITE_CACHE_MS): LedgerLookups {
  const sites = new Map<string, { at: number; site: Promise<SiteRef | undefined> }>();
  const readSite = async (id: string): Promise<SiteRef | undefined> => {
    const site = await registry.siteById(id);
    return site ? { id: site.id, enterpriseId: site.enterpriseId, districtCode: site.districtCode, kind: site.kind, active: site.active } : undefined;
  };
  return {
    cylinder: (ref) => registry.cylinderRef(ref),
    site(id) {
      const now = Date.now();
      const hit = sites.get(id);
      if (hit && now - hit.at < siteCacheMs) return hit.site;
      if (sites.size >= SITE_CACHE_ENTRIES) sites.clear();
      const site = readSite(id);
      sites.set(id, { at: now, site });
      // A failed read is not remembered.
      site.catch(() => sites.delete(id));
      return site;
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
