/**
 * The life of a case (立案 → 整改 → 复查销号) as one rules table and a pure `transition()`:
 * (status, command, outcome, who) → the next status and outcome, or a refusal naming the status
 * and the command. No I/O; every transition and every refusal is unit-tested.
 *
 *   open (立案) ─assign→ assigned (整改中) ─rectification→ submitted (待复查)
 *   submitted ─review rectified→ closed (outcome rectified)
 *             ─review not_rectified→ escalated ─assign→ assigned (again)
 *             ─review unfounded→ closed (outcome unfounded)
 *   open | assigned | escalated ─review unfounded→ closed (outcome unfounded)
 *
 * Decisions the brief leaves open, made here once:
 * - A regulator may assign an assigned case again (another officer, a new deadline); the history
 *   keeps both. A submitted case is reviewed, not reassigned.
 * - The enterprise submits once per assignment: a second submission before the review is refused
 *   (its evidence would change under the reviewing officer). A case sent back (escalated) takes
 *   a new rectification after it is assigned again.
 * - `rectified` and `not_rectified` judge a rectification, so they need one (status submitted);
 *   `unfounded` (不予立案 / 撤销) needs none: the regulator may close it at any open step.
 * - A closed case is terminal: nothing reopens it (a new finding opens a new case).
 */
export const CASE_STATUSES = ['open', 'assigned', 'submitted', 'escalated', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const REVIEW_OUTCOMES = ['rectified', 'not_rectified', 'unfounded'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/** What a closed case ended with. */
export type ClosedOutcome = 'rectified' | 'unfounded';

export const CASE_COMMANDS = ['assign', 'rectification', 'review'] as const;
export type CaseCommand = (typeof CASE_COMMANDS)[number];

/** Who acts: a regulator (city, or the case's district) or the enterprise the case is about. */
export type CaseActor = 'regulator' | 'enterprise';

export type CaseTransition =
  | { ok: true; to: CaseStatus; outcome: ClosedOutcome | null }
  | { ok: false; reason: 'CASE_TRANSITION_REFUSED' | 'CASE_ACTOR_REFUSED'; detail: string };

type Rule = (outcome: ReviewOutcome | undefined) => { to: CaseStatus; outcome?: ClosedOutcome } | undefined;

const to = (status: CaseStatus): Rule => () => ({ to: status });

const REVIEW_SUBMITTED: Rule = (outcome) => {
  if (outcome === 'rectified') return { to: 'closed', outcome: 'rectified' };
  if (outcome === 'not_rectified') return { to: 'escalated' };
  if (outcome === 'unfounded') return { to: 'closed', outcome: 'unfounded' };
  return undefined;
};
const UNFOUNDED_ONLY: Rule = (outcome) => (outcome === 'unfounded' ? { to: 'closed', outcome: 'unfounded' } : undefined);

/** For each command: who gives it, the statuses it may be given in, and where it leads. */
const RULES: Record<CaseCommand, { by: CaseActor; from: Partial<Record<CaseStatus, Rule>> }> = {
  assign: { by: 'regulator', from: { open: to('assigned'), assigned: to('assigned'), escalated: to('assigned') } },
  rectification: { by: 'enterprise', from: { assigned: to('submitted') } },
  review: { by: 'regulator', from: { submitted: REVIEW_SUBMITTED, open: UNFOUNDED_ONLY, assigned: UNFOUNDED_ONLY, escalated: UNFOUNDED_ONLY } },
};

/** The commands a status allows this actor, in table order (the view's `actions`). */
export function allowedCommands(status: CaseStatus, actor: CaseActor): CaseCommand[] {
  return CASE_COMMANDS.filter((c) => RULES[c].by === actor && RULES[c].from[status] !== undefined);
}

/** The review outcomes a status allows (a regulator's). */
export function allowedOutcomes(status: CaseStatus): ReviewOutcome[] {
  const rule = RULES.review.from[status];
  return rule ? REVIEW_OUTCOMES.filter((o) => rule(o) !== undefined) : [];
}

export function transition(status: CaseStatus, command: CaseCommand, actor: CaseActor, outcome?: ReviewOutcome): CaseTransition {
  const rules = RULES[command];
  if (rules.by !== actor) return { ok: false, reason: 'CASE_ACTOR_REFUSED', detail: `${command} is given by the ${rules.by}, not the ${actor}` };
  const rule = rules.from[status];
  const next = rule?.(outcome);
  if (!next) {
    const allowed = command === 'review' && rule ? allowedOutcomes(status).join(', ') : allowedCommands(status, actor).join(', ');
    const what = command === 'review' && outcome ? `review ${outcome}` : command;
    return { ok: false, reason: 'CASE_TRANSITION_REFUSED', detail: `${what} is not allowed in status ${status} (allowed: ${allowed || 'none'})` };
  }
  return { ok: true, to: next.to, outcome: next.outcome ?? null };
}
