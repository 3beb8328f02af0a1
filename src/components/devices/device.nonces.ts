import type { Collection } from 'mongodb';
import { Schema, type Connection, type Model } from 'mongoose';

/**
 * The nonces devices have used, kept in MongoDB until their request could no longer be accepted
 * anyway (its timestamp left the ±5 minute window): a replay is refused by every app process and
 * after a restart. The unique `_id` (device and nonce) makes two concurrent uses of one nonce
 * collide in the database, so exactly one of them gets through; the TTL index removes the spent
 * ones (MongoDB sweeps about once a minute, which only keeps them a little longer).
 */
interface NonceDocument {
  _id: string;
  expiresAt: Date;
}

const nonceSchema = new Schema<NonceDocument>({ _id: String, expiresAt: { type: Date, required: true } }, { collection: 'device_nonces', versionKey: false });
nonceSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

function nonceModel(connection: Connection): Model<NonceDocument> {
  return (connection.models.DeviceNonce as Model<NonceDocument> | undefined) ?? connection.model<NonceDocument>('DeviceNonce', nonceSchema);
}

export interface NonceStore {
  /** Records the nonce; false when this device has used it already (a replay). */
  claim(deviceId: string, nonce: string, expiresAt: Date): Promise<boolean>;
  ensureIndexes(): Promise<void>;
}

export function createNonceStore(connection: Connection): NonceStore {
  const Nonce = nonceModel(connection);
  // The driver's collection, typed by its string ids (a claim is one insert on the request path).
  const nonces = Nonce.collection as unknown as Collection<NonceDocument>;
  return {
    async claim(deviceId, nonce, expiresAt) {
      try {
        await nonces.insertOne({ _id: `${deviceId}:${nonce}`, expiresAt });
        return true;
      } catch (error) {
        if ((error as { code?: unknown }).code === 11000) return false;
        throw error;
      }
    },
    async ensureIndexes() {
      await Nonce.init();
    },
  };
}
