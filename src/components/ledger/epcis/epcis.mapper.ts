import type { LedgerEvent } from '..';

/**
 * LedgerEvent → EPCIS 2.0 ObjectEvent (JSON-LD), pure. CBV terms are written in their bare
 * JSON-LD form ("commissioning"); LPG Trace's own terms stay full `urn:lpg-trace:voc:` URIs and
 * extension fields use the `lpg:` prefix (docs/epcis-extension.md).
 */

export const GS1_EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';
export const LPG_NAMESPACE = 'urn:lpg-trace:voc:';
export const EPCIS_CONTEXT = [GS1_EPCIS_CONTEXT, { lpg: LPG_NAMESPACE }] as const;

const CBV_BIZSTEP = 'urn:epcglobal:cbv:bizstep:';
const CBV_DISPOSITION = 'urn:epcglobal:cbv:disp:';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface EpcisOptions {
  /** Host of the GS1 Digital Link identifiers: the GS1 resolver by default. */
  digitalLinkHost: string;
  /** The city's UTC offset, e.g. +08:00 for China. */
  timeZoneOffset: string;
}

export const DEFAULT_EPCIS_OPTIONS: EpcisOptions = { digitalLinkHost: 'id.gs1.org', timeZoneOffset: '+08:00' };

export type EpcisEvent = Record<string, unknown>;

export function epcOf(event: Pick<LedgerEvent, 'grai' | 'cylinderId'>, options: EpcisOptions): string {
  return event.grai ? `https://${options.digitalLinkHost}/8003/${event.grai}` : `${LPG_NAMESPACE}cylinder:${event.cylinderId}`;
}

export function eventIdUri(eventId: string): string {
  return UUID.test(eventId) ? `urn:uuid:${eventId.toLowerCase()}` : `${LPG_NAMESPACE}event:${encodeURIComponent(eventId)}`;
}

/** CBV URIs in their compact form; anything else (our extension URIs) unchanged. */
export function compactCbv(uri: string): string {
  if (uri.startsWith(CBV_BIZSTEP)) return uri.slice(CBV_BIZSTEP.length);
  if (uri.startsWith(CBV_DISPOSITION)) return uri.slice(CBV_DISPOSITION.length);
  return uri;
}

function actionOf(event: LedgerEvent): 'ADD' | 'OBSERVE' | 'DELETE' {
  if (event.type === 'commission') return 'ADD';
  if (event.type === 'scrap') return 'DELETE';
  return 'OBSERVE';
}

function readPointOf(where: LedgerEvent['where']): { id: string } | undefined {
  if (where.siteId) return { id: `${LPG_NAMESPACE}site:${where.siteId}` };
  if (where.vehicleId) return { id: `${LPG_NAMESPACE}vehicle:${where.vehicleId}` };
  if (where.coordinates) return { id: `geo:${where.coordinates[1]},${where.coordinates[0]}` };
  return undefined;
}

// Where the cylinder stays afterwards; not a household (personal data) and not a moving vehicle.
const AT_SITE = new Set(['empty_at_station', 'inspected_at_station', 'full_at_station', 'at_supply_point']);

