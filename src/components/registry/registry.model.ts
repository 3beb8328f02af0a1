import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { CredentialPaper } from './credential.lifecycle';

/** A stored registry record as the generic repository sees it; each record file narrows it. */
export interface StoredDoc {
  _id: Types.ObjectId;
  active: boolean;
  deactivatedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
  [field: string]: unknown;
}

/**
 * A holder's submission: the paper (its scan kept by the holder as a SHA-256, there being no upload
 * facility), and who submitted it when (credential.lifecycle.ts).
 */
export interface StoredSubmission extends CredentialPaper {
  submittedAt?: Date;
  submittedBy?: string;
}

/** A regulator's last decision on the credential, with its reason. */
export interface CredentialDecision {
  action: string;
  at: Date;
  by: string;
  reason?: string;
}

export interface StoredCredential extends StoredSubmission {
  suspendedAt?: Date;
  revokedAt?: Date;
  /** A regulator refused the holder's first submission (the reason is in `decision`); it never counted. */
  rejectedAt?: Date;
  /** Absent until a regulator verifies it: only a verified credential counts. */
  verifiedAt?: Date;
  verifiedBy?: string;
  decision?: CredentialDecision;
  /** A renewal awaiting verification; the current credential counts as it is until then. */
  renewal?: StoredSubmission;
}

const paper = {
  number: { type: String, required: true },
  scope: String,
  issuer: String,
  validFrom: Date,
  validTo: { type: Date, required: true },
  scanSha256: String,
  note: String,
  submittedAt: Date,
  submittedBy: String,
};
/** The enterprises' licence-number index, partial since licences became optional; the full one it replaces (dropped at start). */
export const ENTERPRISE_LICENCE_INDEX = 'licence_number_issued';
export const LEGACY_ENTERPRISE_LICENCE_INDEX = 'licence.number_1';

const credential = new Schema<StoredCredential>(
  {
    ...paper,
    suspendedAt: Date,
    revokedAt: Date,
    rejectedAt: Date,
    verifiedAt: Date,
    verifiedBy: String,
    decision: new Schema({ action: { type: String, required: true }, at: { type: Date, required: true }, by: { type: String, required: true }, reason: String }, { _id: false }),
    renewal: new Schema(paper, { _id: false }),
  },
  { _id: false },
);

const base = {
  active: { type: Boolean, required: true, default: true },
  deactivatedAt: Date,
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
};
const scoped = {
  ...base,
  enterpriseId: { type: Schema.Types.ObjectId, required: true },
  districtCode: { type: String, required: true },
};
const options = { versionKey: false as const, strict: 'throw' as const };

