import { z } from '../../shared/openapi/zod.openapi';
import { objectId } from '../../shared/http/object-id.schema';
import { cursorQuery, pageSchema } from '../../shared/http/page.cursor';
import { CONFIRMATION_METHODS, REJECTION_CODES } from '../ledger';
import { ITEM_RESULTS, SAFETY_ITEMS, SAFETY_ITEM_KEYS, type SafetyItem } from './safety-check.items';
import { VISIT_KINDS } from './deliveries.model';
import { isoInstant } from '../../shared/http/date.schema';

/** Edge schemas of the deliveries flows. Writes are strict: an unknown key is a 400, never ignored. */

const uuid = z.uuid('must be a UUID').openapi({ example: '3f0c8a52-7d1e-4b8e-9a61-2c4d5e6f7a80' });
const isoDateTime = isoInstant.openapi({ example: '2025-06-01T10:30:00+08:00' });
const note = z.string().trim().min(1).max(200).refine((s) => !s.startsWith('$'), 'must not start with $');
export const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256, 64 lowercase hex digits').openapi({ description: 'SHA-256 of an image uploaded with PUT /api/v1/deliveries/media/{sha256}' });
const phone = z.string().trim().regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/, 'must be a mainland mobile (11 digits) or landline number');
const coordinates = z.tuple([z.number().min(73).max(136), z.number().min(3).max(54)]).openapi({ description: '[longitude, latitude], WGS-84' });

/** A cylinder as a worker names it: its id, the GRAI its QR code carries, or its steel-stamp serial. */
const cylinderNames = {
  cylinderId: objectId.optional(),
  grai: z.string().regex(/^\d{14}[!-~]{1,16}$/, 'must be a GRAI: 14 digits then a serial of up to 16 characters').optional(),
  serial: z.string().trim().min(1).max(40).optional(),
};
const namedOnce = (c: { cylinderId?: string | undefined; grai?: string | undefined; serial?: string | undefined }) => [c.cylinderId, c.grai, c.serial].filter((v) => v !== undefined).length === 1;
const ONCE = { message: 'name the cylinder by exactly one of cylinderId, grai or serial' };
export const cylinderRef = z.strictObject(cylinderNames).refine(namedOnce, ONCE).openapi('CylinderRef');
export type CylinderRef = z.infer<typeof cylinderRef>;
const collectedCylinder = z
  .strictObject({ ...cylinderNames, condition: z.enum(['empty', 'rejected_full']).default('empty').openapi({ description: 'An empty, or a full cylinder the customer refused' }) })
  .refine(namedOnce, ONCE)
  .openapi('CollectedCylinder');

const MAX_CYLINDERS = 100;
const cylinders = z.array(cylinderRef).min(1).max(MAX_CYLINDERS);

/** How the customer confirms: the secret typed or shown never reaches the ledger (only the method does). */
export const confirmationInput = z
  .discriminatedUnion('method', [
    z.strictObject({ method: z.literal('phone_last4'), phoneLast4: z.string().regex(/^\d{4}$/, 'must be 4 digits') }),
    z.strictObject({ method: z.literal('one_time_code'), code: z.string().regex(/^\d{6}$/, 'must be 6 digits') }),
    z.strictObject({ method: z.literal('signature'), signatureSha256: sha256 }),
    z.strictObject({ method: z.literal('none'), reason: note.optional() }),
  ])
  .openapi('CustomerConfirmation', { description: `One of: ${CONFIRMATION_METHODS.join(', ')}. An unconfirmed hand-over (none) is recorded as such and counts against the worker's confirmation rate.` });
export type ConfirmationInput = z.infer<typeof confirmationInput>;

const itemAnswer = z.strictObject({ result: z.enum(ITEM_RESULTS), note: note.optional() });
/** The whole checklist, every item answered. */
const checklist = z
  .strictObject(Object.fromEntries(SAFETY_ITEM_KEYS.map((k) => [k, itemAnswer.openapi({ description: `${SAFETY_ITEMS[k].zh} (${SAFETY_ITEMS[k].en}); a failed item is a hazard due in ${SAFETY_ITEMS[k].deadlineDays} days` })])) as Record<SafetyItem, typeof itemAnswer>)
  .openapi('SafetyChecklist');

export const checkInput = z
  .strictObject({ items: checklist, photoSha256: sha256.optional(), note: note.optional() })
  .openapi('SafetyCheckInput');

const common = {
  visitId: uuid.openapi({ description: 'Client-generated id of the flow: the same flow again is a duplicate; other content under it is 409 VISIT_ID_CONFLICT naming the field' }),
  occurredAt: isoDateTime.openapi({ description: 'When it happened, by the phone\'s clock' }),
  coordinates: coordinates.optional(),
};

export const loadInput = z
  .strictObject({ ...common, siteId: objectId.openapi({ description: 'The filling station or supply point the cylinders leave' }), vehicleId: objectId, cylinders })
  .openapi('LoadInput');

