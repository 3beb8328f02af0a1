import { randomUUID } from 'node:crypto';
import type { EventActor, EventType, LedgerEvent } from '../../src/components/ledger';
import { decide, type Candidate, type Decision, type Facts, type Verdict } from '../../src/components/ledger/ledger.decide';
import { EVENT_ID_CONFLICT } from '../../src/components/ledger/ledger.idempotency';
import { admit, MAX_CLOCK_SKEW_MS, parseEvents } from '../../src/components/ledger/ledger.intake';
import type { Credential, CylinderRef, EnterpriseRef, SiteRef, VehicleRef, WorkerRef } from '../../src/components/ledger/ledger.lookups';
import type { CylinderProjection } from '../../src/components/ledger/ledger.model';
import type { Holders, Resolved } from '../../src/components/ledger/ledger.references';
import { eventInput, type EventInput } from '../../src/components/ledger/ledger.schemas';
import { decideUnits } from '../../src/components/ledger/ledger.units';
import { seal } from '../../src/components/ledger/ledger.write';
import { DEFAULT_POLICY } from '../../src/components/registry';

/**
 * The capture's decision as a pure function, outcome by outcome, against a store held in memory
 * (what the transaction would read: projections, their head events, chain starts, stored copies,
 * declared events). No HTTP, no database.
 */

const RECEIVED = new Date('2025-06-01T08:00:00.000Z');
const ENTERPRISE_A = '64b000000000000000000a01';
const ENTERPRISE_B = '64b000000000000000000b01';
const STATION = '64b0000000000000000005a1';
const ADMIN_A: EventActor = { kind: 'user', id: 'user-a', role: 'enterprise_admin', enterpriseId: ENTERPRISE_A };
const ADMIN_B: EventActor = { kind: 'user', id: 'user-b', role: 'enterprise_admin', enterpriseId: ENTERPRISE_B };

let cylinders = 0;
const aCylinder = (extra: Partial<CylinderRef> = {}): CylinderRef => ({ id: `64b0000000000000000c${String(++cylinders).padStart(4, '0')}`, enterpriseId: ENTERPRISE_A, districtCode: '441802', ...extra });

let minutes = 0;
/** An admitted input, the way the edge hands it to the capture. */
function anInput(type: EventType, cylinder: CylinderRef, payload: Record<string, unknown> = {}, eventId: string = randomUUID()): EventInput {
  const occurredAt = new Date(RECEIVED.getTime() - 3_600_000 + ++minutes * 60_000).toISOString();
  const where = ['commission', 'inspect', 'fill', 'reweigh'].includes(type) ? { siteId: STATION } : {};
  const admitted = admit(eventInput.parse({ eventId, cylinderId: cylinder.id, type, occurredAt, where, payload }), RECEIVED);
  if (!('input' in admitted)) throw new Error('fixture not admitted');
  return admitted.input;
}
const FILL = { tareKg: 14.5, grossKg: 29.4, netKg: 14.9, durationS: 42 };

/**
 * The station in a manual mode a regulator granted, around every fixture's time: the fills these
 * tests record by a user are then allowed (issue 12); the scale rule has its own tests below.
 */
const MANUAL_MODE: Resolved['manualModes'] = [{ from: new Date('2025-01-01T00:00:00Z'), until: new Date('2025-12-31T00:00:00Z') }];

function aCandidate(input: EventInput, cylinder: CylinderRef | undefined, options: { actor?: EventActor; request?: number; resolved?: Resolved } = {}): Candidate {
  return { input, actor: options.actor ?? ADMIN_A, resolved: options.resolved ?? (cylinder ? { cylinder, manualModes: MANUAL_MODE } : {}), request: options.request ?? 0 };
}

/** What the capture's transaction would read, held in memory; `commit` writes a decision into it. */
class Store {
  events = new Map<string, LedgerEvent>();
  projections = new Map<string, CylinderProjection>();

  facts(candidates: readonly Candidate[], options: { optimistic?: boolean } = {}): Facts {
    const heads = new Map([...this.projections.values()].flatMap((p) => (this.events.has(p.headEventId) ? [[p.headEventId, this.events.get(p.headEventId) as LedgerEvent] as const] : [])));
    const chained = new Set([...this.events.values()].filter((e) => e.cylinderSeq === 0).map((e) => e.cylinderId));
    const declared = new Map([...this.events.values()].map((e) => [e.eventId, e.cylinderId]));
    const stored = new Map(candidates.flatMap((c) => (this.events.has(c.input.eventId) ? [[c.input.eventId, this.events.get(c.input.eventId) as LedgerEvent] as const] : [])));
    return { receivedAt: RECEIVED, projections: new Map(this.projections), heads, chained, declared, policy: DEFAULT_POLICY, ...(options.optimistic ? {} : { stored }) };
  }

  decide(candidates: readonly Candidate[], options: { optimistic?: boolean } = {}): Decision {
    return decide(candidates, this.facts(candidates, options));
  }

  /** Decides and writes, like one group commit. */
  commit(candidates: readonly Candidate[]): Decision {
    const decision = this.decide(candidates);
    const { events, projections } = seal(decision, this.projections, this.events.size);
    for (const event of events.values()) this.events.set(event.eventId, event);
    for (const write of projections) {
      const head = 'insert' in write ? write.insert : write.update;
      this.projections.set(head.cylinderId, head);
    }
    return decision;
  }

  /** A cylinder commissioned (and taken further by `then`), all accepted. */
  lifeOf(cylinder: CylinderRef, then: EventType[] = []): LedgerEvent[] {
    const inputs = [anInput('commission', cylinder), ...then.map((type) => anInput(type, cylinder, type === 'inspect' ? { result: 'pass' } : type === 'fill' ? FILL : {}))];
    const decision = this.commit(inputs.map((input) => aCandidate(input, cylinder)));
    expect(decision.verdicts.map((v) => v.status)).toEqual(inputs.map(() => 'accepted'));
    return inputs.map((input) => this.events.get(input.eventId) as LedgerEvent);
  }
}

const summary = (v: Verdict) => (v.status === 'rejected' ? v.reason : v.status);
const rejection = (v: Verdict | undefined) => (v?.status === 'rejected' ? { reason: v.reason, detail: v.detail } : undefined);

