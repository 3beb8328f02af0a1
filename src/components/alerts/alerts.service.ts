import type { AuditService } from '../audit';
import { authorize, refuseWiderFilter, type Principal } from '../auth';
import { ALERT_RULES, eventView, mayReadEvent, type Ledger } from '../ledger';
import type { QrComponent } from '../qr';
import type { UnitOfWork } from '../../shared/db/unit-of-work';
import { AppError } from '../../shared/errors/app.error';
import type { Page, PageCursors } from '../../shared/http/page.cursor';
import type { ClientSession } from 'mongoose';
import { caseChanged, decided, type AlertActor, type AlertChange, type AlertRecord, type CaseOutcome } from './alerts.merge';
import type { AlertRepository, Filter, StoredChange } from './alerts.repository';
import { evidenceJson, toAlertView, toChangePayload, type AlertsQuery, type AlertView } from './alerts.schemas';
import { alertScope } from './alerts.scope';
import type { TextLanguage } from './alerts.texts';

export interface AlertsServiceDeps {
  repo: AlertRepository;
  transaction: UnitOfWork;
  audit: AuditService;
  ledger: Pick<Ledger, 'eventsByIds' | 'refusalsByIds'>;
  qr?: Pick<QrComponent, 'scansByIds' | 'reportsByIds'> | undefined;
  cursors: PageCursors;
  now: () => Date;
  /** Told of a regulator's change after it committed (the feed and the other processes). */
  onCommitted: (changes: StoredChange[]) => void;
}

/** Newest change first; with `since`, oldest first (catching up in order). seq is unique: no tie-breaker. */
const FEED = { name: 'alerts', sort: 'seq', direction: -1 } as const;
const CATCH_UP = { name: 'alerts-since', sort: 'seq', direction: 1 } as const;

const notFound = (id: string) => new AppError('NOT_FOUND', 404, 'Not found', { detail: `No alert ${id}` });
const view = (a: AlertRecord, lang: TextLanguage = 'en'): AlertView => toAlertView(a, ALERT_RULES[a.rule], lang);
const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

