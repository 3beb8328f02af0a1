import { authorize, scopeFilter, type Principal } from '../auth';
import { actorOf, REJECTION_REASONS } from '../ledger';
import { AppError, type FieldError } from '../../shared/errors/app.error';
import { zodFieldErrors } from '../../shared/errors/problem.mapper';
import { afterPosition, type Page, type PageCursors } from '../../shared/http/page.cursor';
import { othersVisitId, type Commit, type CommitItem, type Outcome } from './deliveries.commit';
import { contentHash, differences, storedContent } from './deliveries.content';
import type { VisitKind } from './deliveries.model';
import { isInvalid, type Mode, type Planner, type Submitter } from './deliveries.plan';
import { oid, type DeliveriesRepository, type Filter } from './deliveries.repository';
import { FLOW_INPUTS, syncInput, type FlowInput, type RatesQuery, type VisitsQuery } from './deliveries.schemas';
import { visitView } from './deliveries.views';

export interface FlowsDeps {
  repo: DeliveriesRepository;
  planner: Planner;
  commit: Commit;
  cursors: PageCursors;
  /** Keys the secrets of a flow's stored content (PII_HASH_SECRET). */
  contentSecret: string;
}

/** Visits newest first by device time; the _id breaks ties. */
const VISITS = { name: 'delivery-visits', sort: 'occurredAt', direction: -1 } as const;

/** The worker a flow is recorded by: from the token, never the body. */
export function submitterOf(principal: Principal): Submitter {
  authorize(principal, 'deliveries', 'create');
  if (!principal.workerId || !principal.enterpriseId) throw AppError.forbidden('a delivery flow is recorded by a delivery worker signed in with its worker record');
  return { actor: actorOf(principal), userId: principal.userId, workerId: principal.workerId, enterpriseId: oid(principal.enterpriseId) };
}

/**
 * The delivery worker's day as use cases: one flow online (the worker is answered at once, and a
 * flow is recorded whole or refused whole), or a phone's offline batch (every flow stored with what
 * the ledger made of each event; none lost, none stored twice).
 */
