/**
 * The contract between the custody ledger and its neighbours (QR identity, the Merkle log and
 * checkpoints, EPCIS export, and the supervision rules of a later issue). Implemented by the
 * ledger component; the types here are the shared vocabulary.
 */

/** Lifecycle events of the brief (plus the EPCIS error declaration that corrects an earlier event). */
export const EVENT_TYPES = [
  'commission',
  'inspect',
  'fill',
  'dispatch',
  'receive',
  'sell',
  'hand_over',
  'return_empty',
  'periodic_inspection',
  'scrap',
  'report_lost',
  'error_declaration',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Where a cylinder is in its life; the state machine (ledger.lifecycle.ts) moves it. */
export const CYLINDER_STATES = [
  'unregistered',
  'empty_at_station',
  'inspected_at_station',
  'full_at_station',
  'in_transit',
  'at_supply_point',
  'with_customer',
  'scrapped',
  'lost',
] as const;
export type CylinderState = (typeof CYLINDER_STATES)[number];

/** Who recorded an event: always taken from the credentials, never from the body. */
export interface EventActor {
  kind: 'user' | 'worker' | 'device';
  id: string;
  role?: string;
  enterpriseId?: string;
  /** A worker's own record when the actor is a user linked to one. */
  workerId?: string;
}

/** One stored, append-only ledger event (collection `events`). Never updated, never deleted. */
export interface LedgerEvent {
  /** Client-generated UUID: the idempotency key (unique index). */
  eventId: string;
  cylinderId: string;
  grai?: string;
  type: EventType;
  /** When it happened, by the device's clock. */
  occurredAt: Date;
  /** When the platform accepted it. */
  receivedAt: Date;
  actor: EventActor;
  where: { siteId?: string; vehicleId?: string; coordinates?: [number, number] };
  /** Type-specific fields, validated by the type's zod schema. */
  payload: Record<string, unknown>;
  /** CBV business step URI (or the documented extension vocabulary, e.g. for filling). */
  bizStep: string;
  /** CBV disposition URI (or extension). */
  disposition: string;
  fromState: CylinderState;
  toState: CylinderState;
  /** Position in this cylinder's chain, 0 for its first event. */
  cylinderSeq: number;
  /** `hash` of this cylinder's previous event; null for the first. */
  prevHash: string | null;
  /** SHA-256 (hex) of the event's canonical JSON (all fields above, prevHash included). */
  hash: string;
}

export interface AppendOutcome {
  eventId: string;
  status: 'accepted' | 'duplicate' | 'rejected';
  /** Stable reason code for a rejection, e.g. ILLEGAL_TRANSITION, CYLINDER_NOT_FOUND. */
  reason?: string;
  detail?: string;
  event?: LedgerEvent;
}
