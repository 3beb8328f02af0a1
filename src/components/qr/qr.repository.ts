import { Types, type ClientSession, type Connection } from 'mongoose';
import { qrModels, type PublicReportDoc, type PublicScanDoc } from './qr.model';

const SERIAL_COUNTER = 'grai-serial';

/**
 * The only place QR identity touches the database: its own collections (serial counter, retired
 * codes, scans, reports). Cylinders are the registry's, read and bound through its index.ts.
 */
export function createQrRepository(connection: Connection) {
  const models = qrModels(connection);

  return {
    models,
    /** Builds the indexes (a retired GRAI is unique); awaited before serving. */
    async init(): Promise<void> {
      await Promise.all(Object.values(models).map((model: { init(): Promise<unknown> }) => model.init()));
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
    async isRetired(grai: string, session?: ClientSession): Promise<boolean> {
      return (await models.retired.findOne({ grai }, { _id: 1 }, { session }).lean().exec()) !== null;
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
