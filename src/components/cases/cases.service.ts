import { createHash } from 'node:crypto';
import { Types, type ClientSession } from 'mongoose';
import type { AuditService } from '../audit';
import { composed, textOf, type Phrase, type TextLanguage } from '../alerts';
import { authorize, can, refuseWiderFilter, scopeFilter, type Principal } from '../auth';
import { sniffImage } from '../deliveries';
import type { UnitOfWork } from '../../shared/db/unit-of-work';
import { AppError } from '../../shared/errors/app.error';
import { afterPosition, type Page, type PageCursors } from '../../shared/http/page.cursor';
import { allowedCommands, transition, type CaseActor, type CaseCommand, type CaseStatus, type ReviewOutcome } from './cases.lifecycle';
import type { CaseAccount, CaseDoc, HistoryEntry } from './cases.model';
import type { CaseAccounts, CaseAlerts, CaseHazards, CaseReports, CaseSourceRecord } from './cases.ports';
import type { CasesRepository, Filter } from './cases.repository';
import { assignBody, casesQuery, createCaseBody, rectificationBody, reviewBody, type CaseView } from './cases.schemas';
import { resolveSubject, type SubjectRegistry } from './cases.subjects';

export interface CasesServiceDeps {
  repo: CasesRepository;
  transaction: UnitOfWork;
  audit: AuditService;
  cursors: PageCursors;
  registry: SubjectRegistry;
  alerts: CaseAlerts;
  hazards?: CaseHazards | undefined;
  reports?: CaseReports | undefined;
  accounts: CaseAccounts;
  photoMaxBytes: number;
  now: () => Date;
}

const LISTING = { name: 'cases', sort: 'createdAt', direction: -1 } as const;
const CITY_UTC_OFFSET_MS = 8 * 3_600_000;

const notFound = (id: string) => AppError.notFound(`No case ${id}`);
const accountOf = (p: Principal): CaseAccount => ({ id: p.userId, username: p.username, role: p.role });
export const actorOf = (p: Principal): CaseActor | undefined =>
  p.role === 'city_regulator' || p.role === 'district_regulator' ? 'regulator' : p.role === 'enterprise_admin' ? 'enterprise' : undefined;
/** The city's calendar year (Asia/Shanghai, UTC+8 all year): case numbers count within it. */
export const cityYear = (at: Date): number => new Date(at.getTime() + CITY_UTC_OFFSET_MS).getUTCFullYear();
export const caseNumber = (district: string, year: number, seq: number): string => `${district}-${year}-${String(seq).padStart(4, '0')}`;

