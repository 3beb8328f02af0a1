import DataLoader from 'dataloader';
import type { ClientSession } from 'mongoose';
import { isOperative, type LifecycleChange, type Registry } from '../registry';

/** What the ledger needs to know about registry records. Unscoped: the ledger applies its own scope. */
export interface CylinderRef {
  id: string;
  enterpriseId: string;
  districtCode: string;
  grai?: string;
  /** Set when the registry record is closed: the ledger then takes no further event (but an error declaration). */
  scrappedAt?: Date;
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

/** Most cylinder references one registry read resolves. */
const CYLINDER_BATCH = 1_000;

/**
 * Cylinder look-ups asked for during one turn of the event loop go to the registry as one read:
 * under load, the events of many concurrent requests share it instead of paying a round trip each.
 * Nothing is cached across turns: a cylinder's owner is read fresh for every event.
 */
function cylinderLoader(registry: Registry): DataLoader<string, CylinderRef | undefined> {
  return new DataLoader<string, CylinderRef | undefined>(
    async (keys) => {
      const ids = keys.filter((k) => k.startsWith('id:')).map((k) => k.slice(3));
      const grais = keys.filter((k) => k.startsWith('grai:')).map((k) => k.slice(5));
      const found = await registry.cylinderRefs({ ids, grais });
      return keys.map((k) => found.get(k));
    },
    { cache: false, maxBatchSize: CYLINDER_BATCH, batchScheduleFn: (run) => setImmediate(run) },
  );
}

export interface RegistryLookupOptions {
  siteCacheMs?: number;
  /** Runs after a scrapping closes the registry record, in the same transaction: the ledger's onCylinderScrapped listeners. */
  onScrapped?: ((cylinderId: string, session: ClientSession) => Promise<void>) | undefined;
}

/** Lookups through the registry's public surface: indexed reads, no views built. */
export function registryLookups(registry: Registry, options: RegistryLookupOptions = {}): LedgerLookups {
  const siteCacheMs = options.siteCacheMs ?? SITE_CACHE_MS;
  const cylinders = cylinderLoader(registry);
  const sites = new Map<string, { at: number; site: Promise<SiteRef | undefined> }>();
  const readSite = async (id: string): Promise<SiteRef | undefined> => {
    const site = await registry.siteById(id);
    return site ? { id: site.id, enterpriseId: site.enterpriseId, districtCode: site.districtCode, kind: site.kind, active: site.active } : undefined;
  };
  return {
    // By id when the event names one (a GRAI beside it is then checked against the record).
    cylinder: async (ref) => (ref.cylinderId ? cylinders.load(`id:${ref.cylinderId}`) : ref.grai ? cylinders.load(`grai:${ref.grai}`) : undefined),
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
    async recordLifecycle(cylinderId, change, session) {
      await registry.recordLifecycle(cylinderId, change, session);
      if ('scrappedAt' in change) await options.onScrapped?.(cylinderId, session);
    },
  };
}
