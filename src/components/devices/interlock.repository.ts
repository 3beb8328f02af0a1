import type { Collection } from 'mongodb';
import { Schema, Types, type Connection, type Model } from 'mongoose';
import { createGroupCommit } from '../../shared/db/group-commit';
import type { Rejection } from '../ledger';
import type { PreFillChecks } from './interlock.decide';

/**
 * Every interlock decision, allow or deny, and every refused fill report (`interlock_decisions`),
 * each at a position `seq` 1, 2, 3, … that only grows: supervision reads them in that order
 * (decisionsAfter). An allow is also the authorization a fill report names (`_id`). A position
 * taken for a decision that is then not stored (a resent or replayed authorize) holds a
 * placeholder of kind `released` that readers step over.
 */
export interface StoredDecision {
  _id: Types.ObjectId;
  seq: number;
  kind: 'authorize' | 'report_refused';
  decision: 'allow' | 'deny';
  reasons: Rejection[];
  deviceId: string;
  siteId: string;
  enterpriseId: string;
  districtCode: string;
  cylinderId?: string;
  /** The code as the scale sent it (URI, GRAI or serial). */
  code: string;
  /** The staff number or card code as sent, and the worker it named. */
  operator: string;
  operatorWorkerId?: string;
  /** The scale's idempotency key of an authorize request. */
  requestId?: string;
  /** The refused report's fill id. */
  fillId?: string;
  at: Date;
  /** An allow: until when it may start a fill. */
  expiresAt?: Date;
  cylinder?: { grai?: string; serial: string; model: string; nominalKg: number; tareKg?: number };
  targetNetKg?: number | null;
  maxGrossKg?: number | null;
  checks?: PreFillChecks;
  /** An allow given on arrival to a fill made offline against an allowlist, with what the interlock would deny now. */
  offline?: { allowlistId: string; deniedNow: Rejection[] };
  /** The fill that used this authorization (one fill per allow). */
  usedByFillId?: string | null;
}

export type NewDecision = Omit<StoredDecision, '_id' | 'seq'> & { _id?: Types.ObjectId };

const decisionSchema = new Schema<StoredDecision>({ seq: Number }, { collection: 'interlock_decisions', versionKey: false, strict: false, autoCreate: true });
decisionSchema.index({ seq: 1 }, { unique: true });
// A scale resending an authorize request (same requestId) gets the decision it was given.
decisionSchema.index({ deviceId: 1, requestId: 1 }, { unique: true, partialFilterExpression: { requestId: { $type: 'string' } } });
decisionSchema.index({ districtCode: 1, seq: 1 });
decisionSchema.index({ enterpriseId: 1, seq: 1 });
// KPIs: the denials of a period (denialsByReason).
decisionSchema.index({ decision: 1, at: 1 });
// A station's decisions, newest first (the station console: denials with their reasons).
decisionSchema.index({ siteId: 1, seq: -1 });

const counterSchema = new Schema<{ _id: string; seq: number }>({ _id: String, seq: Number }, { collection: 'interlock_counters', versionKey: false, autoCreate: true });

function models(connection: Connection) {
  const decisions = (connection.models.InterlockDecision as Model<StoredDecision> | undefined) ?? connection.model<StoredDecision>('InterlockDecision', decisionSchema);
  const counters = (connection.models.InterlockCounter as Model<{ _id: string; seq: number }> | undefined) ?? connection.model('InterlockCounter', counterSchema);
  return { decisions, counters };
}

/**
 * A position left empty this long is given up on by readers: its writer died between taking the
 * position and writing the decision (or lost a duplicate race). Younger holes are a write still
 * in flight, so a reader stops before them and finds the decision on its next read.
 */
export const GAP_GRACE_MS = 10_000;

/** The kind of the placeholder at a position taken for a decision that was never stored (`release`). */
const VOID = 'released';

export type InterlockRepository = ReturnType<typeof createInterlockRepository>;