describe('capture decides each event (pure)', () => {
  let store: Store;
  beforeEach(() => {
    store = new Store();
  });

  describe('accepted', () => {
    it('accepts a legal event as a draft with its states, scope and vocabulary, nothing kept', () => {
      const cylinder = aCylinder({ grai: '06901234000014A1' });
      const input = anInput('commission', cylinder);
      const decision = store.decide([aCandidate(input, cylinder, { resolved: { cylinder, districtCode: '441803' } })]);
      expect(decision).toMatchObject({ kept: [], inconsistent: [], recheck: false });
      expect(decision.verdicts[0]).toEqual({
        status: 'accepted',
        flagged: false,
        draft: {
          eventId: input.eventId,
          cylinderId: cylinder.id,
          grai: cylinder.grai,
          enterpriseId: ENTERPRISE_A,
          districtCode: '441803',
          type: 'commission',
          occurredAt: new Date(input.occurredAt),
          receivedAt: RECEIVED,
          actor: ADMIN_A,
          where: { siteId: STATION },
          payload: {},
          bizStep: expect.stringContaining('commissioning'),
          disposition: expect.any(String),
          fromState: 'unregistered',
          toState: 'empty_at_station',
        },
      });
    });

    it("flags a failed inspection and takes the cylinder's district when the event names none", () => {
      const cylinder = aCylinder();
      store.lifeOf(cylinder);
      const [verdict] = store.decide([aCandidate(anInput('inspect', cylinder, { result: 'fail' }), cylinder)]).verdicts;
      expect(verdict).toMatchObject({ status: 'accepted', flagged: true, draft: { fromState: 'empty_at_station', toState: 'empty_at_station', districtCode: '441802' } });
    });

    it('chains several events of one cylinder in one batch, each starting where the previous ended', () => {
      const cylinder = aCylinder();
      const other = aCylinder();
      const candidates = [
        aCandidate(anInput('commission', cylinder), cylinder),
        aCandidate(anInput('commission', other), other),
        aCandidate(anInput('inspect', cylinder, { result: 'pass' }), cylinder),
        aCandidate(anInput('fill', cylinder, FILL), cylinder),
        aCandidate(anInput('fill', other, FILL), other),
        aCandidate(anInput('dispatch', cylinder, { vehicleId: '64b0000000000000000007a1' }), cylinder),
      ];
      const decision = store.commit(candidates);
      expect(decision.verdicts.map((v) => (v.status === 'accepted' ? `${v.draft.fromState}→${v.draft.toState}` : summary(v)))).toEqual([
        'unregistered→empty_at_station',
        'unregistered→empty_at_station',
        'empty_at_station→inspected_at_station',
        'inspected_at_station→full_at_station',
        'ILLEGAL_TRANSITION',
        'full_at_station→in_transit',
      ]);
      const chain = [...store.events.values()].filter((e) => e.cylinderId === cylinder.id);
      expect(chain.map((e) => [e.cylinderSeq, e.logSeq])).toEqual([[0, 0], [1, 2], [2, 3], [3, 4]]);
      chain.forEach((e, i) => expect(e.prevHash).toBe(i === 0 ? null : chain[i - 1]?.hash));
      expect(store.projections.get(cylinder.id)).toMatchObject({ state: 'in_transit', cylinderSeq: 3, headHash: chain[3]?.hash, version: 4 });
    });

    it('answers the projection writes: an insert for a first event, an update conditioned on the version read', () => {
      const cylinder = aCylinder();
      store.lifeOf(cylinder);
      const fresh = aCylinder();
      const decision = store.decide([aCandidate(anInput('inspect', cylinder, { result: 'pass' }), cylinder), aCandidate(anInput('commission', fresh), fresh)]);
      const { projections } = seal(decision, store.projections, 10);
      expect(projections).toEqual([
        { update: expect.objectContaining({ cylinderId: cylinder.id, state: 'inspected_at_station', version: 2 }), expectedVersion: 1 },
        { insert: expect.objectContaining({ cylinderId: fresh.id, state: 'empty_at_station', version: 1 }) },
      ]);
    });
  });

  describe('rejected on the merits, and kept for supervision', () => {
    it('ILLEGAL_TRANSITION names the state and the event, kept with the state it was in', () => {
      const cylinder = aCylinder();
      store.lifeOf(cylinder);
      const input = anInput('fill', cylinder, FILL);
      const decision = store.decide([aCandidate(input, cylinder)]);
      expect(rejection(decision.verdicts[0])).toEqual({ reason: 'ILLEGAL_TRANSITION', detail: expect.stringContaining('event fill is not allowed in state empty_at_station') });
      expect(decision.kept).toEqual([
        expect.objectContaining({ eventId: input.eventId, cylinderId: cylinder.id, enterpriseId: ENTERPRISE_A, type: 'fill', reason: 'ILLEGAL_TRANSITION', fromState: 'empty_at_station', receivedAt: RECEIVED }),
      ]);
    });

    it('CYLINDER_NOT_FOUND when the references found no cylinder (its reason kept, without a state)', () => {
      const missing = aCylinder();
      const input = anInput('commission', missing);
      const decision = store.decide([aCandidate(input, undefined, { resolved: { rejection: { reason: 'CYLINDER_NOT_FOUND', detail: `no cylinder ${missing.id}` } } })]);
      expect(rejection(decision.verdicts[0])).toEqual({ reason: 'CYLINDER_NOT_FOUND', detail: `no cylinder ${missing.id}` });
      expect(decision.kept).toEqual([expect.objectContaining({ eventId: input.eventId, cylinderId: missing.id, fromState: null })]);
      expect(rejection(store.decide([aCandidate(input, undefined, { resolved: {} })]).verdicts[0])).toEqual({ reason: 'CYLINDER_NOT_FOUND', detail: 'no such cylinder' });
    });

    it('passes on what the references refused (a site of another enterprise), kept with the current state', () => {
      const cylinder = aCylinder();
      store.lifeOf(cylinder);
      const refused = { reason: 'REFERENCE_NOT_FOUND' as const, detail: "where.siteId: no active site of the cylinder's enterprise" };
      const decision = store.decide([aCandidate(anInput('inspect', cylinder, { result: 'pass' }), cylinder, { resolved: { cylinder, rejection: refused } })]);
      expect(rejection(decision.verdicts[0])).toEqual(refused);
      expect(decision.kept[0]).toMatchObject({ reason: 'REFERENCE_NOT_FOUND', fromState: 'empty_at_station' });
    });

    it('CYLINDER_SCRAPPED when the registry record is closed though the projection is live; an error declaration is still taken', () => {
      const cylinder = aCylinder();
      const [commission] = store.lifeOf(cylinder, ['inspect']);
      const closed = { ...cylinder, scrappedAt: new Date('2025-05-30T00:00:00Z') };
      const decision = store.decide([
        aCandidate(anInput('fill', closed, FILL), closed),
        aCandidate(anInput('error_declaration', closed, { declaredEventId: commission?.eventId, reason: 'incorrect_data' }), closed),
      ]);
      expect(rejection(decision.verdicts[0])).toEqual({ reason: 'CYLINDER_SCRAPPED', detail: expect.stringContaining('scrapped 2025-05-30') });
      expect(decision.verdicts[1]).toMatchObject({ status: 'accepted', draft: { fromState: 'inspected_at_station', toState: 'inspected_at_station' } });
    });

    it('lets a scrapped cylinder with a closed record meet the lifecycle (ILLEGAL_TRANSITION, not CYLINDER_SCRAPPED)', () => {
      const cylinder = aCylinder();
      store.lifeOf(cylinder, ['scrap']);
      const closed = { ...cylinder, scrappedAt: new Date('2025-05-30T00:00:00Z') };
      expect(summary(store.decide([aCandidate(anInput('report_lost', closed), closed)]).verdicts[0] as Verdict)).toBe('ILLEGAL_TRANSITION');
    });

    it.each([
      ['its head event is missing', (p: CylinderProjection) => ({ ...p, headEventId: randomUUID() })],
      ['its head hash is not the head event\'s', (p: CylinderProjection) => ({ ...p, headHash: 'f'.repeat(64) })],
      ['its state is not where the chain ended', (p: CylinderProjection) => ({ ...p, state: 'full_at_station' as const })],
      ['its position is not the head event\'s', (p: CylinderProjection) => ({ ...p, cylinderSeq: 5 })],
    ])('PROJECTION_INCONSISTENT when the projection disagrees with the chain: %s', (_case, edit) => {
      const cylinder = aCylinder();
      store.lifeOf(cylinder, ['inspect']);
      store.projections.set(cylinder.id, edit(store.projections.get(cylinder.id) as CylinderProjection));
      const decision = store.decide([aCandidate(anInput('fill', cylinder, FILL), cylinder)]);
      expect(rejection(decision.verdicts[0])).toEqual({ reason: 'PROJECTION_INCONSISTENT', detail: expect.stringContaining('does not match its chain') });
      expect(decision.inconsistent).toEqual([cylinder.id]);
      expect(decision.kept[0]).toMatchObject({ reason: 'PROJECTION_INCONSISTENT' });
    });

    it('PROJECTION_INCONSISTENT when a cylinder without a projection has a chain (no second chain start)', () => {
      const cylinder = aCylinder();
      store.lifeOf(cylinder);
      store.projections.delete(cylinder.id);
      const decision = store.decide([aCandidate(anInput('commission', cylinder), cylinder)]);
      expect(summary(decision.verdicts[0] as Verdict)).toBe('PROJECTION_INCONSISTENT');
      expect(decision.inconsistent).toEqual([cylinder.id]);
    });

    it('REFERENCE_NOT_FOUND for an error declaration naming no event of the cylinder; an event stored or accepted earlier in the group is found', () => {
      const cylinder = aCylinder();
      const other = aCylinder();
      const [commission] = store.lifeOf(cylinder);
      const [otherCommission] = store.lifeOf(other);
      const inspect = anInput('inspect', cylinder, { result: 'pass' });
      const declare = (declaredEventId: string | undefined) => aCandidate(anInput('error_declaration', cylinder, { declaredEventId, reason: 'did_not_occur' }), cylinder);
      const decision = store.decide([declare(randomUUID()), declare(otherCommission?.eventId), declare(commission?.eventId), aCandidate(inspect, cylinder), declare(inspect.eventId)]);
      expect(decision.verdicts.map(summary)).toEqual(['REFERENCE_NOT_FOUND', 'REFERENCE_NOT_FOUND', 'accepted', 'accepted', 'accepted']);
      expect(rejection(decision.verdicts[1])?.detail).toBe(`payload.declaredEventId: no event ${otherCommission?.eventId} of this cylinder`);
    });

    it("REFERENCE_NOT_FOUND for an error declaration naming another cylinder's event accepted earlier in the same group", () => {
      const cylinder = aCylinder();
      const other = aCylinder();
      store.lifeOf(cylinder);
      store.lifeOf(other);
      const otherInspect = anInput('inspect', other, { result: 'pass' });
      const declaration = aCandidate(anInput('error_declaration', cylinder, { declaredEventId: otherInspect.eventId, reason: 'incorrect_data' }), cylinder);
      const decision = store.decide([aCandidate(otherInspect, other), declaration]);
      expect(decision.verdicts.map(summary)).toEqual(['accepted', 'REFERENCE_NOT_FOUND']);
    });
  });

  describe('an id seen before', () => {
    it('answers the same event stored already as a duplicate with the stored event, nothing kept', () => {
      const cylinder = aCylinder();
      const [commission] = store.lifeOf(cylinder);
      const again = { ...anInput('commission', cylinder, {}, commission?.eventId), occurredAt: (commission as LedgerEvent).occurredAt.toISOString() };
      const decision = store.decide([aCandidate(again, cylinder)]);
      expect(decision.verdicts).toEqual([{ status: 'duplicate', event: commission }]);
      expect(decision.kept).toEqual([]);
    });

    it('EVENT_ID_CONFLICT for other content under a stored id, kept without a state', () => {
      const cylinder = aCylinder();
      const [commission] = store.lifeOf(cylinder);
      const other = anInput('report_lost', cylinder, {}, commission?.eventId);
      const decision = store.decide([aCandidate(other, cylinder)]);
      expect(rejection(decision.verdicts[0])).toEqual(EVENT_ID_CONFLICT);
      expect(decision.kept).toEqual([expect.objectContaining({ eventId: other.eventId, reason: 'EVENT_ID_CONFLICT', fromState: null, cylinderId: cylinder.id })]);
    });

    it('EVENT_ID_CONFLICT, not a duplicate, for the same event sent by somebody who may not read the stored one', () => {
      const cylinder = aCylinder();
      const [commission] = store.lifeOf(cylinder);
      const same = { ...anInput('commission', cylinder, {}, commission?.eventId), occurredAt: (commission as LedgerEvent).occurredAt.toISOString() };
      const decision = store.decide([aCandidate(same, undefined, { actor: ADMIN_B, resolved: { rejection: { reason: 'CYLINDER_NOT_FOUND', detail: 'no cylinder' } } })]);
      expect(rejection(decision.verdicts[0])).toEqual(EVENT_ID_CONFLICT);
      expect(decision.kept[0]).toMatchObject({ reason: 'EVENT_ID_CONFLICT', enterpriseId: ENTERPRISE_B });
    });

    it('answers a repeat inside one request by its first copy: the same submission a duplicate (of an accepted or a rejected one), other content a conflict; none kept', () => {
      const cylinder = aCylinder();
      const commission = anInput('commission', cylinder);
      const fill = anInput('fill', cylinder, FILL);
      const decision = store.decide([
        aCandidate(commission, cylinder),
        aCandidate({ ...commission }, cylinder),
        aCandidate(fill, cylinder),
        aCandidate({ ...fill }, cylinder),
        aCandidate({ ...commission, occurredAt: RECEIVED.toISOString() }, cylinder),
      ]);
      expect(decision.verdicts).toEqual([
        expect.objectContaining({ status: 'accepted' }),
        { status: 'duplicate', of: 0 },
        { status: 'rejected', reason: 'ILLEGAL_TRANSITION', detail: expect.any(String), reasons: [{ reason: 'ILLEGAL_TRANSITION', detail: expect.any(String) }] },
        decision.verdicts[2],
        { status: 'rejected', ...EVENT_ID_CONFLICT },
      ]);
      expect(decision.kept.map((k) => k.reason)).toEqual(['ILLEGAL_TRANSITION']);
    });

    it("answers the same id in another request of the group by the stored-copy rule: the sender's own copy a duplicate, another enterprise's a kept conflict", () => {
      const cylinder = aCylinder();
      const commission = anInput('commission', cylinder);
      const decision = store.decide([
        aCandidate(commission, cylinder, { request: 0 }),
        aCandidate({ ...commission }, cylinder, { request: 1 }),
        aCandidate({ ...commission }, undefined, { request: 2, actor: ADMIN_B, resolved: { rejection: { reason: 'CYLINDER_NOT_FOUND', detail: 'no cylinder' } } }),
      ]);
      expect(decision.verdicts.slice(1)).toEqual([{ status: 'duplicate', of: 0 }, { status: 'rejected', ...EVENT_ID_CONFLICT }]);
      expect(decision.kept).toEqual([expect.objectContaining({ reason: 'EVENT_ID_CONFLICT', enterpriseId: ENTERPRISE_B })]);
    });

    it('shares a rejected first copy in another request only with the same sender and submission', () => {
      const cylinder = aCylinder();
      store.lifeOf(cylinder);
      const fill = anInput('fill', cylinder, FILL);
      const decision = store.decide([
        aCandidate(fill, cylinder, { request: 0 }),
        aCandidate({ ...fill }, cylinder, { request: 1 }),
        aCandidate({ ...fill }, cylinder, { request: 2, actor: { ...ADMIN_A, id: 'another-user' } }),
      ]);
      expect(decision.verdicts.map(summary)).toEqual(['ILLEGAL_TRANSITION', 'ILLEGAL_TRANSITION', 'EVENT_ID_CONFLICT']);
      expect(decision.verdicts[1]).toBe(decision.verdicts[0]);
      expect(decision.kept.map((k) => k.reason)).toEqual(['ILLEGAL_TRANSITION', 'EVENT_ID_CONFLICT']);
    });
  });

  describe('the optimistic attempt (stored copies not read)', () => {
    it('asks for a recheck when anything is rejected on its merits: it may be a resend its first copy moved on', () => {
      const cylinder = aCylinder();
      const [commission] = store.lifeOf(cylinder);
      const resent = { ...anInput('commission', cylinder, {}, commission?.eventId), occurredAt: (commission as LedgerEvent).occurredAt.toISOString() };
      expect(store.decide([aCandidate(resent, cylinder)], { optimistic: true })).toMatchObject({ recheck: true, verdicts: [{ status: 'rejected', reason: 'ILLEGAL_TRANSITION' }] });
      expect(store.decide([aCandidate(resent, cylinder)])).toMatchObject({ recheck: false, verdicts: [{ status: 'duplicate' }] });
    });

    it('needs no recheck when everything is accepted or a repeat inside the group', () => {
      const cylinder = aCylinder();
      const commission = anInput('commission', cylinder);
      expect(store.decide([aCandidate(commission, cylinder), aCandidate({ ...commission, occurredAt: RECEIVED.toISOString() }, cylinder)], { optimistic: true }).recheck).toBe(false);
    });
  });
});

