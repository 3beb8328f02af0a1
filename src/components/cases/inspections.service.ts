import { Types } from 'mongoose';
import type { AuditService } from '../audit';
import { authorize, refuseWiderFilter, scopeFilter, type Principal } from '../auth';
import type { Registry } from '../registry';
import type { UnitOfWork } from '../../shared/db/unit-of-work';
import { AppError, type FieldError } from '../../shared/errors/app.error';
import { afterPosition, type Page, type PageCursors } from '../../shared/http/page.cursor';
import type { CaseAccount } from './cases.model';
import type { PremisesType } from './inspections.checklists';
import type { ChecklistDoc, InspectionDoc, InspectionHazardDoc, PremisesRef } from './inspections.model';
import type { Filter, InspectionsRepository } from './inspections.repository';
import { checklistBody, inspectionBody, inspectionsQuery, type InspectionView } from './inspections.schemas';

export interface InspectionsServiceDeps {
  repo: InspectionsRepository;
  transaction: UnitOfWork;
  audit: AuditService;
  cursors: PageCursors;
  registry: Pick<Registry, 'siteById' | 'customerContact'>;
  now: () => Date;
}

const LISTING = { name: 'inspections', sort: 'createdAt', direction: -1 } as const;
/** An inspection is recorded when it took place or later; a clock a few minutes fast is not the future. */
const CLOCK_SKEW_MS = 5 * 60_000;
const accountOf = (p: Principal): CaseAccount => ({ id: p.userId, username: p.username, role: p.role });
const iso = (d: Date) => d.toISOString();

type Premises = PremisesRef & { districtCode: string; enterpriseId: string };

export function checklistJson(doc: ChecklistDoc) {
  return { premisesType: doc.premisesType, version: doc.version, items: doc.items.map((i) => ({ code: i.code, zh: i.zh, en: i.en })), updatedAt: iso(doc.updatedAt), updatedBy: doc.updatedBy };
}

function inspectionJson(doc: InspectionDoc): InspectionView {
  return {
    id: doc._id.toHexString(),
    premises: { type: doc.premises.type, id: doc.premises.id, name: doc.premises.name, district: doc.districtCode },
    checklistVersion: doc.checklistVersion,
    inspectedAt: iso(doc.inspectedAt),
    inspector: doc.inspector,
    results: doc.results.map((r) => ({ code: r.code, zh: r.zh, en: r.en, passed: r.passed, note: r.note, deadline: r.deadline ? iso(r.deadline) : null })),
    hazardIds: doc.hazardIds,
  };
}

