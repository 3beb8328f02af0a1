import DataLoader from 'dataloader';
import type { ClientSession } from 'mongoose';
import type { CredentialHolder, CredentialHolderResource, CylinderSummary, LifecycleChange, Registry, StoredCredential } from '../registry';

/** A licence, permit or certificate exactly as the registry stores it: the ledger asks credentialStatus about it, never reads its fields for a verdict. */
export type Credential = StoredCredential;

/** What the ledger needs to know about registry records. Unscoped: the ledger applies its own scope. */
export interface CylinderRef {
  id: string;
  enterpriseId: string;
  districtCode: string;
  grai?: string;
  /** Set when the registry record is closed: the ledger then takes no further event (but an error declaration). */
  scrappedAt?: Date;
  /** The end of its design service life and its next periodic inspection: commissioning is checked against them. */
  serviceLifeEndsAt?: Date;
  nextInspectionDate?: Date;
  /** What a fill or re-weigh is weighed against (ledger.fill-limits.ts). */
  model?: string;
  nominalKg?: number;
  tareKg?: number;
}
export interface SiteRef {
  id: string;
  enterpriseId: string;
  districtCode: string;
  kind: 'filling_station' | 'supply_point';
  active: boolean;
  licence?: Credential;
  fillingLicence?: Credential;
}
export interface OwnedRef {
  id: string;
  enterpriseId: string;
  districtCode: string;
  active: boolean;
}
export interface VehicleRef extends OwnedRef {
  permit?: Credential;
}
export interface WorkerRef extends OwnedRef {
  certificate?: Credential;
}
export interface EnterpriseRef {
  id: string;
  active: boolean;
  licence?: Credential;
}

export interface LedgerLookups {
  cylinder(ref: { cylinderId?: string; grai?: string }): Promise<CylinderRef | undefined>;
  site(id: string): Promise<SiteRef | undefined>;
  vehicle(id: string): Promise<VehicleRef | undefined>;
  customer(id: string): Promise<OwnedRef | undefined>;
  /** The worker record a user is linked to, with its training certificate as stored. */
  worker(id: string): Promise<WorkerRef | undefined>;
  /** An enterprise with its gas-operation licence as stored. */
  enterprise(id: string): Promise<EnterpriseRef | undefined>;
  /**
   * The manual-mode grants of a filling station that may still cover a fill recorded without a
   * scale (the devices component's; none without it: every such fill is refused).
   */
  manualModes?(siteId: string): Promise<readonly { from: Date; until: Date }[]>;
  /** Writes a periodic inspection's dates or a scrapping back to the cylinder record, in the event's transaction. */
  recordLifecycle?(cylinderId: string, change: LifecycleChange, session: ClientSession): Promise<void>;
}

/** Most references of one kind one registry read resolves. */
const BATCH = 1_000;

/**
 * Look-ups asked for during one turn of the event loop go to the registry as one read per kind:
 * under load, the events of many concurrent requests share it instead of paying a round trip each.
 * Nothing is cached across turns: an owner, a licence or a revocation is read fresh for every
 * request (a batch reads each record once: memoLookups), so a regulator's decision counts from the
 * next event on.
 */
function batched<T>(read: (keys: readonly string[]) => Promise<Map<string, T>>): DataLoader<string, T | undefined> {
  return new DataLoader<string, T | undefined>(
    async (keys) => {
      const found = await read(keys);
      return keys.map((k) => found.get(k));
    },
    { cache: false, maxBatchSize: BATCH, batchScheduleFn: (run) => setImmediate(run) },
  );
}

function cylinderLoader(registry: Registry): DataLoader<string, CylinderSummary | undefined> {
  return batched((keys) => {
    const ids = keys.filter((k) => k.startsWith('id:')).map((k) => k.slice(3));
    const grais = keys.filter((k) => k.startsWith('grai:')).map((k) => k.slice(5));
    return registry.cylinderRefs({ ids, grais });
  });
}

const holderLoader = (registry: Registry, resource: CredentialHolderResource) => batched((ids) => registry.credentialHolders(resource, ids));

export interface RegistryLookupOptions {
  /** Runs after a scrapping closes the registry record, in the same transaction: the ledger's onCylinderScrapped listeners. */
  onScrapped?: ((cylinderId: string, session: ClientSession) => Promise<void>) | undefined;
  /** A station's manual-mode grants (the devices component's station controls). */
  manualModes?: LedgerLookups['manualModes'] | undefined;
}

const owned = (h: CredentialHolder): OwnedRef => ({ id: h.id, enterpriseId: h.enterpriseId, districtCode: h.districtCode, active: h.active });
const withCredential = <K extends string>(key: K, c: Credential | undefined) => (c ? ({ [key]: c } as Record<K, Credential>) : {});

/** Lookups through the registry's public surface: indexed reads, no views built. */
export function registryLookups(registry: Registry, options: RegistryLookupOptions = {}): LedgerLookups {
  const cylinders = cylinderLoader(registry);
  const sites = holderLoader(registry, 'sites');
  const vehicles = holderLoader(registry, 'vehicles');
  const workers = holderLoader(registry, 'workers');
  const enterprises = holderLoader(registry, 'enterprises');
  return {
    // By id when the event names one (a GRAI beside it is then checked against the record).
    cylinder: async (ref) => (ref.cylinderId ? cylinders.load(`id:${ref.cylinderId}`) : ref.grai ? cylinders.load(`grai:${ref.grai}`) : undefined),
    async site(id) {
      const h = await sites.load(id);
      if (!h) return undefined;
      const kind = h.kind === 'filling_station' ? 'filling_station' : 'supply_point';
      return { ...owned(h), kind, ...withCredential('licence', h.credentials.licence), ...withCredential('fillingLicence', h.credentials.fillingLicence) };
    },
    async vehicle(id) {
      const h = await vehicles.load(id);
      return h ? { ...owned(h), ...withCredential('permit', h.credentials.permit) } : undefined;
    },
    customer: (id) => registry.ownedRef('customers', id),
    ...(options.manualModes ? { manualModes: options.manualModes } : {}),
    async worker(id) {
      const h = await workers.load(id);
      return h ? { ...owned(h), ...withCredential('certificate', h.credentials.certificate) } : undefined;
    },
    async enterprise(id) {
      const h = await enterprises.load(id);
      return h ? { id: h.id, active: h.active, ...withCredential('licence', h.credentials.licence) } : undefined;
    },
    async recordLifecycle(cylinderId, change, session) {
      await registry.recordLifecycle(cylinderId, change, session);
      if ('scrappedAt' in change) await options.onScrapped?.(cylinderId, session);
    },
  };
}
