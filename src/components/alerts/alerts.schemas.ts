import { ALERT_RULE_CODES, ALERT_SEVERITIES } from '../ledger';
import { objectId } from '../../shared/http/object-id.schema';
import { cursorQuery, pageSchema } from '../../shared/http/page.cursor';
import { z } from '../../shared/openapi/zod.openapi';
import { EVIDENCE_KINDS, SUBJECT_KINDS, type Evidence } from './alerts.findings';
import { ALERT_STATUSES, CASE_OUTCOMES, type AlertChange, type AlertRecord } from './alerts.merge';
import { textOf, textsOf, type TextLanguage } from './alerts.texts';

/** Edge schemas of supervision: REST bodies and queries, the Socket.IO handshake and the payloads pushed, one set for both. */

const isoString = z.string().openapi({ format: 'date-time' });
const actorView = z.object({ userId: z.string(), username: z.string(), role: z.string() });
const text = (max: number) => z.string().trim().min(1).max(max).refine((s) => !s.startsWith('$'), 'must not start with $');

const bilingual = z.object({ zh: z.string(), en: z.string() });
export const phraseView = z
  .object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string())])).optional() })
  .openapi('AlertTextPhrase', { description: 'One phrase of a text the server composed: a stable code of the texts table (see the alerts tag) and its values' });

export const evidenceView = z
  .object({
    kind: z.enum(EVIDENCE_KINDS),
    id: z.string(),
    at: isoString,
    note: z.string().openapi({ description: 'What the record shows, in a line, in the language of Accept-Language (English by default; Socket.IO payloads: English)' }),
    noteText: bilingual.optional().openapi({ description: 'The same line in Chinese and English (a record kept before texts were stored as codes: its English line in both)' }),
    phrases: z.array(phraseView).optional().openapi({ description: 'The line as codes of the texts table and their values; absent on records kept before' }),
  })
  .openapi('AlertEvidence', { description: 'A record the alert rests on: a ledger event (its eventId), a kept refusal, a public scan or report, an interlock decision, a silent scale, a credential' });

/** How many of an alert's evidence records its view carries (the record keeps up to 100; GET /alerts/{id} resolves them all). */
export const VIEW_EVIDENCE = 20;

export const alertView = z
  .object({
    id: z.string(),
    seq: z.number().int().openapi({ description: 'Global position of the alert\'s latest change: pass the last one seen as `since` (Socket.IO handshake or REST) to resume' }),
    districtSeq: z.number().int().openapi({ description: 'Position of the latest change within its district\'s sequence (gap-free per district; "city" for alerts of no district)' }),
    rule: z.enum(ALERT_RULE_CODES),
    title: z.object({ zh: z.string(), en: z.string() }),
    severity: z.enum(ALERT_SEVERITIES),
    status: z.enum(ALERT_STATUSES),
    subject: z.object({ kind: z.enum(SUBJECT_KINDS), id: z.string() }),
    districtCode: z.string().nullable(),
    enterpriseId: z.string().nullable(),
    firstSeenAt: isoString,
    lastSeenAt: isoString,
    count: z.number().int().openapi({ description: 'Occurrences: distinct evidence records seen' }),
    detail: z.string().openapi({ description: 'The latest evidence, in a line, in the language of Accept-Language (English by default; Socket.IO payloads: English)' }),
    detailText: bilingual.optional().openapi({ description: 'The latest evidence in Chinese and English' }),
    evidence: z.array(evidenceView).openapi({ description: `The latest ${VIEW_EVIDENCE} evidence records, newest first` }),
    acknowledged: z.object({ by: actorView, at: isoString, note: z.string().optional() }).optional(),
    dismissed: z.object({ by: actorView, at: isoString, reason: z.string() }).optional(),
    case: z
      .object({ id: z.string(), number: z.string(), at: isoString, by: actorView, closed: z.object({ at: isoString, by: actorView, outcome: z.enum(CASE_OUTCOMES) }).optional() })
      .optional()
      .openapi({ description: 'The case the alert is handled in; `closed` once the case closed it (status `closed`)' }),
  })
  .openapi('Alert');
export type AlertView = z.infer<typeof alertView>;

/** What `alert:new` and `alert:update` carry: the alert as the REST API shows it, and what this change added. */
export const alertChangePayload = z
  .object({
    change: z.enum(['new', 'update']),
    alert: alertView,
    added: z.array(evidenceView).openapi({ description: 'The evidence this change added (empty for an acknowledgement or a dismissal)' }),
  })
  .openapi('AlertChange');
export type AlertChangePayload = z.infer<typeof alertChangePayload>;