/** The use cases of a case: open it from its sources, assign, rectify, review; every step audited and kept in its history. */
export function createCasesService(deps: CasesServiceDeps) {
  const { repo } = deps;

  function scopeOf(principal: Principal): Filter {
    authorize(principal, 'cases', 'read');
    return scopeFilter(principal, 'cases');
  }

  function toView(doc: CaseDoc, principal: Principal, now: Date, lang: TextLanguage): CaseView {
    const actor = actorOf(principal);
    const actions = actor && (actor === 'regulator' ? can(principal.role, 'cases', 'update') : can(principal.role, 'cases', 'submit')) ? allowedCommands(doc.status, actor) : [];
    const iso = (d: Date) => d.toISOString();
    return {
      id: doc._id.toHexString(),
      number: doc.number,
      status: doc.status,
      outcome: doc.outcome,
      district: doc.districtCode,
      enterpriseId: doc.enterpriseId ? doc.enterpriseId.toHexString() : null,
      enterpriseName: doc.enterpriseName,
      subject: doc.subject,
      legalBasis: doc.legalBasis,
      title: doc.title,
      description: doc.description,
      source: doc.source,
      alertIds: doc.alertIds,
      reportIds: doc.reportIds,
      hazardIds: doc.hazardIds,
      officer: doc.officer,
      deadline: doc.deadline ? iso(doc.deadline) : null,
      overdue: isOverdue(doc, now),
      rectifications: doc.rectifications.map((r) => ({ text: r.text, photoIds: r.photoIds, by: r.by, at: iso(r.at) })),
      history: doc.history.map((h) => ({ action: h.action, from: h.from, to: h.to, by: h.by, at: iso(h.at), note: h.note === null ? null : textOf({ note: h.note, phrases: h.phrases }, lang), ...(h.phrases?.length ? { phrases: h.phrases } : {}) })),
      actions,
      createdAt: iso(doc.createdAt),
      updatedAt: iso(doc.updatedAt),
    };
  }

  /** One case as its own answers show it: the view and every photo of its evidence. */
  async function single(doc: CaseDoc, principal: Principal, lang: TextLanguage): Promise<CaseView> {
    const photos = await repo.photosOf(doc._id);
    return { ...toView(doc, principal, deps.now(), lang), photos: photos.map((p) => ({ id: p._id.toHexString(), type: p.type, bytes: p.bytes, uploadedBy: p.uploadedBy, at: p.createdAt.toISOString() })) };
  }

  async function visible(principal: Principal, id: string, session?: ClientSession): Promise<CaseDoc> {
    const doc = await repo.byId(id, scopeOf(principal), session);
    if (!doc) throw notFound(id);
    return doc;
  }

  /** The sources' records, each checked against the caller (404 outside its scope, 409 when taken). */
  async function sourcesOf(principal: Principal, source: ReturnType<typeof createCaseBody.parse>['source']) {
    const alerts = source.alertIds ? await deps.alerts.forCase(principal, source.alertIds) : [];
    let report: CaseSourceRecord | undefined;
    if (source.reportId) {
      if (!deps.reports) throw AppError.validation([{ path: 'source.reportId', message: 'public reports are not kept by this deployment' }]);
      report = await deps.reports.forCase(principal, source.reportId);
    }
    let hazards: CaseSourceRecord[] = [];
    if (source.hazardIds) {
      if (!deps.hazards) throw AppError.validation([{ path: 'source.hazardIds', message: 'hazards are not kept by this deployment' }]);
      hazards = await deps.hazards.forCase(principal, source.hazardIds);
    }
    const records: CaseSourceRecord[] = [...alerts.map((a) => ({ id: a.id, districtCode: a.districtCode, enterpriseId: a.enterpriseId })), ...(report ? [report] : []), ...hazards];
    return { alertIds: alerts.map((a) => a.id), reportIds: report ? [report.id] : [], hazardIds: hazards.map((h) => h.id), records };
  }

  async function open(principal: Principal, raw: unknown, lang: TextLanguage = 'en'): Promise<CaseView> {
    authorize(principal, 'cases', 'create');
    const body = createCaseBody.parse(raw);
    if (principal.role === 'district_regulator' && body.district && body.district !== principal.districtCode) {
      throw AppError.validation([{ path: 'district', message: 'is not the district of the caller' }]);
    }
    const subject = await resolveSubject(deps.registry, principal, body.subject);
    const sources = await sourcesOf(principal, body.source);
    const district =
      (principal.role === 'district_regulator' ? principal.districtCode : undefined) ??
      body.district ??
      subject.districtCode ??
      sources.records.find((r) => r.districtCode)?.districtCode ??
      undefined;
    if (!district) throw AppError.validation([{ path: 'district', message: 'is required when neither the subject nor the source names a district' }]);
    if (!(await deps.registry.districtExists(district))) throw AppError.validation([{ path: 'district', message: 'is not a district of this city' }]);
    const enterpriseId = subject.enterpriseId ?? sources.records.find((r) => r.enterpriseId)?.enterpriseId ?? null;
    const enterpriseName = enterpriseId ? ((await deps.registry.enterpriseName(enterpriseId)) ?? null) : null;
    const by = accountOf(principal);
    let publish: () => void = () => undefined;
    const doc = await deps.transaction(async (session) => {
      const now = deps.now();
      const year = cityYear(now);
      const seq = await repo.nextSeq(`${district}-${year}`, session);
      const id = new Types.ObjectId();
      const created: CaseDoc = {
        _id: id,
        number: caseNumber(district, year, seq),
        districtCode: district,
        year,
        status: 'open',
        outcome: null,
        enterpriseId: enterpriseId ? new Types.ObjectId(enterpriseId) : null,
        enterpriseName,
        subject: { ...body.subject, ...(subject.name && !body.subject.name ? { name: subject.name } : {}) },
        legalBasis: body.legalBasis,
        title: body.title,
        description: body.description ?? null,
        source: body.source,
        alertIds: sources.alertIds,
        reportIds: sources.reportIds,
        hazardIds: sources.hazardIds,
        officer: null,
        deadline: null,
        rectifications: [],
        history: [{ action: 'open', from: null, to: 'open', by, at: now, note: null }],
        createdAt: now,
        updatedAt: now,
        closedAt: null,
      };
      await repo.insert(created, session);
      const ref = { caseId: id.toHexString(), number: created.number };
      publish = await deps.alerts.attachToCase(session, sources.alertIds, ref, principal);
      for (const reportId of sources.reportIds) await deps.reports?.attachToCase(session, reportId, ref);
      await deps.hazards?.attachToCase(session, sources.hazardIds, ref.caseId);
      await audit(principal, created, 'open', null, session);
      return created;
    });
    publish();
    return single(doc, principal, lang);
  }

  async function audit(principal: Principal, doc: CaseDoc, action: HistoryEntry['action'], before: CaseStatus | null, session: ClientSession, note?: string | null): Promise<void> {
    await deps.audit.record(
      {
        actor: principal,
        action: `case_${action}`,
        resource: 'cases',
        recordId: doc._id,
        before: before ? { status: before } : null,
        after: { number: doc.number, status: doc.status, outcome: doc.outcome, officer: doc.officer?.username ?? null, deadline: doc.deadline?.toISOString() ?? null },
        reason: note ?? undefined,
        enterpriseId: doc.enterpriseId,
        districtCode: doc.districtCode,
      },
      session,
    );
  }

  /** One step of the life of a case, in a transaction: the state machine decides, the change is stored, audited and kept in the history. */
  async function step(
    principal: Principal,
    id: string,
    command: CaseCommand,
    change: { outcome?: ReviewOutcome; note?: string | null; phrases?: Phrase[]; apply?: (doc: CaseDoc, now: Date) => Promise<void> | void },
    lang: TextLanguage,
  ): Promise<CaseView> {
    const actor = actorOf(principal);
    if (!actor) throw AppError.forbidden(`Role ${principal.role} may not ${command} cases`);
    let publish: () => void = () => undefined;
    const doc = await deps.transaction(async (session) => {
      const current = await visible(principal, id, session);
      const decided = transition(current.status, command, actor, change.outcome);
      if (!decided.ok) throw new AppError(decided.reason, decided.reason === 'CASE_ACTOR_REFUSED' ? 403 : 409, 'Not allowed in this status', { detail: decided.detail });
      const now = deps.now();
      // ObjectIds stay ObjectIds: the arrays a step appends to are copied, the rest is shared read-only.
      const next: CaseDoc = { ...current, history: [...current.history], rectifications: [...current.rectifications] };
      await change.apply?.(next, now);
      next.status = decided.to;
      next.outcome = decided.outcome;
      next.updatedAt = now;
      if (decided.to === 'closed') next.closedAt = now;
      const action: HistoryEntry['action'] = command === 'rectification' ? 'rectification' : command;
      next.history.push({ action, from: current.status, to: decided.to, by: accountOf(principal), at: now, note: change.note ?? null, ...(change.phrases ? { phrases: change.phrases } : {}) });
      await repo.replace(next, session);
      if (decided.to === 'closed' && decided.outcome) {
        publish = await deps.alerts.closeWithCase(session, id, decided.outcome, principal);
        await deps.reports?.closeWithCase(session, id, decided.outcome);
        await deps.hazards?.closeWithCase(session, id);
      }
      await audit(principal, next, action, current.status, session, change.note);
      return next;
    });
    publish();
    return single(doc, principal, lang);
  }

  return {
    open,
    async assign(principal: Principal, id: string, raw: unknown, lang: TextLanguage = 'en'): Promise<CaseView> {
      authorize(principal, 'cases', 'update');
      const body = assignBody.parse(raw);
      const current = await visible(principal, id);
      if (body.deadline.getTime() <= deps.now().getTime()) throw AppError.validation([{ path: 'deadline', message: 'must be in the future' }]);
      const officer = await deps.accounts.accountById(body.officerId);
      const eligible = officer?.active && (officer.role === 'city_regulator' || (officer.role === 'district_regulator' && officer.districtCode === current.districtCode));
      if (!officer || !eligible) throw AppError.validation([{ path: 'officerId', message: "is not an active regulator of the case's district or the city" }]);
      const assigned: CaseAccount = { id: officer.id, username: officer.username, ...(officer.displayName ? { displayName: officer.displayName } : {}), role: officer.role };
      const written = composed({ code: 'CASE_ASSIGNED', params: { officer: assigned.displayName ?? assigned.username, deadline: body.deadline.toISOString() } });
      return step(
        principal,
        id,
        'assign',
        {
          ...written,
          apply: (doc) => {
            doc.officer = assigned;
            doc.deadline = body.deadline;
          },
        },
        lang,
      );
    },
    async rectify(principal: Principal, id: string, raw: unknown, lang: TextLanguage = 'en'): Promise<CaseView> {
      authorize(principal, 'cases', 'submit');
      const body = rectificationBody.parse(raw);
      await visible(principal, id);
      const photoIds = [...new Set(body.photoIds)];
      const known = new Set(await repo.photoIdsOf(id, photoIds));
      const missing = photoIds.filter((p) => !known.has(p));
      if (missing.length > 0) throw AppError.validation(missing.map((p) => ({ path: `photoIds.${body.photoIds.indexOf(p)}`, message: 'names no photo uploaded to this case' })));
      return step(
        principal,
        id,
        'rectification',
        {
          note: null,
          apply: (doc, now) => {
            doc.rectifications.push({ text: body.text, photoIds, by: accountOf(principal), at: now });
          },
        },
        lang,
      );
    },
    async review(principal: Principal, id: string, raw: unknown, lang: TextLanguage = 'en'): Promise<CaseView> {
      authorize(principal, 'cases', 'update');
      const body = reviewBody.parse(raw);
      return step(principal, id, 'review', { outcome: body.outcome, note: body.note }, lang);
    },
    async get(principal: Principal, id: string, lang: TextLanguage = 'en'): Promise<CaseView> {
      return single(await visible(principal, id), principal, lang);
    },
    async list(principal: Principal, raw: unknown, lang: TextLanguage = 'en'): Promise<Page<CaseView>> {
      const scope = scopeOf(principal);
      const query = casesQuery.parse(raw);
      refuseWiderFilter(principal, { district: query.district, enterpriseId: query.enterpriseId });
      const now = deps.now();
      const filters: Filter[] = [scope];
      if (query.status) filters.push({ status: query.status });
      if (query.district) filters.push({ districtCode: query.district });
      if (query.enterpriseId) filters.push({ enterpriseId: new Types.ObjectId(query.enterpriseId) });
      if (query.overdue === 'true') filters.push({ status: 'assigned', deadline: { $lt: now } });
      if (query.overdue === 'false') filters.push({ $nor: [{ status: 'assigned', deadline: { $lt: now } }] });
      if (query.cursor) filters.push(afterPosition(LISTING, deps.cursors.decode(LISTING, query.cursor)));
      const rows = await repo.list({ $and: filters }, query.limit + 1);
      const page = deps.cursors.page(rows, query.limit, LISTING, (d) => ({ value: d.createdAt, id: d._id.toHexString() }));
      return { items: page.items.map((d) => toView(d, principal, now, lang)), nextCursor: page.nextCursor };
    },
    /** A photo of the case's evidence: the enterprise concerned or a regulator, while the case is open; bounded and sniffed. */
    async uploadPhoto(principal: Principal, id: string, declaredType: string | undefined, data: Buffer): Promise<{ id: string }> {
      if (!actorOf(principal)) throw AppError.forbidden(`Role ${principal.role} may not upload case photos`);
      const doc = await visible(principal, id);
      if (doc.status === 'closed') throw new AppError('CASE_CLOSED', 409, 'Case closed', { detail: 'A closed case takes no more evidence' });
      if (data.length === 0) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 415, 'Unsupported media type', { detail: 'send the image itself as the body, Content-Type one of image/jpeg, image/png, image/webp' });
      if (data.length > deps.photoMaxBytes) throw new AppError('PAYLOAD_TOO_LARGE', 413, 'Payload too large', { detail: `an image is at most ${deps.photoMaxBytes} bytes` });
      const type = sniffImage(data);
      if (!type || type !== declaredType) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 415, 'Unsupported media type', { detail: `the body is ${type ?? 'not a JPEG, PNG or WebP image'}, declared ${declaredType ?? 'nothing'}` });
      const photoId = new Types.ObjectId();
      await repo.insertPhoto({ _id: photoId, caseId: doc._id, districtCode: doc.districtCode, enterpriseId: doc.enterpriseId, type, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex'), data, uploadedBy: accountOf(principal), createdAt: deps.now() });
      return { id: photoId.toHexString() };
    },
    async photo(principal: Principal, id: string, photoId: string): Promise<{ type: string; data: Buffer }> {
      await visible(principal, id);
      const found = await repo.photoOf(id, photoId);
      if (!found) throw AppError.notFound('no such image');
      return { type: found.type, data: found.data };
    },
  };
}

export function isOverdue(doc: Pick<CaseDoc, 'status' | 'deadline'>, now: Date): boolean {
  return doc.status === 'assigned' && doc.deadline !== null && doc.deadline.getTime() < now.getTime();
}

export type CasesService = ReturnType<typeof createCasesService>;