/** Premises inspections with versioned checklists; each failed item becomes a hazard with its deadline. */
export function createInspectionsService(deps: InspectionsServiceDeps) {
  const { repo } = deps;

  /** The premises an inspection names, within the caller's district; of the wrong kind: 400. */
  async function premisesOf(principal: Principal, type: PremisesType, id: string): Promise<Premises> {
    const missing = () => AppError.notFound(`No ${type === 'restaurant' ? 'customer' : 'site'} ${id}`);
    let found: Premises | undefined;
    if (type === 'restaurant') {
      const customer = await deps.registry.customerContact(id);
      if (customer && customer.kind !== 'business') throw AppError.validation([{ path: 'premises.id', message: 'is not a business customer (a restaurant)' }]);
      if (customer) found = { type, id, name: customer.realName, districtCode: customer.districtCode, enterpriseId: customer.enterpriseId };
    } else {
      const site = await deps.registry.siteById(id);
      const kind = type === 'station' ? 'filling_station' : 'supply_point';
      if (site && site.kind !== kind) throw AppError.validation([{ path: 'premises.id', message: type === 'station' ? 'is not a filling station' : 'is not a supply point' }]);
      if (site) found = { type, id, name: site.name, districtCode: site.districtCode, enterpriseId: site.enterpriseId };
    }
    if (!found) throw missing();
    if (principal.role === 'district_regulator' && found.districtCode !== principal.districtCode) throw missing();
    return found;
  }

  return {
    async checklists(principal: Principal) {
      authorize(principal, 'inspection_checklists', 'read');
      return { items: (await repo.currentChecklists()).map(checklistJson) };
    },
    async updateChecklist(principal: Principal, premisesType: PremisesType, raw: unknown) {
      authorize(principal, 'inspection_checklists', 'update');
      const body = checklistBody.parse(raw);
      const doc = await deps.transaction(async (session) => {
        const current = await repo.currentChecklist(premisesType, session);
        const next: ChecklistDoc = { _id: new Types.ObjectId(), premisesType, version: (current?.version ?? 0) + 1, items: body.items, updatedAt: deps.now(), updatedBy: accountOf(principal) };
        await repo.insertChecklist(next, session);
        await deps.audit.record({ actor: principal, action: 'update', resource: 'inspection_checklists', recordId: next._id, before: current ? { version: current.version, items: current.items.length } : null, after: { premisesType, version: next.version, items: next.items.map((i) => i.code) } }, session);
        return next;
      });
      return checklistJson(doc);
    },
    async record(principal: Principal, raw: unknown): Promise<InspectionView> {
      authorize(principal, 'inspections', 'create');
      const body = inspectionBody.parse(raw);
      const now = deps.now();
      const checklist = await repo.checklist(body.premises.type, body.checklistVersion);
      if (!checklist) throw AppError.validation([{ path: 'checklistVersion', message: 'is no version of the checklist of this premises type' }]);
      const errors: FieldError[] = [];
      if (body.inspectedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) errors.push({ path: 'inspectedAt', message: 'is in the future' });
      const items = new Map(checklist.items.map((i) => [i.code, i]));
      const seen = new Set<string>();
      body.results.forEach((r, i) => {
        if (!items.has(r.code)) errors.push({ path: `results.${i}.code`, message: 'is no item of this checklist version' });
        else if (seen.has(r.code)) errors.push({ path: `results.${i}.code`, message: 'is answered twice' });
        seen.add(r.code);
        // A deadline is set to be met: one already passed (an inspection typed in late) is a hazard overdue from birth.
        if (!r.passed && r.deadline && r.deadline.getTime() <= body.inspectedAt.getTime()) errors.push({ path: `results.${i}.deadline`, message: 'must be after inspectedAt' });
        else if (!r.passed && r.deadline && r.deadline.getTime() <= now.getTime()) errors.push({ path: `results.${i}.deadline`, message: 'must be in the future' });
      });
      const unanswered = checklist.items.filter((i) => !seen.has(i.code)).map((i) => i.code);
      if (unanswered.length > 0) errors.push({ path: 'results', message: `leaves items unanswered: ${unanswered.join(', ')}` });
      if (errors.length > 0) throw AppError.validation(errors);
      const premises = await premisesOf(principal, body.premises.type, body.premises.id);
      const id = new Types.ObjectId();
      const enterpriseId = Types.ObjectId.isValid(premises.enterpriseId) ? new Types.ObjectId(premises.enterpriseId) : null;
      const ref: PremisesRef = { type: premises.type, id: premises.id, name: premises.name };
      const results = body.results.map((r) => {
        const item = items.get(r.code)!;
        return { code: r.code, zh: item.zh, en: item.en, passed: r.passed, note: r.note ?? null, deadline: r.passed ? null : (r.deadline ?? null) };
      });
      const hazards: InspectionHazardDoc[] = results
        .filter((r) => !r.passed && r.deadline)
        .map((r) => ({ _id: new Types.ObjectId(), inspectionId: id.toHexString(), premises: ref, itemCode: r.code, zh: r.zh, en: r.en, note: r.note, deadline: r.deadline as Date, status: 'open', caseId: null, districtCode: premises.districtCode, enterpriseId, createdAt: now, closedAt: null }));
      const doc: InspectionDoc = { _id: id, premises: ref, districtCode: premises.districtCode, enterpriseId, checklistVersion: checklist.version, inspectedAt: body.inspectedAt, inspector: accountOf(principal), results, hazardIds: hazards.map((h) => h._id.toHexString()), createdAt: now };
      await deps.transaction(async (session) => {
        await repo.insertInspection(doc, hazards, session);
        await deps.audit.record({ actor: principal, action: 'create', resource: 'inspections', recordId: id, before: null, after: { premises: ref, checklistVersion: doc.checklistVersion, failed: hazards.map((h) => h.itemCode) }, enterpriseId, districtCode: premises.districtCode }, session);
      });
      return inspectionJson(doc);
    },
    async get(principal: Principal, id: string): Promise<InspectionView> {
      authorize(principal, 'inspections', 'read');
      const doc = await repo.inspection(id, scopeFilter(principal, 'inspections'));
      if (!doc) throw AppError.notFound(`No inspection ${id}`);
      return inspectionJson(doc);
    },
    async list(principal: Principal, raw: unknown): Promise<Page<InspectionView>> {
      authorize(principal, 'inspections', 'read');
      const query = inspectionsQuery.parse(raw);
      refuseWiderFilter(principal, { district: query.district });
      const filters: Filter[] = [scopeFilter(principal, 'inspections')];
      if (query.district) filters.push({ districtCode: query.district });
      if (query.premisesType) filters.push({ 'premises.type': query.premisesType });
      if (query.cursor) filters.push(afterPosition(LISTING, deps.cursors.decode(LISTING, query.cursor)));
      const rows = await repo.inspections({ $and: filters }, query.limit + 1);
      const page = deps.cursors.page(rows, query.limit, LISTING, (d) => ({ value: d.createdAt, id: d._id.toHexString() }));
      return { items: page.items.map(inspectionJson), nextCursor: page.nextCursor };
    },
  };
}

export type InspectionsService = ReturnType<typeof createInspectionsService>;
