import type { Principal } from '../../auth';
import { AppError } from '../../../shared/errors/app.error';
import type { CylinderVisibility, LedgerEventSource } from '../log/log.ports';
import { declaredEventIds, toEpcisDocument, type EpcisOptions } from './epcis.mapper';
import type { EpcisQuery } from './epcis.schemas';

export interface EpcisServiceDeps {
  source: LedgerEventSource;
  cylinderVisible: CylinderVisibility;
  options: EpcisOptions;
  now?: () => Date;
}

export function createEpcisService(deps: EpcisServiceDeps) {
  const now = deps.now ?? (() => new Date());
  return {
    /** The caller's events as one EPCIS document; a district regulator gets its district's only. */
    async export(principal: Principal, query: EpcisQuery): Promise<Record<string, unknown>> {
      if (query.cylinderId && !(await deps.cylinderVisible(principal, query.cylinderId))) {
        throw AppError.notFound(`No cylinder ${query.cylinderId}`);
      }
      if (principal.role === 'district_regulator' && !principal.districtCode) return toEpcisDocument([], new Map(), deps.options, now());
      const events = await deps.source.eventsBetween({
        limit: query.limit,
        ...(query.cylinderId ? { cylinderId: query.cylinderId } : {}),
        ...(principal.role === 'district_regulator' && principal.districtCode ? { districtCode: principal.districtCode } : {}),
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
      });
      const listed = new Map(events.map((e) => [e.eventId, e]));
      const missing = declaredEventIds(events).filter((id) => !listed.has(id));
      const erroneous = new Map(listed);
      if (missing.length > 0) for (const e of await deps.source.eventsByIds(missing)) erroneous.set(e.eventId, e);
      return toEpcisDocument(events, erroneous, deps.options, now());
    },
  };
}

export type EpcisService = ReturnType<typeof createEpcisService>;
