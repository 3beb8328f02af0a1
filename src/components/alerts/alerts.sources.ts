/**
 * What supervision reads, and from whom: the ledger and QR identity, and the filling-scale
 * interlock's decisions and the scales' heartbeats from the devices component (its types).
 */

import type { InterlockDecision, InterlockDenyCode, SilentScale } from '../devices';

export type { InterlockDecision, InterlockDenyCode, SilentScale };

/** The devices component's reads for supervision (contract §3). */
export interface InterlockSource {
  /** Decisions with seq > afterSeq, in seq order. */
  decisionsAfter(afterSeq: number, limit: number): Promise<InterlockDecision[]>;
  /** Scales not heard from since `before` (null: never). */
  scalesSilentSince(before: Date): Promise<SilentScale[]>;
}
