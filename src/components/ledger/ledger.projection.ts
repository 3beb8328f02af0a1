import type { CylinderState, EventActor, EventType, LedgerEvent } from './ledger.contract';
import { holdsAfter } from './ledger.lifecycle';
import type { CylinderProjection } from './ledger.model';

/** Everything about an event except its global position and hashes, decided before they are assigned. */
export type DraftEvent = Omit<LedgerEvent, 'logSeq' | 'cylinderSeq' | 'prevHash' | 'hash'>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * The cylinder's projection after `event` (pure). Custody follows the event: a vehicle after
 * dispatch, a customer after a sale or hand-over, the owner enterprise at its sites; a lost
 * cylinder has no custodian. An error declaration changes nothing but the head of the chain.
 */
export function project(before: CylinderProjection | null, event: LedgerEvent, flagged: boolean): CylinderProjection {
  const base: CylinderProjection = before ?? {
    _id: event.cylinderId,
    cylinderId: event.cylinderId,
    enterpriseId: event.enterpriseId,
    districtCode: event.districtCode,
    state: 'unregistered',
    custodian: null,
    place: null,
    lastFill: null,
    flagged: false,
    headHash: '',
    headEventId: '',
    cylinderSeq: -1,
    version: 0,
    updatedAt: event.receivedAt,
  };
  const next: CylinderProjection = {
    ...base,
    state: event.toState,
    headHash: event.hash,
    headEventId: event.eventId,
    cylinderSeq: event.cylinderSeq,
    version: base.version + 1,
    updatedAt: event.receivedAt,
    holds: holdsAfter(base.holds ?? [], event.type, event.payload as { anomalies?: string[]; withinLimits?: boolean }),
  };
  return { ...next, ...custody(base, event, flagged) };
}

function custody(base: CylinderProjection, event: LedgerEvent, flagged: boolean): Partial<CylinderProjection> {
  const { payload, where } = event;
  const enterprise = { kind: 'enterprise' as const, id: event.enterpriseId };
  const atSite = (siteId: string | undefined) => ({ ...(siteId ? { siteId } : base.place?.siteId ? { siteId: base.place.siteId } : {}), ...(where.coordinates ? { coordinates: where.coordinates } : {}) });
  const type: EventType = event.type;
  switch (type) {
    case 'commission':
    case 'scrap':
      return { custodian: enterprise, place: atSite(where.siteId) };
    case 'inspect':
      return { custodian: enterprise, place: atSite(where.siteId), flagged };
    case 'periodic_inspection':
      return {
        custodian: enterprise,
        place: atSite(where.siteId),
        flagged,
        ...(str(payload.nextInspectionDate) ? { nextInspectionDate: str(payload.nextInspectionDate) } : {}),
      };
    case 'fill':
      return {
        custodian: enterprise,
        place: atSite(where.siteId),
        lastFill: { eventId: event.eventId, ...(where.siteId ? { siteId: where.siteId } : {}), at: event.occurredAt, netKg: Number(payload.netKg) },
      };
    case 'reweigh':
      return { custodian: enterprise, place: atSite(where.siteId) };
    case 'dispatch':
      return { custodian: { kind: 'vehicle', id: String(payload.vehicleId) }, place: { vehicleId: String(payload.vehicleId) } };
    case 'receive':
    case 'return_empty':
      return { custodian: enterprise, place: { siteId: String(payload.siteId) } };
    case 'sell':
    case 'hand_over':
      return { custodian: { kind: 'customer', id: String(payload.customerId) }, place: { customerId: String(payload.customerId) } };
    case 'report_lost':
      return { custodian: null };
    case 'error_declaration':
      return {};
  }
}

export function actorFields(actor: EventActor): EventActor {
  return {
    kind: actor.kind,
    id: actor.id,
    ...(actor.role ? { role: actor.role } : {}),
    ...(actor.enterpriseId ? { enterpriseId: actor.enterpriseId } : {}),
    ...(actor.workerId ? { workerId: actor.workerId } : {}),
  };
}

export function stateOf(projection: CylinderProjection | null | undefined): CylinderState {
  return projection?.state ?? 'unregistered';
}
