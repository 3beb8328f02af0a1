import { Types, type ClientSession } from 'mongoose';
import type { UnitOfWork } from '../../shared/db/unit-of-work';
import { createGroupCommit } from '../../shared/db/group-commit';
import type { FieldError } from '../../shared/errors/app.error';
import type { AppendOutcome, Ledger, LedgerEvent } from '../ledger';
import type { CollisionDoc, HazardDoc, SafetyCheckDoc, VisitDoc, VisitEvent } from './deliveries.model';
import { differences } from './deliveries.content';
import type { Mode, Plan, Submitter } from './deliveries.plan';
import type { DeliveriesRepository } from './deliveries.repository';
import { hazardsOf, itemsCleared } from './safety-check.items';

/** What became of one flow. */
export type Outcome =
  | { status: 'recorded' | 'partial' | 'refused' | 'duplicate'; visit: VisitDoc; collisions: string[]; hazards: number }
  /** An online flow with a refused event: nothing stored (the refusals are kept by the ledger). */
  | { status: 'rejected'; reasons: { cylinder: string; code: string; detail: string }[] }
  | { status: 'invalid'; code: string; httpStatus: number; detail: string; errors?: FieldError[] };

/**
 * A visit id another worker's flow holds (of the same enterprise: another's is a key of its own).
 * The worker may not read that flow, so the answer neither returns it nor says how it differs: only
 * that the id is taken, worded as for any conflict.
 */
export function othersVisitId(path: string): FieldError {
  return { path: path ? `${path}.visitId` : 'visitId', message: 'is already the id of another visit' };
}

/** One flow of a request, as the group commit takes it. */
export interface CommitItem {
  who: Submitter;
  mode: Mode;
  plan: Plan;
  /** The flow's path in its request (`visits[3]` in a batch, '' for one flow): conflicts are named by it. */
  path: string;
}

/** One flow's answer; every flow of a request that reused a visit id for other content answers that request's 409. */
export type ItemAnswer = { outcome: Outcome } | { conflict: FieldError[] };

export interface CommitDeps {
  transaction: UnitOfWork;
  repo: DeliveriesRepository;
  ledger: Pick<Ledger, 'appendPrepared' | 'withAppendRetries' | 'cylinderStates' | 'eventsByIds'>;
  now: () => Date;
}

/** Most flows one transaction takes (concurrent requests coalesced; one flow holds at most 100 cylinders' events). */
const MAX_GROUP = 1000;

interface Unit {
  item: CommitItem;
  request: number;
  index: number;
}

/**
 * One transaction per group of concurrent requests (through the unit of work, as the ledger does):
 * the stored copies of the visit ids read again, then every new flow's ledger events decided and
 * written IN THIS transaction (the ledger joins it: appendPrepared), then the visits, safety
 * checks, hazards and collisions written beside them. A flow is stored with its events or not at
 * all; a concurrent append that moved a cylinder on starts the whole transaction again.
 */
