import { ALERT_RULES, type AlertRuleCode, type AlertSeverity } from '../ledger';
import type { Evidence, Finding, Subject } from './alerts.findings';
import { subjectKey } from './alerts.findings';

export const ALERT_STATUSES = ['open', 'acknowledged', 'dismissed', 'closed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** Who acted on an alert (from the credentials). */
export interface AlertActor {
  userId: string;
  username: string;
  role: string;
}

/** An alert as stored (collection `alerts`): one active alert per (rule, subject). */
export interface AlertRecord {
  id: string;
  rule: AlertRuleCode;
  severity: AlertSeverity;
  subject: Subject;
  subjectKey: string;
  status: AlertStatus;
  /** Open or acknowledged: later occurrences update it. A dismissed alert is closed; the next occurrence opens a new one. */
  active: boolean;
  districtCode: string | null;
  enterpriseId: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** Occurrences: distinct evidence records seen. */
  count: number;
  /** The latest evidence, oldest first, at most MAX_EVIDENCE. */
  evidence: Evidence[];
  /** Position of its latest change: global (resume key) and within its district. */
  seq: number;
  districtSeq: number;
  createdAt: Date;
  updatedAt: Date;
  acknowledged?: { by: AlertActor; at: Date; note?: string };
  dismissed?: { by: AlertActor; at: Date; reason: string };
  /** The case it is handled in (cases component): set when the case is opened, `outcome` when the case closed and closed it. */
  case?: AlertCaseRef;
}

export const CASE_OUTCOMES = ['rectified', 'unfounded', 'not_rectified'] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];

export interface AlertCaseRef {
  id: string;
  /** The case's number as people quote it (e.g. 清城-2026-0012). */
  number: string;
  at: Date;
  by: AlertActor;
  closed?: { at: Date; by: AlertActor; outcome: CaseOutcome };
}

/** The change positions: one global sequence (every client's resume key), one per district ('city' for alerts of no district). */
export interface AlertCounters {
  seq: number;
  districts: Record<string, number>;
}

/** One change of one alert, in the order changes were committed (collection `alert_changes`). */
export interface AlertChange {
  seq: number;
  districtKey: string;
  districtSeq: number;
  alertId: string;
  change: 'new' | 'update';
  districtCode: string | null;
  enterpriseId: string | null;
  at: Date;
  /** The evidence this change added (none for an acknowledgement or a dismissal). */
  added: Evidence[];
  alert: AlertRecord;
}

export const MAX_EVIDENCE = 100;
export const districtKeyOf = (districtCode: string | null): string => districtCode ?? 'city';

/** The next position of an alert in its district's sequence and the global one (counters are advanced in place). */
export function nextPosition(counters: AlertCounters, districtCode: string | null): { seq: number; districtSeq: number } {
  const key = districtKeyOf(districtCode);
  counters.seq += 1;
  counters.districts[key] = (counters.districts[key] ?? 0) + 1;
  return { seq: counters.seq, districtSeq: counters.districts[key] };
}

/**
 * Findings into alerts (pure but for `newId`): each finding joins the active alert of its
 * (rule, subject), else opens one; each alert touched gets ONE change (its new evidence, a count
 * of the distinct records, first and last seen) at the next positions of the counters, which are
 * returned advanced. An evidence record an alert holds already is not counted again.
 */
