import { Types, type ClientSession } from 'mongoose';
import { authorize, refuseWiderFilter, scopeFilter, type Principal } from '../auth';
import { SAFETY_ITEMS, type Deliveries, type HazardFilter, type HazardRecord } from '../deliveries';
import { AppError } from '../../shared/errors/app.error';
import type { Page, PageCursors } from '../../shared/http/page.cursor';
import type { CaseHazards, CaseSourceRecord } from './cases.ports';
import type { HouseholdLinkDoc, InspectionHazardDoc } from './inspections.model';
import type { Filter, InspectionsRepository } from './inspections.repository';
import { hazardsQuery, type HazardView } from './inspections.schemas';

export interface HazardsServiceDeps {
  repo: InspectionsRepository;
  /** The delivery flows' household hazards, read through the deliveries component's surface. */
  deliveries: Pick<Deliveries, 'hazards'>;
  cursors: PageCursors;
  now: () => Date;
}

/** Soonest deadline first, the id breaking ties: both sources are read in this order and merged. */
const LISTING = { name: 'hazards-all', sort: 'deadline', direction: 1 } as const;
const iso = (d: Date) => d.toISOString();

function inspectionHazardView(h: InspectionHazardDoc): HazardView {
  return { id: h._id.toHexString(), source: 'inspection', premises: h.premises, customerId: null, itemCode: h.itemCode, zh: h.zh, en: h.en, deadline: iso(h.deadline), status: h.status, caseId: h.caseId, district: h.districtCode, createdAt: iso(h.createdAt) };
}

function householdView(h: HazardRecord, link: HouseholdLinkDoc | undefined): HazardView {
  const status = link ? (link.closed ? 'closed' : 'in_case') : h.status;
  const item = SAFETY_ITEMS[h.item];
  return { id: h.id, source: 'household', premises: null, customerId: h.customerId, itemCode: h.item, zh: item.zh, en: item.en, deadline: iso(h.deadline), status, caseId: link?.caseId ?? null, district: h.districtCode, createdAt: iso(h.foundAt) };
}

/** The household scope of a caller, in the deliveries' terms (their hazards carry the enterprise id as text here). */
function householdScope(principal: Principal): { districtCode?: string; enterpriseId?: string } | null {
  switch (principal.role) {
    case 'city_regulator':
    case 'auditor':
      return {};
    case 'district_regulator':
      return principal.districtCode ? { districtCode: principal.districtCode } : null;
    default:
      return principal.enterpriseId ? { enterpriseId: principal.enterpriseId } : null;
  }
}

/**
 * One list of hazards from two sources: the failed items of premises inspections (this
 * component's) and the failed items of household safety checks (the deliveries component's, read
 * through its public surface). A hazard put into a case is `in_case`, and `closed` when the case
 * closes; a household hazard's own record stays the deliveries', its case is kept here.
 */
