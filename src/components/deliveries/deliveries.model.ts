import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { ConfirmationMethod } from '../ledger';
import type { ItemResult, SafetyItem } from './safety-check.items';

/** What a flow is: a load onto a vehicle, a receipt at a supply point, a visit at a customer's door, a safety check on its own. */
export const VISIT_KINDS = ['load', 'receipt', 'visit', 'safety_check'] as const;
export type VisitKind = (typeof VISIT_KINDS)[number];

/** The role a ledger event plays in a flow. */
export type EventRole = 'load' | 'receive' | 'deliver' | 'collect';

/** One ledger event of a flow, as answered. */
export interface VisitEvent {
  eventId: string;
  role: EventRole;
  /** The cylinder as the worker named it (id, GRAI or serial). */
  cylinder: string;
  cylinderId?: string;
  status: 'accepted' | 'duplicate' | 'rejected';
  reason?: string;
  detail?: string;
}

export interface Confirmation {
  method: ConfirmationMethod;
  confirmed: boolean;
  /** An offline visit whose confirmation did not match is recorded unconfirmed: which method failed. */
  failed?: Exclude<ConfirmationMethod, 'none'>;
}

/**
 * A flow as recorded (collection `delivery_visits`): one per client visit id within an enterprise,
 * with the content it was recorded from (secrets keyed-hashed) so a resend is compared field by
 * field. `status` says what the ledger made of its events: all recorded, some refused (an offline
 * upload; the refused ones are collisions or kept refusals), or all refused.
 */
export interface VisitDoc {
  _id: Types.ObjectId;
  enterpriseId: Types.ObjectId;
  districtCode: string;
  visitId: string;
  kind: VisitKind;
  workerId: string;
  userId: string;
  occurredAt: Date;
  receivedAt: Date;
  source: 'online' | 'offline';
  status: 'recorded' | 'partial' | 'refused';
  contentHash: string;
  content: Record<string, unknown>;
  customerId?: string;
  siteId?: string;
  vehicleId?: string;
  events: VisitEvent[];
  /** Hand-overs in the visit (counted in the worker's confirmation rate when accepted). */
  handOvers: number;
  confirmation?: Confirmation;
  checkId?: string;
}

export interface SafetyCheckDoc {
  _id: Types.ObjectId;
  enterpriseId: Types.ObjectId;
  districtCode: string;
  visitId: string;
  customerId: string;
  workerId: string;
  occurredAt: Date;
  items: Record<SafetyItem, { result: ItemResult; note?: string }>;
  photoSha256?: string;
  note?: string;
  confirmation: Confirmation;
  hazardIds: string[];
}

/** A failed item of a check (contract §4 of issue 13). */
export interface HazardDoc {
  _id: Types.ObjectId;
  checkId: string;
  item: SafetyItem;
  customerId: string;
  enterpriseId: Types.ObjectId;
  districtCode: string;
  deadline: Date;
  status: 'open' | 'closed';
  foundAt: Date;
  note?: string;
  closedAt?: Date;
  closedByCheckId?: string;
}

/** An offline event the state machine refused because another upload put the cylinder elsewhere first. */
export interface CollisionDoc {
  _id: Types.ObjectId;
  enterpriseId: Types.ObjectId;
  districtCode: string;
  visitId: string;
  workerId: string;
  cylinderId: string;
  eventId: string;
  role: EventRole;
  /** The refused event exactly as it was submitted: what an acceptance records. */
  event: Record<string, unknown>;
  occurredAt: Date;
  detectedAt: Date;
  reason: string;
  detail: string;
  /** The cylinder's last event when the refusal was decided: what the refused one collides with. */
  conflictsWith: { eventId: string; type: string; occurredAt: Date; workerId?: string; toState: string } | null;
  status: 'open' | 'accepted' | 'dismissed';
  resolution?: { by: string; at: Date; note: string; declarationEventId?: string; correctionEventId?: string };
}

export interface MediaDoc {
  _id: Types.ObjectId;
  enterpriseId: Types.ObjectId;
  sha256: string;
  type: 'image/jpeg' | 'image/png' | 'image/webp';
  bytes: number;
  data: Buffer;
  uploadedBy: string;
  createdAt: Date;
}

/** A one-time link to a customer's page: only its hash is kept; the first open spends it. */
export interface CustomerLinkDoc {
  _id: Types.ObjectId;
  tokenHash: string;
  customerId: string;
  enterpriseId: Types.ObjectId;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt?: Date;
}

