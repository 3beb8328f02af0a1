import { Types, type AnyBulkWriteOperation, type ClientSession } from 'mongoose';
import type { EventRange } from './ledger.contract';
import type { CylinderProjection, LedgerModels, RejectedEvent, StoredEvent } from './ledger.model';

export type Filter = Record<string, unknown>;

/** Thrown when a projection changed under an append (its version moved): the append is retried. */
export class ProjectionMovedError extends Error {
  constructor() {
    super('cylinder projection changed concurrently');
    this.name = 'ProjectionMovedError';
  }
}

export type ProjectionWrite = { insert: CylinderProjection } | { update: CylinderProjection; expectedVersion: number };

const COUNTER_ID = 'events';
/** The refusals' own position counter, taken in the same transaction as the refusals it numbers. */
const REFUSAL_COUNTER_ID = 'rejected';
const NO_ID = { projection: { _id: 0 } };

/**
 * The only place the ledger touches its collections. Events are append-only: there is an insert
 * and there are reads — no update, replace or delete of an event exists here, by design.
 */
export function createLedgerRepository(models: LedgerModels) {
  const events = models.events.collection;
  const states = models.states.collection;
  /**
   * Reserves `count` consecutive positions of a counter and returns the first. Incrementing the
   * counter document inside the writing transaction is what makes its writes commit in order.
   */
  const allocate = async (counter: string, count: number, session: ClientSession): Promise<number> => {
    const before = await models.counters.collection.findOneAndUpdate({ _id: counter } as Filter, { $inc: { seq: count } }, { session, upsert: true, returnDocument: 'before' });
    return typeof before?.seq === 'number' ? before.seq : 0;
  };
  return {
    async init(): Promise<void> {
      await Promise.all([models.events.init(), models.states.init(), models.rejected.init(), models.counters.init()]);
      await models.counters.collection.updateOne({ _id: COUNTER_ID } as Filter, { $setOnInsert: { seq: 0 } }, { upsert: true });
      await models.counters.collection.updateOne({ _id: REFUSAL_COUNTER_ID } as Filter, { $setOnInsert: { seq: 0 } }, { upsert: true });
    },

    async eventsByIds(eventIds: readonly string[], session?: ClientSession): Promise<StoredEvent[]> {
      if (eventIds.length === 0) return [];
      return (await events.find({ eventId: { $in: [...eventIds] } }, { ...NO_ID, session }).toArray()) as unknown as StoredEvent[];
    },

    /** The first event of each of these cylinders' chains, where one exists. */
    async chainStarts(cylinderIds: readonly string[], session?: ClientSession): Promise<StoredEvent[]> {
      if (cylinderIds.length === 0) return [];
      return (await events.find({ cylinderId: { $in: [...cylinderIds] }, cylinderSeq: 0 }, { ...NO_ID, session }).toArray()) as unknown as StoredEvent[];
    },

    async projections(cylinderIds: readonly string[], session?: ClientSession): Promise<CylinderProjection[]> {
      if (cylinderIds.length === 0) return [];
      return (await states.find({ _id: { $in: [...cylinderIds] } } as Filter, { session }).toArray()) as unknown as CylinderProjection[];
    },

    /** Cylinders a customer holds now (the index on place.customerId). */
    async withCustomer(customerId: string, limit: number): Promise<CylinderProjection[]> {
      return (await states.find({ 'place.customerId': customerId, 'custodian.kind': 'customer' } as Filter).sort({ updatedAt: -1 }).limit(limit).toArray()) as unknown as CylinderProjection[];
    },

    async projection(cylinderId: string): Promise<CylinderProjection | null> {
      return (await states.findOne({ _id: cylinderId } as Filter)) as unknown as CylinderProjection | null;
    },

    /**
     * Reserves `count` consecutive global positions and returns the first. Incrementing the one
     * counter document inside the append transaction is what makes appends commit in logSeq order.
     */
    async allocateLogSeq(count: number, session: ClientSession): Promise<number> {
      return allocate(COUNTER_ID, count, session);
    },

    /** The same for refusals: `count` consecutive refusal positions, the first returned. */
    async allocateRefusalSeq(count: number, session: ClientSession): Promise<number> {
      return allocate(REFUSAL_COUNTER_ID, count, session);
    },

    /** Keeps refusals; answers them as stored, with their ids (the same records refusalsInOrder reads). */
    async recordRejected(docs: readonly RejectedEvent[], session: ClientSession): Promise<(RejectedEvent & { _id: Types.ObjectId })[]> {
      const stored = docs.map((d) => ({ _id: new Types.ObjectId(), ...d }));
      if (stored.length > 0) await models.rejected.collection.insertMany(stored, { session, ordered: true });
      return stored;
    },

    /** Refusals with refusalSeq > afterSeq, in position order (all when afterSeq is undefined). */
    async refusalsInOrder(afterSeq: number | undefined, limit: number): Promise<(RejectedEvent & { _id: Types.ObjectId })[]> {
      const filter = afterSeq === undefined ? { refusalSeq: { $exists: true } } : { refusalSeq: { $gt: afterSeq } };
      return (await models.rejected.collection.find(filter).sort({ refusalSeq: 1 }).limit(limit).toArray()) as unknown as (RejectedEvent & { _id: Types.ObjectId })[];
    },

    async refusalsByIds(ids: readonly Types.ObjectId[]): Promise<(RejectedEvent & { _id: Types.ObjectId })[]> {
      if (ids.length === 0) return [];
      return (await models.rejected.collection.find({ _id: { $in: [...ids] } }).toArray()) as unknown as (RejectedEvent & { _id: Types.ObjectId })[];
    },

    /** Refusals kept before positions existed, oldest first (read in the transaction that numbers them). */
    async unnumberedRefusals(limit: number, session: ClientSession): Promise<Types.ObjectId[]> {
      const docs = await models.rejected.collection.find({ refusalSeq: { $exists: false } }, { session, projection: { _id: 1 } }).sort({ receivedAt: 1, _id: 1 }).limit(limit).toArray();
      return docs.map((d) => d._id as Types.ObjectId);
    },

    async numberRefusals(ids: readonly Types.ObjectId[], first: number, session: ClientSession): Promise<void> {
      if (ids.length === 0) return;
      const ops = ids.map((_id, i): AnyBulkWriteOperation => ({ updateOne: { filter: { _id, refusalSeq: { $exists: false } }, update: { $set: { refusalSeq: first + i } } } }));
      await models.rejected.collection.bulkWrite(ops as never, { session, ordered: true });
    },

    async appendEvents(docs: readonly StoredEvent[], session: ClientSession): Promise<void> {
      // The driver adds _id to the objects it inserts; the callers' objects stay clean.
      if (docs.length > 0) await events.insertMany(docs.map((d) => ({ ...d })), { session, ordered: true });
    },

    async writeProjections(writes: readonly ProjectionWrite[], session: ClientSession): Promise<void> {
      if (writes.length === 0) return;
      const ops = writes.map((w): AnyBulkWriteOperation => {
        if ('insert' in w) return { insertOne: { document: { ...w.insert } as unknown as Filter } };
        const { _id, ...fields } = w.update;
        return { updateOne: { filter: { _id, version: w.expectedVersion }, update: { $set: fields } } };
      });
      const result = await states.bulkWrite(ops as never, { session, ordered: true });
      const updates = writes.filter((w) => 'update' in w).length;
      if (result.matchedCount !== updates) throw new ProjectionMovedError();
    },

    async find(filter: Filter, sort: Record<string, 1 | -1>, limit: number): Promise<StoredEvent[]> {
      return (await events.find(filter, NO_ID).sort(sort).limit(limit).toArray()) as unknown as StoredEvent[];
    },

    /** A cylinder's whole chain, oldest first, streamed in batches for verification. */
    chain(cylinderId: string): AsyncIterable<StoredEvent> {
      return events.find({ cylinderId }, { ...NO_ID, batchSize: 1000 }).sort({ cylinderSeq: 1 }) as unknown as AsyncIterable<StoredEvent>;
    },

    /** Refusals newest first (receivedAt, then _id), with their _id for the page cursor. */
    async rejectedPage(filter: Filter, limit: number): Promise<(RejectedEvent & { _id: Types.ObjectId })[]> {
      return (await models.rejected.collection.find(filter).sort({ receivedAt: -1, _id: -1 }).limit(limit).toArray()) as unknown as (RejectedEvent & { _id: Types.ObjectId })[];
    },

    /** A cylinder's whole chain at once, oldest first (on the cylinderId+cylinderSeq index). */
    async chainOf(cylinderId: string): Promise<StoredEvent[]> {
      return (await events.find({ cylinderId }, NO_ID).sort({ cylinderSeq: 1 }).toArray()) as unknown as StoredEvent[];
    },

    async eventsBetween(range: EventRange): Promise<StoredEvent[]> {
      const filter: Filter = {};
      if (range.cylinderId) filter.cylinderId = range.cylinderId;
      if (range.districtCode) filter.districtCode = range.districtCode;
      if (range.from || range.to) filter.occurredAt = { ...(range.from ? { $gte: range.from } : {}), ...(range.to ? { $lt: range.to } : {}) };
      return (await events.find(filter, NO_ID).sort({ logSeq: 1 }).limit(range.limit).toArray()) as unknown as StoredEvent[];
    },
  };
}

export type LedgerRepository = ReturnType<typeof createLedgerRepository>;
