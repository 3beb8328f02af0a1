import { daysFrom, next, yearsFrom } from './sequence';

export interface CredentialInput {
  number: string;
  scope?: string;
  issuer?: string;
  validFrom?: string;
  validTo: string;
  suspendedAt?: string;
  revokedAt?: string;
}

/** Licences, permits and certificates in each derived state, relative to `now`. */
export function aCredential(prefix: string, now = new Date()) {
  const c: CredentialInput = { number: `${prefix}${String(next()).padStart(6, '0')}`, validFrom: yearsFrom(now, -1), validTo: yearsFrom(now, 2) };
  const builder = {
    withScope(scope: string, issuer: string) {
      c.scope = scope;
      c.issuer = issuer;
      return builder;
    },
    valid() {
      return builder;
    },
    numbered(number: string) {
      c.number = number;
      return builder;
    },
    expiring(days = 10) {
      c.validTo = daysFrom(now, days);
      return builder;
    },
    expired() {
      c.validFrom = yearsFrom(now, -3);
      c.validTo = daysFrom(now, -5);
      return builder;
    },
    suspended() {
      c.suspendedAt = daysFrom(now, -1);
      return builder;
    },
    revoked() {
      c.revokedAt = daysFrom(now, -1);
      return builder;
    },
    build(): CredentialInput {
      return { ...c };
    },
  };
  return builder;
}
