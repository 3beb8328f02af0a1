import { authorize, type Principal } from '../../auth';
import { AppError } from '../../../shared/errors/app.error';
import type { AppendOutcome, EventActor } from '../ledger.contract';
import { actorOf } from '../ledger.routes';
import type { CylinderVisibility, LedgerEventSource } from '../log/log.ports';
import { fromEpcisEvents, MAX_CAPTURED_EVENTS } from './epcis.import';
import { declaredEventIds, toEpcisDocument, type EpcisOptions } from './epcis.mapper';
import type { CaptureReport, EpcisCapture, EpcisQuery } from './epcis.schemas';

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

/** The ledger's capture: imported events go the way of every other event. */
export type LedgerCapture = (inputs: readonly unknown[], actor: EventActor) => Promise<AppendOutcome[]>;

/**
 * Captures the ObjectEvents of an EPCIS document: every cylinder each names becomes a ledger
 * event, answered one by one like a batch. The actor is the caller, never the document.
 */
export function createEpcisCapture(appendMany: LedgerCapture) {
  return {
    async capture(principal: Principal, document: EpcisCapture): Promise<CaptureReport> {
      authorize(principal, 'events', 'create');
      const items = fromEpcisEvents(document.epcisBody.eventList);
      if (items.length > MAX_CAPTURED_EVENTS) {
        throw AppError.validation([{ path: 'epcisBody.eventList', message: `names ${items.length} cylinders; at most ${MAX_CAPTURED_EVENTS} per document` }]);
      }
      const mapped = items.filter((item) => item.input);
      const outcomes = await appendMany(mapped.map((item) => item.input), actorOf(principal));
      const byItem = new Map(mapped.map((item, i) => [item, outcomes[i] as AppendOutcome]));
      const results = items.map((item) => {
        const source = { eventID: item.eventID, epc: item.epc };
        const outcome = byItem.get(item);
        if (!outcome) return { ...source, status: 'rejected' as const, reason: item.rejection?.reason ?? 'VALIDATION_FAILED', detail: item.rejection?.detail ?? '' };
        if (outcome.status === 'rejected') return { ...source, eventId: outcome.eventId, status: outcome.status, reason: outcome.reason ?? 'REJECTED', detail: outcome.detail ?? '' };
        return { ...source, eventId: outcome.eventId, status: outcome.status, ...(outcome.event ? { logSeq: outcome.event.logSeq, hash: outcome.event.hash } : {}) };
      });
      const count = (status: string) => results.filter((r) => r.status === status).length;
      return { accepted: count('accepted'), duplicate: count('duplicate'), rejected: count('rejected'), results };
    },
  };
}

export type EpcisCaptureService = ReturnType<typeof createEpcisCapture>;
