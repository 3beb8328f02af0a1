import { Types, type ClientSession, type Connection, type Model } from 'mongoose';
import type { Role } from './auth.permissions';
import { userModel, type UserDocument } from './user.model';

/** A user as the service sees it: ids as strings, no mongoose in sight. */
export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  enterpriseId?: string;
  districtCode?: string;
  workerId?: string;
  active: boolean;
  passwordHash: string;
  passwordChangedAt: Date;
  failedLoginCount: number;
  lockedUntil?: Date;
  mustChangePassword: boolean;
  /** Who deactivated it, in which role; absent while active. */
  deactivatedBy?: Deactivation;
  lastLoginAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export type NewUser = Pick<UserRecord, 'username' | 'displayName' | 'role' | 'enterpriseId' | 'districtCode' | 'workerId' | 'passwordHash'> & {
  createdBy?: string;
};

export interface UserListFilter {
  role?: Role;
  enterpriseId?: string;
  districtCode?: string;
  active?: boolean;
  /** Only users with an _id greater than this (cursor pagination in _id order). */
  afterId?: string;
}

export type Scope = Record<string, unknown>;

/** Who deactivated an account: the role decides who may lift it; the user is absent on old records. */
export interface Deactivation {
  role: Role;
  userId?: string;
}

/** What a use case may change on an account; `deactivatedBy: null` clears the record of it. */
export type UserChange = Partial<
  Pick<UserDocument, 'displayName' | 'active' | 'passwordHash' | 'passwordChangedAt' | 'failedLoginCount' | 'lockedUntil' | 'mustChangePassword'>
> & { deactivatedBy?: Deactivation | null };

export interface UserRepository {
  insert(user: NewUser, now: Date, session?: ClientSession): Promise<UserRecord>;
  findById(id: string): Promise<UserRecord | undefined>;
  findByUsername(username: string): Promise<UserRecord | undefined>;
  findInScope(id: string, scope: Scope): Promise<UserRecord | undefined>;
  list(scope: Scope, filter: UserListFilter, limit: number): Promise<UserRecord[]>;
  recordLogin(id: string, now: Date): Promise<void>;
  update(id: string, scope: Scope, set: UserChange, session?: ClientSession): Promise<UserRecord | undefined>;
  ensureIndexes(): Promise<void>;
}

const oid = (id: string) => new Types.ObjectId(id);

export function toUserRecord(doc: UserDocument): UserRecord {
  return {
    id: doc._id.toHexString(),
    username: doc.username,
    displayName: doc.displayName,
    role: doc.role,
    ...(doc.enterpriseId ? { enterpriseId: doc.enterpriseId.toHexString() } : {}),
    ...(doc.districtCode ? { districtCode: doc.districtCode } : {}),
    ...(doc.workerId ? { workerId: doc.workerId.toHexString() } : {}),
    active: doc.active,
    passwordHash: doc.passwordHash,
    passwordChangedAt: doc.passwordChangedAt,
    failedLoginCount: doc.failedLoginCount,
    ...(doc.lockedUntil ? { lockedUntil: doc.lockedUntil } : {}),
    mustChangePassword: doc.mustChangePassword === true,
    ...deactivation(doc),
    ...(doc.lastLoginAt ? { lastLoginAt: doc.lastLoginAt } : {}),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

// An account deactivated before the authority was recorded counts as the city's deactivation:
// the safe reading, since only the city regulator may then lift it.
function deactivation(doc: UserDocument): Pick<UserRecord, 'deactivatedBy'> {
  if (doc.active) return {};
  return { deactivatedBy: { role: doc.deactivatedByRole ?? 'city_regulator', ...(doc.deactivatedBy ? { userId: doc.deactivatedBy.toHexString() } : {}) } };
}

function toSet(change: UserChange): Record<string, unknown> {
  const { deactivatedBy, ...rest } = change;
  if (deactivatedBy === undefined) return rest;
  return { ...rest, deactivatedBy: deactivatedBy?.userId ? oid(deactivatedBy.userId) : null, deactivatedByRole: deactivatedBy?.role ?? null };
}

export function createUserRepository(connection: Connection): UserRepository {
  const User: Model<UserDocument> = userModel(connection);
  const one = async (filter: Record<string, unknown>) => {
    const doc = await User.findOne(filter).lean<UserDocument>().exec();
    return doc ? toUserRecord(doc) : undefined;
  };
  return {
    async insert(user, now, session) {
      const [created] = await User.create(
        [
        {
          username: user.username,
          displayName: user.displayName,
          role: user.role,
          enterpriseId: user.enterpriseId ? oid(user.enterpriseId) : null,
          districtCode: user.districtCode ?? null,
          workerId: user.workerId ? oid(user.workerId) : null,
          active: true,
          passwordHash: user.passwordHash,
          passwordChangedAt: now,
          failedLoginCount: 0,
          createdBy: user.createdBy ? oid(user.createdBy) : null,
        },
        ],
        { session },
      );
      if (!created) throw new Error('user insert returned nothing');
      return toUserRecord(created.toObject());
    },
    findById: (id) => one({ _id: oid(id) }),
    findByUsername: (username) => one({ username }),
    findInScope: (id, scope) => one({ $and: [{ _id: oid(id) }, scope] }),
    async list(scope, filter, limit) {
      const where: Record<string, unknown> = {};
      if (filter.role) where.role = filter.role;
      if (filter.enterpriseId) where.enterpriseId = oid(filter.enterpriseId);
      if (filter.districtCode) where.districtCode = filter.districtCode;
      if (filter.active !== undefined) where.active = filter.active;
      if (filter.afterId) where._id = { $gt: oid(filter.afterId) };
      const docs = await User.find({ $and: [scope, where] }).sort({ _id: 1 }).limit(limit).lean<UserDocument[]>().exec();
      return docs.map(toUserRecord);
    },
    async recordLogin(id, now) {
      await User.updateOne({ _id: oid(id) }, { $set: { lastLoginAt: now } }).exec();
    },
    async update(id, scope, set, session) {
      const doc = await User.findOneAndUpdate({ $and: [{ _id: oid(id) }, scope] }, { $set: toSet(set) }, { returnDocument: 'after', session }).lean<UserDocument>().exec();
      return doc ? toUserRecord(doc) : undefined;
    },
    async ensureIndexes() {
      await User.init();
    },
  };
}
