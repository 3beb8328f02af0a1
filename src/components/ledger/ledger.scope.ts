import { ROLES, type Principal } from '../auth';
import type { EventActor, LedgerEvent } from './ledger.contract';
import type { Filter } from './ledger.repository';

/**
 * THE rule of who reads which events, in one place. Every path that hands out an event — a
 * timeline, a listing, an EPCIS document (the erroneous event an error declaration repeats
 * included), an export bundle, a duplicate answer, a batch or capture outcome — asks this rule,
 * as a query filter (`eventScope`) or as a check of one event (`mayReadEvent`); both are built
 * from the same field equalities, so they cannot disagree.
 *
 * A regulator reads city-wide or in its district (by the event's district: its site's), an
 * enterprise admin its enterprise's, an operator or delivery worker what they recorded themselves.
 */
export type EventReader = Pick<Principal, 'role' | 'userId' | 'enterpriseId' | 'districtCode'>;

type ScopedField = 'districtCode' | 'enterpriseId' | 'actor.id';
/** Field → the value an event must have there; null: nothing at all. */
type Scope = Partial<Record<ScopedField, string>> | null;

function scopeOf(reader: EventReader): Scope {
  switch (reader.role) {
    case 'city_regulator':
    case 'auditor':
      return {};
    case 'district_regulator':
      return reader.districtCode ? { districtCode: reader.districtCode } : null;
    case 'enterprise_admin':
      return reader.enterpriseId ? { enterpriseId: reader.enterpriseId } : null;
    case 'filling_operator':
    case 'delivery_worker':
      return reader.enterpriseId ? { enterpriseId: reader.enterpriseId, 'actor.id': reader.userId } : null;
  }
}

const NOTHING: Filter = { eventId: { $in: [] } };

/** The reader's events as a query filter over `events`. */
export function eventScope(reader: EventReader): Filter {
  return scopeOf(reader) ?? NOTHING;
}

const valueOf = (event: Pick<LedgerEvent, 'districtCode' | 'enterpriseId' | 'actor'>, field: ScopedField): string =>
  field === 'actor.id' ? event.actor.id : event[field];

/** Whether the reader may read this one event: the same rule as `eventScope`. */
export function mayReadEvent(reader: EventReader, event: Pick<LedgerEvent, 'districtCode' | 'enterpriseId' | 'actor'>): boolean {
  const scope = scopeOf(reader);
  if (!scope) return false;
  return (Object.entries(scope) as [ScopedField, string][]).every(([field, value]) => valueOf(event, field) === value);
}

/**
 * The reader behind an event's actor, for answering it with a stored event: a user reads as its
 * role; a worker or device reads back what it recorded itself, like an operator.
 */
export function readerOfActor(actor: EventActor): EventReader | undefined {
  const enterprise = actor.enterpriseId ? { enterpriseId: actor.enterpriseId } : {};
  if (actor.kind !== 'user') return { role: 'filling_operator', userId: actor.id, ...enterprise };
  return isRole(actor.role) ? { role: actor.role, userId: actor.id, ...enterprise } : undefined;
}

function isRole(role: string | undefined): role is EventReader['role'] {
  return (ROLES as readonly (string | undefined)[]).includes(role);
}