/** The REST use cases of supervision: list and read alerts within scope, acknowledge and dismiss them (audited). */
export function createAlertsService(deps: AlertsServiceDeps) {
  function scopeOf(principal: Principal): Filter {
    authorize(principal, 'alerts', 'read');
    // A role the table lets read but that has no scope (no district, no enterprise) sees nothing.
    return alertScope(principal)?.filter ?? { _id: { $in: [] } };
  }

  async function visible(principal: Principal, id: string): Promise<AlertRecord> {
    const alert = await deps.repo.alertById(id, scopeOf(principal));
    if (!alert) throw notFound(id);
    return alert;
  }

  /** Each evidence record resolved to the record its own API shows, where the caller may read it. */
  async function resolve(principal: Principal, alert: AlertRecord, lang: TextLanguage) {
    const ids = (kind: string) => alert.evidence.filter((e) => e.kind === kind).map((e) => e.id);
    const [events, refusals, scans, reports] = await Promise.all([
      deps.ledger.eventsByIds(ids('event')),
      deps.ledger.refusalsByIds(ids('refusal')),
      deps.qr?.scansByIds(ids('scan')) ?? [],
      deps.qr?.reportsByIds(ids('report')) ?? [],
    ]);
    const records = new Map<string, Record<string, unknown>>();
    // Events and refusals under the one read rule of events: another district's stays hidden.
    for (const e of events) if (mayReadEvent(principal, e)) records.set(`event:${e.eventId}`, eventView(e));
    for (const r of refusals) if (mayReadEvent(principal, { districtCode: r.districtCode ?? '', enterpriseId: r.enterpriseId ?? '', actor: r.actor })) records.set(`refusal:${r.id}`, json(r));
    // The public's scans and reports hold no personal data: whoever sees the alert sees them.
    for (const s of scans) records.set(`scan:${s.id}`, json(s));
    for (const r of reports) records.set(`report:${r.id}`, json(r));
    return [...alert.evidence].reverse().map((e) => ({ ...evidenceJson(e, lang), record: records.get(`${e.kind}:${e.id}`) ?? null }));
  }

  async function act(principal: Principal, id: string, command: { kind: 'acknowledge'; note?: string } | { kind: 'dismiss'; reason: string }, lang: TextLanguage): Promise<AlertView> {
    authorize(principal, 'alerts', 'update');
    const scope = scopeOf(principal);
    const by = { userId: principal.userId, username: principal.username, role: principal.role };
    const change = await deps.transaction(async (session) => {
      const alert = await deps.repo.alertById(id, scope, session);
      if (!alert) throw notFound(id);
      if (alert.status === 'dismissed') throw new AppError('ALERT_DISMISSED', 409, 'Alert dismissed', { detail: 'A dismissed alert is closed; a new occurrence opens a new alert' });
      if (command.kind === 'acknowledge' && alert.status === 'acknowledged') return undefined;
      const state = await deps.repo.runnerState(session);
      const outcome = decided(alert, command, by, state.counters, deps.now());
      const payload = toChangePayload(outcome.change, ALERT_RULES[alert.rule]);
      await deps.repo.writeAlerts([outcome.alert], session);
      await deps.repo.insertChanges([outcome.change], [payload], session);
      await deps.repo.saveCounters(outcome.counters, session);
      const brief = (a: AlertRecord) => ({ rule: a.rule, status: a.status, subject: a.subject, count: a.count, seq: a.seq });
      await deps.audit.record(
        { actor: principal, action: command.kind, resource: 'alerts', recordId: alert.id, before: brief(alert), after: brief(outcome.alert), reason: command.kind === 'dismiss' ? command.reason : command.note, enterpriseId: alert.enterpriseId, districtCode: alert.districtCode },
        session,
      );
      return { stored: { seq: outcome.change.seq, districtCode: alert.districtCode, enterpriseId: alert.enterpriseId, payload } satisfies StoredChange, alert: outcome.alert };
    });
    if (!change) return view(await visible(principal, id), lang);
    deps.onCommitted([change.stored]);
    return view(change.alert, lang);
  }

  /** Writes a case's changes of alerts inside the caller's transaction; answers what to publish after its commit. */
  async function writeCaseChanges(session: ClientSession, alerts: readonly AlertRecord[], act: Parameters<typeof caseChanged>[1], principal: Principal, reason: string): Promise<() => void> {
    if (alerts.length === 0) return () => undefined;
    const by: AlertActor = { userId: principal.userId, username: principal.username, role: principal.role };
    const state = await deps.repo.runnerState(session);
    let counters = state.counters;
    const now = deps.now();
    const written: AlertRecord[] = [];
    const changes: AlertChange[] = [];
    for (const alert of alerts) {
      const outcome = caseChanged(alert, act, by, counters, now);
      counters = outcome.counters;
      written.push(outcome.alert);
      changes.push(outcome.change);
    }
    const payloads = changes.map((c) => toChangePayload(c, ALERT_RULES[c.alert.rule]));
    await deps.repo.writeAlerts(written, session);
    await deps.repo.insertChanges(changes, payloads, session);
    await deps.repo.saveCounters(counters, session);
    for (const [i, before] of alerts.entries()) {
      const after = written[i] as AlertRecord;
      await deps.audit.record(
        { actor: principal, action: act.kind === 'attach' ? 'attach_to_case' : 'close_with_case', resource: 'alerts', recordId: before.id, before: { status: before.status }, after: { status: after.status, case: after.case?.id }, reason, enterpriseId: before.enterpriseId, districtCode: before.districtCode },
        session,
      );
    }
    const stored = changes.map((c, i): StoredChange => ({ seq: c.seq, districtCode: c.districtCode, enterpriseId: c.enterpriseId, payload: payloads[i] as StoredChange['payload'] }));
    return () => deps.onCommitted(stored);
  }

  return {
    /**
     * The cases component's view of alerts: the alerts a case is opened from, as the caller may
     * see them (NOT_FOUND names the first it may not; 409 when one is closed or in another case).
     */
    async forCase(principal: Principal, ids: readonly string[]): Promise<AlertView[]> {
      const found = new Map((await deps.repo.alertsByIds(ids, scopeOf(principal))).map((a) => [a.id, a]));
      for (const id of ids) {
        const alert = found.get(id);
        if (!alert) throw notFound(id);
        if (!alert.active) throw new AppError('ALERT_NOT_ACTIVE', 409, 'Alert closed', { detail: `Alert ${id} is closed; a case is opened from open alerts` });
        if (alert.case && !alert.case.closed) throw new AppError('ALERT_IN_CASE', 409, 'Alert already in a case', { detail: `Alert ${id} is handled in case ${alert.case.number}` });
      }
      return ids.map((id) => view(found.get(id) as AlertRecord));
    },
    /** Inside the case's transaction: the alerts join the case (they stay active). Call the answer after the commit. */
    async attachToCase(session: ClientSession, ids: readonly string[], ref: { caseId: string; number: string }, by: Principal): Promise<() => void> {
      const alerts = (await deps.repo.alertsByIds(ids, {}, session)).filter((a) => a.active);
      return writeCaseChanges(session, alerts, { kind: 'attach', caseId: ref.caseId, number: ref.number }, by, `case ${ref.number}`);
    },
    /** Inside the case's transaction: the case closed, its active alerts close with it. Call the answer after the commit. */
    async closeWithCase(session: ClientSession, caseId: string, outcome: CaseOutcome, by: Principal): Promise<() => void> {
      const alerts = await deps.repo.alertsOfCase(caseId, session);
      return writeCaseChanges(session, alerts, { kind: 'close', outcome }, by, `case closed: ${outcome}`);
    },
    async list(principal: Principal, query: AlertsQuery, lang: TextLanguage = 'en'): Promise<Page<AlertView>> {
      const filters: Filter[] = [scopeOf(principal)];
      refuseWiderFilter(principal, { district: query.district, enterpriseId: query.enterprise });
      if (query.rule) filters.push({ rule: query.rule });
      if (query.severity) filters.push({ severity: query.severity });
      if (query.status) filters.push({ status: query.status });
      if (query.district) filters.push({ districtCode: query.district });
      if (query.enterprise) filters.push({ enterpriseId: query.enterprise });
      const listing = query.since === undefined ? FEED : CATCH_UP;
      if (query.since !== undefined) filters.push({ seq: { $gt: query.since } });
      if (query.cursor) {
        const after = Number(deps.cursors.decode(listing, query.cursor).value);
        filters.push({ seq: listing.direction === 1 ? { $gt: after } : { $lt: after } });
      }
      const rows = await deps.repo.listAlerts({ $and: filters }, listing.direction, query.limit + 1);
      const page = deps.cursors.page(rows, query.limit, listing, (a) => ({ value: a.seq }));
      return { items: page.items.map((a) => view(a, lang)), nextCursor: page.nextCursor };
    },
    async get(principal: Principal, id: string, lang: TextLanguage = 'en') {
      const alert = await visible(principal, id);
      return { ...view(alert, lang), evidence: await resolve(principal, alert, lang) };
    },
    acknowledge: (principal: Principal, id: string, note?: string, lang: TextLanguage = 'en') => act(principal, id, { kind: 'acknowledge', ...(note ? { note } : {}) }, lang),
    dismiss: (principal: Principal, id: string, reason: string, lang: TextLanguage = 'en') => act(principal, id, { kind: 'dismiss', reason }, lang),
  };
}

export type AlertsService = ReturnType<typeof createAlertsService>;
