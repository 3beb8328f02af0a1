import { fieldErrorSchema } from '../../shared/errors/problem.schema';
import { z } from '../../shared/openapi/zod.openapi';
import { CYLINDER_STATES, EVENT_TYPES, type EventType } from './ledger.contract';
import { FILL_ANOMALIES, type FillAnomaly } from './ledger.fill-limits';
import { REJECTION_CODES } from './ledger.reasons';

/** Edge schemas of the ledger. Writes are strict: an unknown key is a 400, never ignored. */
import { objectId } from '../../shared/http/object-id.schema';
import { cursorQuery, pageSchema } from '../../shared/http/page.cursor';
import { isoCalendarDay, isoInstant } from '../../shared/http/date.schema';

export { objectId };
const uuid = z.uuid('must be a UUID').openapi({ example: '0b5c7b8e-2f43-4c1a-9a3e-6c2f1d7e9a10' });
const grai = z.string().regex(/^\d{14}[!-~]{1,16}$/, 'must be a GRAI: 14 digits then a serial of up to 16 characters');
const isoDateTime = isoInstant.openapi({ example: '2025-06-01T08:30:00+08:00' });
const isoDay = isoCalendarDay.openapi({ example: '2029-06-01' });
const kg = z.number().positive().max(200);
const note = z.string().trim().min(1).max(200).refine((s) => !s.startsWith('$'), 'must not start with $');
const result = z.enum(['pass', 'fail']);
// Human keys beside the ids (ledger.codes.ts resolves them within the actor's enterprise). The bounds only keep junk out; the registry decides what exists.
const siteCode = z.string().trim().min(1).max(20).openapi({ description: 'Station code (站点编号) of a site of the enterprise, instead of its id', example: 'S01' });
const vehiclePlate = z.string().trim().min(2).max(12).openapi({ description: 'Plate of a vehicle of the enterprise, instead of its id', example: '粤R12345' });
const serial = z.string().trim().min(1).max(40).openapi({ description: 'Steel-stamp serial (钢印号) of a cylinder of the enterprise, instead of its id or GRAI', example: 'QY-2021-0001' });

/** Fill tolerance: net must equal gross − tare within this many kilograms (scale rounding). */
export const NET_WEIGHT_TOLERANCE_KG = 0.2;

/** How the customer confirmed a hand-over (contract §4 of issue 13): the method only, never the digits, code or signature. */
export const CONFIRMATION_METHODS = ['phone_last4', 'one_time_code', 'signature', 'none'] as const;
export type ConfirmationMethod = (typeof CONFIRMATION_METHODS)[number];

/**
 * A sale or hand-over names the registered customer it goes to. Without one (`recipient` says who
 * took it), or with one that is not the enterprise's active customer, it is refused as
 * CUSTOMER_NOT_REGISTERED and kept as evidence: a real-name delivery goes to a real-name customer.
 */
const handOverPayload = z
  .strictObject({
    customerId: objectId.optional().openapi({ description: 'The registered customer; without it the hand-over is refused (CUSTOMER_NOT_REGISTERED) and kept' }),
    confirmedByCustomer: z.boolean().optional(),
    confirmation: z
      .strictObject({ method: z.enum(CONFIRMATION_METHODS) })
      .optional()
      .openapi({ description: 'How the customer confirmed; `none` is an unconfirmed hand-over' }),
    recipient: z
      .strictObject({ name: note.optional(), phoneLast4: z.string().regex(/^\d{4}$/, 'must be 4 digits').optional(), address: note.optional() })
      .optional()
      .openapi({ description: 'Who took the cylinder when no registered customer is named: the evidence of a refused hand-over (the phone only by its last 4 digits)' }),
  })
  .refine((p) => !p.confirmation || p.confirmedByCustomer === undefined || p.confirmedByCustomer === (p.confirmation.method !== 'none'), {
    path: ['confirmedByCustomer'],
    message: 'must be true for a confirmation method and false for none',
  });
