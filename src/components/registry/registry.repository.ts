import type { AnyBulkWriteOperation, ClientSession, Model } from 'mongoose';
import { LEGACY_ENTERPRISE_LICENCE_INDEX, type StoredDoc } from './registry.model';

export type Filter = Record<string, unknown>;
export type Sort = Record<string, 1 | -1>;

/** The only place registry code touches mongoose; plain objects in, plain objects out. */
export function createRecordRepository(model: Model<StoredDoc>) {
  return {
    async findOne(filter: Filter, session?: ClientSession): Promise<StoredDoc | null> {
      return model.findOne(filter, null, { session }).lean<StoredDoc>().exec();
    },
    async find(filter: Filter, sort: Sort, limit: number, session?: ClientSession): Promise<StoredDoc[]> {
      return model.find(filter, null, { session }).sort(sort).limit(limit).lean<StoredDoc[]>().exec();
    },
    async findAll(filter: Filter, session?: ClientSession): Promise<StoredDoc[]> {
      return model.find(filter, null, { session }).lean<StoredDoc[]>().exec();
    },
    /** The fields of each unique index of the collection (the natural key's among them). */
    uniqueKeys(): string[][] {
      return model.schema.indexes().filter(([, options]) => options?.unique === true).map(([fields]) => Object.keys(fields));
    },
    async insertOne(doc: StoredDoc, session?: ClientSession): Promise<void> {
      await model.create([doc], { session });
    },
    async insertMany(docs: StoredDoc[], session?: ClientSession): Promise<void> {
      if (docs.length > 0) await model.insertMany(docs, { session, lean: true });
    },
    async updateOne(filter: Filter, set: Filter, unset: Filter, session?: ClientSession): Promise<boolean> {
      const update = { $set: set, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) };
      const result = await model.updateOne(filter, update, { session }).exec();
      return result.matchedCount === 1;
    },
    async bulkUpdate(ops: { filter: Filter; set: Filter; unset: Filter }[], session?: ClientSession): Promise<void> {
      if (ops.length === 0) return;
      const writes: AnyBulkWriteOperation<StoredDoc>[] = ops.map((op) => ({
        updateOne: {
          filter: op.filter,
          update: { $set: op.set, ...(Object.keys(op.unset).length > 0 ? { $unset: op.unset } : {}) },
        },
      }));
      await model.bulkWrite(writes, { session, ordered: true });
    },
  };
}

export type RecordRepository = ReturnType<typeof createRecordRepository>;

/** Builds every registry model's indexes (the natural keys and the GRAI are unique); awaited before serving. */
export async function initModels(models: Record<string, Model<StoredDoc>>): Promise<void> {
  // A database from before optional licences has the full unique index, on the same key as its partial successor: two
  // enterprises still applying (no number) would collide. Dropped before the models build theirs.
  const enterprises = models.enterprises?.collection;
  const legacy = enterprises ? await enterprises.indexExists(LEGACY_ENTERPRISE_LICENCE_INDEX).catch(() => false) : false;
  if (enterprises && legacy) await enterprises.dropIndex(LEGACY_ENTERPRISE_LICENCE_INDEX);
  await Promise.all(Object.values(models).map((model) => model.init()));
}

/** Inserts the record unless one matches `filter`; never changes an existing one (idempotent seeding). */
export async function insertIfMissing(model: Model<StoredDoc>, filter: Filter, doc: Omit<StoredDoc, '_id'>): Promise<void> {
  await model.updateOne(filter, { $setOnInsert: doc }, { upsert: true }).exec();
}
