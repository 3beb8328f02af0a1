import { type ClientSession, Types } from 'mongoose';
import type { ComponentDeps } from '..';
import type { ApiModule } from '../../shared/http/api-module';
import { createPageCursors } from '../../shared/http/page.cursor';
import { unitOfWork } from '../../shared/db/unit-of-work';
import { greatCircleKm } from '../../shared/geo/great-circle';
import { createAudit, type AuditService } from '../audit';
import { credentialStatus, credentialStatusFilter, type CredentialStatus } from './credential.status';
import { createCylinderIdentity, type CylinderIdentities } from './cylinder.identity';
import type { RecordDefinition, RegistryResource } from './registry.definition';
import { createBulkUpsert, type BulkUpsertPort } from './registry.bulk-upsert';
import { CODE_FIELDS, createCodeLookups, fillMissingCodes, type CodeLookups } from './registry.codes';
import { registryModels, type StoredCredential, type StoredDoc } from './registry.model';
import { DEFAULT_POLICY, QINGYUAN_DISTRICTS, type DistrictSeed, type RegistryPolicy } from './registry.policy';
import { createRecordRepository, initModels, insertIfMissing, type RecordRepository } from './registry.repository';
import { recordRoutes, registerRecordOpenApi } from './registry.routes';
import { credentialRoutes, registerCredentialOpenApi } from './credential.routes';
import { createCredentialService, type CredentialService } from './credential.service';
import { createRecordService, type RecordService } from './registry.service';
import { customersRecord } from './records/customers.record';
import { cylindersRecord } from './records/cylinders.record';
import { cylinderAuthorityRoutes, registerCylinderAuthorityOpenApi } from './records/cylinders.authority.routes';
import { createCylinderAuthority } from './records/cylinders.authority.service';
import { createTransferRepository, transferModel } from './records/cylinders.transfers.model';
import { districtsRecord } from './records/districts.record';
import { enterprisesRecord } from './records/enterprises.record';
import { sitesRecord } from './records/sites.record';
import { vehiclesRecord } from './records/vehicles.record';
import { workersRecord } from './records/workers.record';

export { CODE_FIELDS, type CodeLookups, type CodedResource } from './registry.codes';
export type { BulkUpsertPort, UpsertableResource, BulkUpsertResult, UpsertRowError } from './registry.bulk-upsert';
export type { RegistryPolicy, DistrictSeed } from './registry.policy';
export { DEFAULT_POLICY, QINGYUAN_DISTRICTS } from './registry.policy';
export { credentialStatus, isOperative, CREDENTIAL_STATUSES, type CredentialStatus } from './credential.status';
export { CREDENTIAL_STATES, credentialState, type CredentialState } from './credential.lifecycle';
export type { StoredCredential } from './registry.model';
export { cylinderStatus, CYLINDER_STATUSES, type CylinderStatus } from './cylinder.status';
export type { CylinderIdentity, CylinderLookup, IdentityReadOptions } from './cylinder.identity';
export { isValidIdNumber, hashIdNumber, maskIdNumber, maskPhone, isValidPlate } from './registry.pii';

export interface RegistryOptions {
  /** The audit trail to write to; one is created on the same connection when omitted. */
  audit?: AuditService;
  policy?: Partial<RegistryPolicy>;
  /** The city's districts, seeded when the registry is created (and by ensureDistricts()); Qingyuan's eight by default. */
  districts?: readonly DistrictSeed[];
  now?: () => Date;
}

/** What the auth component needs to know about a worker to build an operator's principal. */
export interface WorkerSummary {
  id: string;
  enterpriseId: string;
  districtCode: string;
  role: string;
  siteId?: string;
  active: boolean;
  certificateStatus: CredentialStatus;
}

export interface SiteSummary {
  id: string;
  enterpriseId: string;
  districtCode: string;
  kind: 'filling_station' | 'supply_point';
  name: string;
  active: boolean;
  licenceStatus: CredentialStatus;
  fillingLicenceStatus: CredentialStatus;
  /** [longitude, latitude], WGS-84. */
  coordinates?: [number, number];
}

