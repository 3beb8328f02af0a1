import { Types, type ClientSession } from 'mongoose';
import { scopeFilter, type Principal } from '../auth';
import type { StoredDoc } from './registry.model';
import type { RecordRepository } from './registry.repository';

/** The cylinder fields QR identity works with: what a code is bound to and what the page shows. */
export interface CylinderIdentity {
  id: string;
  enterpriseId: string;
  districtCode: string;
  serial: string;
  nominalKg: number;
  model: string;
  /** The registered tare (皮重): the filling scale checks its own reading against it. */
  tareKg?: number;
  grai?: string;
  fillingSiteId: string;
  nextInspectionDate: Date;
  serviceLifeEndsAt: Date;
  scrappedAt?: Date;
  active: boolean;
}

/** A cylinder named by its record id or by the GRAI bound to it. */
export type CylinderLookup = { id: string } | { grai: string };

export interface IdentityReadOptions {
  /** Only a cylinder within this principal's scope is found; unscoped without one. */
  principal?: Principal;
  session?: ClientSession;
}

const hex = (v: unknown) => (v instanceof Types.ObjectId ? v.toHexString() : '');

function toIdentity(doc: StoredDoc): CylinderIdentity {
  return {
    id: doc._id.toHexString(),
    enterpriseId: hex(doc.enterpriseId),
    districtCode: String(doc.districtCode),
    serial: String(doc.serial),
    nominalKg: Number(doc.nominalKg),
    model: String(doc.model),
    ...(typeof doc.tareKg === 'number' ? { tareKg: doc.tareKg } : {}),
    ...(typeof doc.grai === 'string' ? { grai: doc.grai } : {}),
    fillingSiteId: hex(doc.fillingSiteId),
    nextInspectionDate: doc.nextInspectionDate as Date,
    serviceLifeEndsAt: doc.serviceLifeEndsAt as Date,
    ...(doc.scrappedAt instanceof Date ? { scrappedAt: doc.scrappedAt } : {}),
    active: doc.active,
  };
}

/**
 * The registry's cylinders as QR identity sees them. The registry owns the collection and its
 * unique GRAI index; the only write offered is binding a GRAI once, where none is bound.
 */
export function createCylinderIdentity(repos: { cylinders: RecordRepository; enterprises: RecordRepository }) {
  const filterOf = (ref: CylinderLookup, principal?: Principal): Record<string, unknown> | undefined => {
    let own: Record<string, unknown>;
    if ('id' in ref) {
      if (!Types.ObjectId.isValid(ref.id)) return undefined;
      own = { _id: new Types.ObjectId(ref.id) };
    } else {
      own = { grai: ref.grai };
    }
    return principal ? { $and: [scopeFilter(principal, 'cylinders'), own] } : own;
  };
  return {
    async cylinderIdentity(ref: CylinderLookup, options: IdentityReadOptions = {}): Promise<CylinderIdentity | undefined> {
      const filter = filterOf(ref, options.principal);
      const doc = filter ? await repos.cylinders.findOne(filter, options.session) : null;
      return doc ? toIdentity(doc) : undefined;
    },
    /** Sets the GRAI only where none is set (and within the principal's scope): a code, once bound, is the cylinder's for life. */
    async bindGrai(principal: Principal, cylinderId: string, grai: string, at: Date, session: ClientSession): Promise<boolean> {
      const filter = filterOf({ id: cylinderId }, principal);
      if (!filter) return false;
      return repos.cylinders.updateOne({ $and: [filter, { grai: { $exists: false } }] }, { grai, updatedAt: at }, {}, session);
    },
    /** Undoes a bind the ledger refused to record (no commission event: the code was never valid). */
    async unbindGrai(principal: Principal, cylinderId: string, grai: string, at: Date, session: ClientSession): Promise<boolean> {
      const filter = filterOf({ id: cylinderId }, principal);
      if (!filter) return false;
      return repos.cylinders.updateOne({ $and: [filter, { grai }] }, { updatedAt: at }, { grai: 1 }, session);
    },
    async graiBound(grai: string, session?: ClientSession): Promise<boolean> {
      return (await repos.cylinders.findOne({ grai }, session)) !== null;
    },
    /** The GRAI of the one commissioned cylinder stamped with this serial (the public page's manual entry); none when no or several cylinders carry it. */
    async graiOfSerial(serial: string): Promise<string | undefined> {
      const docs = await repos.cylinders.find({ serial, grai: { $exists: true } }, { _id: 1 }, 2);
      return docs.length === 1 && typeof docs[0]?.grai === 'string' ? docs[0].grai : undefined;
    },
    async enterpriseName(enterpriseId: string): Promise<string | undefined> {
      if (!Types.ObjectId.isValid(enterpriseId)) return undefined;
      const doc = await repos.enterprises.findOne({ _id: new Types.ObjectId(enterpriseId) });
      return typeof doc?.name === 'string' ? doc.name : undefined;
    },
  };
}

export type CylinderIdentities = ReturnType<typeof createCylinderIdentity>;
