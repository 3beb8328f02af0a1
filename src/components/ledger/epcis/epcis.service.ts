import type { Principal } from '../../auth';
import { AppError } from '../../../shared/errors/app.error';
import { actorOf, authorizeCapture, mayReadEvent, type AppendOutcome, type EventActor, type EventIds, type LedgerEvent } from '..';
import type { CylinderVisibility, LedgerEventSource } from '../log';
import { fromEpcisEvents, MAX_CAPTURED_EVENTS } from './epcis.capture';
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
    /**
     * The caller's events as one EPCIS document, under the one read rule (ledger.scope.ts): a
     * district regulator gets its district's events only, and an error declaration repeats the
     * erroneous event only when the caller may read that event too (otherwise it is rendered from
     * the declaration alone, under the declared event's id).
     */
    async export(principal: Principal, query: EpcisQuery): Promise<Record<string, unknown>> {
      if (query.cylinderId && !(await deps.cylinderVisible(principal, query.cylinderId))) {
        throw AppError.notFound(`No cylinder ${query.cylinderId}`);
      }
      if (principal.role === 'district_regulator' && !principal.districtCode) return toEpcisDocument([], new Map(), deps.options, now());
      const readable = (event: LedgerEvent) => mayReadEvent(principal, event);
      const events = (
        await deps.source.eventsBetween({
          limit: query.limit,
          ...(query.cylinderId ? { cylinderId: query.cylinderId } : {}),
          // The rule's district, in the query so the limit counts readable events.
          ...(principal.role === 'district_regulator' && principal.districtCode ? { districtCode: principal.districtCode } : {}),
          ...(query.from ? { from: query.from } : {}),
          ...(query.to ? { to: query.to } : {}),
        })
      ).filter(readable);
      const listed = new Map(events.map((e) => [e.eventId, e]));
      const missing = declaredEventIds(events).filter((id) => !listed.has(id));
      const erroneous = new Map(listed);
      if (missing.length > 0) for (const e of (await deps.source.eventsByIds(missing)).filter(readable)) erroneous.set(e.eventId, e);
      return toEpcisDocument(events, erroneous, deps.options, now());
    },
  };
}

export type EpcisService = ReturnType<typeof createEpcisService>;

/** The ledger's capture: captured EPCIS events go the way of every other event. */
export type LedgerCapture = (inputs: readonly unknown[], actor: EventActor) => Promise<AppendOutcome[]>;

/**
 * Captures the ObjectEvents of an EPCIS document: every cylinder each names becomes a ledger
 * event, answered one by one like a batch (a duplicate only for the same event, to a caller who
 * may read it: the ledger's rule). The actor is the caller, never the document.
 */
export function createEpcisCapture(appendMany: LedgerCapture, eventIds: EventIds) {
  return {
    async capture(principal: Principal, document: EpcisCapture): Promise<CaptureReport> {
      authorizeCapture(principal);
      // Derived ids live in the capturing enterprise's own space: another enterprise sending the
      // same eventIDs gets other ids, and cannot compute (to take first) the ids of this one's.
      const scope = `enterprise:${principal.enterpriseId ?? principal.userId}`;
      const items = fromEpcisEvents(document.epcisBody.eventList, (name) => eventIds.derived(scope, name));
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
