import type { ClientSession } from 'mongoose';
import type { LifecycleChange } from '../registry';
import { eventHash } from './ledger.canonical';
import type { LedgerEvent } from './ledger.contract';
import type { Decision } from './ledger.decide';
import type { LedgerLookups } from './ledger.lookups';
import type { CylinderProjection, RejectedEvent } from './ledger.model';
import type { Types } from 'mongoose';
import { project } from './ledger.projection';
import type { LedgerRepository, ProjectionWrite } from './ledger.repository';

export interface WriteDeps {
  repo: LedgerRepository;
  lookups: Pick<LedgerLookups, 'recordLifecycle'>;
}

/**
 * Writes a group's decision in its transaction: global positions for the accepted events, their
 * chain links and hashes, the projections, the registry's record of a scrapping or an inspection,
 * and the rejections kept. Answers the written events by candidate index, and the refusals kept
 * as stored (with their ids and positions).
 */
export async function writeDecision(deps: WriteDeps, decision: Decision, before: ReadonlyMap<string, CylinderProjection>, session: ClientSession): Promise<{ events: Map<number, LedgerEvent>; refusals: (RejectedEvent & { _id: Types.ObjectId })[] }> {
  const count = decision.verdicts.filter((v) => v.status === 'accepted').length;
  const firstLogSeq = count > 0 ? await deps.repo.allocateLogSeq(count, session) : 0;
  const { events, projections } = seal(decision, before, firstLogSeq);
  const written = [...events.values()];
  await deps.repo.appendEvents(written, session);
  await deps.repo.writeProjections(projections, session);
  for (const event of written) {
    const change = lifecycleChange(event);
    if (change) await deps.lookups.recordLifecycle?.(event.cylinderId, change, session);
  }
  const firstRefusalSeq = decision.kept.length > 0 ? await deps.repo.allocateRefusalSeq(decision.kept.length, session) : 0;
  const refusals = await deps.repo.recordRejected(decision.kept.map((refusal, i) => ({ refusalSeq: firstRefusalSeq + i, ...refusal })), session);
  return { events, refusals };
}

/**
 * The accepted drafts made events (pure): consecutive global positions from `firstLogSeq` in
 * candidate order, each linked to its cylinder's previous event (the stored head, or one of this
 * group), hashed; and each touched cylinder's new projection, conditioned on the version read.
 */
export function seal(decision: Decision, before: ReadonlyMap<string, CylinderProjection>, firstLogSeq: number): { events: Map<number, LedgerEvent>; projections: ProjectionWrite[] } {
  const events = new Map<number, LedgerEvent>();
  const heads = new Map<string, CylinderProjection>();
  let logSeq = firstLogSeq;
  decision.verdicts.forEach((verdict, index) => {
    if (verdict.status !== 'accepted') return;
    const { draft, flagged } = verdict;
    const head = heads.get(draft.cylinderId) ?? before.get(draft.cylinderId) ?? null;
    const unhashed = { ...draft, logSeq: logSeq++, cylinderSeq: head ? head.cylinderSeq + 1 : 0, prevHash: head ? head.headHash : null };
    const event: LedgerEvent = { ...unhashed, hash: eventHash(unhashed) };
    events.set(index, event);
    heads.set(draft.cylinderId, project(head, event, flagged));
  });
  const projections = [...heads].map(([id, head]): ProjectionWrite => {
    const old = before.get(id);
    return old ? { update: head, expectedVersion: old.version } : { insert: head };
  });
  return { events, projections };
}

/** What an accepted event changes in the cylinder's registry record, if anything. */
function lifecycleChange(event: LedgerEvent): LifecycleChange | undefined {
  if (event.type === 'scrap' || (event.type === 'periodic_inspection' && event.payload.result === 'fail')) {
    return { scrappedAt: event.occurredAt };
  }
  if (event.type === 'periodic_inspection' && typeof event.payload.nextInspectionDate === 'string') {
    return { inspectedOn: event.occurredAt, nextInspectionDate: new Date(event.payload.nextInspectionDate) };
  }
  return undefined;
}
