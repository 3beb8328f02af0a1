import { zodFieldErrors } from '../../../shared/errors/problem.mapper';
import { z } from '../../../shared/openapi/zod.openapi';
import { gs1CheckDigit } from '../../qr';
import { EVENT_TYPES, type EventType } from '..';
import { LPG_NAMESPACE } from './epcis.mapper';

/**
 * EPCIS 2.0 ObjectEvents → ledger event inputs, pure. One ObjectEvent names one or more
 * cylinders (a lorry's whole load is one shipping event); each becomes a ledger event of its own.
 * What the ledger then decides (lifecycle, references, duplicates) is decided by the same capture
 * path as every other event.
 */

const CBV_BIZSTEP = 'urn:epcglobal:cbv:bizstep:';
const CBV_ERROR_REASON = 'urn:epcglobal:cbv:er:';
const CBV_DISPOSITION = 'urn:epcglobal:cbv:disp:';
const INSPECTION_RESULT: Record<string, 'pass' | 'fail'> = { conformant: 'pass', non_conformant: 'fail' };
const compactDisposition = (d: string | undefined) => (d?.startsWith(CBV_DISPOSITION) ? d.slice(CBV_DISPOSITION.length) : (d ?? ''));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OUR_CYLINDER = new RegExp(`^${LPG_NAMESPACE}cylinder:([0-9a-f]{24})$`);
const OUR_SITE = new RegExp(`^${LPG_NAMESPACE}site:([0-9a-f]{24})$`);
const OUR_VEHICLE = new RegExp(`^${LPG_NAMESPACE}vehicle:([0-9a-f]{24})$`);
const GEO = /^geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/;

/** bizStep (CBV bare term, CBV URI or our extension URI) → ledger event type. */
const TYPE_OF_BIZSTEP: Record<string, EventType> = {
  commissioning: 'commission',
  inspecting: 'inspect',
  [`${LPG_NAMESPACE}bizstep:filling`]: 'fill',
  shipping: 'dispatch',
  receiving: 'receive',
  retail_selling: 'sell',
  [`${LPG_NAMESPACE}bizstep:handing_over`]: 'hand_over',
  [`${LPG_NAMESPACE}bizstep:reweighing`]: 'reweigh',
  collecting: 'return_empty',
  decommissioning: 'scrap',
};

/** Fields of an EPCIS 2.0 ObjectEvent; any other key must be a namespaced extension (`prefix:name`). */
const OBJECT_EVENT_FIELDS = new Set([
  '@context', 'type', 'eventID', 'eventTime', 'eventTimeZoneOffset', 'recordTime', 'certificationInfo', 'errorDeclaration',
  'epcList', 'quantityList', 'action', 'bizStep', 'disposition', 'persistentDisposition', 'readPoint', 'bizLocation',
  'bizTransactionList', 'sourceList', 'destinationList', 'sensorElementList', 'ilmd',
]);

const idRef = z.looseObject({ id: z.string().min(1).max(500) });