function schemas() {
  const districts = new Schema({ ...base, code: { type: String, required: true }, name: { type: String, required: true } }, { ...options, collection: 'districts' });
  districts.index({ code: 1 }, { unique: true });

  const enterprises = new Schema(
    {
      ...base,
      name: { type: String, required: true },
      uscc: String,
      districtCode: { type: String, required: true },
      address: { type: String, required: true },
      // Absent while the enterprise is still applying for it (its administrator submits it).
      licence: credential,
    },
    { ...options, collection: 'enterprises' },
  );
  // Unique among the licences issued; enterprises still applying hold none.
  enterprises.index({ 'licence.number': 1 }, { unique: true, name: ENTERPRISE_LICENCE_INDEX, partialFilterExpression: { 'licence.number': { $exists: true } } });
  enterprises.index({ uscc: 1 }, { unique: true, partialFilterExpression: { uscc: { $exists: true } } });
  enterprises.index({ districtCode: 1, createdAt: 1 });

  const sites = new Schema(
    {
      ...scoped,
      kind: { type: String, required: true },
      name: { type: String, required: true },
      // Station code (站点编号), unique in the enterprise; filled at start for records older than it (registry.codes.ts).
      code: String,
      address: { type: String, required: true },
      coordinates: { type: [Number], required: true },
      licence: { type: credential, required: true },
      fillingLicence: credential,
    },
    { ...options, collection: 'sites' },
  );
  sites.index({ enterpriseId: 1, name: 1 }, { unique: true });
  sites.index({ enterpriseId: 1, code: 1 }, { unique: true, partialFilterExpression: { code: { $exists: true } } });
  sites.index({ 'fillingLicence.number': 1 }, { unique: true, partialFilterExpression: { 'fillingLicence.number': { $exists: true } } });
  sites.index({ districtCode: 1, createdAt: 1 });
  // Sites near a place (supervision: is a public report at a licensed site?): a latitude band, then the longitude.
  sites.index({ 'coordinates.1': 1 });

  const vehicles = new Schema(
    { ...scoped, plate: { type: String, required: true }, kind: { type: String, required: true }, permit: credential },
    { ...options, collection: 'vehicles' },
  );
  vehicles.index({ plate: 1 }, { unique: true });
  vehicles.index({ enterpriseId: 1, createdAt: 1 });

  const workers = new Schema(
    {
      ...scoped,
      realName: { type: String, required: true },
      idNumberHash: { type: String, required: true },
      idNumberLast4: { type: String, required: true },
      role: { type: String, required: true },
      // Staff number (工号), unique in the enterprise; filled at start for records older than it (registry.codes.ts).
      staffNumber: String,
      siteId: Schema.Types.ObjectId,
      certificate: credential,
    },
    { ...options, collection: 'workers' },
  );
  workers.index({ enterpriseId: 1, idNumberHash: 1 }, { unique: true });
  workers.index({ siteId: 1 });
  workers.index({ enterpriseId: 1, staffNumber: 1 }, { unique: true, partialFilterExpression: { staffNumber: { $exists: true } } });

  const customers = new Schema(
    {
      ...scoped,
      kind: { type: String, required: true },
      realName: { type: String, required: true },
      idNumberHash: String,
      idNumberLast4: String,
      uscc: String,
      phone: { type: String, required: true },
      address: { type: String, required: true },
      naturalKey: { type: String, required: true },
    },
    { ...options, collection: 'customers' },
  );
  customers.index({ enterpriseId: 1, naturalKey: 1 }, { unique: true });
  // A delivery to a person named by phone finds the registered customer (or refuses the hand-over).
  customers.index({ enterpriseId: 1, phone: 1 });
  // The default list page (newest or oldest first) of the city's and of a district's regulators, walked rather than sorted.
  customers.index({ createdAt: 1, _id: 1 });
  customers.index({ districtCode: 1, createdAt: 1, _id: 1 });

  const cylinders = new Schema(
    {
      ...scoped,
      serial: { type: String, required: true },
      grai: String,
      manufacturer: { type: String, required: true },
      manufactureDate: { type: Date, required: true },
      nominalKg: { type: Number, required: true },
      model: { type: String, required: true },
      tareKg: { type: Number, required: true },
      fillingSiteId: { type: Schema.Types.ObjectId, required: true },
      lastInspectionDate: Date,
      nextInspectionDate: { type: Date, required: true },
      designLifeYears: { type: Number, required: true },
      serviceLifeEndsAt: { type: Date, required: true },
      scrappedAt: Date,
    },
    { ...options, collection: 'cylinders' },
  );
  cylinders.index({ enterpriseId: 1, serial: 1 }, { unique: true });
  // The public page's manual entry of a damaged label's steel-stamp serial (any enterprise's).
  cylinders.index({ serial: 1 });
  cylinders.index({ grai: 1 }, { unique: true, partialFilterExpression: { grai: { $exists: true } } });
  cylinders.index({ fillingSiteId: 1 });
  cylinders.index({ nextInspectionDate: 1 });
  // KPIs: cylinders past their design service life.
  cylinders.index({ serviceLifeEndsAt: 1 });
  // The default list page of the city's and of a district's regulators, walked rather than sorted.
  cylinders.index({ createdAt: 1, _id: 1 });
  cylinders.index({ districtCode: 1, createdAt: 1, _id: 1 });

  return { districts, enterprises, sites, vehicles, workers, customers, cylinders };
}

export type RegistryCollection = keyof ReturnType<typeof schemas>;
export type RegistryModels = Record<RegistryCollection, Model<StoredDoc>>;

const MODEL_NAMES: Record<RegistryCollection, string> = {
  districts: 'District',
  enterprises: 'Enterprise',
  sites: 'Site',
  vehicles: 'Vehicle',
  workers: 'Worker',
  customers: 'Customer',
  cylinders: 'Cylinder',
};

/** Binds the registry's models to the connection once (the seed and the app may both ask). */
export function registryModels(connection: Connection): RegistryModels {
  const defs = schemas();
  const entries = (Object.keys(MODEL_NAMES) as RegistryCollection[]).map((key) => {
    const name = MODEL_NAMES[key];
    const existing = connection.models[name] as Model<StoredDoc> | undefined;
    return [key, existing ?? (connection.model(name, defs[key]) as unknown as Model<StoredDoc>)] as const;
  });
  return Object.fromEntries(entries) as RegistryModels;
}
