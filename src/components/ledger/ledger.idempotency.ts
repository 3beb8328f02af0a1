import { createHash } from 'node:crypto';
import { canonicalJson } from './ledger.canonical';
import { PLATFORM_FIELDS } from './ledger.fill-limits';
import type { AppendOutcome, EventActor, LedgerEvent } from './ledger.contract';
import type { EventInput } from './ledger.schemas';
import { mayReadEvent, readerOfActor } from './ledger.scope';

/**
 * What an event id sent again is answered (issue 9, defect 3). The eventId is an idempotency key,
 * not a way to read: a resend is answered `duplicate` — with the stored event — only when it is
 * the same event (the same submitted content, by canonical hash) AND the sender may read the
 * stored one under the one read rule. Anything else is EVENT_ID_CONFLICT, worded identically
 * whether the id belongs to another enterprise or the sender reused its own id for other content,
 * so the answer tells nothing about anybody else's event.
 */
export const EVENT_ID_CONFLICT = {
  reason: 'EVENT_ID_CONFLICT',
  detail: 'eventId: is already the id of another event; send a new event with a new id',
} as const;

interface Submitted {
  type: string;
  occurredAt: Date;
  where: LedgerEvent['where'];
  payload: Record<string, unknown>;
}

/** SHA-256 of the canonical JSON of what a client submits (the cylinder reference aside). */
function submissionHash(fields: Submitted): string {
  return createHash('sha256').update(canonicalJson(fields), 'utf8').digest('hex');
}

/** What the sender said: the marks the ledger sets itself on a fill or re-weigh (ledger.fill-limits.ts) are not part of it. */
function sent(type: string, payload: Record<string, unknown>): Record<string, unknown> {
  if (type !== 'fill' && type !== 'reweigh') return payload;
  return Object.fromEntries(Object.entries(payload).filter(([key]) => !(PLATFORM_FIELDS as readonly string[]).includes(key)));
}

const ofInput = (input: EventInput): Submitted => ({ type: input.type, occurredAt: new Date(input.occurredAt), where: input.where, payload: sent(input.type, input.payload) });
/** What of a stored (or just decided) event a resend is compared with, and the read rule looks at. */
export type Answerable = Pick<LedgerEvent, 'cylinderId' | 'grai' | 'type' | 'occurredAt' | 'where' | 'payload' | 'districtCode' | 'enterpriseId' | 'actor'>;

const ofStored = (event: Answerable): Submitted => ({ type: event.type, occurredAt: event.occurredAt, where: event.where, payload: sent(event.type, event.payload) });

/**
 * Whether a (normalized) input is the stored event sent again. The cylinder may be named by id or
 * by GRAI: each name given must be the stored event's.
 */
export function isSameEvent(input: EventInput, stored: Answerable): boolean {
  if (input.cylinderId !== undefined && input.cylinderId !== stored.cylinderId) return false;
  if (input.grai !== undefined && input.grai !== stored.grai) return false;
  return submissionHash(ofInput(input)) === submissionHash(ofStored(stored));
}

/** Whether two (normalized) inputs with one id are the same submission: repeats inside one batch. */
export function isSameInput(a: EventInput, b: EventInput): boolean {
  return a.cylinderId === b.cylinderId && a.grai === b.grai && submissionHash(ofInput(a)) === submissionHash(ofInput(b));
}

export function conflict(eventId: string): AppendOutcome {
  return { eventId, status: 'rejected', ...EVENT_ID_CONFLICT };
}

/**
 * Whether `input`, sent by `actor` under the id of `stored`, is answered as its duplicate (else
 * it is EVENT_ID_CONFLICT): the same event, and the sender may read it.
 */
export function isResendOf(input: EventInput, actor: EventActor, stored: Answerable): boolean {
  const reader = readerOfActor(actor);
  return reader !== undefined && mayReadEvent(reader, stored) && isSameEvent(input, stored);
}