export const receiptInput = z
  .strictObject({ ...common, siteId: objectId.openapi({ description: 'The supply point taking the cylinders in' }), vehicleId: objectId.optional(), cylinders })
  .openapi('ReceiptInput');

export const visitInput = z
  .strictObject({
    ...common,
    customerId: objectId.optional().openapi({ description: 'The registered customer visited' }),
    recipient: z
      .strictObject({ name: note.optional(), phone, address: note.optional() })
      .optional()
      .openapi({ description: 'Instead of customerId: a person named by phone; the registered customer with that phone, or the hand-over is refused (CUSTOMER_NOT_REGISTERED) and kept' }),
    vehicleId: objectId.optional(),
    deliver: z.strictObject({ cylinders }).optional().openapi({ description: 'Full cylinders handed over' }),
    collect: z
      .strictObject({
        returnTo: objectId.openapi({ description: 'The site the collected cylinders go back to' }),
        cylinders: z.array(collectedCylinder).min(1).max(MAX_CYLINDERS),
      })
      .optional()
      .openapi({ description: 'Cylinders taken back: empties, or a full one the customer refused; with deliver, the exchange is one visit' }),
    confirmation: confirmationInput.optional(),
    safetyCheck: checkInput.optional().openapi({ description: 'The home safety check made during the visit' }),
  })
  .superRefine((v, ctx) => {
    if (!v.deliver && !v.collect && !v.safetyCheck) ctx.addIssue({ code: 'custom', path: ['deliver'], message: 'a visit delivers, collects or checks: give deliver, collect or safetyCheck' });
    if ((v.customerId === undefined) === (v.recipient === undefined)) ctx.addIssue({ code: 'custom', path: ['customerId'], message: 'give customerId, or recipient for a person named by phone (not both)' });
    if (v.recipient && !v.deliver) ctx.addIssue({ code: 'custom', path: ['recipient'], message: 'names who took a delivery: only with deliver' });
    if (v.recipient && (v.collect || v.safetyCheck)) ctx.addIssue({ code: 'custom', path: ['recipient'], message: 'collections and safety checks are made at a registered customer: give customerId' });
    if ((v.deliver || v.safetyCheck) && !v.confirmation && !v.recipient) ctx.addIssue({ code: 'custom', path: ['confirmation'], message: 'is required for a hand-over or a safety check (method none records it unconfirmed)' });
  })
  .openapi('VisitInput');

export const safetyCheckInput = z
  .strictObject({ ...common, customerId: objectId, ...checkInput.shape, confirmation: confirmationInput })
  .openapi('SafetyCheckOnItsOwn');

export type LoadInput = z.infer<typeof loadInput>;
export type ReceiptInput = z.infer<typeof receiptInput>;
export type VisitInput = z.infer<typeof visitInput>;
export type SafetyCheckInput = z.infer<typeof safetyCheckInput>;
export type CheckInput = z.infer<typeof checkInput>;

/** Each kind of flow's fields; an offline batch item is `{ kind, ...those fields }`. */
export const FLOW_INPUTS = { load: loadInput, receipt: receiptInput, visit: visitInput, safety_check: safetyCheckInput } as const;
export type FlowInput = ({ kind: 'load' } & LoadInput) | ({ kind: 'receipt' } & ReceiptInput) | ({ kind: 'visit' } & VisitInput) | ({ kind: 'safety_check' } & SafetyCheckInput);

export const MAX_SYNC = 500;
export const syncInput = z
  .strictObject({ visits: z.array(z.unknown()).min(1).max(MAX_SYNC).openapi({ description: 'Flows recorded offline, in the order they happened; each has `kind` (load, receipt, visit, safety_check) and that flow\'s fields' }) })
  .openapi('DeliverySyncBatch');

const visitEventView = z.object({
  eventId: z.string(),
  role: z.enum(['load', 'receive', 'deliver', 'collect']),
  cylinder: z.string(),
  cylinderId: z.string().optional(),
  status: z.enum(['accepted', 'duplicate', 'rejected']),
  reason: z.enum(REJECTION_CODES).optional(),
  detail: z.string().optional(),
});
export const visitView = z
  .object({
    id: z.string(),
    visitId: z.string(),
    kind: z.enum(VISIT_KINDS),
    enterpriseId: z.string(),
    districtCode: z.string(),
    workerId: z.string(),
    occurredAt: z.string(),
    receivedAt: z.string(),
    source: z.enum(['online', 'offline']),
    status: z.enum(['recorded', 'partial', 'refused']).openapi({ description: 'recorded: every event accepted; partial / refused (offline uploads): some / all refused, each a collision or a kept refusal' }),
    customerId: z.string().optional(),
    siteId: z.string().optional(),
    vehicleId: z.string().optional(),
    events: z.array(visitEventView),
    confirmation: z.object({ method: z.enum(CONFIRMATION_METHODS), confirmed: z.boolean(), failed: z.enum(['phone_last4', 'one_time_code', 'signature']).optional() }).optional(),
    checkId: z.string().optional(),
    hazards: z.number().int().optional().openapi({ description: 'Hazards the visit\'s safety check found' }),
    collisions: z.array(z.string()).optional().openapi({ description: 'Ids of the collisions the visit\'s refused events are listed as' }),
    duplicate: z.boolean().optional().openapi({ description: 'True when this very flow was recorded before: the stored record' }),
  })
  .openapi('DeliveryVisit');

