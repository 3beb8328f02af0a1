import { eventHash } from './ledger.canonical';
import type { LedgerEvent } from './ledger.contract';

export type ChainProblem = 'HASH_MISMATCH' | 'PREV_HASH_MISMATCH' | 'SEQUENCE_GAP' | 'HEAD_MISMATCH';

export interface ChainVerification {
  ok: boolean;
  events: number;
  headHash: string | null;
  firstBadEventId?: string;
  reason?: ChainProblem;
}

/**
 * Verifies one cylinder's chain, oldest first: every hash recomputed from the event's content,
 * every prevHash equal to the previous event's hash, positions 0..n-1 without a gap, and the
 * last hash equal to the head the projection recorded (so a deleted last event is caught too).
 * Pure over an (async) iterable, so a 100,000-event chain is never held in memory at once.
 */
export async function verifyChain(events: AsyncIterable<LedgerEvent> | Iterable<LedgerEvent>, expectedHead?: { headHash: string; headEventId: string } | null): Promise<ChainVerification> {
  let count = 0;
  let prev: LedgerEvent | undefined;
  const bad = (event: LedgerEvent, reason: ChainProblem): ChainVerification => ({ ok: false, events: count, headHash: prev?.hash ?? null, firstBadEventId: event.eventId, reason });
  for await (const event of events) {
    if (event.cylinderSeq !== count) return bad(event, 'SEQUENCE_GAP');
    if (event.prevHash !== (prev ? prev.hash : null)) return bad(event, 'PREV_HASH_MISMATCH');
    if (eventHash(event) !== event.hash) return bad(event, 'HASH_MISMATCH');
    prev = event;
    count++;
  }
  const headHash = prev?.hash ?? null;
  if (expectedHead && expectedHead.headHash !== headHash) {
    return { ok: false, events: count, headHash, firstBadEventId: expectedHead.headEventId, reason: 'HEAD_MISMATCH' };
  }
  return { ok: true, events: count, headHash };
}
