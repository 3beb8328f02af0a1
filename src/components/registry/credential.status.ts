import { addDays, type RegistryPolicy } from './registry.policy';

/**
 * The status of a licence, permit or certificate, always derived from its verification, its dates
 * and suspension / revocation at the moment of reading — never a stored "valid" flag. A credential
 * no regulator has verified (only submitted by its holder) is `unverified` whatever its dates say.
 */
export const CREDENTIAL_STATUSES = ['valid', 'expiring', 'expired', 'not_yet_valid', 'unverified', 'rejected', 'suspended', 'revoked', 'missing'] as const;
export type CredentialStatus = (typeof CREDENTIAL_STATUSES)[number];

export interface CredentialDates {
  validFrom?: Date | null;
  validTo: Date;
  suspendedAt?: Date | null;
  revokedAt?: Date | null;
  /** Set when a regulator verified it (or entered it): only then does it count. */
  verifiedAt?: Date | null;
  /** Set when a regulator refused the holder's submission (never verified). */
  rejectedAt?: Date | null;
}

type Policy = Pick<RegistryPolicy, 'expiringWithinDays'>;

/**
 * Revocation wins over suspension, suspension over verification, verification over dates; a missing
 * credential is "missing". A pending renewal (credential.lifecycle.ts) does not change the status.
 */
export function credentialStatus(credential: CredentialDates | null | undefined, now: Date, policy: Policy): CredentialStatus {
  if (!credential) return 'missing';
  if (credential.revokedAt && credential.revokedAt <= now) return 'revoked';
  if (credential.suspendedAt && credential.suspendedAt <= now) return 'suspended';
  if (!credential.verifiedAt) return credential.rejectedAt ? 'rejected' : 'unverified';
  if (credential.validFrom && credential.validFrom > now) return 'not_yet_valid';
  if (credential.validTo <= now) return 'expired';
  if (credential.validTo <= addDays(now, policy.expiringWithinDays)) return 'expiring';
  return 'valid';
}

/** Whether a credential lets its holder operate today: valid or expiring, nothing else. */
export function isOperative(status: CredentialStatus): boolean {
  return status === 'valid' || status === 'expiring';
}

/**
 * The query that selects records whose credential at `path` has `status` now, the same rule as
 * credentialStatus expressed over stored dates (typed values only).
 */
export function credentialStatusFilter(path: string, status: CredentialStatus, now: Date, policy: Policy): Record<string, unknown> {
  const p = (field: string) => `${path}.${field}`;
  const notRevoked = { $or: [{ [p('revokedAt')]: null }, { [p('revokedAt')]: { $gt: now } }] };
  const notSuspended = { $or: [{ [p('suspendedAt')]: null }, { [p('suspendedAt')]: { $gt: now } }] };
  const verified = { [p('verifiedAt')]: { $ne: null } };
  const started = { $or: [{ [p('validFrom')]: null }, { [p('validFrom')]: { $lte: now } }] };
  const horizon = addDays(now, policy.expiringWithinDays);
  switch (status) {
    case 'missing':
      return { [path]: null };
    case 'revoked':
      return { [p('revokedAt')]: { $lte: now } };
    case 'suspended':
      return { $and: [notRevoked, { [p('suspendedAt')]: { $lte: now } }] };
    case 'unverified':
      return { $and: [{ [path]: { $ne: null } }, notRevoked, notSuspended, { [p('verifiedAt')]: null }, { [p('rejectedAt')]: null }] };
    case 'rejected':
      return { $and: [{ [path]: { $ne: null } }, notRevoked, notSuspended, { [p('verifiedAt')]: null }, { [p('rejectedAt')]: { $ne: null } }] };
    case 'not_yet_valid':
      return { $and: [notRevoked, notSuspended, verified, { [p('validFrom')]: { $gt: now } }] };
    case 'expired':
      return { $and: [notRevoked, notSuspended, verified, started, { [p('validTo')]: { $lte: now } }] };
    case 'expiring':
      return { $and: [notRevoked, notSuspended, verified, started, { [p('validTo')]: { $gt: now, $lte: horizon } }] };
    case 'valid':
      return { $and: [notRevoked, notSuspended, verified, started, { [p('validTo')]: { $gt: horizon } }] };
  }
}