export function createCommit(deps: CommitDeps) {
  const group = createGroupCommit<CommitItem, ItemAnswer>(
    (requests) => deps.ledger.withAppendRetries((attempt) => deps.transaction((session) => commitGroup(requests, session, attempt))),
    MAX_GROUP,
  );

  async function commitGroup(requests: readonly (readonly CommitItem[])[], session: ClientSession, attempt: number): Promise<ItemAnswer[][]> {
    const receivedAt = deps.now();
    const stored = await storedVisits(requests.flat(), session);
    // The first copy of a visit id (stored, or earlier in the group) decides; a copy with other content is its request's 409.
    const firsts = new Map<string, { hash: string; content: Record<string, unknown>; workerId: string }>();
    for (const [key, visit] of stored) firsts.set(key, { hash: visit.contentHash, content: visit.content, workerId: visit.workerId });
    const conflicts: FieldError[][] = [];
    const units: Unit[] = [];
    const copies: { request: number; index: number; key: string }[] = [];
    requests.forEach((items, request) => {
      const found: FieldError[] = [];
      const mine: Unit[] = [];
      const again: typeof copies = [];
      const seenHere = new Map<string, { hash: string; content: Record<string, unknown>; workerId: string }>();
      items.forEach((item, index) => {
        const key = keyOf(item.who.enterpriseId, item.plan.flow.visitId);
        const first = seenHere.get(key) ?? firsts.get(key);
        if (!first) {
          seenHere.set(key, { hash: item.plan.contentHash, content: item.plan.content, workerId: item.who.workerId });
          mine.push({ item, request, index });
        } else if (first.workerId !== item.who.workerId) found.push(othersVisitId(item.path));
        else if (first.hash === item.plan.contentHash) again.push({ request, index, key });
        else for (const path of differences(first.content, item.plan.content, item.path)) found.push({ path, message: 'differs from the flow already recorded under this visitId' });
      });
      conflicts.push(found);
      if (found.length > 0) return;
      for (const [key, first] of seenHere) firsts.set(key, first);
      units.push(...mine);
      copies.push(...again);
    });

    const answered = await record(units, receivedAt, session, attempt);
    const byKey = new Map<string, Outcome>();
    for (const unit of units) byKey.set(keyOf(unit.item.who.enterpriseId, unit.item.plan.flow.visitId), answered.get(unit) as Outcome);
    const storedCopies = [...new Set(copies.map((c) => c.key))].flatMap((key) => (stored.has(key) ? [stored.get(key) as VisitDoc] : []));
    for (const [key, outcome] of await views(storedCopies, session)) byKey.set(key, outcome);

    const answers: ItemAnswer[][] = requests.map((items, request) => {
      const conflict = conflicts[request] as FieldError[];
      return items.map(() => (conflict.length > 0 ? { conflict } : { outcome: NOT_YET }));
    });
    for (const unit of units) (answers[unit.request] as ItemAnswer[])[unit.index] = { outcome: answered.get(unit) as Outcome };
    for (const copy of copies) {
      const first = byKey.get(copy.key) ?? NOT_YET;
      (answers[copy.request] as ItemAnswer[])[copy.index] = { outcome: 'visit' in first ? { ...first, status: 'duplicate' } : first };
    }
    return answers;
  }

  async function storedVisits(items: readonly { who: Submitter; plan: { flow: { visitId: string } } }[], session?: ClientSession): Promise<Map<string, VisitDoc>> {
    const byEnterprise = new Map<string, { enterpriseId: Types.ObjectId; ids: Set<string> }>();
    for (const { who, plan } of items) {
      const entry = byEnterprise.get(who.enterpriseId.toHexString()) ?? { enterpriseId: who.enterpriseId, ids: new Set<string>() };
      entry.ids.add(plan.flow.visitId);
      byEnterprise.set(who.enterpriseId.toHexString(), entry);
    }
    const found = new Map<string, VisitDoc>();
    for (const { enterpriseId, ids } of byEnterprise.values()) {
      for (const visit of await deps.repo.visitsByIds(enterpriseId, [...ids], session)) found.set(keyOf(visit.enterpriseId, visit.visitId), visit);
    }
    return found;
  }

  /**
   * Decides and writes the new flows, in device-time order (a collision between two workers'
   * uploads refuses the later one), answering each unit; `results` gets each visit id's outcome
   * for the copies that share it.
   */
  async function record(units: readonly Unit[], receivedAt: Date, session: ClientSession, attempt: number): Promise<Map<Unit, Outcome>> {
    const answered = new Map<Unit, Outcome>();
    const live: Unit[] = [];
    for (const unit of units) {
      const { plan } = unit.item;
      if (plan.spend && !(await deps.repo.spendCode(plan.spend, plan.flow.visitId, receivedAt, session))) {
        answered.set(unit, { status: 'invalid', code: 'CONFIRMATION_FAILED', httpStatus: 422, detail: 'the hand-over code was spent by another visit meanwhile', errors: [{ path: 'confirmation.code', message: 'is spent' }] });
        continue;
      }
      live.push(unit);
    }
    const ordered = [...live].sort((a, b) => Date.parse(a.item.plan.flow.occurredAt) - Date.parse(b.item.plan.flow.occurredAt));
    const ledgerAnswers = await deps.ledger.appendPrepared(ordered.map((u) => ({ prepared: u.item.plan.prepared, atomic: u.item.mode === 'online' })), session, attempt);

    const visits: VisitDoc[] = [];
    const checks: SafetyCheckDoc[] = [];
    const hazards: HazardDoc[] = [];
    const collided: { unit: Unit; event: VisitEvent }[] = [];
    const stored: { unit: Unit; visit: VisitDoc; hazards: number }[] = [];
    for (const [k, unit] of ordered.entries()) {
      const { plan, who, mode } = unit.item;
      const outcomes = ledgerAnswers[k] as AppendOutcome[];
      const events = plan.events.map((e, i): VisitEvent => visitEvent(e.role, e.cylinder, outcomes[i] as AppendOutcome));
      const refused = events.filter((e) => e.status === 'rejected');
      if (mode === 'online' && refused.length > 0) {
        if (plan.spend) await deps.repo.releaseCode(plan.spend, plan.flow.visitId, session);
        const reasons = refused.filter((e) => e.reason !== 'FLOW_INCOMPLETE').map((e) => ({ cylinder: e.cylinder, code: e.reason ?? 'REJECTED', detail: e.detail ?? '' }));
        answered.set(unit, { status: 'rejected', reasons });
        continue;
      }
      const checkId = plan.check ? new Types.ObjectId() : undefined;
      const visit: VisitDoc = {
        _id: new Types.ObjectId(),
        enterpriseId: who.enterpriseId,
        districtCode: plan.districtCode,
        visitId: plan.flow.visitId,
        kind: plan.flow.kind,
        workerId: who.workerId,
        userId: who.userId,
        occurredAt: new Date(plan.flow.occurredAt),
        receivedAt,
        source: mode,
        status: refused.length === 0 ? 'recorded' : refused.length === events.length ? 'refused' : 'partial',
        contentHash: plan.contentHash,
        content: plan.content,
        ...(plan.customerId ? { customerId: plan.customerId } : {}),
        ...(plan.siteId ? { siteId: plan.siteId } : {}),
        ...(plan.vehicleId ? { vehicleId: plan.vehicleId } : {}),
        events,
        handOvers: events.filter((e) => e.role === 'deliver' && e.status !== 'rejected').length,
        ...(plan.confirmation ? { confirmation: plan.confirmation } : {}),
        ...(checkId ? { checkId: checkId.toHexString() } : {}),
      };
      visits.push(visit);
      let found = 0;
      if (plan.check && checkId && plan.customerId) {
        const found_ = hazardsOf(plan.check.items, visit.occurredAt).map((h): HazardDoc => ({
          _id: new Types.ObjectId(),
          checkId: checkId.toHexString(),
          item: h.item,
          customerId: plan.customerId as string,
          enterpriseId: who.enterpriseId,
          districtCode: plan.districtCode,
          deadline: h.deadline,
          status: 'open',
          foundAt: visit.occurredAt,
          ...(h.note ? { note: h.note } : {}),
        }));
        found = found_.length;
        hazards.push(...found_);
        checks.push({
          _id: checkId,
          enterpriseId: who.enterpriseId,
          districtCode: plan.districtCode,
          visitId: plan.flow.visitId,
          customerId: plan.customerId,
          workerId: who.workerId,
          occurredAt: visit.occurredAt,
          items: plan.check.items as SafetyCheckDoc['items'],
          ...(plan.check.photoSha256 ? { photoSha256: plan.check.photoSha256 } : {}),
          ...(plan.check.note ? { note: plan.check.note } : {}),
          confirmation: plan.confirmation ?? { method: 'none', confirmed: false },
          hazardIds: found_.map((h) => h._id.toHexString()),
        });
      }
      events.forEach((event, i) => {
        const outcome = outcomes[i] as AppendOutcome;
        if (event.status === 'rejected' && event.cylinderId && outcome.reasons?.some((r) => r.code === 'ILLEGAL_TRANSITION')) collided.push({ unit, event });
      });
      stored.push({ unit, visit, hazards: found });
    }

    const collisions = await collisionDocs(collided, plansInput(ordered), receivedAt, session);
    await deps.repo.insertVisits(visits, session);
    await deps.repo.insertChecks(checks, session);
    await deps.repo.insertHazards(hazards, session);
    // A check closes the customer's earlier open hazards of the items it passed, in device-time order.
    for (const check of checks) await deps.repo.closeHazards(check.customerId, itemsCleared(check.items), check._id.toHexString(), check.occurredAt, session);
    await deps.repo.insertCollisions(collisions, session);

    for (const { unit, visit, hazards: count } of stored) {
      const mine = collisions.filter((c) => c.visitId === visit.visitId && c.enterpriseId.equals(visit.enterpriseId)).map((c) => c._id.toHexString());
      answered.set(unit, { status: visit.status, visit, collisions: mine, hazards: count });
    }
    return answered;
  }

  /** Each refused offline event as a collision, with the cylinder's last event it collides with (read in this transaction). */
  async function collisionDocs(collided: readonly { unit: Unit; event: VisitEvent }[], inputs: ReadonlyMap<string, Record<string, unknown>>, detectedAt: Date, session: ClientSession): Promise<CollisionDoc[]> {
    if (collided.length === 0) return [];
    const cylinderIds = [...new Set(collided.map((c) => c.event.cylinderId as string))];
    const heads = new Map((await deps.ledger.cylinderStates(cylinderIds, session)).map((p) => [p.cylinderId, p.headEventId]));
    const events = new Map((await deps.ledger.eventsByIds([...new Set(heads.values())], session)).map((e) => [e.eventId, e]));
    return collided.map(({ unit, event }): CollisionDoc => {
      const { who, plan } = unit.item;
      const head = events.get(heads.get(event.cylinderId as string) ?? '');
      return {
        _id: new Types.ObjectId(),
        enterpriseId: who.enterpriseId,
        districtCode: plan.districtCode,
        visitId: plan.flow.visitId,
        workerId: who.workerId,
        cylinderId: event.cylinderId as string,
        eventId: event.eventId,
        role: event.role,
        event: inputs.get(event.eventId) ?? {},
        occurredAt: new Date(plan.flow.occurredAt),
        detectedAt,
        reason: event.reason ?? 'ILLEGAL_TRANSITION',
        detail: event.detail ?? '',
        conflictsWith: head ? conflictOf(head) : null,
        status: 'open',
      };
    });
  }

  /** Stored visits answered as duplicates, with their collisions and hazard counts. */
  async function views(visits: readonly VisitDoc[], session?: ClientSession): Promise<Map<string, Outcome>> {
    const found = new Map<string, Outcome>();
    if (visits.length === 0) return found;
    const byEnterprise = new Map<string, VisitDoc[]>();
    for (const v of visits) byEnterprise.set(v.enterpriseId.toHexString(), [...(byEnterprise.get(v.enterpriseId.toHexString()) ?? []), v]);
    const counts = await deps.repo.hazardCounts(visits.flatMap((v) => (v.checkId ? [v.checkId] : [])), session);
    for (const list of byEnterprise.values()) {
      const collisions = await deps.repo.collisionsOfVisits((list[0] as VisitDoc).enterpriseId, list.map((v) => v.visitId), session);
      for (const visit of list) {
        const mine = collisions.filter((c) => c.visitId === visit.visitId).map((c) => c._id.toHexString());
        found.set(keyOf(visit.enterpriseId, visit.visitId), { status: 'duplicate', visit, collisions: mine, hazards: visit.checkId ? (counts.get(visit.checkId) ?? 0) : 0 });
      }
    }
    return found;
  }

  return {
    /** A request's flows, coalesced with whatever else is waiting; one answer per flow. */
    submit: (items: readonly CommitItem[]): Promise<ItemAnswer[]> => (items.length > 0 ? group(items) : Promise.resolve([])),
    /** The stored copies of these flows' visit ids, read outside any transaction (the pre-check before planning). */
    storedVisits: (items: readonly { who: Submitter; plan: { flow: { visitId: string } } }[]) => storedVisits(items),
    views: (visits: readonly VisitDoc[]) => views(visits),
  };
}

