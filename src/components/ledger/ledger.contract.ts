/**
 * The contract between the custody ledger and its neighbours (QR identity, the Merkle log and
 * checkpoints, EPCIS export, supervision rules). Implemented by the ledger component; the types
 * here are the shared vocabulary.
 */
import type { FieldError } from '../../shared/errors/app.error';

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
  // A filled cylinder weighed again at its station (复称): clears an overfill mark when within limits.
  'reweigh',
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
  /**
   * A district regulator's district: it records periodic inspections of that district's cylinders
   * only. Checked at capture, not stored (the event's own districtCode says where it happened).
   */
  districtCode?: string;
}

/**
 * One stored, append-only ledger event (collection `events`). Never updated, never deleted.
 *
 * APPEND ORDER (for the Merkle log, checkpoints and EPCIS export): `logSeq` is a global sequence
 * 0, 1, 2, ... allocated inside the append transaction from one counter document
 * (`ledger_counters`, _id 'events'). Every append increments that counter in the same transaction
 * that inserts its events, so two appends can never commit out of order: the set of visible events
 * is always exactly logSeq 0..n-1 with no gaps, and a reader paging by `logSeq > last` never skips
 * an event that commits later. Use `Ledger.eventsInAppendOrder(afterLogSeq, limit)`; logSeq is the
 * Merkle leaf index. It is NOT the order of `occurredAt` (devices upload late) nor of `_id`.
 */
export interface LedgerEvent {
  /** Client-generated UUID: the idempotency key (unique index). */
  eventId: string;
  /** Global append position, 0-based, gap-free (unique index). See APPEND ORDER above. */
  logSeq: number;
  cylinderId: string;
  grai?: string;
  /** The cylinder's owner enterprise (hex id): enterprise scope of the event. */
  enterpriseId: string;
  /** District of the event's site, or the cylinder's district when it has none: district scope. */
  districtCode: string;
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
  /**
   * SHA-256 (hex) of the event's canonical JSON (all fields above, prevHash included; not `hash`
   * itself, not Mongo's `_id`). Compute it only with `eventHash` from the ledger's index.
   */
  hash: string;
}

export interface AppendOutcome {
  eventId: string;
  status: 'accepted' | 'duplicate' | 'rejected';
  /** Stable reason code for a rejection, e.g. ILLEGAL_TRANSITION, CYLINDER_NOT_FOUND: the first of `reasons`. */
  reason?: string;
  detail?: string;
  /** Every reason a rejection has (a worker's expired certificate AND the site's revoked licence), the first being `reason`/`detail`. */
  reasons?: { code: string; detail: string }[];
  /** An event refused at the edge (VALIDATION_FAILED): every field that is wrong and why, as a 400 lists them. */
  errors?: FieldError[];
  event?: LedgerEvent;
  /** The cylinder a rejected event named, when it was found within the sender's scope (an accepted or duplicate event carries it in `event`). */
  cylinderId?: string;
}

/** Events whose `occurredAt` lies in [from, to), optionally of one cylinder or one district, read in logSeq order. */
export interface EventRange {
  cylinderId?: string;
  /** Only events of this district (a district regulator's scope). */
  districtCode?: string;
  from?: Date;
  to?: Date;
  limit: number;
}
