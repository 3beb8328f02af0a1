import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** A login session = one refresh-token family. Revoking it ends every token issued in it. */
export interface SessionDocument {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  createdAt: Date;
  /** The family cannot be refreshed past this, however often it rotates. */
  expiresAt: Date;
  revokedAt?: Date | null;
  revokedReason?: 'logout' | 'reuse' | 'password_change' | 'deactivated' | null;
}

/** One refresh token, stored only as its SHA-256 hash. */
export interface RefreshTokenDocument {
  _id: Types.ObjectId;
  tokenHash: string;
  sessionId: Types.ObjectId;
  userId: Types.ObjectId;
  expiresAt: Date;
  /** Set when it was exchanged for a new token; presenting it again is reuse. */
  usedAt?: Date | null;
  createdAt: Date;
}

const sessionSchema = new Schema<SessionDocument>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
    revokedReason: { type: String, default: null },
  },
  { collection: 'auth_sessions', strict: 'throw' },
);
sessionSchema.index({ userId: 1, revokedAt: 1 });
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

const refreshTokenSchema = new Schema<RefreshTokenDocument>(
  {
    tokenHash: { type: String, required: true },
    sessionId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'auth_refresh_tokens', strict: 'throw' },
);
refreshTokenSchema.index({ tokenHash: 1 }, { unique: true });
// Used tokens are kept until they expire, so that their reuse is still recognised.
refreshTokenSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function sessionModel(connection: Connection): Model<SessionDocument> {
  return (connection.models.AuthSession as Model<SessionDocument> | undefined) ?? connection.model<SessionDocument>('AuthSession', sessionSchema);
}

export function refreshTokenModel(connection: Connection): Model<RefreshTokenDocument> {
  return (
    (connection.models.AuthRefreshToken as Model<RefreshTokenDocument> | undefined) ??
    connection.model<RefreshTokenDocument>('AuthRefreshToken', refreshTokenSchema)
  );
}
