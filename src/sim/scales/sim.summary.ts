/** What the simulator counts, and the live line it prints. */
export interface SimSummary {
  startedAt: string;
  elapsedS: number;
  stations: number;
  scales: number;
  authorizations: number;
  allows: number;
  /** Denials by reason code (a deny with several reasons counts each). */
  denials: Record<string, number>;
  fills: { accepted: number; duplicate: number; refused: number };
  /** Refused fill reports by reason code. */
  refusals: Record<string, number>;
  /** Reports held by scales offline right now, and the bursts uploaded so far. */
  buffered: number;
  bursts: number;
  burstReports: number;
  /** Scales offline now, and the fills they did not start because they fail closed. */
  offline: number;
  /** Fills made offline against a signed allowlist (buffered, judged again on arrival). */
  offlineFills: number;
  failedClosed: number;
  clockResyncs: number;
  heartbeats: number;
  reweighs: number;
  /** Filled cylinders sent round (dispatch → supply point → back empty). */
  roundTrips: number;
  /** Scales that found no fillable cylinder free at their station. */
  idle: number;
  errors: number;
  lastError: string | null;
  authorizeMs: { n: number; p50: number | null; p99: number | null };
}

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? null;
}

/** A fixed-size sample of the latest latencies (the summary's percentiles). */
export class LatencySample {
  private readonly values: number[] = [];
  private next = 0;
  constructor(private readonly size = 20_000) {}
  add(ms: number): void {
    if (this.values.length < this.size) this.values.push(ms);
    else this.values[this.next++ % this.size] = ms;
  }
  stats(): SimSummary['authorizeMs'] {
    const sorted = [...this.values].sort((a, b) => a - b);
    const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
    return { n: sorted.length, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)) };
  }
}

export const bump = (counts: Record<string, number>, key: string, by = 1) => {
  counts[key] = (counts[key] ?? 0) + by;
};

/** One line a terminal can redraw: fills, denials by reason, buffered. */
export function summaryLine(s: SimSummary): string {
  const denials = Object.entries(s.denials)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code}=${n}`)
    .join(' ');
  return [
    `[${s.elapsedS}s] ${s.scales} scales/${s.stations} stations`,
    `fills ${s.fills.accepted} (+${s.fills.duplicate} dup, ${s.fills.refused} refused)`,
    `authorize ${s.authorizations} (allow ${s.allows}) p50 ${s.authorizeMs.p50 ?? '-'} ms p99 ${s.authorizeMs.p99 ?? '-'} ms`,
    `denials ${denials || '-'}`,
    `buffered ${s.buffered} (offline ${s.offline}, offline fills ${s.offlineFills}, bursts ${s.bursts}/${s.burstReports} reports, fail-closed ${s.failedClosed})`,
    `clock resyncs ${s.clockResyncs}, round trips ${s.roundTrips}, reweighs ${s.reweighs}, idle ${s.idle}, errors ${s.errors}`,
  ].join(' | ');
}