/** A site near a place, with its distance in kilometres (great circle). */
export type NearbySite = SiteSummary & { coordinates: [number, number]; distanceKm: number };

/** A regulator-verified credential whose validity ends within the policy's expiring window. */
export interface ExpiringCredential {
  holder: CredentialHolderResource;
  holderId: string;
  field: CredentialField;
  number: string;
  validTo: Date;
  /** The holder's enterprise (an enterprise is its own). */
  enterpriseId: string;
  districtCode: string;
}

/**
 * The registry's cylinders as QR identity uses them: a cylinder by id or GRAI (scoped to a
 * principal, or unscoped), binding a GRAI once, whether a GRAI is bound, an enterprise's name.
 */
export type CylinderIdentityPort = CylinderIdentities;

export interface Registry extends CylinderIdentityPort {
  module: ApiModule;
  bulkUpsert: BulkUpsertPort;
  /** Human codes (station code, plate, staff number, steel-stamp serial) → ids within an enterprise: CSV imports and the event API. */
  codes: CodeLookups;
  services: Record<RegistryResource, RecordService>;
  /** The credential lifecycle: submit, verify, suspend, revoke, reinstate, amend. */
  credentials: CredentialService;
  /** Inserts the configured districts that are missing; never changes existing ones. */
  ensureDistricts(): Promise<void>;
  // Unscoped look-ups for other components (auth, devices); callers apply their own authorization.
  enterpriseDistrict(enterpriseId: string): Promise<string | undefined>;
  workerById(workerId: string): Promise<WorkerSummary | undefined>;
  siteById(siteId: string): Promise<SiteSummary | undefined>;
  /** The same for many sites in one indexed read, keyed by id (unknown ids are absent). */
  sitesByIds(siteIds: readonly string[]): Promise<Map<string, SiteSummary>>;
  /** The enterprise employing a worker (auth's AccountRegistryLookups). */
  workerEmployer(workerId: string): Promise<string | undefined>;
  districtExists(code: string): Promise<boolean>;
  /**
   * Cylinders by id or by GRAI in one indexed read (the ledger's hot path batches its look-ups):
   * found ones keyed `id:<hex>` and `grai:<GRAI>`.
   */
  cylinderRefs(refs: { ids: readonly string[]; grais: readonly string[] }): Promise<Map<string, CylinderSummary>>;
  /** Records with their stored credentials, by id, in one indexed read (the ledger batches its look-ups): unscoped. */
  credentialHolders(resource: CredentialHolderResource, ids: readonly string[]): Promise<Map<string, CredentialHolder>>;
  /**
   * The record of `enterpriseId` a human code names (a staff number, a station code, a plate), with
   * its stored credentials, in one indexed read (the filling-scale interlock's operator). Unscoped.
   */
  credentialHolderByCode(resource: 'sites' | 'vehicles' | 'workers', enterpriseId: string, code: string): Promise<CredentialHolder | undefined>;
  /** The policy credential and cylinder statuses are derived with (the ledger decides with the same). */
  policy: RegistryPolicy;
  /** A vehicle or customer: owner and district, for reference checks. */
  ownedRef(resource: 'vehicles' | 'customers', id: string): Promise<OwnedSummary | undefined>;
  /** A customer with what a delivery needs (real name, phone, address, kind), by id: unscoped, its callers check the owner. */
  customerContact(id: string): Promise<CustomerContact | undefined>;
  /** The same for many customers in one indexed read (a batch of flows), keyed by id. */
  customerContacts(ids: readonly string[]): Promise<Map<string, CustomerContact>>;
  /** The enterprise's active customer registered with this phone, if any (a hand-over to a person named by phone). */
  customerIdByPhone(enterpriseId: string, phone: string): Promise<string | undefined>;
  /**
   * Writes back what the ledger learned in the same transaction as the event: a passed periodic
   * inspection moves the inspection dates, a failed one or a scrapping closes the record. The
   * ledger event is the audit record of this change.
   */
  recordLifecycle(cylinderId: string, change: LifecycleChange, session: ClientSession): Promise<void>;
  /** Active sites within `radiusKm` of a [longitude, latitude] point, nearest first. Unscoped. */
  sitesNear(point: [number, number], radiusKm: number): Promise<NearbySite[]>;
  /** Every credential of an active record that is `expiring` at `at` (verified, not suspended or revoked, ends within the policy's window). Unscoped. */
  credentialsExpiring(at: Date): Promise<ExpiringCredential[]>;
  /**
   * Ids of the cylinders not scrapped whose periodic inspection was due, or whose design service
   * life ended, before `at` (KPIs), in batches of at most `batchSize`, read on the date's index;
   * within a district or an enterprise when given.
   */
  cylindersPastDate(field: 'nextInspectionDate' | 'serviceLifeEndsAt', at: Date, scope: { districtCode?: string; enterpriseId?: string }, batchSize?: number): AsyncIterable<string[]>;
  /** Enterprises' names by id in one indexed read. Unscoped. */
  enterpriseNames(ids: readonly string[]): Promise<Map<string, string>>;
}

