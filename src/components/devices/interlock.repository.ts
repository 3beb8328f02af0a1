import type { Collection } from 'mongodb';
import { Schema, Types, type Connection, type Model } from 'mongoose';
import { createGroupCommit } from '../../shared/db/group-commit';
import type { Rejection } from '../ledger';
import type { PreFillChecks } from './interlock.decide';

/**
 * Every interlock decision, allow or deny, and every refused fill report (`interlock_decisions`),
 * each at a position `seq` 1, 2, 3, … that only grows: supervision reads them in that order
 * (decisionsAfter). An allow is also the authorization a fill report names (`_id`).
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

  return {
    async init(): Promise<void> {
      await Promise.all([Decisions.init(), Counters.init()]);
    },
    /** Stores decisions at the next positions; a resent authorize request gets its first decision back. */
    append: (items: readonly NewDecision[]): Promise<StoredDecision[]> => write(items),
    byRequest: (deviceId: string, requestId: string) => decisions.findOne({ deviceId, requestId }),
    byId: (id: string) => (Types.ObjectId.isValid(id) ? decisions.findOne({ _id: new Types.ObjectId(id) }) : Promise.resolve(null)),
    /**
     * Marks an allow as used by `fillId`, once: 'ok' when it is (or already was) this fill's,
     * 'used' when another fill has it.
     */
    async consume(id: Types.ObjectId, fillId: string): Promise<'ok' | 'used'> {
      const taken = await decisions.updateOne({ _id: id, $or: [{ usedByFillId: null }, { usedByFillId: { $exists: false } }, { usedByFillId: fillId }] }, { $set: { usedByFillId: fillId } });
      return taken.matchedCount === 1 ? 'ok' : 'used';
    },
    /** Decisions after position `afterSeq`, in order, up to the first hole younger than GAP_GRACE_MS. */
    async after(afterSeq: number, limit: number): Promise<StoredDecision[]> {
      const docs = await decisions.find({ seq: { $gt: afterSeq } }).sort({ seq: 1 }).limit(limit).toArray();
      const run: StoredDecision[] = [];
      let expected = afterSeq + 1;
      for (const doc of docs) {
        if (doc.seq !== expected && now().getTime() - doc.at.getTime() < GAP_GRACE_MS) break;
        run.push(doc);
        expected = doc.seq + 1;
      }
      return run;
    },
  };
}
