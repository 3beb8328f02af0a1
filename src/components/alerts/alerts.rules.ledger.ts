import type { AlertRuleCode, LedgerEvent, Refusal } from '../ledger';
import type { LngLat } from '../../shared/geo/great-circle';
import type { AlertPolicy, Evidence, Finding, Subject } from './alerts.findings';
import { compareSightings, withinDay, type CylinderTrack, type WorkerTrack } from './alerts.tracks';
import { composed, renderPhrase, type Phrase } from './alerts.texts';

/**
 * Supervision rules over the custody ledger, pure: an accepted event (with the registry's dates of
 * its cylinder and the place of its site) or a kept refusal in, findings out. Capture has already
 * enforced every credential on accepted events, so what is left to see in them is what the law
 * forbids but a record may show (a sale from a vehicle, an overdue cylinder filled, an overfill,
 * a code at two places); refusals show the attempts (an unlicensed sale, an untrained worker).
 */

/** The registry facts an accepted event is judged with, read by the runner before the rules run. */
export interface EventFacts {
  cylinder?: { nextInspectionDate?: Date; serviceLifeEndsAt?: Date; scrappedAt?: Date };
  /** Coordinates of the event's site, when it has one. */
  sitePlace?: LngLat;
}

/** Events that put a cylinder into use or move it towards a customer. */
const CIRCULATION = new Set<LedgerEvent['type']>(['fill', 'dispatch', 'receive', 'sell', 'hand_over']);
/** After a return the cylinder must be filled at a local station before it circulates again. */
const CIRCULATES_FULL = new Set<LedgerEvent['type']>(['dispatch', 'receive', 'sell', 'hand_over']);

const eventEvidence = (e: LedgerEvent, ...clause: Phrase[]): Evidence => ({ kind: 'event', id: e.eventId, at: e.occurredAt, ...composed({ code: 'EVENT', params: { type: e.type } }, ...clause) });
const refusalEvidence = (r: Refusal, ...clause: Phrase[]): Evidence => ({ kind: 'refusal', id: r.id, at: r.occurredAt, ...composed({ code: 'REFUSAL', params: { type: r.type, reasons: r.reasons.map((x) => x.reason) } }, ...clause) });

/** Evidence with one more phrase; one written before phrases were kept grows its English note only. */
export function appended(e: Evidence, phrase: Phrase): Evidence {
  const note = `${e.note}${renderPhrase(phrase, 'en')}`;
  return e.phrases && e.phrases.length > 0 ? { ...e, note, phrases: [...e.phrases, phrase] } : { kind: e.kind, id: e.id, at: e.at, note };
}

function finding(rule: AlertRuleCode, subject: Subject, at: { districtCode: string | null; enterpriseId: string | null }, evidence: Evidence): Finding {
  return { rule, subject, districtCode: at.districtCode, enterpriseId: at.enterpriseId, evidence };
}

/** MOBILE_SELLING: a sale from a vehicle, or at no site at all. A delivery (hand_over) is not a sale. */
export function mobileSelling(e: LedgerEvent): Finding[] {
  if (e.type !== 'sell' || (e.where.siteId && !e.where.vehicleId)) return [];
  const subject: Subject = e.where.vehicleId ? { kind: 'vehicle', id: e.where.vehicleId } : { kind: 'enterprise', id: e.enterpriseId };
  return [finding('MOBILE_SELLING', subject, e, eventEvidence(e, e.where.vehicleId ? { code: 'FROM_VEHICLE', params: { vehicle: e.where.vehicleId } } : { code: 'AT_NO_SITE' }))];
}

/** OVERDUE / OVER_AGE / SCRAPPED_CYLINDER: a cylinder filled or moved on past its dates, as the registry holds them at the event's time. */
export function cylinderDates(e: LedgerEvent, facts: EventFacts): Finding[] {
  const c = facts.cylinder;
  if (!c || !CIRCULATION.has(e.type)) return [];
  const subject: Subject = { kind: 'cylinder', id: e.cylinderId };
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const found: Finding[] = [];
  if (c.scrappedAt && c.scrappedAt <= e.occurredAt) found.push(finding('SCRAPPED_CYLINDER', subject, e, eventEvidence(e, { code: 'OF_SCRAPPED', params: { day: day(c.scrappedAt) } })));
  if (c.serviceLifeEndsAt && c.serviceLifeEndsAt <= e.occurredAt) found.push(finding('OVER_AGE_CYLINDER', subject, e, eventEvidence(e, { code: 'OF_OVER_AGE', params: { day: day(c.serviceLifeEndsAt) } })));
  if (c.nextInspectionDate && c.nextInspectionDate <= e.occurredAt) found.push(finding('OVERDUE_CYLINDER', subject, e, eventEvidence(e, { code: 'OF_OVERDUE', params: { day: day(c.nextInspectionDate) } })));
  return found;
}