/** What `session:ended` carries before the server closes a connection (the token expired, the account was deactivated). */
export const sessionEndedPayload = z.object({ code: z.enum(['TOKEN_EXPIRED', 'ACCOUNT_INACTIVE']), message: z.string() }).openapi('AlertsSessionEnded');
export type SessionEndedPayload = z.infer<typeof sessionEndedPayload>;

/** Socket.IO `handshake.auth` of the /alerts namespace. Unknown keys are refused. */
export const handshakeAuth = z.strictObject({
  token: z.string().min(1).max(4096),
  since: z.number().int().min(0).optional(),
});

/** The namespace's events, typed for server and client alike. */
export interface AlertsServerEvents {
  'alert:new': (payload: AlertChangePayload) => void;
  'alert:update': (payload: AlertChangePayload) => void;
  'session:ended': (payload: SessionEndedPayload) => void;
}
export type AlertsClientEvents = Record<string, never>;

export const alertsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursorQuery,
  rule: z.enum(ALERT_RULE_CODES).optional(),
  severity: z.enum(ALERT_SEVERITIES).optional(),
  status: z.enum(ALERT_STATUSES).optional(),
  district: z.string().regex(/^\d{6}$/, 'must be a 6-digit administrative division code').optional(),
  enterprise: objectId.optional(),
  since: z.coerce.number().int().min(0).optional().openapi({ description: 'Only alerts whose latest change is after this position (`seq`); the page is then oldest change first, to catch up in order' }),
});
export type AlertsQuery = z.infer<typeof alertsQuery>;
export const alertsPage = pageSchema(alertView, 'AlertPage');

export const acknowledgeBody = z.strictObject({ note: text(500).optional() }).openapi('AlertAcknowledge');
export const dismissBody = z.strictObject({ reason: text(500).openapi({ description: 'Why the alert is dismissed (kept in the audit trail)' }) }).openapi('AlertDismiss');

export const resolvedEvidence = evidenceView
  .extend({
    record: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'The record itself, as its own API shows it; null when it is outside the caller\'s scope or not kept here' }),
  })
  .openapi('AlertEvidenceResolved');
export const alertDetail = alertView.extend({ evidence: z.array(resolvedEvidence).openapi({ description: 'Every evidence record kept (up to 100), newest first, resolved' }) }).openapi('AlertDetail');

const iso = (d: Date) => d.toISOString();
/** An evidence record's view: its line in `lang` (English unless a reader asked), in both languages, and as phrases. */
export const evidenceJson = (e: Evidence, lang: TextLanguage = 'en'): z.infer<typeof evidenceView> => ({
  kind: e.kind,
  id: e.id,
  at: iso(e.at),
  note: textOf(e, lang),
  noteText: textsOf(e),
  ...(e.phrases && e.phrases.length > 0 ? { phrases: e.phrases } : {}),
});

/** The one view of an alert: REST answers (in the reader's language) and Socket.IO payloads (English lines, both languages beside them) alike. */
export function toAlertView(a: AlertRecord, titles: { zh: string; en: string }, lang: TextLanguage = 'en'): AlertView {
  const latest = a.evidence.at(-1);
  return {
    id: a.id,
    seq: a.seq,
    districtSeq: a.districtSeq,
    rule: a.rule,
    title: titles,
    severity: a.severity,
    status: a.status,
    subject: a.subject,
    districtCode: a.districtCode,
    enterpriseId: a.enterpriseId,
    firstSeenAt: iso(a.firstSeenAt),
    lastSeenAt: iso(a.lastSeenAt),
    count: a.count,
    detail: latest ? textOf(latest, lang) : '',
    ...(latest ? { detailText: textsOf(latest) } : {}),
    evidence: a.evidence.slice(-VIEW_EVIDENCE).reverse().map((e) => evidenceJson(e, lang)),
    ...(a.acknowledged ? { acknowledged: { by: a.acknowledged.by, at: iso(a.acknowledged.at), ...(a.acknowledged.note ? { note: a.acknowledged.note } : {}) } } : {}),
    ...(a.dismissed ? { dismissed: { by: a.dismissed.by, at: iso(a.dismissed.at), reason: a.dismissed.reason } } : {}),
    ...(a.case ? { case: { id: a.case.id, number: a.case.number, at: iso(a.case.at), by: a.case.by, ...(a.case.closed ? { closed: { at: iso(a.case.closed.at), by: a.case.closed.by, outcome: a.case.closed.outcome } } : {}) } } : {}),
  };
}

/** What a change pushes, validated by the same schema clients validate it with (once per change, before it is stored and sent). */
export function toChangePayload(c: AlertChange, titles: { zh: string; en: string }): AlertChangePayload {
  return alertChangePayload.parse({ change: c.change, alert: toAlertView(c.alert, titles), added: c.added.map((e) => evidenceJson(e)) });
}