describe('capture parses each item at the edge (pure)', () => {
  it('answers an invalid item VALIDATION_FAILED naming every field, under the id it claims', () => {
    const [answer] = parseEvents([{ eventId: 'not-a-uuid', type: 'teleport', extra: 1 }], RECEIVED);
    expect(answer).toEqual({ answer: { eventId: 'not-a-uuid', status: 'rejected', reason: 'VALIDATION_FAILED', detail: expect.stringMatching(/eventId: .*type: .*/), errors: expect.any(Array) } });
    expect((answer as { answer: { errors: { path: string }[] } }).answer.errors.map((e) => e.path).sort()).toEqual(['eventId', 'extra', 'occurredAt', 'type']);
    expect((answer as { answer: { detail: string } }).answer.detail).toContain('extra');
    expect(parseEvents([null, { eventId: 'x'.repeat(100) }], RECEIVED).map((i) => ('answer' in i ? i.answer.eventId : i))).toEqual(['', 'x'.repeat(64)]);
  });

  it('refuses a device clock more than the allowed skew ahead, and admits one within it', () => {
    const at = (ms: number) => ({ eventId: randomUUID(), cylinderId: aCylinder().id, type: 'report_lost', occurredAt: new Date(RECEIVED.getTime() + ms).toISOString() });
    const [late, early] = parseEvents([at(MAX_CLOCK_SKEW_MS + 1000), at(MAX_CLOCK_SKEW_MS - 1000)], RECEIVED);
    expect(late).toMatchObject({ answer: { status: 'rejected', reason: 'VALIDATION_FAILED', detail: 'occurredAt: is more than 5 minutes ahead of the platform clock', errors: [{ path: 'occurredAt', message: 'is more than 5 minutes ahead of the platform clock' }] } });
    expect(early).toHaveProperty('input');
  });

  it('copies the site or vehicle a payload names into where, for the indexes', () => {
    const cylinderId = aCylinder().id;
    const intake = parseEvents([
      { eventId: randomUUID(), cylinderId, type: 'receive', occurredAt: RECEIVED.toISOString(), payload: { siteId: STATION } },
      { eventId: randomUUID(), cylinderId, type: 'dispatch', occurredAt: RECEIVED.toISOString(), payload: { vehicleId: '64b0000000000000000007a1' } },
    ], RECEIVED);
    expect(intake.map((i) => ('input' in i ? i.input.where : i))).toEqual([{ siteId: STATION }, { vehicleId: '64b0000000000000000007a1' }]);
  });
});