/**
 * OVERFILL / TARE_MISMATCH from a fill's marks (`payload.anomalies`, set by the ledger): an overfill
 * is the station's, a tare mismatch the cylinder's. A `manual_mode` mark is no bypass: a regulator
 * granted that station its manual mode (audited there); a fill the scale reported though locked or
 * unauthorized reaches SCALE_LOCK_BYPASS from the interlock's own refusals (alerts.rules.devices.ts).
 */
export function fillAnomalies(e: LedgerEvent): Finding[] {
  if (e.type !== 'fill' || !Array.isArray(e.payload.anomalies)) return [];
  const anomalies = new Set(e.payload.anomalies as unknown[]);
  const net = typeof e.payload.netKg === 'number' ? e.payload.netKg : '';
  const permitted = typeof e.payload.permittedNetKg === 'number' ? e.payload.permittedNetKg : undefined;
  const station: Subject = { kind: 'site', id: e.where.siteId ?? e.enterpriseId };
  const found: Finding[] = [];
  if (anomalies.has('overfill')) found.push(finding('OVERFILL', station, e, eventEvidence(e, permitted === undefined ? { code: 'NET', params: { net } } : { code: 'NET_PERMITTED', params: { net, permitted } })));
  if (anomalies.has('tare_mismatch')) found.push(finding('TARE_MISMATCH', { kind: 'cylinder', id: e.cylinderId }, e, eventEvidence(e, { code: 'TARE_MISMATCH', params: { tare: String(e.payload.tareKg) } })));
  return found;
}

/** Whether a hand-over or sale to a customer went without the customer's confirmation. */
function unconfirmed(e: LedgerEvent): boolean {
  if ((e.type !== 'hand_over' && e.type !== 'sell') || typeof e.payload.customerId !== 'string') return false;
  const confirmation = e.payload.confirmation as { method?: unknown } | undefined;
  return e.payload.confirmedByCustomer !== true || confirmation?.method === 'none';
}

/** UNREGISTERED_CUSTOMER: more unconfirmed hand-overs by one worker within 24 h than the policy allows (each one past the limit is an occurrence). */
export function unconfirmedHandOvers(e: LedgerEvent, prior: WorkerTrack | undefined, policy: Pick<AlertPolicy, 'unconfirmedHandOversPerDay'>): { findings: Finding[]; track?: WorkerTrack } {
  if (!unconfirmed(e)) return { findings: [] };
  const times = withinDay([...(prior?.unconfirmed ?? []), e.occurredAt], e.occurredAt);
  const track = { unconfirmed: times };
  if (times.length <= policy.unconfirmedHandOversPerDay) return { findings: [], track };
  const worker = e.actor.workerId ?? e.actor.id;
  const clause: Phrase = { code: 'UNCONFIRMED', params: { count: times.length, limit: policy.unconfirmedHandOversPerDay } };
  return { findings: [finding('UNREGISTERED_CUSTOMER', { kind: 'worker', id: worker }, e, eventEvidence(e, clause))], track };
}

/**
 * OUT_OF_CITY_CYLINDER: a cylinder that circulates full without a fill on record since it was
 * commissioned or came back empty (a fill declared never to have happened counts as none).
 */
export function outOfCityCirculation(e: LedgerEvent, prior: CylinderTrack | undefined): { findings: Finding[]; track?: CylinderTrack } {
  const track: CylinderTrack = { ...prior };
  if (e.type === 'commission' || e.type === 'return_empty') track.filledSinceReturn = false;
  else if (e.type === 'fill') Object.assign(track, { filledSinceReturn: true, lastFillEventId: e.eventId });
  else if (e.type === 'error_declaration' && e.payload.reason === 'did_not_occur' && e.payload.declaredEventId === prior?.lastFillEventId) track.filledSinceReturn = false;
  else if (CIRCULATES_FULL.has(e.type) && prior?.filledSinceReturn === false) {
    return { findings: [finding('OUT_OF_CITY_CYLINDER', { kind: 'cylinder', id: e.cylinderId }, e, eventEvidence(e, { code: 'NO_LOCAL_FILL' }))], track };
  } else return { findings: [] };
  return { findings: [], track };
}

/** CLONED_CODE from events with a place (their coordinates, else their site's). */
export function eventSighting(e: LedgerEvent, facts: EventFacts, prior: CylinderTrack | undefined, policy: AlertPolicy): { findings: Finding[]; track?: CylinderTrack } {
  const place = e.where.coordinates ?? facts.sitePlace;
  if (!place || e.type === 'error_declaration') return { findings: [] };
  const evidence = eventEvidence(e, { code: 'AT_PLACE', params: { place: `${place[0].toFixed(4)},${place[1].toFixed(4)}` } });
  const compared = compareSightings(prior?.lastSighting, { at: e.occurredAt, place, evidence }, policy);
  const track = { ...prior, lastSighting: compared.keep };
  if (!compared.clonedWith) return { findings: [], track };
  return { findings: clonedFindings({ kind: 'cylinder', id: e.cylinderId }, e, evidence, compared), track };
}