/** Registry records whose credentials the ledger checks on every event. */
export type CredentialHolderResource = 'enterprises' | 'sites' | 'vehicles' | 'workers';
export type CredentialField = 'licence' | 'fillingLicence' | 'permit' | 'certificate';

/**
 * A site, vehicle, worker or enterprise as the ledger's checks read it: owner, kind and its
 * credentials exactly as stored (whatever lifecycle fields they carry), for the ledger to ask
 * credentialStatus about at the event's own time. An enterprise is its own owner.
 */
export interface CredentialHolder extends OwnedSummary {
  kind?: string;
  /** A worker's role and the site it works at (the filling-scale interlock checks the operator is this station's). */
  role?: string;
  siteId?: string;
  /** A site's name (sites only: a station's filling record names it). */
  name?: string;
  credentials: Partial<Record<CredentialField, StoredCredential>>;
}

export interface OwnedSummary {
  id: string;
  enterpriseId: string;
  districtCode: string;
  active: boolean;
}

/** A cylinder as the ledger's hot path reads it: owner, code, closure, the dates commissioning is checked against, and the model and tare a fill is weighed against. */
export type CylinderSummary = OwnedSummary & { grai?: string; scrappedAt?: Date; serviceLifeEndsAt?: Date; nextInspectionDate?: Date; model?: string; nominalKg?: number; tareKg?: number };

/** A customer as a delivery sees it. The phone is in full: mask it (maskPhone) wherever it is shown outside its enterprise. */
export interface CustomerContact extends OwnedSummary {
  kind: 'household' | 'business';
  realName: string;
  phone: string;
  address: string;
  /** The last 4 characters of a household's ID number, for its masked form. */
  idNumberLast4?: string;
}

export type LifecycleChange = { inspectedOn: Date; nextInspectionDate: Date } | { scrappedAt: Date };

const HOLDER_PROJECTION = { enterpriseId: 1, districtCode: 1, active: 1, kind: 1, role: 1, siteId: 1, licence: 1, fillingLicence: 1, permit: 1, certificate: 1 };
/** A site is read with its name too (no other resource with its name, so no person's name travels with a holder). */
const SITE_HOLDER_PROJECTION = { ...HOLDER_PROJECTION, name: 1 };
const holderProjection = (resource: CredentialHolderResource) => (resource === 'sites' ? SITE_HOLDER_PROJECTION : HOLDER_PROJECTION);