/** A hand-over code: shown on the customer's page (or sent by SMS), spent by the hand-over it confirms. */
export interface HandoverCodeDoc {
  _id: Types.ObjectId;
  customerId: string;
  enterpriseId: Types.ObjectId;
  code: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt?: Date;
  usedByVisitId?: string;
}

export interface DeliveryModels {
  visits: Model<VisitDoc>;
  checks: Model<SafetyCheckDoc>;
  hazards: Model<HazardDoc>;
  collisions: Model<CollisionDoc>;
  media: Model<MediaDoc>;
  links: Model<CustomerLinkDoc>;
  codes: Model<HandoverCodeDoc>;
}

const loose = { versionKey: false as const, strict: false, autoCreate: true };

export function deliveryModels(connection: Connection): DeliveryModels {
  const existing = connection.models.DeliveryVisit;
  if (existing) {
    const m = connection.models;
    return {
      visits: existing as Model<VisitDoc>,
      checks: m.SafetyCheck as Model<SafetyCheckDoc>,
      hazards: m.Hazard as Model<HazardDoc>,
      collisions: m.DeliveryCollision as Model<CollisionDoc>,
      media: m.DeliveryMedia as Model<MediaDoc>,
      links: m.CustomerLink as Model<CustomerLinkDoc>,
      codes: m.HandoverCode as Model<HandoverCodeDoc>,
    };
  }
  const visits = new Schema<VisitDoc>({}, { ...loose, collection: 'delivery_visits' });
  // Idempotency: one visit per client id within an enterprise (another enterprise's id is its own).
  visits.index({ enterpriseId: 1, visitId: 1 }, { unique: true });
  // Listings newest first, by scope, worker and customer; the confirmation rates by worker and time.
  visits.index({ enterpriseId: 1, occurredAt: -1, _id: -1 });
  visits.index({ districtCode: 1, occurredAt: -1, _id: -1 });
  visits.index({ occurredAt: -1, _id: -1 });
  visits.index({ workerId: 1, occurredAt: -1 });
  visits.index({ customerId: 1, occurredAt: -1 });

  const checks = new Schema<SafetyCheckDoc>({}, { ...loose, collection: 'safety_checks' });
  checks.index({ enterpriseId: 1, visitId: 1 }, { unique: true });
  checks.index({ customerId: 1, occurredAt: -1 });

  const hazards = new Schema<HazardDoc>({}, { ...loose, collection: 'hazards' });
  hazards.index({ checkId: 1, item: 1 }, { unique: true });
  hazards.index({ customerId: 1, item: 1, status: 1 });
  hazards.index({ enterpriseId: 1, status: 1, deadline: 1, _id: 1 });
  hazards.index({ districtCode: 1, status: 1, deadline: 1, _id: 1 });
  hazards.index({ status: 1, deadline: 1, _id: 1 });

  const collisions = new Schema<CollisionDoc>({}, { ...loose, collection: 'delivery_collisions' });
  // A visit's refused event is one collision however often the visit is uploaded.
  collisions.index({ eventId: 1 }, { unique: true });
  collisions.index({ enterpriseId: 1, status: 1, occurredAt: -1, _id: -1 });
  collisions.index({ districtCode: 1, status: 1, occurredAt: -1, _id: -1 });
  collisions.index({ status: 1, occurredAt: -1, _id: -1 });

  const media = new Schema<MediaDoc>({}, { ...loose, collection: 'delivery_media' });
  media.index({ enterpriseId: 1, sha256: 1 }, { unique: true });

  const links = new Schema<CustomerLinkDoc>({}, { ...loose, collection: 'customer_links' });
  links.index({ tokenHash: 1 }, { unique: true });
  links.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

  const codes = new Schema<HandoverCodeDoc>({}, { ...loose, collection: 'handover_codes' });
  codes.index({ customerId: 1, expiresAt: -1 });
  // Spent or not, a code is gone a day after it expired.
  codes.index({ expiresAt: 1 }, { expireAfterSeconds: 86_400 });

  return {
    visits: connection.model<VisitDoc>('DeliveryVisit', visits),
    checks: connection.model<SafetyCheckDoc>('SafetyCheck', checks),
    hazards: connection.model<HazardDoc>('Hazard', hazards),
    collisions: connection.model<CollisionDoc>('DeliveryCollision', collisions),
    media: connection.model<MediaDoc>('DeliveryMedia', media),
    links: connection.model<CustomerLinkDoc>('CustomerLink', links),
    codes: connection.model<HandoverCodeDoc>('HandoverCode', codes),
  };
}