/** The pair of sightings of a cloned code, both as evidence of one finding each (the alert keeps both). */
export function clonedFindings(subject: Subject, scope: { districtCode: string | null; enterpriseId: string | null }, evidence: Evidence, compared: { clonedWith?: Evidence; km?: number; hours?: number }): Finding[] {
  const how: Phrase = { code: 'CLONED_APART', params: { km: (compared.km ?? 0).toFixed(1), minutes: ((compared.hours ?? 0) * 60).toFixed(0) } };
  const earlier = compared.clonedWith as Evidence;
  return [finding('CLONED_CODE', subject, scope, appended(earlier, how)), finding('CLONED_CODE', subject, scope, appended(evidence, how))];
}

/** The refusals of a sale-side event: what selling without a licence looks like to capture. */
const SALE_SIDE = new Set(['receive', 'sell', 'hand_over']);

/** The facts a refusal is judged with: whether the code it named was ever issued by the city, and where it happened. */
export interface RefusalFacts {
  /** False when the refusal named a GRAI no cylinder of the city carries. */
  graiIssued?: boolean;
  /** For a refusal of no district (no cylinder was found): its site's district, else its enterprise's. */
  districtCode?: string;
}

const has = (r: Refusal, code: string) => r.reasons.some((x) => x.reason === code);
const credentialOf = (r: Refusal, code: string) => r.reasons.find((x) => x.reason === code)?.credential?.recordId;
const customerMissing = (r: Refusal) => r.reasons.some((x) => x.reason === 'REFERENCE_NOT_FOUND' && x.detail.startsWith('payload.customerId'));
const siteMissing = (r: Refusal) => r.reasons.some((x) => x.reason === 'REFERENCE_NOT_FOUND' && x.detail.startsWith('where.siteId'));

/** Every rule over one kept refusal. */
export function refusalFindings(r: Refusal, facts: RefusalFacts): Finding[] {
  const scope = { districtCode: r.districtCode ?? facts.districtCode ?? null, enterpriseId: r.enterpriseId };
  const found: Finding[] = [];
  const add = (rule: AlertRuleCode, subject: Subject, ...clause: Phrase[]) => found.push(finding(rule, subject, scope, refusalEvidence(r, ...clause)));
  if (SALE_SIDE.has(r.type)) {
    const site = credentialOf(r, 'SITE_LICENCE_INVALID');
    const enterprise = credentialOf(r, 'ENTERPRISE_LICENCE_INVALID');
    if (site) add('UNLICENSED_SELLER', { kind: 'site', id: site }, { code: 'BY_UNLICENSED_SITE' });
    if (enterprise) add('UNLICENSED_SELLER', { kind: 'enterprise', id: enterprise }, { code: 'BY_UNLICENSED_ENTERPRISE' });
  }
  if (r.type === 'sell' && (r.where.vehicleId || !r.where.siteId || siteMissing(r)) && r.enterpriseId) {
    add('MOBILE_SELLING', r.where.vehicleId ? { kind: 'vehicle', id: r.where.vehicleId } : { kind: 'enterprise', id: r.enterpriseId }, { code: 'SALE_AWAY' });
  }
  const worker = credentialOf(r, 'WORKER_UNCERTIFIED');
  if (worker) add('UNTRAINED_WORKER', { kind: 'worker', id: worker }, { code: 'BY_UNTRAINED' });
  if (r.cylinderId) {
    const cylinder: Subject = { kind: 'cylinder', id: r.cylinderId };
    if (has(r, 'INSPECTION_OVERDUE')) add('OVERDUE_CYLINDER', cylinder);
    if (has(r, 'SERVICE_LIFE_EXCEEDED')) add('OVER_AGE_CYLINDER', cylinder);
    if (has(r, 'CYLINDER_SCRAPPED')) add('SCRAPPED_CYLINDER', cylinder);
  }
  if (has(r, 'CYLINDER_NOT_FOUND')) {
    if (r.grai && facts.graiIssued === false) add('OUT_OF_CITY_CYLINDER', { kind: 'code', id: r.grai }, { code: 'CODE_NEVER_ISSUED' });
    else if (r.serial) add('OUT_OF_CITY_CYLINDER', { kind: 'code', id: r.serial }, { code: 'STAMP_NEVER_REGISTERED' });
  }
  if ((r.type === 'hand_over' || r.type === 'sell') && (has(r, 'CUSTOMER_NOT_REGISTERED') || customerMissing(r))) {
    const who: Subject = r.actor.workerId ? { kind: 'worker', id: r.actor.workerId } : { kind: 'enterprise', id: r.enterpriseId ?? r.actor.id };
    add('UNREGISTERED_CUSTOMER', who, { code: 'TO_UNREGISTERED' });
  }
  return found;
}