export const syncView = z
  .object({
    recorded: z.number().int(),
    duplicate: z.number().int(),
    refused: z.number().int().openapi({ description: 'Stored with every event refused (a collision or a kept refusal)' }),
    invalid: z.number().int().openapi({ description: 'Not stored: bad input, a missing photo or signature, a code spent meanwhile; send them again once put right' }),
    results: z.array(
      z.object({
        visitId: z.string(),
        status: z.enum(['recorded', 'partial', 'refused', 'duplicate', 'invalid']),
        visit: visitView.optional(),
        code: z.string().optional(),
        errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      }),
    ),
  })
  .openapi('DeliverySyncResult');

export const visitsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursorQuery,
  kind: z.enum(VISIT_KINDS).optional(),
  workerId: objectId.optional(),
  customerId: objectId.optional(),
});
export type VisitsQuery = z.infer<typeof visitsQuery>;
export const visitsPage = pageSchema(visitView, 'DeliveryVisitPage');
export const visitParams = z.strictObject({ visitId: uuid });

export const collisionView = z
  .object({
    id: z.string(),
    enterpriseId: z.string(),
    districtCode: z.string(),
    visitId: z.string(),
    workerId: z.string(),
    cylinderId: z.string(),
    eventId: z.string(),
    role: z.enum(['load', 'receive', 'deliver', 'collect']),
    type: z.string(),
    occurredAt: z.string(),
    detectedAt: z.string(),
    reason: z.string(),
    detail: z.string(),
    conflictsWith: z.object({ eventId: z.string(), type: z.string(), occurredAt: z.string(), workerId: z.string().optional(), toState: z.string() }).nullable(),
    status: z.enum(['open', 'accepted', 'dismissed']),
    resolution: z.object({ by: z.string(), at: z.string(), note: z.string(), declarationEventId: z.string().optional(), correctionEventId: z.string().optional() }).optional(),
  })
  .openapi('DeliveryCollision');
export const collisionsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursorQuery,
  status: z.enum(['open', 'accepted', 'dismissed']).optional(),
  cylinderId: objectId.optional(),
});
export type CollisionsQuery = z.infer<typeof collisionsQuery>;
export const collisionsPage = pageSchema(collisionView, 'DeliveryCollisionPage');
export const resolutionInput = z.strictObject({ note: note.openapi({ description: 'Why: kept with the resolution' }) }).openapi('CollisionResolution');

export const hazardView = z
  .object({
    id: z.string(),
    checkId: z.string(),
    item: z.enum(SAFETY_ITEM_KEYS),
    itemName: z.string().openapi({ description: 'The item in Chinese' }),
    customerId: z.string(),
    enterpriseId: z.string(),
    districtCode: z.string(),
    deadline: z.string(),
    status: z.enum(['open', 'closed']),
    foundAt: z.string(),
    note: z.string().optional(),
    closedAt: z.string().optional(),
    closedByCheckId: z.string().optional(),
  })
  .openapi('Hazard');
export const hazardsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursorQuery,
  status: z.enum(['open', 'closed']).optional(),
  customerId: objectId.optional(),
});
export type HazardsQuery = z.infer<typeof hazardsQuery>;
export const hazardsPage = pageSchema(hazardView, 'HazardPage');

export const ratesQuery = z.strictObject({ from: isoDateTime.optional(), to: isoDateTime.optional(), workerId: objectId.optional() });
export type RatesQuery = z.infer<typeof ratesQuery>;
export const ratesView = z
  .object({
    items: z.array(
      z.object({
        workerId: z.string(),
        handOvers: z.number().int(),
        confirmed: z.number().int(),
        unconfirmed: z.number().int(),
        rate: z.number().openapi({ description: 'confirmed / handOvers (1 when there were none)' }),
        byMethod: z.record(z.string(), z.number().int()),
      }),
    ),
  })
  .openapi('ConfirmationRates');

export const customerParams = z.strictObject({ id: objectId });
export const mediaParams = z.strictObject({ sha256 });
export const mediaView = z.object({ sha256: z.string(), type: z.string(), bytes: z.number().int() }).openapi('DeliveryMedia');
export const codeView = z
  .object({ expiresAt: z.string(), sentBy: z.enum(['sms', 'customer_page']).openapi({ description: 'sms when a gateway is configured; otherwise the customer reads the code on their own page' }) })
  .openapi('HandoverCodeIssued');
export const linkView = z
  .object({ url: z.string().openapi({ description: 'The one-time link: opening it once starts a session on the customer\'s page; shown only here' }), expiresAt: z.string(), sentBy: z.enum(['sms', 'none']) })
  .openapi('CustomerPageLink');
