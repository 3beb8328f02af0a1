import { eventHash } from './ledger.canonical';
import type { CylinderState, LedgerEvent } from './ledger.contract';

export const CHAIN_PROBLEMS = [
  'HASH_MISMATCH', 'PREV_HASH_MISMATCH', 'SEQUENCE_GAP', 'STATE_DISCONTINUITY', 'NOT_IN_SIGNED_LOG', 'HEAD_MISMATCH', 'PROJECTION_MISMATCH',
] as const;
export type ChainProblem = (typeof CHAIN_PROBLEMS)[number];

export interface ChainVerification {
  ok: boolean;
  events: number;
  headHash: string | null;
  firstBadEventId?: string;
  reason?: ChainProblem;
  detail?: string;
}

/** What the projection claims about the chain; never trusted, only compared. */
export interface ProjectedHead {
  headHash: string;
  headEventId: string;
  state: CylinderState;
  cylinderSeq: number;
}

/** A check of each event against something outside the chain (the signed log); a reason when it fails. */
export type EventCheck = (event: LedgerEvent) => string | undefined;

/**
 * Verifies one cylinder's chain, oldest first: every hash recomputed from the event's content,
 * every prevHash equal to the previous event's hash, positions 0..n-1 without a gap, every event
 * starting in the state the previous one ended in (the first in `unregistered`), each event passing
 * `checkEvent` (inclusion in the signed log), and the projection (head hash, state, position) equal
 * to what the chain ends in — so a deleted last event or an edited projection is caught too.
 * Pure over an (async) iterable, so a 100,000-event chain is never held in memory at once.
 */
export async function verifyChain(
  events: AsyncIterable<LedgerEvent> | Iterable<LedgerEvent>,
  projection?: ProjectedHead | null,
  checkEvent?: EventCheck,
): Promise<ChainVerification> {
  let count = 0;
  let prev: LedgerEvent | undefined;
  const bad = (event: LedgerEvent, reason: ChainProblem, detail?: string): ChainVerification => ({
    ok: false, events: count, headHash: prev?.hash ?? null, firstBadEventId: event.eventId, reason, ...(detail ? { detail } : {}),
  });
  for await (const event of events) {
    if (event.cylinderSeq !== count) return bad(event, 'SEQUENCE_GAP');
    if (event.prevHash !== (prev ? prev.hash : null)) return bad(event, 'PREV_HASH_MISMATCH');
    if (eventHash(event) !== event.hash) return bad(event, 'HASH_MISMATCH');
    const before: CylinderState = prev ? prev.toState : 'unregistered';
    if (event.fromState !== before) return bad(event, 'STATE_DISCONTINUITY', `starts in ${event.fromState}, but the previous event ended in ${before}`);
    const outside = checkEvent?.(event);
    if (outside) return bad(event, 'NOT_IN_SIGNED_LOG', outside);
    prev = event;
    count++;
  }
  const headHash = prev?.hash ?? null;
  const fromProjection = projectionMismatch(projection ?? null, prev, count);
  if (fromProjection) return { ok: false, events: count, headHash, ...fromProjection };
  return { ok: true, events: count, headHash };
}

function projectionMismatch(projection: ProjectedHead | null, last: LedgerEvent | undefined, count: number): Pick<ChainVerification, 'firstBadEventId' | 'reason' | 'detail'> | undefined {
  if (!projection) return last ? { firstBadEventId: last.eventId, reason: 'PROJECTION_MISMATCH', detail: 'the chain has events but the cylinder has no projection' } : undefined;
  if (projection.headHash !== (last?.hash ?? null)) return { firstBadEventId: projection.headEventId, reason: 'HEAD_MISMATCH' };
  const differs: string[] = [];
  if (projection.state !== last?.toState) differs.push(`state ${projection.state} (chain: ${last?.toState ?? 'none'})`);
  if (projection.cylinderSeq !== count - 1) differs.push(`last position ${projection.cylinderSeq} (chain: ${count - 1})`);
  if (projection.headEventId !== last?.eventId) differs.push(`head event ${projection.headEventId} (chain: ${last?.eventId ?? 'none'})`);
  if (differs.length === 0) return undefined;
  return { firstBadEventId: projection.headEventId, reason: 'PROJECTION_MISMATCH', detail: `the projection says ${differs.join(', ')}` };
}