export function createFlows(deps: FlowsDeps) {
  /** One flow, online: recorded (201), the same flow again (200), or refused with every reason. */
  async function recordOne(principal: Principal, kind: VisitKind, body: unknown): Promise<{ created: boolean; view: Record<string, unknown> }> {
    const who = submitterOf(principal);
    const flow = { kind, ...FLOW_INPUTS[kind].parse(body) } as FlowInput;
    const [answer] = await submit(who, 'online', [{ flow, path: '' }]);
    if (!answer || 'conflict' in answer) throw visitIdConflict(answer?.conflict ?? []);
    const outcome = answer.outcome;
    switch (outcome.status) {
      case 'invalid':
        throw new AppError(outcome.code, outcome.httpStatus, titleOf(outcome.code), { detail: outcome.detail, ...(outcome.errors ? { errors: outcome.errors } : {}) });
      case 'rejected': {
        const first = outcome.reasons[0] ?? { cylinder: '', code: 'REJECTED', detail: 'refused' };
        const reasons = outcome.reasons.map((r) => ({ code: r.code, detail: `${r.cylinder}: ${r.detail}` }));
        throw new AppError(first.code, statusOf(first.code), titleOf(first.code), { detail: `${first.cylinder}: ${first.detail}; nothing of the flow is recorded`, reasons });
      }
      default:
        return { created: outcome.status !== 'duplicate', view: visitView(outcome.visit, outcome) };
    }
  }

  /** An offline batch: each flow in order, answered one by one; a visit id reused for other content is the batch's 409. */
  async function sync(principal: Principal, body: unknown) {
    const who = submitterOf(principal);
    const { visits } = syncInput.parse(body);
    const parsed = visits.map((raw, i) => parseItem(raw, `visits[${i}]`));
    const flows = parsed.flatMap((p, i) => ('flow' in p ? [{ flow: p.flow, path: `visits[${i}]`, i }] : []));
    const answers = await submit(who, 'offline', flows);
    const conflict = answers.find((a) => 'conflict' in a);
    if (conflict && 'conflict' in conflict) throw visitIdConflict(conflict.conflict);
    const byIndex = new Map(flows.map((f, k) => [f.i, answers[k] as { outcome: Outcome }]));
    const results = parsed.map((p, i) => {
      if ('errors' in p) return { visitId: p.visitId, status: 'invalid' as const, code: 'VALIDATION_FAILED', errors: p.errors };
      const outcome = (byIndex.get(i) as { outcome: Outcome }).outcome;
      if (outcome.status === 'invalid') return { visitId: p.flow.visitId, status: 'invalid' as const, code: outcome.code, ...(outcome.errors ? { errors: outcome.errors.map((e) => ({ ...e, path: `visits[${i}].${e.path}` })) } : {}) };
      // An offline flow is never refused whole: 'rejected' is an online answer only.
      if (outcome.status === 'rejected') return { visitId: p.flow.visitId, status: 'invalid' as const, code: outcome.reasons[0]?.code ?? 'REJECTED' };
      return { visitId: p.flow.visitId, status: outcome.status, visit: visitView(outcome.visit, outcome) };
    });
    const count = (...statuses: string[]) => results.filter((r) => statuses.includes(r.status)).length;
    return { recorded: count('recorded', 'partial'), duplicate: count('duplicate'), refused: count('refused'), invalid: count('invalid'), results };
  }

  /** Content first (a stored copy is answered without planning), then the plans, then the transaction. */
  async function submit(who: Submitter, mode: Mode, flows: readonly { flow: FlowInput; path: string }[]) {
    const contents = flows.map(({ flow }) => {
      const content = storedContent(flow, deps.contentSecret);
      return { content, contentHash: contentHash(content) };
    });
    const stored = await deps.commit.storedVisits(flows.map(({ flow }) => ({ who, plan: { flow } })));
    const conflicts: FieldError[] = [];
    flows.forEach(({ flow, path }, i) => {
      const visit = stored.get(`${who.enterpriseId.toHexString()}/${flow.visitId}`);
      const mine = contents[i] as { content: Record<string, unknown>; contentHash: string };
      if (visit && visit.workerId !== who.workerId) conflicts.push(othersVisitId(path));
      else if (visit && visit.contentHash !== mine.contentHash) {
        for (const field of differences(visit.content, mine.content, path)) conflicts.push({ path: field, message: 'differs from the flow already recorded under this visitId' });
      }
    });
    if (conflicts.length > 0) return flows.map(() => ({ conflict: conflicts }));
    const views = await deps.commit.views([...stored.values()]);
    const memo = deps.planner.memo();
    const planned = await Promise.all(
      flows.map(async ({ flow }, i) => (stored.has(`${who.enterpriseId.toHexString()}/${flow.visitId}`) ? undefined : deps.planner.plan(flow, who, mode, contents[i] as { content: Record<string, unknown>; contentHash: string }, memo))),
    );
    const items: CommitItem[] = [];
    const positions: number[] = [];
    planned.forEach((p, i) => {
      if (p && !isInvalid(p)) {
        items.push({ who, mode, plan: p, path: (flows[i] as { path: string }).path });
        positions.push(i);
      }
    });
    const committed = await deps.commit.submit(items);
    if (committed.some((a) => 'conflict' in a)) return flows.map(() => committed.find((a) => 'conflict' in a) as { conflict: FieldError[] });
    const answers: ({ outcome: Outcome } | { conflict: FieldError[] })[] = flows.map(({ flow }, i) => {
      const p = planned[i];
      if (p && isInvalid(p)) return { outcome: { status: 'invalid', code: p.invalid.code, httpStatus: p.invalid.status, detail: p.invalid.detail, ...(p.invalid.errors ? { errors: p.invalid.errors } : {}) } };
      const view = views.get(`${who.enterpriseId.toHexString()}/${flow.visitId}`);
      return { outcome: view ?? { status: 'invalid', code: 'CONFLICT', httpStatus: 409, detail: 'send it again' } };
    });
    positions.forEach((i, k) => {
      answers[i] = committed[k] as { outcome: Outcome };
    });
    return answers;
  }

  async function list(principal: Principal, query: VisitsQuery): Promise<Page<Record<string, unknown>>> {
    const filters = readScope(principal);
    if (query.kind) filters.push({ kind: query.kind });
    if (query.workerId) filters.push({ workerId: query.workerId });
    if (query.customerId) filters.push({ customerId: query.customerId });
    if (query.cursor) filters.push(afterPosition(VISITS, deps.cursors.decode(VISITS, query.cursor)));
    const rows = await deps.repo.visitsPage({ $and: filters }, query.limit + 1);
    const page = deps.cursors.page(rows, query.limit, VISITS, (v) => ({ value: v.occurredAt, id: v._id.toHexString() }));
    return { items: page.items.map((v) => visitView(v)), nextCursor: page.nextCursor };
  }

  async function one(principal: Principal, visitId: string): Promise<Record<string, unknown>> {
    const visit = await deps.repo.visitOne({ $and: [...readScope(principal), { visitId }] });
    if (!visit) throw AppError.notFound(`no visit ${visitId}`);
    const outcome = (await deps.commit.views([visit])).get(`${visit.enterpriseId.toHexString()}/${visit.visitId}`);
    return visitView(visit, outcome && 'visit' in outcome ? outcome : undefined);
  }

  /** Each worker's hand-overs in the range, and how many the customer confirmed (an unconfirmed one counts against the rate). */
  async function rates(principal: Principal, query: RatesQuery) {
    const filters = readScope(principal);
    if (query.workerId) filters.push({ workerId: query.workerId });
    if (query.from || query.to) filters.push({ occurredAt: { ...(query.from ? { $gte: new Date(query.from) } : {}), ...(query.to ? { $lt: new Date(query.to) } : {}) } });
    const rows = await deps.repo.rates({ $and: filters });
    return {
      items: rows.map((r) => ({ workerId: r.workerId, handOvers: r.handOvers, confirmed: r.confirmed, unconfirmed: r.handOvers - r.confirmed, rate: r.handOvers === 0 ? 1 : r.confirmed / r.handOvers, byMethod: r.byMethod })),
    };
  }

  return { recordOne, sync, list, one, rates };
}

