import { Schema, type Connection, type Model } from 'mongoose';

/** One leaf of the global Merkle log: the event at log position `index` (its logSeq). */
export interface LeafDoc {
  index: number;
  eventId: string;
  /** SHA-256(0x00 || bytes of the event's hash), hex. */
  leafHash: string;
  /** Set when the position was damaged before it was integrated: the log-integrity incident. */
  incident?: LogIncident;
}

export const INCIDENT_KINDS = ['EVENT_ALTERED', 'EVENT_MISSING'] as const;

/**
 * A damaged log position, recorded once by the integrator that found it. EVENT_ALTERED: the stored
 * event no longer matches its own hash; the leaf carries that stored hash (what the event had when
 * only its content was edited). EVENT_MISSING: no event holds the position; the leaf is a sentinel.
 */
export interface LogIncident {
  kind: (typeof INCIDENT_KINDS)[number];
  detectedAt: Date;
  cylinderId: string | null;
  detail: string;
}

/** A signed tree head, stored as issued. */
export interface CheckpointDoc {
  treeSize: number;
  rootHash: string;
  timestamp: string;
  keyId: string;
  signature: string;
}

const leafSchema = new Schema<LeafDoc>(
  {
    index: { type: Number, required: true },
    eventId: { type: String, required: true },
    leafHash: { type: String, required: true },
    incident: { type: { kind: String, detectedAt: Date, cylinderId: String, detail: String }, required: false, _id: false },
  },
  { collection: 'log_leaves', versionKey: false },
);
// Two integrators racing for one position: the second insert fails instead of forking the log.
leafSchema.index({ index: 1 }, { unique: true });
leafSchema.index({ eventId: 1 }, { unique: true });
// The regulator's incident list and the readiness warning read only the damaged positions.
leafSchema.index({ 'incident.detectedAt': -1 }, { partialFilterExpression: { incident: { $exists: true } } });

const checkpointSchema = new Schema<CheckpointDoc>(
  {
    treeSize: { type: Number, required: true },
    rootHash: { type: String, required: true },
    timestamp: { type: String, required: true },
    keyId: { type: String, required: true },
    signature: { type: String, required: true },
  },
  { collection: 'checkpoints', versionKey: false },
);
checkpointSchema.index({ treeSize: 1 }, { unique: true });

export interface LogModels {
  leaves: Model<LeafDoc>;
  checkpoints: Model<CheckpointDoc>;
}

export function logModels(connection: Connection): LogModels {
  return {
    leaves: (connection.models.LogLeaf as Model<LeafDoc> | undefined) ?? connection.model<LeafDoc>('LogLeaf', leafSchema),
    checkpoints:
      (connection.models.LedgerCheckpoint as Model<CheckpointDoc> | undefined) ??
      connection.model<CheckpointDoc>('LedgerCheckpoint', checkpointSchema),
  };
}
