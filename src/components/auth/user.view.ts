import type { Principal } from './auth.principal';
import type { UserView } from './auth.schemas';
import type { UserRecord } from './user.repository';

/** What the API shows of a user: never the hash, never the failure counter. */
export function toUserView(user: UserRecord, now: Date): UserView {
  const locked = !!user.lockedUntil && user.lockedUntil > now;
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    ...(user.enterpriseId ? { enterpriseId: user.enterpriseId } : {}),
    ...(user.districtCode ? { districtCode: user.districtCode } : {}),
    ...(user.workerId ? { workerId: user.workerId } : {}),
    active: user.active,
    locked,
    ...(locked && user.lockedUntil ? { lockedUntil: user.lockedUntil.toISOString() } : {}),
    mustChangePassword: user.mustChangePassword,
    ...(user.deactivatedBy ? { deactivatedByRole: user.deactivatedBy.role } : {}),
    ...(user.lastLoginAt ? { lastLoginAt: user.lastLoginAt.toISOString() } : {}),
    passwordChangedAt: user.passwordChangedAt.toISOString(),
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

/** The principal a user's tokens carry. A district only scopes district regulators. */
export function principalFor(user: UserRecord, sessionId?: string): Principal {
  return {
    kind: 'user',
    userId: user.id,
    username: user.username,
    role: user.role,
    ...(user.enterpriseId ? { enterpriseId: user.enterpriseId } : {}),
    ...(user.role === 'district_regulator' && user.districtCode ? { districtCode: user.districtCode } : {}),
    ...(user.workerId ? { workerId: user.workerId } : {}),
    ...(sessionId ? { sessionId } : {}),
    ...(user.mustChangePassword ? { mustChangePassword: true as const } : {}),
  };
}

export function isLocked(user: UserRecord, now: Date): boolean {
  return !!user.lockedUntil && user.lockedUntil > now;
}
