import { Types, type AnyBulkWriteOperation, type ClientSession, type Connection } from 'mongoose';
import type { AlertChangePayload } from './alerts.schemas';
import type { AlertChange, AlertCounters, AlertRecord } from './alerts.merge';
import { alertModels } from './alerts.model';
import type { Track } from './alerts.tracks';

export type Filter = Record<string, unknown>;

/** Where the runner has read up to in each source (-1: nothing yet), and the sweeps it has done. */
export interface RunnerState {
  positions: { events: number; refusals: number; scans: number; reports: number; decisions: number };
  /** `external`: when each registered sweep (by name) last ran. */
  sweeps: { credentialsDay: string | null; scalesAt: Date | null; external: Record<string, Date> };
  counters: AlertCounters;
}

/** A stored change: its global position and the payload pushed to clients. */
export interface StoredChange {
  seq: number;
  districtCode: string | null;
  enterpriseId: string | null;
  payload: AlertChangePayload;
}

const RUNNER_ID = 'supervision';
const INITIAL: RunnerState = {
  positions: { events: -1, refusals: -1, scans: -1, reports: -1, decisions: -1 },
  sweeps: { credentialsDay: null, scalesAt: null, external: {} },
  counters: { seq: 0, districts: {} },
};

export const ruleSubjectOf = (a: Pick<AlertRecord, 'rule' | 'subjectKey'>): string => `${a.rule}|${a.subjectKey}`;

