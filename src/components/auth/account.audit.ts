import type { ClientSession } from 'mongoose';
import type { Principal } from './auth.principal';
import type { UserRecord } from './user.repository';
import { toUserView } from './user.view';

/** One change to one account, as the audit trail takes it (the audit component's `record`). */
export interface AccountChange {
  actor: Principal;
  action: 'create' | 'update' | 'deactivate' | 'password_change';
  resource: 'users';
  recordId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** Where account changes are written, inside the change's own transaction. */
export interface AccountAudit {
  record(change: AccountChange, session?: ClientSession): Promise<void>;
}

/**
 * What the trail keeps of an account: its view (never the password hash or the failure counter)
 * without the bookkeeping of ids and login times. A password change shows only as its date moving.
 */
export function accountSnapshot(user: UserRecord, now: Date): Record<string, unknown> {
  const { id: _id, createdAt: _created, updatedAt: _updated, lastLoginAt: _login, ...kept } = toUserView(user, now);
  return kept;
}