describe('capture enforces credentials and cylinder dates at the event\'s occurredAt (pure)', () => {
  const SITE_ID = STATION;
  const VEHICLE = '64b0000000000000000007a1';
  const WORKER = '64b0000000000000000009a1';
  const WORKER_ACTOR: EventActor = { kind: 'user', id: 'user-w', role: 'filling_operator', enterpriseId: ENTERPRISE_A, workerId: WORKER };
  // Verified by a regulator, as only a verified credential counts (the registry's credentialStatus).
  const verifiedAt = new Date('2024-01-02T00:00:00Z');
  const valid = (number: string): Credential => ({ number, validFrom: new Date('2024-01-01T00:00:00Z'), validTo: new Date('2027-01-01T00:00:00Z'), verifiedAt });
  const expired = (number: string): Credential => ({ number, validFrom: new Date('2020-01-01T00:00:00Z'), validTo: new Date('2025-01-01T00:00:00Z'), verifiedAt });

  /** An event's world where everything is in order; `breaks` put one thing wrong each. */
  interface Scenario {
    cylinder: CylinderRef;
    holders: Holders;
    type: 'commission' | 'fill';
    vehicle: boolean;
  }
  const aScenario = (): Scenario => ({
    cylinder: aCylinder({ serviceLifeEndsAt: new Date('2030-01-01T00:00:00Z'), nextInspectionDate: new Date('2028-01-01T00:00:00Z') }),
    type: 'commission',
    vehicle: false,
    holders: {
      worker: { id: WORKER, found: { id: WORKER, enterpriseId: ENTERPRISE_A, districtCode: '441802', active: true, certificate: valid('AQPX-1') } },
      enterprises: [{ id: ENTERPRISE_A, found: { id: ENTERPRISE_A, active: true, licence: valid('粤清燃经-1') } }],
      site: { id: SITE_ID, enterpriseId: ENTERPRISE_A, districtCode: '441803', kind: 'filling_station', active: true, licence: valid('粤清燃站-1'), fillingLicence: valid('TS4244-1') },
      vehicle: { id: VEHICLE, enterpriseId: ENTERPRISE_A, districtCode: '441802', active: true, permit: valid('粤交运危-1') },
    },
  });
  const worker = (s: Scenario) => s.holders.worker?.found as WorkerRef;
  const BREAKS: Record<string, (s: Scenario) => void> = {
    WORKER_UNCERTIFIED: (s) => void (worker(s).certificate = expired('AQPX-1')),
    WORKER_NOT_EMPLOYED: (s) => void (worker(s).enterpriseId = ENTERPRISE_B),
    ENTERPRISE_LICENCE_INVALID: (s) => void ((s.holders.enterprises[0]?.found as EnterpriseRef).licence = { ...valid('粤清燃经-1'), suspendedAt: new Date('2025-03-01T00:00:00Z') }),
    SITE_LICENCE_INVALID: (s) => void ((s.holders.site as SiteRef).licence = expired('粤清燃站-1')),
    FILLING_LICENCE_INVALID: (s) => {
      s.type = 'fill';
      (s.holders.site as SiteRef).fillingLicence = { ...valid('TS4244-1'), revokedAt: new Date('2025-04-01T00:00:00Z') };
    },
    VEHICLE_PERMIT_INVALID: (s) => {
      s.vehicle = true;
      (s.holders.vehicle as VehicleRef).permit = expired('粤交运危-1');
    },
    SERVICE_LIFE_EXCEEDED: (s) => void (s.cylinder = { ...s.cylinder, serviceLifeEndsAt: new Date('2025-05-01T00:00:00Z') }),
    INSPECTION_OVERDUE: (s) => void (s.cylinder = { ...s.cylinder, nextInspectionDate: new Date('2025-05-31T00:00:00Z') }),
  };
  const CODES = Object.keys(BREAKS);
  const needsCommission = (code: string) => code === 'SERVICE_LIFE_EXCEEDED' || code === 'INSPECTION_OVERDUE';

  let store: Store;
  beforeEach(() => {
    store = new Store();
    // Every event an hour before arrival and after: the fixtures' clock starts again for each test.
    minutes = 0;
  });

  /** Decides the scenario's event (a fill after the cylinder was commissioned and inspected). */
  function decideScenario(s: Scenario, options: { actor?: EventActor; occurredAt?: string } = {}) {
    if (s.type === 'fill') store.lifeOf(s.cylinder, ['inspect']);
    const base = anInput(s.type, s.cylinder, s.type === 'fill' ? FILL : {});
    const input: EventInput = { ...base, ...(options.occurredAt ? { occurredAt: options.occurredAt } : {}), where: { ...base.where, ...(s.vehicle ? { vehicleId: VEHICLE } : {}) } };
    const holders: Holders = { ...s.holders, ...(s.vehicle ? {} : { vehicle: undefined }) };
    if (!s.vehicle) delete holders.vehicle;
    const candidate = aCandidate(input, s.cylinder, { actor: options.actor ?? WORKER_ACTOR, resolved: { cylinder: s.cylinder, districtCode: '441803', holders, manualModes: MANUAL_MODE } });
    return { input, decision: store.decide([candidate]) };
  }
  const reasonsOf = (v: Verdict | undefined) => (v?.status === 'rejected' ? (v.reasons ?? []).map((r) => r.reason) : []);

  it('accepts a commissioning, a fill and an event on a vehicle when every credential is operative and the cylinder in date', () => {
    const commission = aScenario();
    commission.vehicle = true;
    expect(decideScenario(commission).decision.verdicts[0]?.status).toBe('accepted');
    const fill = aScenario();
    fill.type = 'fill';
    expect(decideScenario(fill).decision.verdicts[0]).toMatchObject({ status: 'accepted', draft: { type: 'fill' } });
  });

  it.each(CODES)('refuses with %s alone when only that is wrong, kept with its evidence', (code) => {
    const s = aScenario();
    (BREAKS[code] as (s: Scenario) => void)(s);
    const { input, decision } = decideScenario(s);
    expect(decision.verdicts[0]).toMatchObject({ status: 'rejected', reason: code });
    expect(reasonsOf(decision.verdicts[0])).toEqual([code]);
    expect(decision.kept).toEqual([expect.objectContaining({ eventId: input.eventId, reason: code, enterpriseId: ENTERPRISE_A, districtCode: '441803', actor: WORKER_ACTOR })]);
  });

  // Every pair that can meet in one event: a fill is never a commissioning.
  const pairs = CODES.flatMap((a, i) => CODES.slice(i + 1).map((b) => [a, b] as const)).filter(([a, b]) => !((a === 'FILLING_LICENCE_INVALID' && needsCommission(b)) || (b === 'FILLING_LICENCE_INVALID' && needsCommission(a))));
  it('covers every pair of reasons but a fill licence with a commissioning date', () => expect(pairs).toHaveLength(28 - 2));
  it.each(pairs)('answers both %s and %s when both are wrong', (a, b) => {
    const s = aScenario();
    (BREAKS[a] as (s: Scenario) => void)(s);
    (BREAKS[b] as (s: Scenario) => void)(s);
    const { decision } = decideScenario(s);
    expect(reasonsOf(decision.verdicts[0])).toEqual([a, b]);
    expect(decision.kept[0]?.reasons.map((r) => r.reason)).toEqual([a, b]);
  });

  it('names the credential, its record, number and status at occurredAt in the evidence', () => {
    const s = aScenario();
    BREAKS.SITE_LICENCE_INVALID?.(s);
    BREAKS.WORKER_UNCERTIFIED?.(s);
    const { decision } = decideScenario(s);
    expect(decision.kept[0]?.reasons).toEqual([
      { reason: 'WORKER_UNCERTIFIED', detail: expect.stringContaining('AQPX-1'), credential: expect.objectContaining({ kind: 'worker_certificate', holder: 'workers', recordId: WORKER, number: 'AQPX-1', status: 'expired' }) },
      { reason: 'SITE_LICENCE_INVALID', detail: expect.stringContaining('is expired at'), credential: expect.objectContaining({ kind: 'site_licence', holder: 'sites', recordId: SITE_ID, number: '粤清燃站-1', status: 'expired', validTo: new Date('2025-01-01T00:00:00Z') }) },
    ]);
  });

  it('refuses a site licence the enterprise entered and no regulator has verified yet', () => {
    const s = aScenario();
    const { verifiedAt: _unused, ...submitted } = valid('粤清燃站-1');
    (s.holders.site as SiteRef).licence = submitted;
    const { decision } = decideScenario(s);
    expect(decision.kept[0]?.reasons).toEqual([
      { reason: 'SITE_LICENCE_INVALID', detail: expect.any(String), credential: expect.objectContaining({ kind: 'site_licence', number: '粤清燃站-1', status: 'unverified' }) },
    ]);
  });

  it('answers a credential reason and ILLEGAL_TRANSITION together', () => {
    const s = aScenario();
    BREAKS.ENTERPRISE_LICENCE_INVALID?.(s);
    store.lifeOf(s.cylinder);
    const { decision } = decideScenario(s);
    expect(reasonsOf(decision.verdicts[0])).toEqual(['ENTERPRISE_LICENCE_INVALID', 'ILLEGAL_TRANSITION']);
  });

  it('judges at occurredAt, not at arrival: a licence that lapsed or was revoked after the event happened still covers it', () => {
    const s = aScenario();
    const occurredAt = '2025-06-01T06:00:00.000Z';
    (s.holders.site as SiteRef).licence = { ...valid('粤清燃站-1'), validTo: new Date('2025-06-01T07:00:00.000Z') };
    (s.holders.enterprises[0]?.found as EnterpriseRef).licence = { ...valid('粤清燃经-1'), revokedAt: new Date('2025-06-01T06:30:00.000Z') };
    expect(decideScenario(s, { occurredAt }).decision.verdicts[0]?.status).toBe('accepted');
    const late = aScenario();
    (late.holders.site as SiteRef).licence = { ...valid('粤清燃站-1'), validTo: new Date('2025-06-01T05:00:00.000Z') };
    expect(reasonsOf(decideScenario(late, { occurredAt }).decision.verdicts[0])).toEqual(['SITE_LICENCE_INVALID']);
  });

  it('refuses a worker with no worker record, or an inactive one, as not employed; a site licence missing altogether as invalid', () => {
    const missing = aScenario();
    missing.holders.worker = { id: WORKER };
    expect(reasonsOf(decideScenario(missing).decision.verdicts[0])).toEqual(['WORKER_UNCERTIFIED', 'WORKER_NOT_EMPLOYED']);
    const inactive = aScenario();
    worker(inactive).active = false;
    expect(reasonsOf(decideScenario(inactive).decision.verdicts[0])).toEqual(['WORKER_NOT_EMPLOYED']);
    const unlicensed = aScenario();
    delete (unlicensed.holders.site as SiteRef).licence;
    const { decision } = decideScenario(unlicensed);
    expect(decision.kept[0]?.reasons[0]?.credential).toMatchObject({ kind: 'site_licence', number: null, status: 'missing' });
  });

  it("employs the worker by the site's enterprise too, and checks that enterprise's licence", () => {
    const s = aScenario();
    s.holders.enterprises.push({ id: ENTERPRISE_B, found: { id: ENTERPRISE_B, active: true, licence: expired('粤清燃经-2') } });
    worker(s).enterpriseId = ENTERPRISE_B;
    expect(reasonsOf(decideScenario(s).decision.verdicts[0])).toEqual(['ENTERPRISE_LICENCE_INVALID']);
  });

  it('checks no worker for an actor that is not a worker, and does not check an error declaration', () => {
    const s = aScenario();
    BREAKS.WORKER_UNCERTIFIED?.(s);
    delete s.holders.worker;
    expect(decideScenario(s, { actor: ADMIN_A }).decision.verdicts[0]?.status).toBe('accepted');
    const cylinder = aCylinder();
    const [commission] = store.lifeOf(cylinder);
    const broken = aScenario();
    BREAKS.ENTERPRISE_LICENCE_INVALID?.(broken);
    const declaration = anInput('error_declaration', cylinder, { declaredEventId: commission?.eventId, reason: 'incorrect_data' });
    const [verdict] = store.decide([aCandidate(declaration, cylinder, { resolved: { cylinder, holders: broken.holders } })]).verdicts;
    expect(verdict?.status).toBe('accepted');
  });
});