/** One ledger event as an ObjectEvent (an error declaration is rendered by `declaredError`). */
export function toObjectEvent(event: LedgerEvent, options: EpcisOptions): EpcisEvent {
  const readPoint = readPointOf(event.where);
  return {
    type: 'ObjectEvent',
    eventTime: event.occurredAt.toISOString(),
    eventTimeZoneOffset: options.timeZoneOffset,
    recordTime: event.receivedAt.toISOString(),
    eventID: eventIdUri(event.eventId),
    epcList: [epcOf(event, options)],
    action: actionOf(event),
    bizStep: compactCbv(event.bizStep),
    disposition: compactCbv(event.disposition),
    ...(readPoint ? { readPoint } : {}),
    ...(event.where.siteId && AT_SITE.has(event.toState) ? { bizLocation: { id: `${LPG_NAMESPACE}site:${event.where.siteId}` } } : {}),
    // A position the readPoint (naming the site or vehicle) could not carry: captured back as it was.
    ...(event.where.coordinates && !readPoint?.id.startsWith('geo:') ? { 'lpg:coordinates': event.where.coordinates } : {}),
    'lpg:eventType': event.type,
    'lpg:fromState': event.fromState,
    'lpg:toState': event.toState,
    'lpg:logSeq': event.logSeq,
    'lpg:cylinderSeq': event.cylinderSeq,
    'lpg:hash': event.hash,
    ...(event.prevHash ? { 'lpg:prevHash': event.prevHash } : {}),
    ...(Object.keys(event.payload).length > 0 ? { 'lpg:payload': event.payload } : {}),
  };
}

interface DeclarationPayload {
  declaredEventId: string;
  reason: 'incorrect_data' | 'did_not_occur';
  correctiveEventIds?: string[];
  note?: string;
}

function declarationOf(event: LedgerEvent): DeclarationPayload | undefined {
  const p = event.payload as Partial<DeclarationPayload>;
  return typeof p.declaredEventId === 'string' && (p.reason === 'incorrect_data' || p.reason === 'did_not_occur')
    ? { declaredEventId: p.declaredEventId, reason: p.reason, correctiveEventIds: p.correctiveEventIds ?? [], ...(typeof p.note === 'string' ? { note: p.note } : {}) }
    : undefined;
}

/**
 * EPCIS 2.0 error declaration semantics: the erroneous event is repeated with the same eventID and
 * an `errorDeclaration` (when, why, which events correct it). Our declaring event's own id and
 * hash travel as `lpg:` fields so the record can be matched against the ledger.
 */
export function declaredError(declaring: LedgerEvent, erroneous: LedgerEvent | undefined, options: EpcisOptions): EpcisEvent {
  const declaration = declarationOf(declaring);
  const base = erroneous ? toObjectEvent(erroneous, options) : toObjectEvent(declaring, options);
  return {
    ...base,
    ...(declaration && !erroneous ? { eventID: eventIdUri(declaration.declaredEventId) } : {}),
    errorDeclaration: {
      declarationTime: declaring.occurredAt.toISOString(),
      ...(declaration ? { reason: declaration.reason } : {}),
      ...(declaration?.correctiveEventIds?.length ? { correctiveEventIDs: declaration.correctiveEventIds.map(eventIdUri) } : {}),
      ...(declaration?.note !== undefined ? { 'lpg:note': declaration.note } : {}),
      // readPoint and bizLocation are the erroneous event's: the declaration's own place travels here.
      ...(Object.keys(declaring.where).length > 0 ? { 'lpg:where': declaring.where } : {}),
      'lpg:declaringEventID': eventIdUri(declaring.eventId),
      'lpg:declaringHash': declaring.hash,
    },
  };
}

/** An EPCISDocument of the events, in ledger order. `lookup` finds an erroneous event not in the list. */
export function toEpcisDocument(
  events: readonly LedgerEvent[],
  erroneousById: ReadonlyMap<string, LedgerEvent>,
  options: EpcisOptions,
  creationDate: Date,
): Record<string, unknown> {
  const eventList = events.map((event) => {
    if (event.type !== 'error_declaration') return toObjectEvent(event, options);
    const declaration = declarationOf(event);
    return declaredError(event, declaration ? erroneousById.get(declaration.declaredEventId) : undefined, options);
  });
  return {
    '@context': EPCIS_CONTEXT,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: creationDate.toISOString(),
    epcisBody: { eventList },
  };
}

/** The event ids declared erroneous by the error declarations among `events`. */
export function declaredEventIds(events: readonly LedgerEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'error_declaration' ? [declarationOf(e)?.declaredEventId ?? []].flat() : []));
}
