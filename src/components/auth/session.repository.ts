import { Types, type Connection } from 'mongoose';
import { refreshTokenModel, sessionModel, type RefreshTokenDocument, type SessionDocument } from './session.model';

export type RevokeReason = NonNullable<SessionDocument['revokedReason']>;

export interface SessionRecord {
  id: string;
  userId: string;
  expiresAt: Date;
  revoked: boolean;
}

export interface RefreshTokenRecord {
  id: string;
  sessionId: string;
  userId: string;
  expiresAt: Date;
  /** When it was exchanged for a new token; null while it is unused. */
  usedAt: Date | null;
}

export interface SessionRepository {
  createSession(userId: string, now: Date, expiresAt: Date): Promise<SessionRecord>;
  findSession(id: string): Promise<SessionRecord | undefined>;
  addRefreshToken(token: { tokenHash: string; sessionId: string; userId: string; expiresAt: Date }, now: Date): Promise<void>;
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /** Marks the token used; false when another request already did (a race is reuse too). */
  markUsed(id: string, now: Date): Promise<boolean>;
  revokeSession(id: string, reason: RevokeReason, now: Date): Promise<void>;
  /** Revokes every open session of the user but `exceptSessionId`. */
  revokeUserSessions(userId: string, reason: RevokeReason, now: Date, exceptSessionId?: string): Promise<void>;
  ensureIndexes(): Promise<void>;
}

const oid = (id: string) => new Types.ObjectId(id);

function toSession(doc: SessionDocument): SessionRecord {
  return { id: doc._id.toHexString(), userId: doc.userId.toHexString(), expiresAt: doc.expiresAt, revoked: !!doc.revokedAt };
}

function toToken(doc: RefreshTokenDocument): RefreshTokenRecord {
  return {
    id: doc._id.toHexString(),
    sessionId: doc.sessionId.toHexString(),
    userId: doc.userId.toHexString(),
    expiresAt: doc.expiresAt,
    usedAt: doc.usedAt ?? null,
  };
}

export function createSessionRepository(connection: Connection): SessionRepository {
  const Session = sessionModel(connection);
  const RefreshToken = refreshTokenModel(connection);
  return {
    async createSession(userId, now, expiresAt) {
      const [doc] = await Session.create([{ userId: oid(userId), createdAt: now, expiresAt }]);
      if (!doc) throw new Error('session insert returned nothing');
      return toSession(doc.toObject());
    },
    async findSession(id) {
      const doc = await Session.findById(oid(id)).lean<SessionDocument>().exec();
      return doc ? toSession(doc) : undefined;
    },
    async addRefreshToken(token, now) {
      await RefreshToken.create([
        { tokenHash: token.tokenHash, sessionId: oid(token.sessionId), userId: oid(token.userId), expiresAt: token.expiresAt, createdAt: now },
      ]);
    },
    async findRefreshToken(tokenHash) {
      const doc = await RefreshToken.findOne({ tokenHash }).lean<RefreshTokenDocument>().exec();
      return doc ? toToken(doc) : undefined;
    },
    async markUsed(id, now) {
      const res = await RefreshToken.updateOne({ _id: oid(id), usedAt: null }, { $set: { usedAt: now } }).exec();
      return res.modifiedCount === 1;
    },
    async revokeSession(id, reason, now) {
      await Session.updateOne({ _id: oid(id), revokedAt: null }, { $set: { revokedAt: now, revokedReason: reason } }).exec();
    },
    async revokeUserSessions(userId, reason, now, exceptSessionId) {
      const filter: Record<string, unknown> = { userId: oid(userId), revokedAt: null };
      if (exceptSessionId) filter._id = { $ne: oid(exceptSessionId) };
      await Session.updateMany(filter, { $set: { revokedAt: now, revokedReason: reason } }).exec();
    },
    async ensureIndexes() {
      await Promise.all([Session.init(), RefreshToken.init()]);
    },
  };
}
