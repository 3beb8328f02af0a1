import type { Collection, Filter } from 'mongodb';
import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { FillAnomaly } from '../ledger';
import type { PreFillChecks } from './interlock.decide';

/**
 * The filling record (充装记录) of each fill a scale reported, with what the local standards ask
 * a record to carry (DB4114/T 185 §6): the cylinder's code and steel stamp, the station and its
 * filling licence, the scale and its calibration date, the operator and the certificate number,
 * each pre-fill check item, tare (measured and registered), the permitted fill mass, start and end
 * as sent (ISO 8601 with zone), the net, its deviation from the permitted mass, the anomalies.
 * One per (scale, fillId), however often it is sent; its ledger event is the `fill` it names.
 */
export interface FillRecord {
  _id: Types.ObjectId;
  /** The scale; null for a fill recorded without one (manual mode). */
  deviceId: string | null;
  fillId: string;
  /** The scale's own upload sequence number. */
  sequence: number;
  eventId: string;
  inspectEventId?: string;
  authorizationId: string | null;
  /** Made offline against an allowlist: what the interlock would deny on arrival (empty: nothing). */
  offline?: { allowlistId: string; deniedNow: string[] };
  /** Recorded through the user API or EPCIS capture while the station was in manual mode (no scale). */
  manual?: boolean;
  cylinder: { id: string; grai?: string; serial: string; model: string; nominalKg: number; registeredTareKg?: number };
  station: { id: string; name?: string; fillingLicenceNumber?: string };
  enterpriseId: string;
  districtCode: string;
  scale: { id: string; name: string; serialNumber?: string; calibrationDueOn?: string } | null;
  operator: { workerId?: string; staffNumber?: string; certificateNumber?: string };
  checks?: PreFillChecks;
  tareKg: number;
  grossKg: number;
  netKg: number;
  permittedNetKg: number;
  /** net − permitted fill mass (positive: above it). */
  deviationKg: number;
  anomalies: FillAnomaly[];
  /** As the scale sent them (with their zone), and as instants. */
  startedAt: string;
  endedAt: string;
  startedAtInstant: Date;
  endedAtInstant: Date;
  /** The city's calendar day of the end of the fill (UTC+8): fills per station per day. */
  day: string;
  receivedAt: Date;
}

export type NewFillRecord = Omit<FillRecord, '_id'>;

const schema = new Schema<FillRecord>({ deviceId: String, fillId: String }, { collection: 'fill_records', versionKey: false, strict: false, autoCreate: true });
// The scale's fill id is its idempotency key: stored once, also when sent concurrently.
schema.index({ deviceId: 1, fillId: 1 }, { unique: true });
// The three listings, each one indexed read (newest first within its key).
schema.index({ 'station.id': 1, day: 1, endedAtInstant: -1, _id: -1 });
schema.index({ 'station.id': 1, endedAtInstant: -1, _id: -1 });
schema.index({ deviceId: 1, endedAtInstant: -1, _id: -1 });
schema.index({ 'operator.workerId': 1, endedAtInstant: -1, _id: -1 });

function model(connection: Connection): Model<FillRecord> {
  return (connection.models.FillRecord as Model<FillRecord> | undefined) ?? connection.model<FillRecord>('FillRecord', schema);
}

/** How far the manual-fill projection has read the ledger (manual-fills.projector.ts). */
const positionSchema = new Schema<{ _id: string; logSeq: number }>({ _id: String, logSeq: Number }, { collection: 'fill_record_positions', versionKey: false, autoCreate: true });
function positionModel(connection: Connection): Model<{ _id: string; logSeq: number }> {
  return (connection.models.FillRecordPosition as Model<{ _id: string; logSeq: number }> | undefined) ?? connection.model('FillRecordPosition', positionSchema);
}
const MANUAL_FILLS = 'manual-fills';

export type FillRecordQuery = ({ siteId: string; day?: string } | { deviceId: string } | { operatorWorkerId: string }) & {
  /** Scope: the caller's enterprise or district, when the caller is not city-wide. */
  enterpriseId?: string;
  districtCode?: string;
  /** Strictly after this position (the last record of the previous page). */
  after?: { endedAt: Date; id: string };
  limit: number;
};

export type FillRecordsRepository = ReturnType<typeof createFillRecordsRepository>;

export function createFillRecordsRepository(connection: Connection) {
  const Model = model(connection);
  const records = Model.collection as unknown as Collection<FillRecord>;
  const positions = positionModel(connection).collection as unknown as Collection<{ _id: string; logSeq: number }>;
  return {
    init: async () => {
      await Promise.all([Model.init(), positionModel(connection).init()]);
    },
    /** The manual-fill projection's position: it only moves forward, whichever process writes it. */
    position: {
      get: async () => (await positions.findOne({ _id: MANUAL_FILLS }))?.logSeq,
      set: async (logSeq: number) => {
        await positions.updateOne({ _id: MANUAL_FILLS }, { $max: { logSeq } }, { upsert: true });
      },
    },
    /** Stores the record unless the scale's fill id has one; answers the stored one either way. */
    async store(record: NewFillRecord): Promise<{ record: FillRecord; created: boolean }> {
      const key = { deviceId: record.deviceId, fillId: record.fillId };
      try {
        const result = await records.updateOne(key, { $setOnInsert: { ...record, _id: new Types.ObjectId() } }, { upsert: true });
        const stored = (await records.findOne(key)) as FillRecord;
        return { record: stored, created: result.upsertedCount === 1 };
      } catch (error) {
        // Two copies of one report upserting at once: the unique key lets one in.
        if ((error as { code?: unknown }).code !== 11000) throw error;
        return { record: (await records.findOne(key)) as FillRecord, created: false };
      }
    },
    byFill: (deviceId: string, fillId: string) => records.findOne({ deviceId, fillId }),
    /** One indexed read: by station (and day), by scale or by operator, newest first. */
    async list(query: FillRecordQuery): Promise<FillRecord[]> {
      const filter: Filter<FillRecord> = {};
      if ('siteId' in query) {
        filter['station.id'] = query.siteId;
        if (query.day) filter.day = query.day;
      } else if ('deviceId' in query) filter.deviceId = query.deviceId;
      else filter['operator.workerId'] = query.operatorWorkerId;
      if (query.enterpriseId) filter.enterpriseId = query.enterpriseId;
      if (query.districtCode) filter.districtCode = query.districtCode;
      if (query.after) {
        const { endedAt, id } = query.after;
        filter.$or = [{ endedAtInstant: { $lt: endedAt } }, { endedAtInstant: endedAt, _id: { $lt: new Types.ObjectId(id) } }];
      }
      return records.find(filter).sort({ endedAtInstant: -1, _id: -1 }).limit(query.limit).toArray();
    },
  };
}
