/**
 * What supervision reads, and from whom. The ledger and QR identity are in this tree; the
 * filling-scale interlock's decisions and the scales' heartbeats come from the devices component
 * of the scales issue, through this interface (the contract between the branches), and are
 * optional until it exists.
 */

/** One interlock decision as the devices component stores it (contract §3), with its position. */
export interface InterlockDecision {
  seq: number;
  kind: 'authorize' | 'report_refused';
  decision: 'allow' | 'deny';
  reasons: { code: string }[];
  deviceId: string;
  siteId: string;
  enterpriseId: string;
  districtCode: string;
  cylinderId?: string;
  /** The code the scale read (GRAI). */
  code: string;
  /** The operator the scale named (a worker id). */
  operator: string;
  at: Date;
}

export interface SilentScale {
  deviceId: string;
  siteId: string;
  enterpriseId: string;
  districtCode: string;
  lastSeenAt: Date | null;
}

/** The devices component's reads for supervision (contract §3). */
export interface InterlockSource {
  /** Decisions with seq > afterSeq, in seq order. */
  decisionsAfter(afterSeq: number, limit: number): Promise<InterlockDecision[]>;
  /** Scales not heard from since `before` (null: never). */
  scalesSilentSince(before: Date): Promise<SilentScale[]>;
}
