import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { ROLES, type Role } from './auth.permissions';

export interface UserDocument {
  _id: Types.ObjectId;
  username: string;
  displayName: string;
  role: Role;
  /** Enterprise administrators, filling operators and delivery workers. */
  enterpriseId?: Types.ObjectId | null;
  /** District regulators: their district. Enterprise users: their enterprise's district (scope). */
  districtCode?: string | null;
  /** Filling operators and delivery workers: their worker record. */
  workerId?: Types.ObjectId | null;
  active: boolean;
  passwordHash: string;
  passwordChangedAt: Date;
  failedLoginCount: number;
  lockedUntil?: Date | null;
  /** Set by an administrator's reset of the password; cleared when the user changes it. */
  mustChangePassword?: boolean;
  /**
   * Who deactivated the account and in which role: only that role or a higher one lifts it.
   * Null while active (and on accounts deactivated before this was recorded: treated as the city's).
   */
  deactivatedBy?: Types.ObjectId | null;
  deactivatedByRole?: Role | null;
  lastLoginAt?: Date | null;
  createdBy?: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

const userSchema = new Schema<UserDocument>(
  {
    username: { type: String, required: true },
    displayName: { type: String, required: true },
    role: { type: String, required: true, enum: ROLES },
    enterpriseId: { type: Schema.Types.ObjectId, default: null },
    districtCode: { type: String, default: null },
    workerId: { type: Schema.Types.ObjectId, default: null },
    active: { type: Boolean, required: true, default: true },
    passwordHash: { type: String, required: true },
    passwordChangedAt: { type: Date, required: true },
    failedLoginCount: { type: Number, required: true, default: 0 },
    lockedUntil: { type: Date, default: null },
    mustChangePassword: { type: Boolean, default: false },
    deactivatedBy: { type: Schema.Types.ObjectId, default: null },
    deactivatedByRole: { type: String, enum: [...ROLES, null], default: null },
    lastLoginAt: { type: Date, default: null },
    createdBy: { type: Schema.Types.ObjectId, default: null },
  },
  { collection: 'users', timestamps: true, strict: 'throw' },
);

// Usernames are stored lower-case (the schemas enforce it), so this index is case-insensitive.
userSchema.index({ username: 1 }, { unique: true });
// Scoped lists: an enterprise's users, a district's users, each paged by _id.
userSchema.index({ enterpriseId: 1, _id: 1 });
userSchema.index({ districtCode: 1, _id: 1 });

export function userModel(connection: Connection): Model<UserDocument> {
  return (connection.models.User as Model<UserDocument> | undefined) ?? connection.model<UserDocument>('User', userSchema);
}