export function createInterlockRepository(connection: Connection, now: () => Date = () => new Date()) {
  const { decisions: Decisions, counters: Counters } = models(connection);
  const decisions = Decisions.collection as unknown as Collection<StoredDecision>;
  const counters = Counters.collection as unknown as Collection<{ _id: string; seq: number }>;

  /**
   * Decisions of concurrent requests are written together: one position range taken from the
   * counter, one insert. Without a transaction: a reader copes with a hole (GAP_GRACE_MS).
   */
  const write = createGroupCommit<NewDecision, StoredDecision>(async (requests) => {
    const all = requests.flat();
    const taken = await counters.findOneAndUpdate({ _id: 'decisions' }, { $inc: { seq: all.length } }, { upsert: true, returnDocument: 'after' });
    let seq = (taken?.seq ?? all.length) - all.length;
    const docs = all.map((d): StoredDecision => ({ ...d, _id: d._id ?? new Types.ObjectId(), seq: ++seq }));
    const duplicates = new Set<number>();
    try {
      await decisions.insertMany(docs, { ordered: false });
    } catch (error) {
      // A resent authorize request raced its first copy: that one's position stays a hole.
      for (const e of (error as { writeErrors?: { index: number; code?: number }[] }).writeErrors ?? []) {
        if (e.code !== 11000) throw error;
        duplicates.add(e.index);
      }
      if (duplicates.size === 0) throw error;
    }
    const stored = await Promise.all(docs.map(async (d, i) => (duplicates.has(i) ? ((await decisions.findOne({ deviceId: d.deviceId, requestId: d.requestId as string })) as StoredDecision) : d)));
    let next = 0;
    return requests.map((items) => stored.slice(next, (next += items.length)));
  }, 500);

  /** The decision a resent authorize request was first given (its requestId is unique per device). */
  const byRequest = (deviceId: string, requestId: string) => decisions.findOne({ deviceId, requestId });

  /** Fills a taken position no decision will have, so that readers need not wait GAP_GRACE_MS at it. */
  async function release(seq: number): Promise<void> {
    await decisions.insertOne({ _id: new Types.ObjectId(), seq, kind: VOID, at: now() } as unknown as StoredDecision);
  }

  return {
    async init(): Promise<void> {
      await Promise.all([Decisions.init(), Counters.init()]);
    },
    /** Stores decisions at the next positions; a resent authorize request gets its first decision back. */
    append: (items: readonly NewDecision[]): Promise<StoredDecision[]> => write(items),
    /**
     * Takes the next position for one decision on its own (an authorize takes it while its facts
     * are read, so that storing the decision is then one insert); `storeAt` or `release` must follow.
     */
    async reserve(): Promise<number> {
      const taken = await counters.findOneAndUpdate({ _id: 'decisions' }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' });
      return taken?.seq ?? 1;
    },
    /**
     * Stores a decision at a position `reserve` took. A resent authorize request that raced its
     * first copy gets that one back, and the position is released.
     */
    async storeAt(seq: number, item: NewDecision): Promise<StoredDecision> {
      const doc: StoredDecision = { ...item, _id: item._id ?? new Types.ObjectId(), seq };
      try {
        await decisions.insertOne(doc);
        return doc;
      } catch (error) {
        const duplicate = (error as { code?: number }).code === 11000 && item.requestId !== undefined;
        if (!duplicate) throw error;
        const first = await byRequest(item.deviceId, item.requestId as string);
        if (!first) throw error;
        await release(seq);
        return first;
      }
    },
    release,
    byRequest,
    byId: (id: string) => (Types.ObjectId.isValid(id) ? decisions.findOne({ _id: new Types.ObjectId(id) }) : Promise.resolve(null)),
    /**
     * Marks an allow as used by `fillId`, once: 'ok' when it is (or already was) this fill's,
     * 'used' when another fill has it.
     */
    async consume(id: Types.ObjectId, fillId: string): Promise<'ok' | 'used'> {
      const taken = await decisions.updateOne({ _id: id, $or: [{ usedByFillId: null }, { usedByFillId: { $exists: false } }, { usedByFillId: fillId }] }, { $set: { usedByFillId: fillId } });
      return taken.matchedCount === 1 ? 'ok' : 'used';
    },
    /**
     * The interlock's denials of authorize requests in [from, to), counted per reason by the
     * database (a denial with two reasons counts under each), in a district or enterprise.
     */
    async denialsByReason(scope: { districtCode?: string; enterpriseId?: string }, from: Date, to: Date): Promise<{ reason: string; count: number }[]> {
      const match = { decision: 'deny', at: { $gte: from, $lt: to }, kind: 'authorize', ...(scope.districtCode ? { districtCode: scope.districtCode } : {}), ...(scope.enterpriseId ? { enterpriseId: scope.enterpriseId } : {}) };
      const rows = await decisions.aggregate([{ $match: match }, { $unwind: '$reasons' }, { $group: { _id: '$reasons.reason', count: { $sum: 1 } } }]).toArray();
      return rows.map((r) => ({ reason: String(r._id), count: Number(r.count) })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
    },
    /** A station's decisions, newest first: of one kind of answer, since an instant, before a position. */
    atStation(query: { siteId: string; decision?: 'allow' | 'deny'; from?: Date; to?: Date; beforeSeq?: number; limit: number }): Promise<StoredDecision[]> {
      const filter: Record<string, unknown> = { siteId: query.siteId };
      if (query.decision) filter.decision = query.decision;
      if (query.from || query.to) filter.at = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lt: query.to } : {}) };
      if (query.beforeSeq !== undefined) filter.seq = { $lt: query.beforeSeq };
      return decisions.find(filter).sort({ seq: -1 }).limit(query.limit).toArray();
    },
    /** Decisions after position `afterSeq`, in order, up to the first hole younger than GAP_GRACE_MS. */
    async after(afterSeq: number, limit: number): Promise<StoredDecision[]> {
      const run: StoredDecision[] = [];
      let expected = afterSeq + 1;
      // A released position is read past like a decision and given to no one (so a page may need another read).
      for (;;) {
        const docs = await decisions.find({ seq: { $gte: expected } }).sort({ seq: 1 }).limit(limit).toArray();
        for (const doc of docs) {
          if (doc.seq !== expected && now().getTime() - doc.at.getTime() < GAP_GRACE_MS) return run;
          expected = doc.seq + 1;
          if ((doc.kind as string) === VOID) continue;
          run.push(doc);
          if (run.length === limit) return run;
        }
        if (docs.length < limit) return run;
      }
    },
  };
}
