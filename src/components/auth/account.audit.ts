import type { ClientSession } from 'mongoose';
import type { Principal } from './auth.principal';
import type { UserRecord } from './user.repository';

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

/** Runs work in one transaction (a connection's), or directly when there is no audit to keep in step. */
export type Transactional = <T>(work: (session?: ClientSession) => Promise<T>) => Promise<T>;

/**
 * What the trail keeps of an account: who it is and what it may do. Never the password hash, the
 * failure counter or login times — a password change shows only as its date moving.
 */
export function accountSnapshot(user: UserRecord): Record<string, unknown> {
  return {
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    ...(user.enterpriseId ? { enterpriseId: user.enterpriseId } : {}),
    ...(user.districtCode ? { districtCode: user.districtCode } : {}),
    ...(user.workerId ? { workerId: user.workerId } : {}),
    active: user.active,
    ...(user.lockedUntil ? { lockedUntil: user.lockedUntil.toISOString() } : {}),
    passwordChangedAt: user.passwordChangedAt.toISOString(),
  };
}
