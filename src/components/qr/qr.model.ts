import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** A GRAI taken out of circulation (its cylinder was scrapped); never issued again. */
export interface RetiredGraiDoc {
  _id: Types.ObjectId;
  grai: string;
  cylinderId: Types.ObjectId;
  retiredAt: Date;
}

/**
 * One public scan of a verification link. No personal data: no IP address, no user agent; only a
 * truncated keyed hash of the address that changes every day (to spot floods and clones within a
 * day, never to follow a person) and, when the client offered one, a location rounded to ~1 km.
 */
export interface PublicScanDoc {
  _id: Types.ObjectId;
  /** Position among the scans, 0, 1, 2, ... gap-free (taken in the scan's own transaction): supervision reads them in order. */
  seq: number;
  grai: string;
  verdict: string;
  warnings: string[];
  at: Date;
  clientHash: string;
  location?: { lat: number; lng: number };
}

export interface PublicReportDoc {
  _id: Types.ObjectId;
  /** Position among the reports, as a scan's among the scans. */
  seq: number;
  grai: string;
  reason: string;
  note?: string;
  /** [longitude, latitude], as GeoJSON and the registry's sites store them. */
  coordinates?: [number, number];
  verdict: string;
  at: Date;
  clientHash: string;
  /** 举报回执号 `JB` + 10 characters, shown to the reporter, who reads the outcome with it. (Absent on reports stored before receipts existed.) */
  receipt?: string;
  /** How to reach the reporter, when given: the regulators' queue shows it, nothing else does. */
  contact?: string;
  /** From the location (the nearest registered site); null: the city's queue. */
  districtCode?: string | null;
  /** The queue's state (absent: new). A duplicate follows the report it duplicates. */
  status?: PublicReportStatus;
  /** Later reports of the same code at the same place (≈100 m) within the window. */
  duplicates?: number;
  duplicateOf?: Types.ObjectId;
  caseId?: string | null;
  outcome?: 'rectified' | 'unfounded' | null;
  dismissal?: { reason: string; by: { userId: string; username: string; role: string }; at: Date };
  updatedAt?: Date;
}

export const PUBLIC_REPORT_STATUSES = ['new', 'in_case', 'closed', 'dismissed'] as const;
export type PublicReportStatus = (typeof PUBLIC_REPORT_STATUSES)[number];

export interface CounterDoc {
  _id: string;
  seq: number;
}

const options = { versionKey: false as const, strict: 'throw' as const };

function schemas() {
  const retired = new Schema<RetiredGraiDoc>(
    { grai: { type: String, required: true }, cylinderId: { type: Schema.Types.ObjectId, required: true }, retiredAt: { type: Date, required: true } },
    { ...options, collection: 'retired_grais' },
  );
  retired.index({ grai: 1 }, { unique: true });

  const scans = new Schema<PublicScanDoc>(
    {
      seq: Number,
      grai: { type: String, required: true },
      verdict: { type: String, required: true },
      warnings: { type: [String], required: true },
      at: { type: Date, required: true },
      clientHash: { type: String, required: true },
      location: { type: new Schema({ lat: Number, lng: Number }, { _id: false }), required: false },
    },
    { ...options, collection: 'public_scans' },
  );
  scans.index({ grai: 1, at: -1 });
  scans.index({ at: -1 });
  scans.index({ seq: 1 }, { unique: true, partialFilterExpression: { seq: { $exists: true } } });

  const reports = new Schema<PublicReportDoc>(
    {
      seq: Number,
      grai: { type: String, required: true },
      reason: { type: String, required: true },
      note: String,
      coordinates: { type: [Number], default: undefined },
      verdict: { type: String, required: true },
      at: { type: Date, required: true },
      clientHash: { type: String, required: true },
      receipt: String,
      contact: String,
      districtCode: { type: String, default: undefined },
      status: { type: String, enum: PUBLIC_REPORT_STATUSES },
      duplicates: Number,
      duplicateOf: Schema.Types.ObjectId,
      caseId: { type: String, default: undefined },
      outcome: { type: String, default: undefined },
      dismissal: { type: new Schema({ reason: String, by: { userId: String, username: String, role: String }, at: Date }, { _id: false }), required: false },
      updatedAt: Date,
    },
    { ...options, collection: 'public_reports' },
  );
  reports.index({ receipt: 1 }, { unique: true, partialFilterExpression: { receipt: { $exists: true } } });
  // The regulators' queue: originals newest first, by district and status; a case's reports.
  reports.index({ districtCode: 1, status: 1, at: -1 });
  reports.index({ caseId: 1 });
  reports.index({ grai: 1, at: -1 });
  reports.index({ at: -1 });
  reports.index({ seq: 1 }, { unique: true, partialFilterExpression: { seq: { $exists: true } } });

  const counters = new Schema<CounterDoc>({ _id: String, seq: { type: Number, required: true } }, { ...options, collection: 'qr_counters' });
  return { retired, scans, reports, counters };
}

export interface QrModels {
  retired: Model<RetiredGraiDoc>;
  scans: Model<PublicScanDoc>;
  reports: Model<PublicReportDoc>;
  counters: Model<CounterDoc>;
}

const NAMES = { retired: 'RetiredGrai', scans: 'PublicScan', reports: 'PublicReport', counters: 'QrCounter' } as const;

export function qrModels(connection: Connection): QrModels {
  const defs = schemas();
  const bind = <K extends keyof QrModels>(key: K): QrModels[K] =>
    (connection.models[NAMES[key]] ?? connection.model(NAMES[key], defs[key] as Schema)) as QrModels[K];
  return { retired: bind('retired'), scans: bind('scans'), reports: bind('reports'), counters: bind('counters') };
}