export const keyOf = (enterpriseId: Types.ObjectId, visitId: string): string => `${enterpriseId.toHexString()}/${visitId}`;

function visitEvent(role: VisitEvent['role'], cylinder: string, outcome: AppendOutcome): VisitEvent {
  const cylinderId = outcome.event?.cylinderId ?? outcome.cylinderId;
  return {
    eventId: outcome.eventId,
    role,
    cylinder,
    ...(cylinderId ? { cylinderId } : {}),
    status: outcome.status,
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    ...(outcome.detail ? { detail: outcome.detail } : {}),
  };
}

/** The submitted ledger input of every planned event, by event id: what a collision keeps to record on acceptance. */
function plansInput(units: readonly Unit[]): Map<string, Record<string, unknown>> {
  return new Map(units.flatMap((u) => u.item.plan.events.map((e) => [e.input.eventId, e.input as Record<string, unknown>] as const)));
}

/** Never left in an answer: every flow is a unit, a copy of one, or its request's conflict. */
const NOT_YET: Outcome = { status: 'invalid', code: 'CONFLICT', httpStatus: 409, detail: 'the visit was being recorded by another request; send it again' };

function conflictOf(head: LedgerEvent): NonNullable<CollisionDoc['conflictsWith']> {
  return { eventId: head.eventId, type: head.type, occurredAt: head.occurredAt, ...(head.actor.workerId ? { workerId: head.actor.workerId } : {}), toState: head.toState };
}

export type Commit = ReturnType<typeof createCommit>;