export function mergeFindings(findings: readonly Finding[], active: ReadonlyMap<string, AlertRecord>, counters: AlertCounters, now: Date, newId: () => string): { alerts: AlertRecord[]; changes: AlertChange[]; counters: AlertCounters } {
  const next: AlertCounters = { seq: counters.seq, districts: { ...counters.districts } };
  const touched = new Map<string, { alert: AlertRecord; added: Evidence[]; created: boolean }>();
  for (const f of findings) {
    const key = `${f.rule}|${subjectKey(f.subject)}`;
    let entry = touched.get(key);
    if (!entry) {
      const existing = active.get(key);
      entry = existing
        ? { alert: { ...existing, evidence: [...existing.evidence] }, added: [], created: false }
        : { alert: opened(f, now, newId()), added: [], created: true };
      touched.set(key, entry);
    }
    const { alert } = entry;
    if (alert.evidence.some((e) => e.kind === f.evidence.kind && e.id === f.evidence.id)) continue;
    alert.evidence.push(f.evidence);
    if (alert.evidence.length > MAX_EVIDENCE) alert.evidence.splice(0, alert.evidence.length - MAX_EVIDENCE);
    entry.added.push(f.evidence);
    alert.count += 1;
    if (f.evidence.at < alert.firstSeenAt) alert.firstSeenAt = f.evidence.at;
    if (f.evidence.at > alert.lastSeenAt) alert.lastSeenAt = f.evidence.at;
    alert.enterpriseId ??= f.enterpriseId;
  }
  const alerts: AlertRecord[] = [];
  const changes: AlertChange[] = [];
  for (const { alert, added, created } of touched.values()) {
    if (added.length === 0) continue;
    const position = nextPosition(next, alert.districtCode);
    const written: AlertRecord = { ...alert, ...position, updatedAt: now };
    alerts.push(written);
    changes.push({ ...position, districtKey: districtKeyOf(alert.districtCode), alertId: alert.id, change: created ? 'new' : 'update', districtCode: alert.districtCode, enterpriseId: alert.enterpriseId, at: now, added, alert: written });
  }
  return { alerts, changes, counters: next };
}

function opened(f: Finding, now: Date, id: string): AlertRecord {
  return {
    id,
    rule: f.rule,
    severity: ALERT_RULES[f.rule].severity,
    subject: f.subject,
    subjectKey: subjectKey(f.subject),
    status: 'open',
    active: true,
    districtCode: f.districtCode,
    enterpriseId: f.enterpriseId,
    firstSeenAt: f.evidence.at,
    lastSeenAt: f.evidence.at,
    count: 0,
    evidence: [],
    seq: 0,
    districtSeq: 0,
    createdAt: now,
    updatedAt: now,
  };
}

/** A regulator's act on an alert as its next change (pure): acknowledged, or dismissed and closed. */
export function decided(alert: AlertRecord, act: { kind: 'acknowledge'; note?: string } | { kind: 'dismiss'; reason: string }, by: AlertActor, counters: AlertCounters, now: Date): { alert: AlertRecord; change: AlertChange; counters: AlertCounters } {
  const next: AlertCounters = { seq: counters.seq, districts: { ...counters.districts } };
  const position = nextPosition(next, alert.districtCode);
  const base = { ...alert, ...position, updatedAt: now };
  const written: AlertRecord =
    act.kind === 'acknowledge'
      ? { ...base, status: 'acknowledged', acknowledged: { by, at: now, ...(act.note ? { note: act.note } : {}) } }
      : { ...base, status: 'dismissed', active: false, dismissed: { by, at: now, reason: act.reason } };
  const change: AlertChange = { ...position, districtKey: districtKeyOf(alert.districtCode), alertId: alert.id, change: 'update', districtCode: alert.districtCode, enterpriseId: alert.enterpriseId, at: now, added: [], alert: written };
  return { alert: written, change, counters: next };
}

/**
 * A case's act on an alert as its next change (pure): `attach` puts it in the case (it stays
 * active, so later occurrences still join it); `close` closes it with the case's outcome (the next
 * occurrence opens a new alert).
 */
export function caseChanged(alert: AlertRecord, act: { kind: 'attach'; caseId: string; number: string } | { kind: 'close'; outcome: CaseOutcome }, by: AlertActor, counters: AlertCounters, now: Date): { alert: AlertRecord; change: AlertChange; counters: AlertCounters } {
  const next: AlertCounters = { seq: counters.seq, districts: { ...counters.districts } };
  const position = nextPosition(next, alert.districtCode);
  const base = { ...alert, ...position, updatedAt: now };
  const written: AlertRecord =
    act.kind === 'attach'
      ? { ...base, case: { id: act.caseId, number: act.number, at: now, by } }
      : { ...base, status: 'closed', active: false, ...(alert.case ? { case: { ...alert.case, closed: { at: now, by, outcome: act.outcome } } } : {}) };
  const change: AlertChange = { ...position, districtKey: districtKeyOf(alert.districtCode), alertId: alert.id, change: 'update', districtCode: alert.districtCode, enterpriseId: alert.enterpriseId, at: now, added: [], alert: written };
  return { alert: written, change, counters: next };
}