/** The only place supervision touches its collections. Alerts are plain typed records outside it. */
export function createAlertRepository(connection: Connection) {
  const models = alertModels(connection);
  const alerts = models.alerts.collection;
  const changes = models.changes.collection;
  const tracks = models.tracks.collection;
  const runner = models.runner.collection;

  const toRecord = (doc: Record<string, unknown>): AlertRecord => {
    const { _id, ruleSubject: _ignored, ...rest } = doc;
    return { ...(rest as Omit<AlertRecord, 'id'>), id: (_id as Types.ObjectId).toHexString() };
  };
  const toDoc = (a: AlertRecord) => {
    const { id, ...rest } = a;
    return { _id: new Types.ObjectId(id), ...rest, ruleSubject: ruleSubjectOf(a) };
  };

  return {
    async init(): Promise<void> {
      await Promise.all(Object.values(models).map((m) => m.init()));
      await runner.updateOne({ _id: RUNNER_ID } as Filter, { $setOnInsert: INITIAL }, { upsert: true });
    },

    async runnerState(session?: ClientSession): Promise<RunnerState> {
      const doc = (await runner.findOne({ _id: RUNNER_ID } as Filter, { session })) as unknown as RunnerState | null;
      return doc ? { positions: { ...INITIAL.positions, ...doc.positions }, sweeps: { ...INITIAL.sweeps, ...doc.sweeps }, counters: { ...INITIAL.counters, ...doc.counters } } : structuredClone(INITIAL);
    },

    /**
     * Claims the next pass for `pass` (one claim per pass, outside any transaction): granted when
     * nobody holds one or the holder's has run out (it crashed or hangs); answers the state the
     * pass starts from, or undefined when another runner's pass is under way.
     */
    async claimPass(pass: string, at: Date, leaseMs: number): Promise<RunnerState | undefined> {
      const doc = (await runner.findOneAndUpdate(
        { _id: RUNNER_ID, $or: [{ claim: null }, { 'claim.until': { $lte: at } }] } as Filter,
        { $set: { claim: { pass, until: new Date(at.getTime() + leaseMs) } } },
        { returnDocument: 'after' },
      )) as unknown as RunnerState | null;
      return doc ? { positions: { ...INITIAL.positions, ...doc.positions }, sweeps: { ...INITIAL.sweeps, ...doc.sweeps }, counters: { ...INITIAL.counters, ...doc.counters } } : undefined;
    },

    /** Gives a claim back without a pass (the claimed pass found nothing to do, or failed). */
    async releasePass(pass: string): Promise<void> {
      await runner.updateOne({ _id: RUNNER_ID, 'claim.pass': pass } as Filter, { $set: { claim: null } });
    },

    /**
     * The claimed pass's outcome, releasing the claim, in its transaction: written only while the
     * claim is still this pass's and the counters are those it started from (a regulator's act
     * takes a position too); answers false otherwise, and the pass is run again.
     */
    async savePass(pass: string, from: RunnerState, state: RunnerState, session: ClientSession): Promise<boolean> {
      const result = await runner.updateOne(
        { _id: RUNNER_ID, 'claim.pass': pass, 'counters.seq': from.counters.seq } as Filter,
        { $set: { positions: state.positions, sweeps: state.sweeps, counters: state.counters, claim: null } },
        { session },
      );
      return result.matchedCount === 1;
    },

    /** Only the counters (a regulator's act on an alert takes the next position). */
    async saveCounters(counters: AlertCounters, session: ClientSession): Promise<void> {
      await runner.updateOne({ _id: RUNNER_ID } as Filter, { $set: { counters } }, { session, upsert: true });
    },

    async tracks(keys: readonly string[], session?: ClientSession): Promise<Map<string, Track>> {
      if (keys.length === 0) return new Map();
      const docs = await tracks.find({ _id: { $in: [...keys] } } as Filter, session ? { session } : {}).toArray();
      return new Map(docs.map((d) => [String(d._id), d.value as Track]));
    },

    async writeTracks(changed: ReadonlyMap<string, Track>, session: ClientSession): Promise<void> {
      if (changed.size === 0) return;
      const ops = [...changed].map(([key, value]): AnyBulkWriteOperation => ({ replaceOne: { filter: { _id: key } as never, replacement: { value } as never, upsert: true } }));
      await tracks.bulkWrite(ops as never, { session, ordered: true });
    },

    /** The active alerts of these rule|subject keys. */
    async activeAlerts(keys: readonly string[], session?: ClientSession): Promise<Map<string, AlertRecord>> {
      if (keys.length === 0) return new Map();
      const docs = await alerts.find({ active: true, ruleSubject: { $in: [...keys] } }, session ? { session } : {}).toArray();
      return new Map(docs.map((d) => [String(d.ruleSubject), toRecord(d)]));
    },

    /**
     * Every active alert about these subjects (`kind:id`), whatever its rule, keyed by rule|subject:
     * read before the rules run, from the subjects a batch's inputs name.
     */
    async activeAlertsOfSubjects(subjectKeys: readonly string[]): Promise<Map<string, AlertRecord>> {
      if (subjectKeys.length === 0) return new Map();
      const docs = await alerts.find({ active: true, subjectKey: { $in: [...subjectKeys] } }).toArray();
      return new Map(docs.map((d) => [String(d.ruleSubject), toRecord(d)]));
    },

    async writeAlerts(records: readonly AlertRecord[], session: ClientSession): Promise<void> {
      if (records.length === 0) return;
      const ops = records.map((a): AnyBulkWriteOperation => {
        const doc = toDoc(a);
        return { replaceOne: { filter: { _id: doc._id } as never, replacement: doc as never, upsert: true } };
      });
      await alerts.bulkWrite(ops as never, { session, ordered: true });
    },

    async insertChanges(list: readonly AlertChange[], payloads: readonly AlertChangePayload[], session: ClientSession): Promise<void> {
      if (list.length === 0) return;
      const docs = list.map((c, i) => ({ _id: c.seq, districtKey: c.districtKey, districtSeq: c.districtSeq, alertId: c.alertId, change: c.change, districtCode: c.districtCode, enterpriseId: c.enterpriseId, at: c.at, payload: payloads[i] }));
      await changes.insertMany(docs as never, { session, ordered: true });
    },

    /** Changes with afterSeq < seq ≤ upTo (when given) within `scope`, in position order. */
    async changesAfter(afterSeq: number, scope: Filter, limit: number, upTo?: number): Promise<StoredChange[]> {
      const range = { $gt: afterSeq, ...(upTo !== undefined ? { $lte: upTo } : {}) };
      const docs = await changes.find({ $and: [scope, { _id: range }] } as Filter).sort({ _id: 1 }).limit(limit).toArray();
      return docs.map((d) => ({ seq: Number(d._id), districtCode: (d.districtCode as string | null) ?? null, enterpriseId: (d.enterpriseId as string | null) ?? null, payload: d.payload as AlertChangePayload }));
    },

    /** The highest committed change position (0 before the first). */
    async lastChangeSeq(): Promise<number> {
      const [doc] = await changes.find({}, { projection: { _id: 1 } }).sort({ _id: -1 }).limit(1).toArray();
      return doc ? Number(doc._id) : 0;
    },

    async alertById(id: string, scope: Filter, session?: ClientSession): Promise<AlertRecord | undefined> {
      if (!Types.ObjectId.isValid(id)) return undefined;
      const doc = await alerts.findOne({ $and: [scope, { _id: new Types.ObjectId(id) }] }, { session });
      return doc ? toRecord(doc) : undefined;
    },

    async alertsByIds(ids: readonly string[], scope: Filter, session?: ClientSession): Promise<AlertRecord[]> {
      const valid = ids.filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id));
      if (valid.length === 0) return [];
      return (await alerts.find({ $and: [scope, { _id: { $in: valid } }] }, { session }).toArray()).map(toRecord);
    },

    /** The active alerts handled in a case. */
    async alertsOfCase(caseId: string, session: ClientSession): Promise<AlertRecord[]> {
      return (await alerts.find({ 'case.id': caseId, active: true }, { session }).toArray()).map(toRecord);
    },

    async listAlerts(filter: Filter, direction: 1 | -1, limit: number): Promise<AlertRecord[]> {
      return (await alerts.find(filter).sort({ seq: direction }).limit(limit).toArray()).map(toRecord);
    },
  };
}

export type AlertRepository = ReturnType<typeof createAlertRepository>;
