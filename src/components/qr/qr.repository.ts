import { Types, type ClientSession, type Connection } from 'mongoose';
import type { UnitOfWork } from '../../shared/db/unit-of-work';
import { qrModels, type PublicReportDoc, type PublicScanDoc } from './qr.model';

const SERIAL_COUNTER = 'grai-serial';
/** The scans' and the reports' position counters, taken in the transaction that stores each one. */
const POSITION_COUNTERS = { scans: 'public-scans', reports: 'public-reports' } as const;
export type PublicRecordKind = keyof typeof POSITION_COUNTERS;

/**
 * The only place QR identity touches the database: its own collections (serial counter, retired
 * codes, scans, reports). Cylinders are the registry's, read and bound through its index.ts.
 */
export function createQrRepository(connection: Connection) {
  const models = qrModels(connection);
  /** `count` consecutive positions of a counter, the first returned (0-based). */
  const nextPosition = async (kind: PublicRecordKind, count: number, session: ClientSession): Promise<number> => {
    const before = await models.counters.collection.findOneAndUpdate({ _id: POSITION_COUNTERS[kind] } as never, { $inc: { seq: count } }, { session, upsert: true, returnDocument: 'before' });
    return typeof before?.seq === 'number' ? before.seq : 0;
  };

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
    /** Stores a scan at the next position; only in a transaction, which the position counter serializes. */
    async insertScan(scan: Omit<PublicScanDoc, '_id' | 'seq'>, session: ClientSession): Promise<void> {
      const seq = await nextPosition('scans', 1, session);
      await models.scans.collection.insertOne({ _id: new Types.ObjectId(), seq, ...scan }, { session });
    },
    async insertReport(report: Omit<PublicReportDoc, '_id' | 'seq'>, session: ClientSession): Promise<string> {
      const _id = new Types.ObjectId();
      const seq = await nextPosition('reports', 1, session);
      await models.reports.collection.insertOne({ _id, seq, ...report }, { session });
      return _id.toHexString();
    },
    async reportById(id: string, scope: Record<string, unknown>, session?: ClientSession): Promise<PublicReportDoc | undefined> {
      if (!/^[0-9a-f]{24}$/.test(id)) return undefined;
      return ((await models.reports.collection.findOne({ $and: [scope, { _id: new Types.ObjectId(id) }] }, { session })) as unknown as PublicReportDoc | null) ?? undefined;
    },
    async reportByReceipt(receipt: string): Promise<PublicReportDoc | undefined> {
      return ((await models.reports.collection.findOne({ receipt })) as unknown as PublicReportDoc | null) ?? undefined;
    },
    async listReports(filter: Record<string, unknown>, limit: number): Promise<PublicReportDoc[]> {
      return (await models.reports.collection.find(filter).sort({ at: -1, _id: -1 }).limit(limit).toArray()) as unknown as PublicReportDoc[];
    },
    /** Open originals of a code reported since `since` (the candidates a new report may duplicate). */
    async openReportsOf(grai: string, since: Date, session: ClientSession): Promise<PublicReportDoc[]> {
      const filter = { grai, at: { $gte: since }, duplicateOf: { $exists: false }, status: { $nin: ['closed', 'dismissed'] } };
      return (await models.reports.collection.find(filter, { session }).sort({ at: -1 }).limit(200).toArray()) as unknown as PublicReportDoc[];
    },
    async updateReport(id: Types.ObjectId, set: Record<string, unknown>, session: ClientSession, inc?: Record<string, number>): Promise<void> {
      await models.reports.collection.updateOne({ _id: id }, { $set: set, ...(inc ? { $inc: inc } : {}) }, { session });
    },
    async closeReportsOfCase(caseId: string, set: Record<string, unknown>, session: ClientSession): Promise<void> {
      await models.reports.collection.updateMany({ caseId, status: 'in_case' }, { $set: set }, { session });
    },
    /** Scans (or reports) with seq > afterSeq, in position order (all when afterSeq is undefined). */
    async inOrder<K extends PublicRecordKind>(kind: K, afterSeq: number | undefined, limit: number): Promise<(K extends 'scans' ? PublicScanDoc : PublicReportDoc)[]> {
      const filter = afterSeq === undefined ? { seq: { $exists: true } } : { seq: { $gt: afterSeq } };
      return (await models[kind].collection.find(filter).sort({ seq: 1 }).limit(limit).toArray()) as never;
    },
    async byIds<K extends PublicRecordKind>(kind: K, ids: readonly Types.ObjectId[]): Promise<(K extends 'scans' ? PublicScanDoc : PublicReportDoc)[]> {
      if (ids.length === 0) return [];
      return (await models[kind].collection.find({ _id: { $in: [...ids] } }).toArray()) as never;
    },
    /**
     * Scans and reports stored before positions existed get theirs, oldest first, in one
     * transaction per thousand, from the same counter as new ones.
     */
    async numberOld(kind: PublicRecordKind, transaction: UnitOfWork): Promise<void> {
      for (;;) {
        const numbered = await transaction(async (session) => {
          const docs = await models[kind].collection.find({ seq: { $exists: false } }, { session, projection: { _id: 1 } }).sort({ at: 1, _id: 1 }).limit(1_000).toArray();
          if (docs.length === 0) return 0;
          const first = await nextPosition(kind, docs.length, session);
          await models[kind].collection.bulkWrite(docs.map((d, i) => ({ updateOne: { filter: { _id: d._id, seq: { $exists: false } }, update: { $set: { seq: first + i } } } })), { session, ordered: true });
          return docs.length;
        });
        if (numbered === 0) return;
      }
    },
  };
}

export type QrRepository = ReturnType<typeof createQrRepository>;