const weighing = { tareKg: kg, grossKg: kg, netKg: kg, scaleId: note.optional() };
/** Set by the ledger itself (ledger.fill-limits.ts), whatever the sender put there. */
const platformMarks = {
  permittedNetKg: kg.optional(),
  anomalies: z.array(z.enum(FILL_ANOMALIES as [FillAnomaly, ...FillAnomaly[]])).max(3).optional(),
};
const netIsGrossLessTare = (p: { tareKg: number; grossKg: number; netKg: number }) => Math.abs(p.grossKg - p.tareKg - p.netKg) <= NET_WEIGHT_TOLERANCE_KG;
const netMessage = { path: ['netKg'], message: `must equal grossKg − tareKg (±${NET_WEIGHT_TOLERANCE_KG} kg)` };
const preFillChecks = z
  .strictObject({ valve: z.enum(['ok', 'defective']), leak: z.enum(['none', 'leaking']), appearance: z.enum(['ok', 'damaged']), residualKg: z.number().min(0).max(200) })
  .openapi('InspectChecks', { description: "A scale's pre-fill check items" });

export const PAYLOADS = {
  commission: z.strictObject({ grai: grai.optional(), batchId: note.optional() }).openapi('CommissionPayload'),
  inspect: z.strictObject({ result, defects: z.array(note).max(20).optional(), checks: preFillChecks.optional() }).openapi('InspectPayload'),
  fill: z
    .strictObject({
      ...weighing,
      durationS: z.number().positive().max(3600),
      // A scale's report (issue 12) adds these; a fill recorded under manual mode has none of them.
      fillId: note.optional().openapi({ description: "The scale's own id of the fill (its idempotency key)" }),
      authorizationId: objectId.optional().openapi({ description: 'The interlock decision that allowed it' }),
      operatorWorkerId: objectId.optional().openapi({ description: 'The filling operator at the scale' }),
      ...platformMarks,
    })
    .refine(netIsGrossLessTare, netMessage)
    .openapi('FillPayload', { description: 'permittedNetKg and anomalies are set by the ledger from the cylinder model (what a sender gives is replaced)' }),
  dispatch: z.strictObject({ vehicleId: objectId.optional(), vehiclePlate: vehiclePlate.optional() }).openapi('DispatchPayload', { description: 'vehicleId or vehiclePlate (or where.vehicleId / where.vehiclePlate) is required' }),
  receive: z.strictObject({ siteId: objectId.optional(), siteCode: siteCode.optional() }).openapi('ReceivePayload', { description: 'siteId or siteCode (or where.siteId / where.siteCode) is required' }),
  sell: handOverPayload.openapi('SellPayload'),
  hand_over: handOverPayload.openapi('HandOverPayload'),
  return_empty: z
    .strictObject({
      siteId: objectId.optional(),
      siteCode: siteCode.optional(),
      customerId: objectId.optional(),
      condition: z.enum(['empty', 'rejected_full']).optional().openapi({ description: 'What comes back: an empty, or a full cylinder the customer refused' }),
    })
    .openapi('ReturnEmptyPayload', { description: 'siteId or siteCode (or where.siteId / where.siteCode) is required' }),
  periodic_inspection: z
    .strictObject({ result, nextInspectionDate: isoDay.optional(), certificateNo: note.optional() })
    .refine((p) => p.result === 'fail' || p.nextInspectionDate !== undefined, { path: ['nextInspectionDate'], message: 'is required when the result is pass' })
    .openapi('PeriodicInspectionPayload'),
  scrap: z.strictObject({ reason: note.optional(), certificateNo: note.optional() }).openapi('ScrapPayload'),
  report_lost: z.strictObject({ note: note.optional() }).openapi('ReportLostPayload'),
  error_declaration: z
    .strictObject({
      declaredEventId: uuid.openapi({ description: 'The earlier event of this cylinder declared erroneous' }),
      reason: z.enum(['incorrect_data', 'did_not_occur']).openapi({ description: 'EPCIS errorDeclaration reason (CBV er: vocabulary)' }),
      correctiveEventIds: z.array(uuid).max(10).optional(),
      note: note.optional(),
    })
    .openapi('ErrorDeclarationPayload'),
  reweigh: z
    .strictObject({
      ...weighing,
      durationS: z.number().positive().max(3600).optional(),
      reweighId: note.optional().openapi({ description: "The scale's own id of the re-weigh" }),
      operatorWorkerId: objectId.optional(),
      ...platformMarks,
      maxNetKg: kg.optional(),
      withinLimits: z.boolean().optional(),
    })
    .refine(netIsGrossLessTare, netMessage)
    .openapi('ReweighPayload', { description: 'permittedNetKg, maxNetKg, withinLimits and anomalies are set by the ledger from the cylinder model' }),
} satisfies Record<EventType, z.ZodType>;

export type Payloads = { [K in EventType]: z.infer<(typeof PAYLOADS)[K]> };

