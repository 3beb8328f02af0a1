import { Schema, type Connection, type Model } from 'mongoose';
import type { CylinderState, LedgerEvent } from './ledger.contract';
import type { Hold } from './ledger.lifecycle';
import type { Rejection } from './ledger.references';

/** A stored event: the contract's LedgerEvent plus Mongo's _id (never part of the hash). */
export type StoredEvent = LedgerEvent;

/** The cylinder's current status, custodian and place: a projection of its chain, updated in the append transaction. */
export interface CylinderProjection {
  /** The cylinder id (hex): one projection per cylinder. */
  _id: string;
  cylinderId: string;
  enterpriseId: string;
  districtCode: string;
  state: CylinderState;
  /** Who holds it: the actor of the last custody change, a vehicle or a customer. */
  custodian: { kind: 'enterprise' | 'worker' | 'vehicle' | 'customer' | 'user'; id: string } | null;
  place: { siteId?: string; vehicleId?: string; customerId?: string; coordinates?: [number, number] } | null;
  lastFill: { eventId: string; siteId?: string; at: Date; netKg: number } | null;
  nextInspectionDate?: string;
  flagged: boolean;
  /** Marks that stop some events until cleared (ledger.lifecycle.ts HOLDS): an overfill until a re-weigh. Absent: none. */
  holds?: Hold[];
  headHash: string;
  headEventId: string;
  /** cylinderSeq of the head event. */
  cylinderSeq: number;
  /** Increments with every append; the append's update is conditioned on it. */
  version: number;
  updatedAt: Date;
}

/** A refused event kept for supervision (rejected_events), with its evidence. */
export interface RejectedEvent {
  /**
   * Position among the refusals, 0, 1, 2, ... gap-free: taken from the `rejected` counter in the
   * transaction that stores the refusal (as logSeq is for events), so a reader paging by
   * `refusalSeq > last` never skips one that commits later. Refusals kept before positions existed
   * get theirs when the ledger starts (in receipt order).
   */
  refusalSeq: number;
  eventId: string;
  cylinderId: string | null;
  grai: string | null;
  /** The steel-stamp serial the event named the cylinder by, when it did (absent otherwise). */
  serial?: string;
  /** The cylinder's owner (the actor's enterprise when no cylinder was found): enterprise scope. */
  enterpriseId: string | null;
  /** The event's district (its site's, else the customer's, else the cylinder's); null when no cylinder was found: district scope. */
  districtCode: string | null;
  type: string;
  /** The first of `reasons`. */
  reason: string;
  detail: string;
  /** Every reason that applied, each with the credential (or cylinder dates) it is about. */
  reasons: Rejection[];
  fromState: CylinderState | null;
  occurredAt: Date;
  receivedAt: Date;
  actor: LedgerEvent['actor'];
  where: LedgerEvent['where'];
  payload: Record<string, unknown>;
}

const loose = { versionKey: false as const, strict: false, autoCreate: true };

export interface LedgerModels {
  events: Model<StoredEvent>;
  states: Model<CylinderProjection>;
  rejected: Model<RejectedEvent>;
  counters: Model<{ _id: string; seq: number }>;
}

export function ledgerModels(connection: Connection): LedgerModels {
  const existing = connection.models.LedgerEvent;
  if (existing) {
    return {
      events: existing as Model<StoredEvent>,
      states: connection.models.CylinderState as Model<CylinderProjection>,
      rejected: connection.models.RejectedEvent as Model<RejectedEvent>,
      counters: connection.models.LedgerCounter as Model<{ _id: string; seq: number }>,
    };
  }
  const events = new Schema<StoredEvent>({ eventId: String, logSeq: Number, cylinderId: String, cylinderSeq: Number }, { ...loose, collection: 'events' });
  // Idempotency: one event per client id, whoever sends it and however often.
  events.index({ eventId: 1 }, { unique: true });
  // The global append order (Merkle leaf index) and the per-cylinder chain can never fork.
  events.index({ logSeq: 1 }, { unique: true });
  events.index({ cylinderId: 1, cylinderSeq: 1 }, { unique: true });
  // History listings, newest first within each filter.
  events.index({ 'where.siteId': 1, logSeq: -1 });
  events.index({ 'where.vehicleId': 1, logSeq: -1 });
  events.index({ 'actor.workerId': 1, logSeq: -1 });
  events.index({ type: 1, logSeq: -1 });
  events.index({ enterpriseId: 1, logSeq: -1 });
  events.index({ districtCode: 1, logSeq: -1 });
  // KPIs and flow reconciliation (ledger.figures.ts): events of some types in a period, city-wide or in a district or enterprise.
  events.index({ type: 1, occurredAt: 1 });
  events.index({ districtCode: 1, type: 1, occurredAt: 1 });
  events.index({ enterpriseId: 1, type: 1, occurredAt: 1 });

  const states = new Schema<CylinderProjection>({ _id: String, version: Number }, { ...loose, collection: 'cylinder_states' });
  states.index({ enterpriseId: 1, state: 1 });
  // A customer's cylinders at home (the customer's own page).
  states.index({ 'place.customerId': 1, updatedAt: -1 });

  const rejected = new Schema<RejectedEvent>({ eventId: String }, { ...loose, collection: 'rejected_events' });
  rejected.index({ cylinderId: 1, receivedAt: -1 });
  rejected.index({ enterpriseId: 1, receivedAt: -1 });
  rejected.index({ reason: 1, receivedAt: -1 });
  // The refusals listing: newest first, in the reader's scope (district, enterprise), by cylinder or reason.
  rejected.index({ receivedAt: -1, _id: -1 });
  rejected.index({ districtCode: 1, receivedAt: -1, _id: -1 });
  rejected.index({ 'reasons.reason': 1, receivedAt: -1 });
  // The refusals in the order they were kept (supervision resumes from a position); older ones get theirs at start.
  rejected.index({ refusalSeq: 1 }, { unique: true, partialFilterExpression: { refusalSeq: { $exists: true } } });

  const counters = new Schema<{ _id: string; seq: number }>({ _id: String, seq: Number }, { ...loose, collection: 'ledger_counters' });
  return {
    events: connection.model<StoredEvent>('LedgerEvent', events),
    states: connection.model<CylinderProjection>('CylinderState', states),
    rejected: connection.model<RejectedEvent>('RejectedEvent', rejected),
    counters: connection.model<{ _id: string; seq: number }>('LedgerCounter', counters),
  };
}
