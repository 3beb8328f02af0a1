import { Schema, type Connection, type Model, type Types } from 'mongoose';

export const DEVICE_KINDS = ['filling_scale'] as const;
export const DEVICE_STATUSES = ['active', 'revoked'] as const;

export interface DeviceDocument {
  _id: Types.ObjectId;
  kind: (typeof DEVICE_KINDS)[number];
  name: string;
  serialNumber?: string | null;
  siteId: Types.ObjectId;
  enterpriseId: Types.ObjectId;
  districtCode: string;
  status: (typeof DEVICE_STATUSES)[number];
  /** HMAC-SHA256 of the secret under the server's device key: verifies a presented secret. */
  secretHash: string;
  /** Random input from which the secret is derived under the server key (see device.secret.ts). */
  secretSalt: string;
  keyVersion: number;
  createdBy: Types.ObjectId;
  revokedAt?: Date | null;
  revokedBy?: Types.ObjectId | null;
  /** The last signed request the platform accepted from it: offline detection. */
  lastSeenAt?: Date | null;
  /** A regulator's remote lock of this scale (its station's lock is in station_locks). */
  lock?: { reason: string; at: Date; by: string; byRole: string } | null;
  /** What its last heartbeat said (firmware, calibration due date as YYYY-MM-DD, reports buffered offline). */
  firmware?: string | null;
  calibrationDueOn?: string | null;
  bufferedReports?: number | null;
  lastHeartbeatAt?: Date | null;
  heartbeatSequence?: number | null;
  /** The highest upload sequence number of its fill reports. */
  reportSequence?: number | null;
  createdAt: Date;
  updatedAt: Date;
}

const deviceSchema = new Schema<DeviceDocument>(
  {
    kind: { type: String, required: true, enum: DEVICE_KINDS },
    name: { type: String, required: true },
    serialNumber: { type: String, default: null },
    siteId: { type: Schema.Types.ObjectId, required: true },
    enterpriseId: { type: Schema.Types.ObjectId, required: true },
    districtCode: { type: String, required: true },
    status: { type: String, required: true, enum: DEVICE_STATUSES },
    secretHash: { type: String, required: true },
    secretSalt: { type: String, required: true },
    keyVersion: { type: Number, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    revokedAt: { type: Date, default: null },
    revokedBy: { type: Schema.Types.ObjectId, default: null },
    lastSeenAt: { type: Date, default: null },
    lock: { type: new Schema({ reason: String, at: Date, by: String, byRole: String }, { _id: false }), default: null },
    firmware: { type: String, default: null },
    calibrationDueOn: { type: String, default: null },
    bufferedReports: { type: Number, default: null },
    lastHeartbeatAt: { type: Date, default: null },
    heartbeatSequence: { type: Number, default: null },
    reportSequence: { type: Number, default: null },
  },
  { collection: 'devices', timestamps: true, strict: 'throw' },
);
deviceSchema.index({ enterpriseId: 1, _id: 1 });
deviceSchema.index({ districtCode: 1, _id: 1 });
deviceSchema.index({ siteId: 1, _id: 1 });
// Offline detection: active scales by when they were last heard from.
deviceSchema.index({ status: 1, lastSeenAt: 1 });
// A scale's serial number is unique within its enterprise.
deviceSchema.index({ enterpriseId: 1, serialNumber: 1 }, { unique: true, partialFilterExpression: { serialNumber: { $type: 'string' } } });

export function deviceModel(connection: Connection): Model<DeviceDocument> {
  return (connection.models.Device as Model<DeviceDocument> | undefined) ?? connection.model<DeviceDocument>('Device', deviceSchema);
}
