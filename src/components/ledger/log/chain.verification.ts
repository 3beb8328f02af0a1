import { verifyChain, type ChainVerification, type EventCheck, type ProjectedHead } from '..';
import type { LedgerEventSource } from './log.ports';
import type { LogService } from './log.service';

export interface CylinderVerification extends ChainVerification {
  /** How the chain stands against the signed log; `pending` events are not yet under a checkpoint. */
  log: { treeSize: number; checkpointAt: string | null; keyId: string | null; included: number; pending: number };
}

/**
 * The regulator's verification of one cylinder: the chain itself (hashes, links, positions, state
 * continuity), every event against the latest signed checkpoint, and the projection against the
 * chain. Nothing in the database is trusted but what the signing key vouches for: a rewrite of an
 * event with every hash recomputed still fails inclusion once the event was checkpointed.
 */
export async function verifyCylinder(deps: { source: LedgerEventSource; log: Pick<LogService, 'attestation'> }, cylinderId: string): Promise<CylinderVerification> {
  const attestation = await deps.log.attestation();
  let counts = { included: 0, pending: 0 };
  const againstLog: EventCheck = (event) => {
    const standing = attestation.standing(event);
    if (standing.status === 'bad') return standing.detail;
    counts[standing.status] += 1;
    return undefined;
  };
  const run = async (projection: ProjectedHead | null) => {
    counts = { included: 0, pending: 0 };
    return verifyChain(deps.source.streamCylinderChain(cylinderId), projection, againstLog);
  };
  // An event appended after the attestation reads as pending, never as missing from the log...
  const projection = await deps.source.cylinderProjection(cylinderId);
  let verdict = await run(projection);
  if (verdict.reason === 'HEAD_MISMATCH' || verdict.reason === 'PROJECTION_MISMATCH') {
    // ...and one appended between reading the projection and reading the chain is not a mismatch.
    const fresh = await deps.source.cylinderProjection(cylinderId);
    if (fresh?.headHash !== projection?.headHash) verdict = await run(fresh);
  }
  const { checkpoint } = attestation;
  return {
    ...verdict,
    log: { treeSize: checkpoint?.treeSize ?? 0, checkpointAt: checkpoint?.timestamp ?? null, keyId: checkpoint?.keyId ?? null, ...counts },
  };
}