export const objectEventSchema = z
  .looseObject({
    type: z.literal('ObjectEvent'),
    eventID: z.string({ error: (issue) => (issue.input === undefined ? 'is required: it is the idempotency key' : 'must be a string') }).min(1, 'is required: it is the idempotency key').max(500),
    eventTime: z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time with a zone' }),
    eventTimeZoneOffset: z.string().regex(/^[+-]\d{2}:\d{2}$/, 'must be ±hh:mm'),
    epcList: z.array(z.string().min(1).max(500)).min(1, 'must name at least one cylinder').max(1000),
    quantityList: z.array(z.unknown()).max(0, 'is not supported: cylinders are tracked one by one, by their EPC').optional(),
    action: z.enum(['ADD', 'OBSERVE', 'DELETE']),
    bizStep: z.string().max(500).optional(),
    disposition: z.string().max(500).optional(),
    readPoint: idRef.optional(),
    bizLocation: idRef.optional(),
    errorDeclaration: z
      .looseObject({
        declarationTime: z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time with a zone' }),
        reason: z.string().max(200).optional(),
        correctiveEventIDs: z.array(z.string().min(1).max(500)).max(10).optional(),
        'lpg:declaringEventID': z.string().max(500).optional(),
        'lpg:note': z.string().max(500).optional(),
        'lpg:where': z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
    'lpg:eventType': z.enum(EVENT_TYPES).optional(),
    'lpg:payload': z.record(z.string(), z.unknown()).optional(),
    'lpg:coordinates': z.tuple([z.number(), z.number()]).optional(),
  });
export type ObjectEvent = z.infer<typeof objectEventSchema>;

/** Keys that are neither ObjectEvent fields nor namespaced extensions, as `key: reason` details. */
function strayKeys(raw: unknown): string[] {
  if (typeof raw !== 'object' || raw === null) return [];
  return Object.keys(raw)
    .filter((key) => !OBJECT_EVENT_FIELDS.has(key) && !key.includes(':'))
    .map((key) => `${key}: is not an EPCIS ObjectEvent field (extensions need a namespace prefix)`);
}

export const MAX_CAPTURED_EVENTS = 1000;

export const epcisCaptureSchema = z
  .looseObject({
    type: z.literal('EPCISDocument'),
    schemaVersion: z.literal('2.0'),
    creationDate: z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time with a zone' }),
    epcisBody: z.looseObject({ eventList: z.array(z.unknown()).min(1).max(MAX_CAPTURED_EVENTS) }),
  })
  .openapi('EPCISCaptureDocument', { description: 'An EPCIS 2.0 JSON/JSON-LD document of ObjectEvents naming cylinders (GS1 EPCIS-JSON-Schema)' });

export interface CaptureRejection {
  reason: string;
  detail: string;
}

/** One cylinder named by one ObjectEvent: the ledger input it maps to, or why it maps to none. */
export interface CaptureItem {
  /** The EPCIS eventID (null when the event had none) and the EPC this item is about. */
  eventID: string | null;
  epc: string | null;
  eventId?: string;
  input?: Record<string, unknown>;
  rejection?: CaptureRejection;
}

/** A cylinder reference from an EPC: a GS1 Digital Link or EPC URN of a GRAI, or our cylinder URI. */
export function cylinderOfEpc(epc: string): { grai: string } | { cylinderId: string } | undefined {
  const digitalLink = /^https?:\/\/[^/?#]+(?:\/[^?#]*)?\/8003\/([^/?#]+)/.exec(epc);
  if (digitalLink?.[1]) return { grai: decoded(digitalLink[1]) };
  // urn:epc:id:grai:CompanyPrefix.AssetType.Serial — the element string is 0 + both + check digit + serial.
  const urn = /^urn:epc:id:grai:(\d+)\.(\d*)\.([!-~]{1,16})$/.exec(epc);
  if (urn?.[1] !== undefined && urn[2] !== undefined && urn[3] !== undefined && urn[1].length + urn[2].length === 12) {
    const digits = `0${urn[1]}${urn[2]}`;
    return { grai: `${digits}${gs1CheckDigit(digits)}${decoded(urn[3])}` };
  }
  const ours = OUR_CYLINDER.exec(epc);
  return ours?.[1] ? { cylinderId: ours[1] } : undefined;
}

/** Percent-decoded; a malformed escape stays as written (the GRAI check then refuses it). */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Derives the ledger id of a name (deterministic, unguessable: keyed, scoped to the capturing enterprise). */
export type IdDerivation = (name: string) => string;

/**
 * The ledger event id for the cylinder `epc` of EPCIS event `eventID`: the UUID itself for a
 * one-cylinder `urn:uuid:` event (so a document this platform exported maps back to the same
 * events), otherwise an id derived from both — the same document sent again by the same
 * enterprise maps to the same ids, which is what makes a capture idempotent, while nobody else
 * can compute (and take first) the ids another enterprise's documents will map to.
 */
export function ledgerEventId(eventID: string, epc: string, single: boolean, derive: IdDerivation): string {
  const own = /^urn:uuid:(.+)$/i.exec(eventID)?.[1];
  if (single && own && UUID.test(own)) return own.toLowerCase();
  return derive(`epcis\n${eventID}\n${epc}`);
}

function whereOf(event: ObjectEvent): Record<string, unknown> {
  const where: Record<string, unknown> = {};
  for (const id of [event.bizLocation?.id, event.readPoint?.id]) {
    const site = id && OUR_SITE.exec(id)?.[1];
    const vehicle = id && OUR_VEHICLE.exec(id)?.[1];
    const geo = id && GEO.exec(id);
    if (site) where.siteId ??= site;
    if (vehicle) where.vehicleId ??= vehicle;
    if (geo?.[1] && geo[2]) where.coordinates ??= [Number(geo[2]), Number(geo[1])];
  }
  // A position beside a site (the readPoint names the site): carried as an extension field.
  if (event['lpg:coordinates']) where.coordinates ??= event['lpg:coordinates'];
  return where;
}

function typeOf(event: ObjectEvent): EventType | CaptureRejection {
  if (event.errorDeclaration) return 'error_declaration';
  if (event['lpg:eventType']) return event['lpg:eventType'];
  const step = event.bizStep?.startsWith(CBV_BIZSTEP) ? event.bizStep.slice(CBV_BIZSTEP.length) : event.bizStep;
  const type = step ? TYPE_OF_BIZSTEP[step] : undefined;
  return type ?? { reason: 'UNMAPPED_BIZSTEP', detail: `bizStep: ${event.bizStep ?? '(none)'} has no ledger event; name one in lpg:eventType` };
}

/** The payload: `lpg:payload` as given, completed with the site or vehicle the location names. */
function payloadOf(type: EventType, event: ObjectEvent, where: Record<string, unknown>, idOf: (eventID: string) => string): Record<string, unknown> {
  // An error declaration repeats the erroneous event, payload included: that payload is not its own.
  const payload: Record<string, unknown> = type === 'error_declaration' ? {} : { ...event['lpg:payload'] };
  if ((type === 'receive' || type === 'return_empty') && payload.siteId === undefined && where.siteId) payload.siteId = where.siteId;
  // The standard's own words for a pre-fill check: disposition conformant / non_conformant is its result.
  const verdict = INSPECTION_RESULT[compactDisposition(event.disposition)];
  if (type === 'inspect' && payload.result === undefined && verdict) payload.result = verdict;
  if (type === 'dispatch' && payload.vehicleId === undefined && where.vehicleId) payload.vehicleId = where.vehicleId;
  const declaration = event.errorDeclaration;
  if (type === 'error_declaration' && declaration) {
    const reason = declaration.reason?.startsWith(CBV_ERROR_REASON) ? declaration.reason.slice(CBV_ERROR_REASON.length) : declaration.reason;
    payload.declaredEventId = idOf(event.eventID);
    payload.reason = reason ?? 'incorrect_data';
    if (declaration.correctiveEventIDs?.length) payload.correctiveEventIds = declaration.correctiveEventIDs.map(idOf);
    if (declaration['lpg:note'] !== undefined) payload.note = declaration['lpg:note'];
  }
  return payload;
}

/** Every cylinder of every event of a capture document, mapped or rejected, in document order. */
export function fromEpcisEvents(eventList: readonly unknown[], derive: IdDerivation): CaptureItem[] {
  return eventList.flatMap((raw): CaptureItem[] => {
    const eventID = typeof (raw as { eventID?: unknown } | null)?.eventID === 'string' ? (raw as { eventID: string }).eventID : null;
    const kind = (raw as { type?: unknown } | null)?.type;
    if (typeof kind === 'string' && kind !== 'ObjectEvent' && /Event$/.test(kind)) {
      return [{ eventID, epc: null, rejection: { reason: 'UNSUPPORTED_EVENT_TYPE', detail: `type: ${kind} is not captured; only ObjectEvents name cylinders here` } }];
    }
    const parsed = objectEventSchema.safeParse(raw);
    const stray = strayKeys(raw);
    if (!parsed.success || stray.length > 0) {
      const problems = parsed.success ? [] : zodFieldErrors(parsed.error).map((e) => `${e.path}: ${e.message}`);
      return [{ eventID, epc: null, rejection: { reason: 'VALIDATION_FAILED', detail: [...problems, ...stray].join('; ') } }];
    }
    const event = parsed.data;
    const type = typeOf(event);
    if (typeof type !== 'string') return [{ eventID: event.eventID, epc: null, rejection: type }];
    const where = whereOf(event);
    // The locations of a repeated erroneous event are not the declaration's: it names its own, if any.
    const own = type === 'error_declaration' ? { ...event.errorDeclaration?.['lpg:where'] } : where;
    const single = event.epcList.length === 1;
    return event.epcList.map((epc): CaptureItem => {
      const cylinder = cylinderOfEpc(epc);
      if (!cylinder) return { eventID: event.eventID, epc, rejection: { reason: 'UNKNOWN_EPC', detail: `epcList: ${epc} is not the GRAI of a cylinder (GS1 Digital Link or urn:epc:id:grai)` } };
      const idOf = (id: string) => ledgerEventId(id, epc, single, derive);
      const declaring = event.errorDeclaration?.['lpg:declaringEventID'];
      const eventId = type === 'error_declaration' ? ledgerEventId(declaring ?? `${event.eventID}#errorDeclaration`, epc, single && declaring !== undefined, derive) : idOf(event.eventID);
      const input = {
        eventId,
        ...cylinder,
        type,
        occurredAt: event.errorDeclaration?.declarationTime ?? event.eventTime,
        where: own,
        payload: payloadOf(type, event, where, idOf),
      };
      return { eventID: event.eventID, epc, eventId, input };
    });
  });
}
