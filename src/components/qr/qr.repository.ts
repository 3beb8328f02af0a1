import { Types, type ClientSession, type Connection } from 'mongoose';
import { qrModels, type PublicReportDoc, type PublicScanDoc } from './qr.model';

/**
 * The cylinder fields QR identity reads, from the registry's `cylinders` collection (the registry
 * owns that collection and its unique GRAI index; this component only ever sets `grai` once).
 */
export interface CylinderRecord {
  id: string;
  enterpriseId: string;
  districtCode: string;
  serial: string;
  nominalKg: number;
  model: string;
  grai?: string;
  fillingSiteId: string;
  nextInspectionDate: Date;
  serviceLifeEndsAt: Date;
  scrappedAt?: Date;
  active: boolean;
}

type Filter = Record<string, unknown>;

interface StoredCylinder {
  _id: Types.ObjectId;
  enterpriseId: Types.ObjectId;
  districtCode: string;
  serial: string;
  nominalKg: number;
  model: string;
  grai?: string;
  fillingSiteId: Types.ObjectId;
  nextInspectionDate: Date;
  serviceLifeEndsAt: Date;
  scrappedAt?: Date | null;
  active: boolean;
}

const SERIAL_COUNTER = 'grai-serial';

function toRecord(doc: StoredCylinder): CylinderRecord {
  return {
    id: doc._id.toHexString(),
    enterpriseId: doc.enterpriseId.toHexString(),
    districtCode: doc.districtCode,
    serial: doc.serial,
    nominalKg: doc.nominalKg,
    model: doc.model,
    ...(doc.grai ? { grai: doc.grai } : {}),
    fillingSiteId: doc.fillingSiteId.toHexString(),
    nextInspectionDate: doc.nextInspectionDate,
    serviceLifeEndsAt: doc.serviceLifeEndsAt,
    ...(doc.scrappedAt ? { scrappedAt: doc.scrappedAt } : {}),
    active: doc.active,
  };
}

/** The only place QR identity touches the database; plain typed objects out. */
export function createQrRepository(connection: Connection) {
  const models = qrModels(connection);
  const cylinders = () => connection.collection<StoredCylinder>('cylinders');
  const enterprises = () => connection.collection<{ _id: Types.ObjectId; name: string }>('enterprises');

  return {
    models,
    async cylinder(filter: Filter, session?: ClientSession): Promise<CylinderRecord | undefined> {
      const doc = await cylinders().findOne(filter, { session });
      return doc ? toRecord(doc as StoredCylinder) : undefined;
    },
    async cylinders(filter: Filter): Promise<CylinderRecord[]> {
      const docs = await cylinders().find(filter).toArray();
      return docs.map((d) => toRecord(d as StoredCylinder));
    },
    /** Sets the GRAI only where none is set: a code, once bound, is the cylinder's for life. */
    async bindGrai(filter: Filter, grai: string, at: Date, session: ClientSession): Promise<boolean> {
      const result = await cylinders().updateOne({ $and: [filter, { grai: { $exists: false } }] }, { $set: { grai, updatedAt: at } }, { session });
      return result.modifiedCount === 1;
    },
    async graiTaken(grai: string, session?: ClientSession): Promise<boolean> {
      const [onCylinder, retired] = await Promise.all([
        cylinders().findOne({ grai }, { session, projection: { _id: 1 } }),
        models.retired.findOne({ grai }, { _id: 1 }, { session }).lean().exec(),
      ]);
      return onCylinder !== null || retired !== null;
    },
    /** Monotonic: a serial handed out is never handed out again, even if its commissioning failed. */
    async nextSerial(): Promise<number> {
      const doc = await models.counters.findOneAndUpdate({ _id: SERIAL_COUNTER }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' }).lean().exec();
      if (!doc) throw new Error('serial counter did not answer');
      return doc.seq;
    },
    async retire(grai: string, cylinderId: string, at: Date, session?: ClientSession): Promise<void> {
      await models.retired
        .updateOne({ grai }, { $setOnInsert: { grai, cylinderId: new Types.ObjectId(cylinderId), retiredAt: at } }, { upsert: true, session })
        .exec();
    },
    async isRetired(grai: string): Promise<boolean> {
      return (await models.retired.findOne({ grai }, { _id: 1 }).lean().exec()) !== null;
    },
    async enterpriseName(enterpriseId: string): Promise<string | undefined> {
      if (!Types.ObjectId.isValid(enterpriseId)) return undefined;
      const doc = await enterprises().findOne({ _id: new Types.ObjectId(enterpriseId) }, { projection: { name: 1 } });
      return doc?.name;
    },
    async insertScan(scan: Omit<PublicScanDoc, '_id'>): Promise<void> {
      await models.scans.create({ _id: new Types.ObjectId(), ...scan });
    },
    async insertReport(report: Omit<PublicReportDoc, '_id'>): Promise<string> {
      const _id = new Types.ObjectId();
      await models.reports.create({ _id, ...report });
      return _id.toHexString();
    },
  };
}

export type QrRepository = ReturnType<typeof createQrRepository>;