export function createHazardsService(deps: HazardsServiceDeps) {
  const { repo } = deps;

  async function household(filter: HazardFilter): Promise<HazardRecord[]> {
    if (filter.ids && filter.ids.length === 0) return [];
    return deps.deliveries.hazards(filter);
  }

  async function list(principal: Principal, raw: unknown): Promise<Page<HazardView>> {
    authorize(principal, 'hazards', 'read');
    const query = hazardsQuery.parse(raw);
    refuseWiderFilter(principal, { district: query.district });
    const after = query.cursor ? deps.cursors.decode(LISTING, query.cursor) : undefined;
    const afterPos = after && after.value instanceof Date && after.id ? { deadline: after.value, id: after.id } : undefined;
    const want = query.limit + 1;
    const views: HazardView[] = [];
    if (query.source !== 'household') {
      const filters: Filter[] = [scopeFilter(principal, 'hazards')];
      if (query.status) filters.push({ status: query.status });
      if (query.district) filters.push({ districtCode: query.district });
      if (afterPos) filters.push({ $or: [{ deadline: { $gt: afterPos.deadline } }, { deadline: afterPos.deadline, _id: { $gt: new Types.ObjectId(afterPos.id) } }] });
      views.push(...(await repo.hazards({ $and: filters }, want)).map(inspectionHazardView));
    }
    const scope = householdScope(principal);
    const districtClash = !!(query.district && scope?.districtCode && query.district !== scope.districtCode);
    if (query.source !== 'inspection' && scope && !districtClash) {
      const base: HazardFilter = { ...scope, ...(query.district ? { districtCode: query.district } : {}), ...(afterPos ? { after: afterPos } : {}), limit: want };
      const links = await repo.links({ ...(base.districtCode ? { districtCode: base.districtCode } : {}), ...(base.enterpriseId ? { enterpriseId: base.enterpriseId } : {}) });
      const linkOf = new Map(links.map((l) => [l._id, l]));
      const linkedOpen = links.filter((l) => !l.closed).map((l) => l._id);
      const queries: HazardFilter[] =
        query.status === 'open' ? [{ ...base, status: 'open', excludeIds: links.map((l) => l._id) }]
        : query.status === 'in_case' ? [{ ...base, ids: linkedOpen }]
        : query.status === 'closed' ? [{ ...base, status: 'closed', excludeIds: linkedOpen }, { ...base, ids: links.filter((l) => l.closed).map((l) => l._id) }]
        : [base];
      for (const q of queries) views.push(...(await household(q)).map((h) => householdView(h, linkOf.get(h.id))));
    }
    const unique = [...new Map(views.map((v) => [v.id, v])).values()];
    unique.sort((a, b) => (a.deadline ?? '').localeCompare(b.deadline ?? '') || a.id.localeCompare(b.id));
    const page = deps.cursors.page(unique, query.limit, LISTING, (v) => (v.deadline ? { value: new Date(v.deadline), id: v.id } : undefined));
    return { items: page.items, nextCursor: page.nextCursor };
  }

  const forCases: CaseHazards = {
    async forCase(principal: Principal, ids: readonly string[]): Promise<CaseSourceRecord[]> {
      authorize(principal, 'hazards', 'read');
      const inspection = new Map((await repo.hazardsByIds(ids, scopeFilter(principal, 'hazards'))).map((h) => [h._id.toHexString(), h]));
      const rest = ids.filter((id) => !inspection.has(id));
      const scope = householdScope(principal);
      const homes = new Map(rest.length > 0 && scope ? (await household({ ...scope, ids: rest })).map((h) => [h.id, h]) : []);
      const links = new Map((rest.length > 0 ? await repo.links({ _id: { $in: rest } }) : []).map((l) => [l._id, l]));
      return ids.map((id): CaseSourceRecord => {
        const found = inspection.get(id);
        const home = homes.get(id);
        const status = found?.status ?? (home ? householdView(home, links.get(id)).status : undefined);
        if (!found && !home) throw AppError.notFound(`No hazard ${id}`);
        if (status === 'in_case') throw new AppError('HAZARD_IN_CASE', 409, 'Hazard already in a case', { detail: `Hazard ${id} is handled in another case` });
        if (status === 'closed') throw new AppError('HAZARD_CLOSED', 409, 'Hazard closed', { detail: `Hazard ${id} is closed` });
        if (found) return { id, districtCode: found.districtCode, enterpriseId: found.enterpriseId ? found.enterpriseId.toHexString() : null };
        return { id, districtCode: home!.districtCode, enterpriseId: home!.enterpriseId };
      });
    },
    async attachToCase(session: ClientSession, ids: readonly string[], caseId: string): Promise<void> {
      if (ids.length === 0) return;
      const inspection = new Set((await repo.hazardsByIds(ids, {}, session)).map((h) => h._id.toHexString()));
      await repo.hazardsIntoCase([...inspection], caseId, session);
      const rest = ids.filter((id) => !inspection.has(id));
      const homes = await household({ ids: rest });
      await repo.insertLinks(homes.map((h) => ({ _id: h.id, caseId, closed: false, districtCode: h.districtCode, enterpriseId: h.enterpriseId })), session);
    },
    async closeWithCase(session: ClientSession, caseId: string): Promise<void> {
      await repo.closeHazardsOfCase(caseId, deps.now(), session);
    },
  };

  return { list, ...forCases };
}

export type HazardsService = ReturnType<typeof createHazardsService>;
