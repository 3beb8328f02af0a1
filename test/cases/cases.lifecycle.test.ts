import { allowedCommands, allowedOutcomes, CASE_COMMANDS, CASE_STATUSES, REVIEW_OUTCOMES, transition, type CaseActor, type CaseCommand, type CaseStatus, type ReviewOutcome } from '../../src/components/cases/cases.lifecycle';

/**
 * Every transition of a case written out by hand (not derived from the table it checks):
 * [status, command, actor, outcome] → [next status, closed outcome].
 */
const ALLOWED: [CaseStatus, CaseCommand, CaseActor, ReviewOutcome | undefined, CaseStatus, 'rectified' | 'unfounded' | null][] = [
  ['open', 'assign', 'regulator', undefined, 'assigned', null],
  ['assigned', 'assign', 'regulator', undefined, 'assigned', null],
  ['escalated', 'assign', 'regulator', undefined, 'assigned', null],
  ['assigned', 'rectification', 'enterprise', undefined, 'submitted', null],
  ['submitted', 'review', 'regulator', 'rectified', 'closed', 'rectified'],
  ['submitted', 'review', 'regulator', 'not_rectified', 'escalated', null],
  ['submitted', 'review', 'regulator', 'unfounded', 'closed', 'unfounded'],
  ['open', 'review', 'regulator', 'unfounded', 'closed', 'unfounded'],
  ['assigned', 'review', 'regulator', 'unfounded', 'closed', 'unfounded'],
  ['escalated', 'review', 'regulator', 'unfounded', 'closed', 'unfounded'],
];

const key = (s: CaseStatus, c: CaseCommand, a: CaseActor, o: ReviewOutcome | undefined) => `${s}|${c}|${a}|${o ?? '-'}`;
const allowedKeys = new Set(ALLOWED.map(([s, c, a, o]) => key(s, c, a, o)));

describe('the case state machine', () => {
  it.each(ALLOWED)('%s —%s by the %s (%s)→ %s', (status, command, actor, outcome, to, closed) => {
    expect(transition(status, command, actor, outcome)).toEqual({ ok: true, to, outcome: closed });
  });

  // Every other combination is refused: the wrong actor, the wrong status, the wrong outcome.
  const refusals = CASE_STATUSES.flatMap((s) =>
    CASE_COMMANDS.flatMap((c) => (['regulator', 'enterprise'] as const).flatMap((a) => (c === 'review' ? REVIEW_OUTCOMES : [undefined]).map((o) => [s, c, a, o] as const))),
  ).filter(([s, c, a, o]) => !allowedKeys.has(key(s, c, a, o)));

  it('refuses the other %i combinations', () => {
    expect(refusals.length).toBe(5 * 2 * (1 + 1 + 3) - ALLOWED.length);
  });

  it.each(refusals)('refuses %s —%s by the %s (%s)', (status, command, actor, outcome) => {
    const result = transition(status, command, actor, outcome);
    expect(result.ok).toBe(false);
    const wrongActor = (command === 'rectification') !== (actor === 'enterprise');
    expect(result).toMatchObject({ reason: wrongActor ? 'CASE_ACTOR_REFUSED' : 'CASE_TRANSITION_REFUSED' });
  });

  it('names the status and what it allows when it refuses', () => {
    expect(transition('submitted', 'assign', 'regulator')).toEqual({ ok: false, reason: 'CASE_TRANSITION_REFUSED', detail: 'assign is not allowed in status submitted (allowed: review)' });
    expect(transition('assigned', 'review', 'regulator', 'rectified')).toEqual({ ok: false, reason: 'CASE_TRANSITION_REFUSED', detail: 'review rectified is not allowed in status assigned (allowed: unfounded)' });
    expect(transition('closed', 'review', 'regulator', 'unfounded')).toEqual({ ok: false, reason: 'CASE_TRANSITION_REFUSED', detail: 'review unfounded is not allowed in status closed (allowed: none)' });
    expect(transition('assigned', 'assign', 'enterprise')).toEqual({ ok: false, reason: 'CASE_ACTOR_REFUSED', detail: 'assign is given by the regulator, not the enterprise' });
  });

  it('offers each actor the next commands of a status, and nothing once closed', () => {
    expect(allowedCommands('open', 'regulator')).toEqual(['assign', 'review']);
    expect(allowedCommands('assigned', 'enterprise')).toEqual(['rectification']);
    expect(allowedCommands('submitted', 'enterprise')).toEqual([]);
    expect(allowedCommands('submitted', 'regulator')).toEqual(['review']);
    expect(allowedCommands('closed', 'regulator')).toEqual([]);
    expect(allowedOutcomes('submitted')).toEqual(['rectified', 'not_rectified', 'unfounded']);
    expect(allowedOutcomes('escalated')).toEqual(['unfounded']);
  });
});