export const whereSchema = z
  .strictObject({
    siteId: objectId.optional(),
    siteCode: siteCode.optional(),
    vehicleId: objectId.optional(),
    vehiclePlate: vehiclePlate.optional(),
    coordinates: z.tuple([z.number().min(73).max(136), z.number().min(3).max(54)]).optional().openapi({ description: '[longitude, latitude], WGS-84' }),
  })
  .openapi('EventWhere');

/** A fill names its station in `where`; a receive, return or dispatch names its site or vehicle in the payload, as before, by id or by code. */
const PLACE_NEEDED: Partial<Record<EventType, readonly ['where' | 'payload', string, string]>> = {
  fill: ['where', 'siteId', 'siteCode'],
  reweigh: ['where', 'siteId', 'siteCode'],
  receive: ['payload', 'siteId', 'siteCode'],
  return_empty: ['payload', 'siteId', 'siteCode'],
  dispatch: ['payload', 'vehicleId', 'vehiclePlate'],
};

/** One event as a client sends it. The actor is never part of it: it comes from the credentials. */
export const eventInput = z
  .strictObject({
    eventId: uuid.openapi({ description: 'Client-generated idempotency key (a random UUID): the same event again is answered as a duplicate; other content under the id is EVENT_ID_CONFLICT' }),
    cylinderId: objectId.optional(),
    grai: grai.optional(),
    serial: serial.optional(),
    type: z.enum(EVENT_TYPES),
    occurredAt: isoDateTime.openapi({ description: 'When it happened, by the device clock' }),
    where: whereSchema.default({}),
    payload: z.record(z.string(), z.unknown()).default({}).openapi({ description: 'Type-specific: see the *Payload schemas' }),
  })
  .superRefine((input, ctx) => {
    const named = [input.cylinderId, input.grai, input.serial].filter((v) => v !== undefined).length;
    if (named === 0) ctx.addIssue({ code: 'custom', path: ['cylinderId'], message: 'cylinderId, grai or serial is required' });
    if (input.serial && named > 1) ctx.addIssue({ code: 'custom', path: ['serial'], message: 'names the cylinder alone: give serial, or cylinderId / grai, not both' });
    const place = (key: string) => input.where[key as 'siteId'] ?? (typeof input.payload[key] === 'string' ? input.payload[key] : undefined);
    for (const [id, code] of [['siteId', 'siteCode'], ['vehicleId', 'vehiclePlate']] as const) {
      if (place(id) !== undefined && place(code) !== undefined) ctx.addIssue({ code: 'custom', path: ['where', code], message: `give ${id} or ${code}, not both` });
      for (const key of [id, code]) {
        const inPayload = input.payload[key];
        if (typeof inPayload === 'string' && input.where[key] !== undefined && input.where[key] !== inPayload) {
          ctx.addIssue({ code: 'custom', path: ['where', key], message: `must equal payload.${key} when both are given` });
        }
      }
    }
    const need = PLACE_NEEDED[input.type];
    const given = need && (need[0] === 'where' ? input.where : input.payload);
    if (need && given && given[need[1] as 'siteId'] === undefined && given[need[2] as 'siteCode'] === undefined) {
      const why = input.type === 'fill' || input.type === 'reweigh' ? `: a ${input.type} happens at a filling station` : '';
      ctx.addIssue({ code: 'custom', path: [need[0], need[1]], message: `is required (or ${need[2]})${why}` });
    }
    const parsed = PAYLOADS[input.type].safeParse(input.payload);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
        for (const key of keys) {
          ctx.addIssue({ code: 'custom', path: ['payload', ...issue.path.map(String), ...(key ? [key] : [])], message: key ? 'is not allowed' : issue.message });
        }
      }
    }
  })
  .openapi('EventInput');
export type EventInput = z.infer<typeof eventInput>;

export const MAX_BATCH = 1000;
export const batchInput = z.strictObject({ events: z.array(z.unknown()).min(1).max(MAX_BATCH) }).openapi('EventBatch');

const actorView = z.object({ kind: z.enum(['user', 'worker', 'device']), id: z.string(), role: z.string().optional(), enterpriseId: z.string().optional(), workerId: z.string().optional() });
export const eventView = z
  .object({
    eventId: z.string(),
    logSeq: z.number().int(),
    cylinderId: z.string(),
    grai: z.string().optional(),
    enterpriseId: z.string(),
    districtCode: z.string(),
    type: z.enum(EVENT_TYPES),
    occurredAt: z.string(),
    receivedAt: z.string(),
    actor: actorView,
    where: z.object({ siteId: z.string().optional(), vehicleId: z.string().optional(), coordinates: z.array(z.number()).optional() }),
    payload: z.record(z.string(), z.unknown()),
    bizStep: z.string(),
    disposition: z.string(),
    fromState: z.enum(CYLINDER_STATES),
    toState: z.enum(CYLINDER_STATES),
    cylinderSeq: z.number().int(),
    prevHash: z.string().nullable(),
    hash: z.string(),
  })
  .openapi('LedgerEvent');