/** A stored site, vehicle, worker or enterprise as a CredentialHolder (read with holderProjection). */
function holderOf(resource: CredentialHolderResource, doc: StoredDoc): CredentialHolder {
  const credentials: CredentialHolder['credentials'] = {};
  for (const field of ['licence', 'fillingLicence', 'permit', 'certificate'] as const) {
    const c = doc[field];
    if (c && typeof c === 'object') credentials[field] = c as StoredCredential;
  }
  const id = doc._id.toHexString();
  return {
    id,
    enterpriseId: resource === 'enterprises' ? id : doc.enterpriseId instanceof Types.ObjectId ? doc.enterpriseId.toHexString() : '',
    districtCode: String(doc.districtCode),
    active: doc.active,
    ...(typeof doc.kind === 'string' ? { kind: doc.kind } : {}),
    ...(typeof doc.role === 'string' ? { role: doc.role } : {}),
    ...(doc.siteId instanceof Types.ObjectId ? { siteId: doc.siteId.toHexString() } : {}),
    ...(resource === 'sites' && typeof doc.name === 'string' ? { name: doc.name } : {}),
    credentials,
  };
}

const DEFINITIONS: Record<RegistryResource, RecordDefinition> = {
  districts: districtsRecord as RecordDefinition,
  enterprises: enterprisesRecord as RecordDefinition,
  sites: sitesRecord as RecordDefinition,
  vehicles: vehiclesRecord as RecordDefinition,
  workers: workersRecord as RecordDefinition,
  customers: customersRecord as RecordDefinition,
  cylinders: cylindersRecord as RecordDefinition,
};

