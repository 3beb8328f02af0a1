import type { ConfirmationMethod } from '../ledger';
import type { EventRole, VisitKind } from './deliveries.model';
import type { CylinderRef, FlowInput } from './deliveries.schemas';

/**
 * Which ledger events each flow records (pure): the flows of a delivery worker's day as a table of
 * contents of the custody events they stand for. The ledger decides every one of them — state,
 * credentials, customer — exactly as it decides any event; nothing here second-guesses it.
 *
 * | flow | events, one per cylinder |
 * |---|---|
 * | load (装车) at a station or supply point | `dispatch` onto the vehicle (a full cylinder, not overfill-marked; the vehicle's permit and the worker's certificate) |
 * | receipt (入库) at a supply point | `receive` |
 * | visit (入户) at a customer's door | `hand_over` of each full one delivered, then `return_empty` of each one collected (an empty, or a full one the customer refused): the exchange is one visit |
 * | safety check (入户安检) on its own | none: the check and its hazards are the deliveries component's own records |
 */

/** One ledger event of a flow: its role, the cylinder as named, and the event as the ledger's capture takes it. */
export interface PlannedEvent {
  role: EventRole;
  cylinder: string;
  input: { eventId: string; type: string; occurredAt: string; where: Record<string, unknown>; payload: Record<string, unknown> } & CylinderRef;
}

/** What the flow's hand-over says of the customer: who, and how they confirmed. */
export interface HandOverFacts {
  customerId?: string;
  /** Who took it when no registered customer matched: the evidence of the refusal (phone by its last 4 digits). */
  recipient?: { name?: string; phoneLast4: string; address?: string };
  method: ConfirmationMethod;
}

/** The name a cylinder is given by, for the event's derived id and for answers. */
export function cylinderName(ref: CylinderRef): string {
  return ref.cylinderId ?? (ref.grai ? `grai:${ref.grai}` : `serial:${ref.serial ?? ''}`);
}

const refOnly = (ref: CylinderRef): CylinderRef => (ref.cylinderId ? { cylinderId: ref.cylinderId } : ref.grai ? { grai: ref.grai } : { serial: ref.serial as string });

/**
 * The flow's events, in the order they happened at the door: hand-overs before collections (a full
 * cylinder a customer refuses after it was handed over comes back in the same visit). `eventId`
 * derives each one's id from the visit id, the role and the cylinder, so a resent visit is the
 * same events again.
 */
export function eventsOf(flow: FlowInput, handOver: HandOverFacts | undefined, eventId: (name: string) => string): PlannedEvent[] {
  const at = flow.occurredAt;
  const coordinates = flow.coordinates ? { coordinates: flow.coordinates } : {};
  const event = (role: EventRole, type: string, ref: CylinderRef, where: Record<string, unknown>, payload: Record<string, unknown>): PlannedEvent => {
    const cylinder = cylinderName(ref);
    return { role, cylinder, input: { eventId: eventId(`${flow.visitId}/${role}/${cylinder}`), ...refOnly(ref), type, occurredAt: at, where: { ...where, ...coordinates }, payload } };
  };
  switch (flow.kind) {
    case 'load':
      return flow.cylinders.map((ref) => event('load', 'dispatch', ref, { siteId: flow.siteId }, { vehicleId: flow.vehicleId }));
    case 'receipt':
      return flow.cylinders.map((ref) => event('receive', 'receive', ref, flow.vehicleId ? { vehicleId: flow.vehicleId } : {}, { siteId: flow.siteId }));
    case 'visit': {
      const vehicle = flow.vehicleId ? { vehicleId: flow.vehicleId } : {};
      const confirmed = handOver !== undefined && handOver.method !== 'none';
      const delivered = (flow.deliver?.cylinders ?? []).map((ref) =>
        event('deliver', 'hand_over', ref, vehicle, {
          ...(handOver?.customerId ? { customerId: handOver.customerId } : {}),
          confirmedByCustomer: confirmed,
          confirmation: { method: handOver?.method ?? 'none' },
          ...(handOver?.recipient ? { recipient: handOver.recipient } : {}),
        }),
      );
      const collected = (flow.collect?.cylinders ?? []).map(({ condition, ...ref }) =>
        event('collect', 'return_empty', ref, vehicle, { siteId: flow.collect?.returnTo, ...(flow.customerId ? { customerId: flow.customerId } : {}), condition }),
      );
      return [...delivered, ...collected];
    }
    case 'safety_check':
      return [];
  }
}

/** Where a flow happens, for its district and the listings. */
export function placeOf(flow: FlowInput): { kind: VisitKind; siteId?: string; vehicleId?: string } {
  switch (flow.kind) {
    case 'load':
      return { kind: flow.kind, siteId: flow.siteId, vehicleId: flow.vehicleId };
    case 'receipt':
      return { kind: flow.kind, siteId: flow.siteId, ...(flow.vehicleId ? { vehicleId: flow.vehicleId } : {}) };
    case 'visit':
      return { kind: flow.kind, ...(flow.vehicleId ? { vehicleId: flow.vehicleId } : {}) };
    case 'safety_check':
      return { kind: flow.kind };
  }
}