describe('atomic requests and corrections (issue 13, pure)', () => {
  let store: Store;
  beforeEach(() => {
    store = new Store();
  });
  const VEHICLE = '64b0000000000000000007a1';
  const CUSTOMER = '64b0000000000000000009a1';
  const OTHER_CUSTOMER = '64b0000000000000000009a2';
  const unitsOf = (candidates: readonly Candidate[], atomic: number[]) => decideUnits(candidates, store.facts(candidates), new Set(atomic));

  it('records an atomic request whole or not at all: its accepted events answer FLOW_INCOMPLETE, its refusal is kept, the others stand', () => {
    const [full, empty, alone] = [aCylinder(), aCylinder(), aCylinder()];
    store.lifeOf(full, ['inspect', 'fill']);
    store.lifeOf(empty);
    store.lifeOf(alone, ['inspect', 'fill']);
    const candidates = [
      aCandidate(anInput('dispatch', full, { vehicleId: VEHICLE }), full, { request: 0 }),
      aCandidate(anInput('dispatch', empty, { vehicleId: VEHICLE }), empty, { request: 0 }),
      aCandidate(anInput('dispatch', alone, { vehicleId: VEHICLE }), alone, { request: 1 }),
    ];
    const decision = unitsOf(candidates, [0]);
    expect(decision.verdicts.map(summary)).toEqual(['FLOW_INCOMPLETE', 'ILLEGAL_TRANSITION', 'accepted']);
    expect(decision.kept.map((k) => [k.eventId, k.reason])).toEqual([[candidates[1]?.input.eventId, 'ILLEGAL_TRANSITION']]);
    expect(decision.keptOf).toEqual([1]);
    // Not atomic, the same group records what it can.
    expect(unitsOf(candidates, []).verdicts.map(summary)).toEqual(['accepted', 'ILLEGAL_TRANSITION', 'accepted']);
  });

  it('decides again without a withdrawn request: a later event that counted on its state is refused, and duplicates point at the right place', () => {
    const [c, other] = [aCylinder(), aCylinder()];
    store.lifeOf(c, ['inspect', 'fill']);
    store.lifeOf(other);
    const load = anInput('dispatch', c, { vehicleId: VEHICLE });
    const candidates = [
      aCandidate(load, c, { request: 0 }),
      aCandidate(anInput('dispatch', other, { vehicleId: VEHICLE }), other, { request: 0 }),
      aCandidate(anInput('hand_over', c, { customerId: CUSTOMER }), c, { request: 1 }),
      aCandidate(anInput('commission', aCylinder()), undefined, { request: 2 }),
    ];
    const decision = unitsOf(candidates, [0, 1]);
    // Without the load, the hand-over from the station is legal; the withdrawn load is not recorded.
    expect(decision.verdicts.map(summary)).toEqual(['FLOW_INCOMPLETE', 'ILLEGAL_TRANSITION', 'accepted', 'CYLINDER_NOT_FOUND']);
    const resent = [aCandidate(load, c, { request: 0 }), aCandidate(load, c, { request: 1 }), aCandidate(anInput('dispatch', other, { vehicleId: VEHICLE }), other, { request: 0 })];
    const again = unitsOf(resent, [1]);
    expect(again.verdicts).toEqual([expect.objectContaining({ status: 'accepted' }), { status: 'duplicate', of: 0 }, expect.objectContaining({ reason: 'ILLEGAL_TRANSITION' })]);
  });

  it("lets a correction take the place of the cylinder's last event it declares erroneous, and nothing else", () => {
    const c = aCylinder();
    store.lifeOf(c, ['inspect', 'fill']);
    const dispatched = anInput('dispatch', c, { vehicleId: VEHICLE });
    const wrong = anInput('hand_over', c, { customerId: CUSTOMER });
    expect(store.commit([aCandidate(dispatched, c), aCandidate(wrong, c)]).verdicts.map(summary)).toEqual(['accepted', 'accepted']);
    // A second hand-over is no transition from with_customer...
    const plain = anInput('hand_over', c, { customerId: OTHER_CUSTOMER });
    expect(store.decide([aCandidate(plain, c)]).verdicts.map(summary)).toEqual(['ILLEGAL_TRANSITION']);
    // ...but as the correction of the declared hand-over it starts where that one started.
    const correction = anInput('hand_over', c, { customerId: OTHER_CUSTOMER });
    const declaration = anInput('error_declaration', c, { declaredEventId: wrong.eventId, reason: 'incorrect_data', correctiveEventIds: [correction.eventId] });
    const decision = store.decide([aCandidate(declaration, c), aCandidate(correction, c)]);
    expect(decision.verdicts.map((v) => (v.status === 'accepted' ? `${v.draft.type} ${v.draft.fromState}→${v.draft.toState}` : summary(v)))).toEqual([
      'error_declaration with_customer→with_customer',
      'hand_over with_customer→with_customer',
    ]);
    // A declaration of an earlier event (not the last) opens no correction; nor does one naming no corrective event.
    const late = anInput('hand_over', c, { customerId: OTHER_CUSTOMER });
    const older = anInput('error_declaration', c, { declaredEventId: dispatched.eventId, reason: 'incorrect_data', correctiveEventIds: [late.eventId] });
    expect(store.decide([aCandidate(older, c), aCandidate(late, c)]).verdicts.map(summary)).toEqual(['accepted', 'ILLEGAL_TRANSITION']);
    const bare = anInput('error_declaration', c, { declaredEventId: wrong.eventId, reason: 'incorrect_data' });
    const after = anInput('hand_over', c, { customerId: OTHER_CUSTOMER });
    expect(store.decide([aCandidate(bare, c), aCandidate(after, c)]).verdicts.map(summary)).toEqual(['accepted', 'ILLEGAL_TRANSITION']);
  });
});