/** The registry of record: builds its models and indexes and seeds the districts before it answers. */
export async function createRegistry(deps: ComponentDeps, options: RegistryOptions = {}): Promise<Registry> {
  const { connection } = deps;
  const models = registryModels(connection);
  await initModels(models);
  await fillMissingCodes(models);
  const policy: RegistryPolicy = { ...DEFAULT_POLICY, ...options.policy };
  const cursors = createPageCursors(deps.config.secrets.JWT_SECRET);
  const audit = options.audit ?? (await createAudit({ connection, cursors })).service;
  const now = options.now ?? (() => new Date());
  const repos = Object.fromEntries(
    (Object.keys(DEFINITIONS) as RegistryResource[]).map((r) => [r, createRecordRepository(models[r])]),
  ) as Record<RegistryResource, RecordRepository>;
  const refRepos = { enterprises: repos.enterprises, sites: repos.sites, districts: repos.districts };
  const piiSecret = deps.config.secrets.PII_HASH_SECRET;
  const transaction = unitOfWork(connection);
  const serviceDeps = { transaction, audit, repos: refRepos, policy, piiSecret, cursors, now };
  const services = Object.fromEntries(
    (Object.keys(DEFINITIONS) as RegistryResource[]).map((r) => [r, createRecordService(DEFINITIONS[r], repos[r], serviceDeps)]),
  ) as Record<RegistryResource, RecordService>;
  const ordered = Object.values(services);
  const transfers = createTransferRepository(transferModel(connection));
  await transfers.init();
  const authority = createCylinderAuthority({ transaction, audit, cylinders: repos.cylinders, refRepos, transfers, policy, cursors, now });

  const bulkUpsert = createBulkUpsert({
    transaction,
    audit,
    policy,
    piiSecret,
    now,
    refRepos,
    records: {
      sites: { definition: DEFINITIONS.sites, repo: repos.sites },
      vehicles: { definition: DEFINITIONS.vehicles, repo: repos.vehicles },
      workers: { definition: DEFINITIONS.workers, repo: repos.workers },
      customers: { definition: DEFINITIONS.customers, repo: repos.customers },
      cylinders: { definition: DEFINITIONS.cylinders, repo: repos.cylinders },
    },
  });

  const holder = (r: 'enterprises' | 'sites' | 'vehicles' | 'workers') => ({ definition: DEFINITIONS[r], repo: repos[r] });
  const credentials = createCredentialService({
    transaction,
    audit,
    policy,
    now,
    holders: { enterprises: holder('enterprises'), sites: holder('sites'), vehicles: holder('vehicles'), workers: holder('workers') },
  });
  const router = recordRoutes(ordered);
  router.use(credentialRoutes(credentials));

  const byId = (repo: RecordRepository, id: string): Promise<StoredDoc | null> =>
    Types.ObjectId.isValid(id) ? repo.findOne({ _id: new Types.ObjectId(id) }) : Promise.resolve(null);
  const status = (c: unknown) => credentialStatus(c as StoredCredential | undefined, now(), policy);
  const hexOf = (v: unknown) => (v instanceof Types.ObjectId ? v.toHexString() : '');
  /** A site as other components read it (siteById, sitesNear). */
  const siteSummary = (doc: StoredDoc): SiteSummary => {
    const coordinates = coordinatesOf(doc);
    return {
      id: doc._id.toHexString(),
      enterpriseId: hexOf(doc.enterpriseId),
      districtCode: String(doc.districtCode),
      kind: doc.kind === 'filling_station' ? 'filling_station' : 'supply_point',
      name: String(doc.name),
      active: doc.active,
      licenceStatus: status(doc.licence),
      fillingLicenceStatus: status(doc.fillingLicence),
      ...(coordinates ? { coordinates } : {}),
    };
  };
  const owned = (doc: StoredDoc): OwnedSummary => ({ id: doc._id.toHexString(), enterpriseId: hexOf(doc.enterpriseId), districtCode: String(doc.districtCode), active: doc.active });

  const objectIdsOf = (ids: readonly string[]) => [...new Set(ids)].filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id));
  const cylindersPastDate: Registry['cylindersPastDate'] = async function* (field, at, scope, batchSize = 1_000) {
    if (scope.enterpriseId && !Types.ObjectId.isValid(scope.enterpriseId)) return;
    const filter = {
      [field]: { $lt: at },
      scrappedAt: { $exists: false },
      ...(scope.districtCode ? { districtCode: scope.districtCode } : {}),
      ...(scope.enterpriseId ? { enterpriseId: new Types.ObjectId(scope.enterpriseId) } : {}),
    };
    let batch: string[] = [];
    for await (const doc of models.cylinders.collection.find(filter, { projection: { _id: 1 }, batchSize })) {
      batch.push((doc._id as Types.ObjectId).toHexString());
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  };
  const sitesByIds: Registry['sitesByIds'] = async (ids) => {
    const docs = (await models.sites.collection.find({ _id: { $in: objectIdsOf(ids) } }).toArray()) as StoredDoc[];
    return new Map(docs.map((doc) => [doc._id.toHexString(), siteSummary(doc)]));
  };
  const enterpriseNames: Registry['enterpriseNames'] = async (ids) => {
    const docs = (await models.enterprises.collection.find({ _id: { $in: objectIdsOf(ids) } }, { projection: { name: 1 } }).toArray()) as StoredDoc[];
    return new Map(docs.map((doc) => [doc._id.toHexString(), String(doc.name)]));
  };
  const registry: Registry = {
    ...createCylinderIdentity({ cylinders: repos.cylinders, enterprises: repos.enterprises }),
    module: {
      name: 'registry',
      router: router.use(cylinderAuthorityRoutes(authority)),
      registerOpenApi: (registry) => {
        registerRecordOpenApi(registry, ordered);
        registerCylinderAuthorityOpenApi(registry);
        registerCredentialOpenApi(registry, { enterprises: DEFINITIONS.enterprises, sites: DEFINITIONS.sites, vehicles: DEFINITIONS.vehicles, workers: DEFINITIONS.workers });
      },
    },
    bulkUpsert,
    codes: createCodeLookups(models),
    services,
    credentials,
    async ensureDistricts() {
      const at = now();
      for (const d of options.districts ?? QINGYUAN_DISTRICTS) {
        await insertIfMissing(models.districts, { code: d.code }, { code: d.code, name: d.name, active: true, createdAt: at, updatedAt: at });
      }
    },
    async enterpriseDistrict(enterpriseId) {
      const doc = await byId(repos.enterprises, enterpriseId);
      return typeof doc?.districtCode === 'string' ? doc.districtCode : undefined;
    },
    async workerById(workerId) {
      const doc = await byId(repos.workers, workerId);
      if (!doc) return undefined;
      return {
        id: doc._id.toHexString(),
        enterpriseId: hexOf(doc.enterpriseId),
        districtCode: String(doc.districtCode),
        role: String(doc.role),
        ...(doc.siteId instanceof Types.ObjectId ? { siteId: doc.siteId.toHexString() } : {}),
        active: doc.active,
        certificateStatus: status(doc.certificate),
      };
    },
    async workerEmployer(workerId) {
      const doc = await byId(repos.workers, workerId);
      return doc ? hexOf(doc.enterpriseId) : undefined;
    },
    async cylinderRefs({ ids, grais }) {
      // On every captured event: the driver's own collection, skipping mongoose's query casting.
      const objectIds = ids.filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id));
      const clauses = [...(objectIds.length ? [{ _id: { $in: objectIds } }] : []), ...(grais.length ? [{ grai: { $in: [...grais] } }] : [])];
      const found = new Map<string, CylinderSummary>();
      if (clauses.length === 0) return found;
      const projection = { enterpriseId: 1, districtCode: 1, active: 1, grai: 1, scrappedAt: 1, serviceLifeEndsAt: 1, nextInspectionDate: 1, model: 1, nominalKg: 1, tareKg: 1 };
      const docs = (await models.cylinders.collection.find(clauses.length === 1 ? clauses[0] as object : { $or: clauses }, { projection }).toArray()) as StoredDoc[];
      for (const doc of docs) {
        // Assigned field by field rather than spread: this runs for every cylinder of every batch.
        const ref: CylinderSummary = owned(doc);
        if (typeof doc.grai === 'string') ref.grai = doc.grai;
        if (doc.scrappedAt instanceof Date) ref.scrappedAt = doc.scrappedAt;
        if (doc.serviceLifeEndsAt instanceof Date) ref.serviceLifeEndsAt = doc.serviceLifeEndsAt;
        if (doc.nextInspectionDate instanceof Date) ref.nextInspectionDate = doc.nextInspectionDate;
        if (typeof doc.model === 'string') ref.model = doc.model;
        if (typeof doc.nominalKg === 'number') ref.nominalKg = doc.nominalKg;
        if (typeof doc.tareKg === 'number') ref.tareKg = doc.tareKg;
        found.set(`id:${ref.id}`, ref);
        if (ref.grai) found.set(`grai:${ref.grai}`, ref);
      }
      return found;
    },
    async credentialHolders(resource, ids) {
      const objectIds = [...new Set(ids)].filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id));
      const found = new Map<string, CredentialHolder>();
      if (objectIds.length === 0) return found;
      // On every captured event: the driver's own collection, skipping mongoose's query casting.
      const docs = (await models[resource].collection.find({ _id: { $in: objectIds } }, { projection: holderProjection(resource) }).toArray()) as StoredDoc[];
      for (const doc of docs) found.set(doc._id.toHexString(), holderOf(resource, doc));
      return found;
    },
    async credentialHolderByCode(resource, enterpriseId, code) {
      if (!Types.ObjectId.isValid(enterpriseId)) return undefined;
      const { field, normalize } = CODE_FIELDS[resource];
      const doc = (await models[resource].collection.findOne({ enterpriseId: new Types.ObjectId(enterpriseId), [field]: normalize(code) }, { projection: holderProjection(resource) })) as StoredDoc | null;
      return doc ? holderOf(resource, doc) : undefined;
    },
    policy,
    async ownedRef(resource, id) {
      const doc = await byId(repos[resource], id);
      return doc ? owned(doc) : undefined;
    },
    async customerContact(id) {
      return (await registry.customerContacts([id])).get(id);
    },
    async customerContacts(ids) {
      const objectIds = [...new Set(ids)].filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id));
      const found = new Map<string, CustomerContact>();
      if (objectIds.length === 0) return found;
      const projection = { enterpriseId: 1, districtCode: 1, active: 1, kind: 1, realName: 1, phone: 1, address: 1, idNumberLast4: 1 };
      const docs = (await models.customers.collection.find({ _id: { $in: objectIds } }, { projection }).toArray()) as StoredDoc[];
      for (const doc of docs) {
        found.set(doc._id.toHexString(), {
          ...owned(doc),
          kind: doc.kind === 'business' ? 'business' : 'household',
          realName: String(doc.realName),
          phone: String(doc.phone),
          address: String(doc.address),
          ...(typeof doc.idNumberLast4 === 'string' ? { idNumberLast4: doc.idNumberLast4 } : {}),
        });
      }
      return found;
    },
    async customerIdByPhone(enterpriseId, phone) {
      if (!Types.ObjectId.isValid(enterpriseId)) return undefined;
      const doc = await repos.customers.findOne({ enterpriseId: new Types.ObjectId(enterpriseId), phone, active: true });
      return doc ? doc._id.toHexString() : undefined;
    },
    async recordLifecycle(cylinderId, change, session) {
      const set = 'scrappedAt' in change
        ? { scrappedAt: change.scrappedAt, updatedAt: now() }
        : { lastInspectionDate: change.inspectedOn, nextInspectionDate: change.nextInspectionDate, updatedAt: now() };
      await models.cylinders.updateOne({ _id: new Types.ObjectId(cylinderId) }, { $set: set }, { session }).exec();
    },
    async districtExists(code) {
      return /^\d{6}$/.test(code) && (await repos.districts.findOne({ code, active: true })) !== null;
    },
    async siteById(siteId) {
      const doc = await byId(repos.sites, siteId);
      return doc ? siteSummary(doc) : undefined;
    },
    async sitesNear(point, radiusKm) {
      const [lng, lat] = point;
      const dLat = radiusKm / 111.2;
      const dLng = radiusKm / (111.2 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
      const docs = (await models.sites.collection
        .find({ 'coordinates.1': { $gte: lat - dLat, $lte: lat + dLat }, 'coordinates.0': { $gte: lng - dLng, $lte: lng + dLng }, active: true })
        .toArray()) as StoredDoc[];
      const near: NearbySite[] = [];
      for (const doc of docs) {
        const at = coordinatesOf(doc);
        if (!at) continue;
        const distanceKm = greatCircleKm(point, at);
        if (distanceKm > radiusKm) continue;
        near.push({ ...siteSummary(doc), coordinates: at, distanceKm });
      }
      return near.sort((a, b) => a.distanceKm - b.distanceKm);
    },
    cylindersPastDate,
    sitesByIds,
    enterpriseNames,
    async credentialsExpiring(at) {
      const found: ExpiringCredential[] = [];
      const fields: [CredentialHolderResource, CredentialField][] = [['enterprises', 'licence'], ['sites', 'licence'], ['sites', 'fillingLicence'], ['vehicles', 'permit'], ['workers', 'certificate']];
      for (const [holder, field] of fields) {
        const docs = (await models[holder].collection.find({ $and: [{ active: true }, credentialStatusFilter(field, 'expiring', at, policy)] }).toArray()) as StoredDoc[];
        for (const doc of docs) {
          const credential = doc[field] as StoredCredential;
          const id = doc._id.toHexString();
          found.push({ holder, holderId: id, field, number: String(credential.number), validTo: credential.validTo, enterpriseId: holder === 'enterprises' ? id : hexOf(doc.enterpriseId), districtCode: String(doc.districtCode) });
        }
      }
      return found;
    },
  };
  await registry.ensureDistricts();
  return registry;
}

function coordinatesOf(doc: StoredDoc): [number, number] | undefined {
  const c = doc.coordinates;
  return Array.isArray(c) && c.length === 2 && typeof c[0] === 'number' && typeof c[1] === 'number' ? [c[0], c[1]] : undefined;
}