export const outcomeView = z
  .object({
    eventId: z.string(),
    status: z.enum(['accepted', 'duplicate', 'rejected']),
    reason: z.string().optional().openapi({ description: 'Stable code of a rejection (the first of `reasons`): see the RejectionCode table' }),
    detail: z.string().optional(),
    reasons: z.array(z.object({ code: z.enum(REJECTION_CODES), detail: z.string() })).optional().openapi({ description: 'Every reason of a rejection, not only the first' }),
    errors: z.array(fieldErrorSchema).optional().openapi({ description: 'A rejection at the edge (VALIDATION_FAILED): every field that is wrong and why' }),
    event: eventView.optional(),
    cylinderId: z.string().optional().openapi({ description: 'The cylinder a rejected event named, when found within the caller\'s scope' }),
  })
  .openapi('AppendOutcome');
export const batchView = z
  .object({ accepted: z.number().int(), duplicate: z.number().int(), rejected: z.number().int(), results: z.array(outcomeView) })
  .openapi('EventBatchResult');

export const cylinderParams = z.strictObject({ id: objectId });
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursorQuery,
};
export const timelineQuery = z.strictObject(pageQuery);
export const eventsQuery = z
  .strictObject({
    ...pageQuery,
    siteId: objectId.optional(),
    workerId: objectId.optional(),
    vehicleId: objectId.optional(),
    cylinderId: objectId.optional(),
    type: z.enum(EVENT_TYPES).optional(),
    from: isoDateTime.optional(),
    to: isoDateTime.optional(),
  });
export type EventsQuery = z.infer<typeof eventsQuery>;
export const eventsPage = pageSchema(eventView, 'LedgerEventPage');

export const rejectedQuery = z.strictObject({
  ...pageQuery,
  cylinderId: objectId.optional(),
  reason: z.enum(REJECTION_CODES).optional().openapi({ description: 'Refusals having this reason (among all of theirs)' }),
});
export type RejectedQuery = z.infer<typeof rejectedQuery>;

const credentialEvidence = z
  .object({
    kind: z.enum(['enterprise_licence', 'site_licence', 'filling_licence', 'vehicle_permit', 'worker_certificate']),
    holder: z.enum(['enterprises', 'sites', 'vehicles', 'workers']),
    recordId: z.string(),
    number: z.string().nullable(),
    status: z.string().openapi({ description: 'The credential status at the event\'s occurredAt' }),
    validFrom: z.string().optional(),
    validTo: z.string().optional(),
    suspendedAt: z.string().optional(),
    revokedAt: z.string().optional(),
  })
  .openapi('CredentialEvidence');
export const rejectedView = z
  .object({
    id: z.string(),
    refusalSeq: z.number().int().openapi({ description: 'Position among the refusals (0, 1, 2, ... gap-free, in the order they were kept)' }),
    eventId: z.string(),
    cylinderId: z.string().nullable(),
    grai: z.string().nullable(),
    serial: z.string().optional().openapi({ description: 'The steel-stamp serial the event named the cylinder by' }),
    enterpriseId: z.string().nullable(),
    districtCode: z.string().nullable(),
    type: z.string(),
    reason: z.enum(REJECTION_CODES),
    detail: z.string(),
    reasons: z.array(
      z.object({
        reason: z.enum(REJECTION_CODES),
        detail: z.string(),
        credential: credentialEvidence.optional(),
        cylinder: z.object({ serviceLifeEndsAt: z.string().optional(), nextInspectionDate: z.string().optional() }).optional(),
      }),
    ),
    fromState: z.enum(CYLINDER_STATES).nullable(),
    occurredAt: z.string(),
    receivedAt: z.string(),
    actor: actorView,
    where: z.object({ siteId: z.string().optional(), vehicleId: z.string().optional(), coordinates: z.array(z.number()).optional() }),
    payload: z.record(z.string(), z.unknown()),
  })
  .openapi('RejectedEvent');
export const rejectedPage = pageSchema(rejectedView, 'RejectedEventPage');
