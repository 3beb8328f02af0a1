import { decide, type Candidate, type Decision, type Facts, type Verdict } from './ledger.decide';
import { REJECTION_REASONS } from './ledger.reasons';

const FLOW_INCOMPLETE: Verdict = {
  status: 'rejected',
  reason: 'FLOW_INCOMPLETE',
  detail: `${REJECTION_REASONS.FLOW_INCOMPLETE.en}: nothing of the flow is recorded`,
};

/**
 * `decide` for a group in which some requests are atomic (pure): an atomic request — a delivery
 * flow, one use case — is recorded whole or not at all. When one of its events is refused, its
 * other events are withdrawn (answered FLOW_INCOMPLETE, not kept: they were not refused on their
 * merits) and the group is decided again without them, since a later event may have counted on the
 * state they would have left; until no atomic request is left half-accepted. The refusals of a
 * withdrawn request are kept as decided when it was withdrawn.
 */
export function decideUnits(candidates: readonly Candidate[], facts: Facts, atomic: ReadonlySet<number>): Decision {
  if (atomic.size === 0) return decide(candidates, facts);
  const withdrawn = new Map<number, Verdict>();
  const withdrawnKept: Pick<Decision, 'kept' | 'keptOf'> = { kept: [], keptOf: [] };
  const inconsistent = new Set<string>();
  let active = candidates.map((_, i) => i);
  for (;;) {
    const decision = decide(active.map((i) => candidates[i] as Candidate), facts);
    decision.inconsistent.forEach((id) => inconsistent.add(id));
    const requestOf = (k: number) => (candidates[active[k] as number] as Candidate).request;
    const refused = new Set<number>();
    const accepted = new Set<number>();
    decision.verdicts.forEach((v, k) => {
      if (!atomic.has(requestOf(k))) return;
      if (v.status === 'rejected') refused.add(requestOf(k));
      if (v.status === 'accepted') accepted.add(requestOf(k));
    });
    const failing = new Set([...refused].filter((r) => accepted.has(r)));
    if (failing.size === 0) return merged(decision, active, withdrawn, withdrawnKept, inconsistent, candidates.length);
    decision.verdicts.forEach((v, k) => {
      if (!failing.has(requestOf(k))) return;
      const original = active[k] as number;
      const withinGroup = v.status === 'accepted' || (v.status === 'duplicate' && 'of' in v);
      withdrawn.set(original, withinGroup ? FLOW_INCOMPLETE : v);
    });
    decision.kept.forEach((doc, j) => {
      const original = active[decision.keptOf[j] as number] as number;
      if (!withdrawn.has(original)) return;
      withdrawnKept.kept.push(doc);
      withdrawnKept.keptOf.push(original);
    });
    active = active.filter((i) => !withdrawn.has(i));
  }
}

/** The last decision over the active candidates, spread back over the whole group's indexes. */
function merged(decision: Decision, active: readonly number[], withdrawn: ReadonlyMap<number, Verdict>, withdrawnKept: Pick<Decision, 'kept' | 'keptOf'>, inconsistent: ReadonlySet<string>, size: number): Decision {
  const verdicts: Verdict[] = new Array<Verdict>(size);
  withdrawn.forEach((v, i) => {
    verdicts[i] = v;
  });
  decision.verdicts.forEach((v, k) => {
    verdicts[active[k] as number] = v.status === 'duplicate' && 'of' in v ? { status: 'duplicate', of: active[v.of] as number } : v;
  });
  return {
    verdicts,
    kept: [...withdrawnKept.kept, ...decision.kept],
    keptOf: [...withdrawnKept.keptOf, ...decision.keptOf.map((k) => active[k] as number)],
    inconsistent: [...inconsistent],
    recheck: decision.recheck,
  };
}
