import type { FieldError } from '../../shared/errors/app.error';
import { zodFieldErrors } from '../../shared/errors/problem.mapper';
import { aheadOfPlatform, MAX_CLOCK_AHEAD_MS } from '../../shared/http/date.schema';
import type { AppendOutcome } from './ledger.contract';
import { eventInput, type EventInput } from './ledger.schemas';

/** How far ahead of the platform clock a device clock may be before its event is refused. */
export const MAX_CLOCK_SKEW_MS = MAX_CLOCK_AHEAD_MS;

/** One event of a request after the edge: either an input to decide on, or its answer already. */
export type Intake = { input: EventInput } | { answer: AppendOutcome };

/** Parses raw request items with the edge schema (each exactly once), then admits them. */
export function parseEvents(raws: readonly unknown[], receivedAt: Date): Intake[] {
  return raws.map((raw) => {
    const parsed = eventInput.safeParse(raw);
    if (parsed.success) return admit(parsed.data, receivedAt);
    return refused(idOf(raw), zodFieldErrors(parsed.error));
  });
}

/**
 * Admits an input the edge schema has already parsed (POST /events parses its body itself, for
 * the field-by-field 400): refuses a device clock too far ahead, and normalizes.
 */
export function admit(input: EventInput, receivedAt: Date): Intake {
  const ahead = aheadOfPlatform(input.occurredAt, receivedAt, 'occurredAt');
  if (ahead.length > 0) return refused(input.eventId, ahead);
  return { input: normalize(input) };
}

/** Refused at the edge: the fields that are wrong, listed (and in `detail`, one line). */
function refused(eventId: string, errors: FieldError[]): Intake {
  return { answer: { eventId, status: 'rejected', reason: 'VALIDATION_FAILED', detail: errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors } };
}

/** receive / return_empty name their site in the payload, dispatch its vehicle: `where` carries them too, for the indexes. */
function normalize(input: EventInput): EventInput {
  const siteId = input.where.siteId ?? (typeof input.payload.siteId === 'string' ? input.payload.siteId : undefined);
  const vehicleId = input.where.vehicleId ?? (typeof input.payload.vehicleId === 'string' ? input.payload.vehicleId : undefined);
  return { ...input, where: { ...input.where, ...(siteId ? { siteId } : {}), ...(vehicleId ? { vehicleId } : {}) } };
}

/** The id an invalid item claims, to answer it by (cut to a UUID's length and a bit). */
function idOf(raw: unknown): string {
  const id = typeof raw === 'object' && raw !== null ? (raw as { eventId?: unknown }).eventId : undefined;
  return typeof id === 'string' ? id.slice(0, 64) : '';
}
