import type { Collection } from 'mongodb';
import { Schema, Types, type ClientSession, type Connection, type Model } from 'mongoose';

/**
 * A regulator's remote control of a station's scales (DB4114/T 185 §4.10): a lock of the whole
 * station (`station_locks`, one document per station; a single scale's lock is on its device
 * record), and the time-limited manual modes during which fills may be recorded without a scale
 * (`manual_modes`, one document per grant, kept after it ends: late uploads are judged by them).
 */
export interface ControlLock {
  reason: string;
  at: Date;
  by: string;
  byRole: string;
}

interface StationLockDocument {
  _id: string;
  enterpriseId: string;
  districtCode: string;
  lock: ControlLock | null;
}

export interface ManualMode {
  id: string;
  siteId: string;
  enterpriseId: string;
  districtCode: string;
  from: Date;
  /** When it ends (or ended, when a regulator ended it early). */
  until: Date;
  reason: string;
  grantedBy: string;
  endedBy?: string;
  endReason?: string;
}

interface ManualModeDocument extends Omit<ManualMode, 'id'> {
  _id: Types.ObjectId;
}

const lockSchema = new Schema<StationLockDocument>({ _id: String }, { collection: 'station_locks', versionKey: false, strict: false, autoCreate: true });
const manualSchema = new Schema<ManualModeDocument>({ siteId: String, until: Date }, { collection: 'manual_modes', versionKey: false, strict: false, autoCreate: true });
// A station's grants, newest ending first: the ledger reads those that may still cover a fill.
manualSchema.index({ siteId: 1, until: -1 });

function models(connection: Connection) {
  const locks = (connection.models.StationLock as Model<StationLockDocument> | undefined) ?? connection.model<StationLockDocument>('StationLock', lockSchema);
  const manual = (connection.models.ManualMode as Model<ManualModeDocument> | undefined) ?? connection.model<ManualModeDocument>('ManualMode', manualSchema);
  return { locks, manual };
}

const toMode = ({ _id, ...rest }: ManualModeDocument): ManualMode => ({ id: _id.toHexString(), ...rest });

export type ScaleControlsRepository = ReturnType<typeof createScaleControlsRepository>;

export function createScaleControlsRepository(connection: Connection) {
  const { locks: Locks, manual: Manual } = models(connection);
  const locks = Locks.collection as unknown as Collection<StationLockDocument>;
  const manual = Manual.collection as unknown as Collection<ManualModeDocument>;
  return {
    async init(): Promise<void> {
      await Promise.all([Locks.init(), Manual.init()]);
    },
    async stationLock(siteId: string): Promise<ControlLock | null> {
      return (await locks.findOne({ _id: siteId }))?.lock ?? null;
    },
    /** Sets or clears the station's lock; answers the lock it replaced. */
    async setStationLock(site: { id: string; enterpriseId: string; districtCode: string }, lock: ControlLock | null, session?: ClientSession): Promise<ControlLock | null> {
      const before = await locks.findOneAndUpdate(
        { _id: site.id },
        { $set: { lock, enterpriseId: site.enterpriseId, districtCode: site.districtCode } },
        { upsert: true, returnDocument: 'before', ...(session ? { session } : {}) },
      );
      return before?.lock ?? null;
    },
    async grantManualMode(mode: Omit<ManualMode, 'id'>, session?: ClientSession): Promise<ManualMode> {
      const doc: ManualModeDocument = { _id: new Types.ObjectId(), ...mode };
      await manual.insertOne(doc, session ? { session } : {});
      return toMode(doc);
    },
    /** The grants that end after `since`: the current one, and those a late upload may still be judged by. */
    async manualModes(siteId: string, since: Date): Promise<ManualMode[]> {
      return (await manual.find({ siteId, until: { $gt: since } }).sort({ until: -1 }).limit(20).toArray()).map(toMode);
    },
    /** Ends the grants running at `at` now; answers those it ended. */
    async endManualModes(siteId: string, at: Date, by: string, reason: string, session?: ClientSession): Promise<ManualMode[]> {
      const options = session ? { session } : {};
      const running = await manual.find({ siteId, from: { $lte: at }, until: { $gt: at } }, options).toArray();
      if (running.length === 0) return [];
      await manual.updateMany({ _id: { $in: running.map((m) => m._id) } }, { $set: { until: at, endedBy: by, endReason: reason } }, options);
      return running.map((m) => toMode({ ...m, until: at, endedBy: by, endReason: reason }));
    },
  };
}