describe('only a scale records a fill, and an overfilled cylinder is held (pure, issue 12)', () => {
  let store: Store;
  beforeEach(() => {
    store = new Store();
  });
  const SCALE: EventActor = { kind: 'device', id: '64b0000000000000000d0001', enterpriseId: ENTERPRISE_A };
  const ysp15 = () => aCylinder({ model: 'YSP-15', nominalKg: 15, tareKg: 14.5 });
  const noManualMode = (cylinder: CylinderRef): Resolved => ({ cylinder });
  const inspected = () => {
    const cylinder = ysp15();
    store.lifeOf(cylinder, ['inspect']);
    return cylinder;
  };

  it('refuses a fill a user records outside a manual mode, and keeps the refusal', () => {
    const cylinder = inspected();
    const input = anInput('fill', cylinder, FILL);
    const decision = store.decide([aCandidate(input, cylinder, { resolved: noManualMode(cylinder) })]);
    expect(decision.verdicts[0]).toMatchObject({ status: 'rejected', reason: 'FILL_REQUIRES_SCALE' });
    expect(decision.kept).toEqual([expect.objectContaining({ eventId: input.eventId, reason: 'FILL_REQUIRES_SCALE' })]);
    const reweigh = anInput('reweigh', cylinder, { tareKg: 14.5, grossKg: 29, netKg: 14.5 });
    expect(store.decide([aCandidate(reweigh, cylinder, { resolved: noManualMode(cylinder) })]).verdicts[0]).toMatchObject({ reason: 'FILL_REQUIRES_SCALE' });
  });

  it('accepts the scale’s fill, marked by the ledger from the model: the permitted mass, and no anomaly within limits', () => {
    const cylinder = inspected();
    const decision = store.decide([aCandidate(anInput('fill', cylinder, { ...FILL, anomalies: ['overfill'], permittedNetKg: 99 }), cylinder, { actor: SCALE, resolved: noManualMode(cylinder) })]);
    expect(decision.verdicts[0]).toMatchObject({ status: 'accepted', draft: { payload: { ...FILL, permittedNetKg: 14.5 } } });
    expect((decision.verdicts[0] as { draft: { payload: Record<string, unknown> } }).draft.payload.anomalies).toBeUndefined();
  });

  it('accepts a user’s fill inside a manual mode, marked manual_mode; a resend is the same event', () => {
    const cylinder = inspected();
    const input = anInput('fill', cylinder, FILL);
    const decision = store.commit([aCandidate(input, cylinder)]);
    expect(decision.verdicts[0]).toMatchObject({ status: 'accepted', draft: { payload: { anomalies: ['manual_mode'] } } });
    expect(store.decide([aCandidate({ ...input }, cylinder)]).verdicts[0]).toMatchObject({ status: 'duplicate' });
  });

  it('judges a manual fill by when it happened, and takes it up to a day after the window ended', () => {
    const cylinder = inspected();
    const input = anInput('fill', cylinder, FILL);
    const at = new Date(input.occurredAt).getTime();
    const window = (from: number, until: number): Resolved => ({ cylinder, manualModes: [{ from: new Date(from), until: new Date(until) }] });
    const verdict = (resolved: Resolved) => store.decide([aCandidate(input, cylinder, { resolved })]).verdicts[0];
    expect(verdict(window(at - 60_000, at + 60_000))).toMatchObject({ status: 'accepted' });
    expect(verdict(window(at + 1, at + 3_600_000))).toMatchObject({ reason: 'FILL_REQUIRES_SCALE' });
    // The window ended just after the fill; RECEIVED is about an hour later: still within the day.
    expect(verdict(window(at - 60_000, at + 1))).toMatchObject({ status: 'accepted' });
    expect(verdict(window(at - 60_000, RECEIVED.getTime() - 86_400_000 - 1))).toMatchObject({ reason: 'FILL_REQUIRES_SCALE' });
  });

  it('marks an overfill and a tare mismatch, holds the cylinder until a re-weigh within limits, in one group as across groups', () => {
    const cylinder = inspected();
    const fill = anInput('fill', cylinder, { tareKg: 3, grossKg: 21, netKg: 18, durationS: 80 });
    const dispatch = () => anInput('dispatch', cylinder, { vehicleId: '64b0000000000000000007a1' });
    const reweigh = (netKg: number) => anInput('reweigh', cylinder, { tareKg: 14.5, grossKg: 14.5 + netKg, netKg });
    const scale = (input: EventInput) => aCandidate(input, cylinder, { actor: SCALE });
    const first = store.commit([scale(fill), aCandidate(dispatch(), cylinder)]);
    expect(first.verdicts.map((v) => (v.status === 'accepted' ? v.draft.payload.anomalies : v.status === 'rejected' ? v.reason : v.status))).toEqual([['overfill', 'tare_mismatch'], 'OVERFILL_UNRESOLVED']);
    expect(store.projections.get(cylinder.id)?.holds).toEqual(['overfill']);
    const still = store.commit([scale(reweigh(15.2)), aCandidate(dispatch(), cylinder)]);
    expect(still.verdicts[0]).toMatchObject({ status: 'accepted', draft: { payload: { withinLimits: false, maxNetKg: 15, permittedNetKg: 14.5, anomalies: ['overfill'] } } });
    expect(still.verdicts[1]).toMatchObject({ status: 'rejected', reason: 'OVERFILL_UNRESOLVED' });
    const fixed = store.commit([scale(reweigh(14.9)), aCandidate(dispatch(), cylinder)]);
    expect(fixed.verdicts.map((v) => v.status)).toEqual(['accepted', 'accepted']);
    expect(store.projections.get(cylinder.id)?.holds).toEqual([]);
  });
});
