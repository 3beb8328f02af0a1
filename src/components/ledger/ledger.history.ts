import { authorize, type Principal } from '../auth';
import { AppError } from '../../shared/errors/app.error';
import type { Page, PageCursors } from '../../shared/http/page.cursor';
import type { LedgerEvent } from './ledger.contract';
import type { CylinderRef, LedgerLookups } from './ledger.lookups';
import type { Filter, LedgerRepository } from './ledger.repository';
import { eventScope } from './ledger.scope';
import type { EventsQuery } from './ledger.schemas';

export type EventPage = Page<LedgerEvent>;

/** Newest (last appended) first; the cursor is the last event's logSeq, unique across the ledger. */
const EVENTS = { name: 'events', sort: 'logSeq', direction: -1 } as const;
/** Newest first within one cylinder's chain: a cursor of one cylinder's timeline is refused on another's. */
const timelineOf = (cylinderId: string) => ({ name: `cylinder-events:${cylinderId}`, sort: 'cylinderSeq', direction: -1 }) as const;

/** Whether the caller may see a cylinder at all (its owner enterprise, or its district). */
function cylinderVisible(principal: Principal, cylinder: CylinderRef): boolean {
  if (principal.role === 'district_regulator') return cylinder.districtCode === principal.districtCode;
  if (principal.role === 'city_regulator' || principal.role === 'auditor') return true;
  return principal.enterpriseId === cylinder.enterpriseId;
}

export function createHistory(deps: { repo: LedgerRepository; lookups: LedgerLookups; cursors: PageCursors }) {
  async function visibleCylinder(principal: Principal, cylinderId: string): Promise<CylinderRef> {
    authorize(principal, 'events', 'read');
    const cylinder = await deps.lookups.cylinder({ cylinderId });
    if (!cylinder || !cylinderVisible(principal, cylinder)) throw new AppError('CYLINDER_NOT_FOUND', 404, 'Cylinder not found', { detail: `No cylinder ${cylinderId}` });
    return cylinder;
  }

  return {
    /** A cylinder's events, newest first; the cursor is the last cylinderSeq seen. */
    async timeline(principal: Principal, cylinderId: string, query: { limit: number; cursor?: string | undefined }): Promise<EventPage> {
      await visibleCylinder(principal, cylinderId);
      const listing = timelineOf(cylinderId);
      const after = query.cursor ? Number(deps.cursors.decode(listing, query.cursor).value) : undefined;
      const filter: Filter = { cylinderId, ...eventScope(principal), ...(after !== undefined ? { cylinderSeq: { $lt: after } } : {}) };
      const events = await deps.repo.find(filter, { cylinderSeq: -1 }, query.limit + 1);
      return deps.cursors.page(events, query.limit, listing, (e) => ({ value: e.cylinderSeq }));
    },

    /** Events by site, worker, vehicle, cylinder, type and time, newest (last appended) first. */
    async list(principal: Principal, query: EventsQuery): Promise<EventPage> {
      authorize(principal, 'events', 'read');
      const filters: Filter[] = [eventScope(principal)];
      if (query.siteId) filters.push({ 'where.siteId': query.siteId });
      if (query.vehicleId) filters.push({ 'where.vehicleId': query.vehicleId });
      if (query.workerId) filters.push({ 'actor.workerId': query.workerId });
      if (query.cylinderId) filters.push({ cylinderId: query.cylinderId });
      if (query.type) filters.push({ type: query.type });
      if (query.from) filters.push({ occurredAt: { $gte: new Date(query.from) } });
      if (query.to) filters.push({ occurredAt: { $lt: new Date(query.to) } });
      if (query.cursor) filters.push({ logSeq: { $lt: Number(deps.cursors.decode(EVENTS, query.cursor).value) } });
      const events = await deps.repo.find({ $and: filters }, { logSeq: -1 }, query.limit + 1);
      return deps.cursors.page(events, query.limit, EVENTS, (e) => ({ value: e.logSeq }));
    },

    /**
     * An export bundle is a cylinder's whole chain, verified offline link by link and proof by
     * proof (and chain verification checks the same whole chain): it is handed only to a caller
     * who may read every event of it under the one read
     * rule. A district regulator of a cylinder that travelled through another district is told
     * so (403), and reads its own district's events through the timeline or EPCIS.
     */
    async assertChainReadable(principal: Principal, cylinderId: string): Promise<void> {
      const outside = await deps.repo.find({ cylinderId, $nor: [eventScope(principal)] }, { cylinderSeq: 1 }, 1);
      if (outside.length > 0) {
        throw new AppError('EXPORT_OUT_OF_SCOPE', 403, 'Export outside your scope', {
          detail: "The cylinder's chain has events outside your scope; an export bundle and a chain verification cover the whole chain. Read your scope's events with GET /api/v1/cylinders/{id}/events or /api/v1/epcis/events, or ask the city regulator for the export",
        });
      }
    },
  };
}