/** Whose visits a caller reads: the one scope filter, and a worker only its own. */
function readScope(principal: Principal): Filter[] {
  authorize(principal, 'deliveries', 'read');
  const filters: Filter[] = [scopeFilter(principal, 'deliveries')];
  if (principal.role === 'delivery_worker') filters.push({ workerId: principal.workerId ?? '' });
  return filters;
}

/** One item of an offline batch: its kind picks its schema; a bad item is answered alone. */
function parseItem(raw: unknown, path: string): { flow: FlowInput } | { visitId: string; errors: FieldError[] } {
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const { kind, ...rest } = record;
  const visitId = typeof record.visitId === 'string' ? record.visitId.slice(0, 64) : '';
  if (typeof kind !== 'string' || !(kind in FLOW_INPUTS)) return { visitId, errors: [{ path: `${path}.kind`, message: `must be one of ${Object.keys(FLOW_INPUTS).join(', ')}` }] };
  const parsed = FLOW_INPUTS[kind as VisitKind].safeParse(rest);
  if (!parsed.success) return { visitId, errors: zodFieldErrors(parsed.error).map((e) => ({ ...e, path: `${path}.${e.path}` })) };
  return { flow: { kind, ...parsed.data } as FlowInput };
}

function visitIdConflict(errors: readonly FieldError[]): AppError {
  const info = REJECTION_REASONS.VISIT_ID_CONFLICT;
  return new AppError('VISIT_ID_CONFLICT', info.status, info.en, { detail: `${info.zh}: ${errors.map((e) => e.path).join(', ')}; send the corrected flow under a new visitId`, errors });
}

const statusOf = (code: string): number => (REJECTION_REASONS as Record<string, { status: number } | undefined>)[code]?.status ?? 422;
const titleOf = (code: string): string => (REJECTION_REASONS as Record<string, { en: string } | undefined>)[code]?.en ?? 'Refused';
