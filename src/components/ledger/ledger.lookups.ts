import type { Principal } from '../auth';
import { isOperative, type Registry } from '../registry';
import { AppError } from '../../shared/errors/app.error';

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
}

// The registry's record services are scoped by principal; the ledger reads them city-wide and
// then applies the caller's enterprise scope itself (registry.index: "callers apply their own authorization").
const SYSTEM: Principal = { kind: 'user', userId: '000000000000000000000000', username: 'ledger', role: 'city_regulator' };

async function orUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof AppError && error.status === 404) return undefined;
    throw error;
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Lookups through the registry's public surface. */
export function registryLookups(registry: Registry): LedgerLookups {
  const cylinders = registry.services.cylinders;
  const owned = (view: Record<string, unknown>): OwnedRef => ({
    id: str(view.id),
    enterpriseId: str(view.enterpriseId),
    districtCode: str(view.districtCode),
    active: view.active !== false,
  });
  return {
    async cylinder({ cylinderId, grai }) {
      let view: Record<string, unknown> | undefined;
      if (cylinderId) {
        view = await orUndefined(() => cylinders.get(SYSTEM, cylinderId));
      } else if (grai) {
        // The registry has no by-GRAI read yet; its text search covers the grai field.
        const query = cylinders.definition.querySchema.parse({ q: grai, limit: '5' });
        view = (await cylinders.list(SYSTEM, query as never)).items.find((c) => c.grai === grai);
      }
      if (!view || (grai && view.grai !== grai)) return undefined;
      return { id: str(view.id), enterpriseId: str(view.enterpriseId), districtCode: str(view.districtCode), ...(view.grai ? { grai: str(view.grai) } : {}) };
    },
    async site(id) {
      const site = await registry.siteById(id);
      return site ? { id: site.id, enterpriseId: site.enterpriseId, districtCode: site.districtCode, kind: site.kind, active: site.active } : undefined;
    },
    async vehicle(id) {
      const view = await orUndefined(() => registry.services.vehicles.get(SYSTEM, id));
      return view ? owned(view) : undefined;
    },
    async customer(id) {
      const view = await orUndefined(() => registry.services.customers.get(SYSTEM, id));
      return view ? owned(view) : undefined;
    },
    async workerCleared(id) {
      const worker = await registry.workerById(id);
      return worker !== undefined && worker.active && isOperative(worker.certificateStatus);
    },
  };
}
