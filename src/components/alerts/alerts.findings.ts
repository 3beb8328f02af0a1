import type { AlertRuleCode } from '../ledger';
import type { LngLat } from '../../shared/geo/great-circle';
import type { Phrase } from './alerts.texts';

/**
 * The vocabulary of supervision's pure rules: what an alert is about (its subject), the records
 * that prove it (evidence), and one rule's verdict on one input (a finding). Rules return
 * findings; the store (alerts.merge.ts) turns findings into alerts, one open alert per
 * (rule, subject).
 */
export const SUBJECT_KINDS = ['site', 'enterprise', 'worker', 'cylinder', 'vehicle', 'location', 'device', 'code', 'case', 'customer'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export interface Subject {
  kind: SubjectKind;
  /** A record id (hex), a device id, a code as scanned (GRAI or serial), or a location cell `lng,lat` (3 decimals, ~100 m). */
  id: string;
}

export const EVIDENCE_KINDS = ['event', 'refusal', 'scan', 'report', 'decision', 'scale', 'credential', 'case', 'flow'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** One record an alert rests on: a ledger event (eventId), a kept refusal, a public scan or report, an interlock decision (ids), a silent scale, a credential. */
export interface Evidence {
  kind: EvidenceKind;
  id: string;
  at: Date;
  /** What it shows, in a line, in English (as every record since the first has it). */
  note: string;
  /** The same line as phrases of the texts table (alerts.texts.ts), rendered in the reader's language; absent on records written before. */
  phrases?: Phrase[];
}

export interface Finding {
  rule: AlertRuleCode;
  subject: Subject;
  /** The district whose regulator sees it; null: the city only. */
  districtCode: string | null;
  /** The enterprise whose admin sees it (the subject's owner); null: regulators only. */
  enterpriseId: string | null;
  evidence: Evidence;
}

/** Tunables of the rules; defaults in DEFAULT_ALERT_POLICY, a few set from the environment. */
export interface AlertPolicy {
  /** CLONED_CODE: faster than this between two sightings is impossible (km/h). */
  cloneSpeedKmh: number;
  /** CLONED_CODE: sightings closer than this never count (public scans are rounded to ~1 km). */
  cloneMinDistanceKm: number;
  /** UNREGISTERED_CUSTOMER: more unconfirmed hand-overs than this by one worker within 24 h. */
  unconfirmedHandOversPerDay: number;
  /** A public report or scan within this distance of a licensed site is at that site. */
  licensedSiteRadiusKm: number;
  /** UNLICENSED_SELLER: this many distinct codes scanned within 24 h at one ~1 km cell that is no licensed site. */
  blackPointDistinctCodes: number;
  /** SCALE_OFFLINE: a filling scale not heard from for this long. */
  scaleSilentMinutes: number;
}

export const DEFAULT_ALERT_POLICY: AlertPolicy = {
  cloneSpeedKmh: 120,
  cloneMinDistanceKm: 2,
  unconfirmedHandOversPerDay: 5,
  licensedSiteRadiusKm: 0.3,
  blackPointDistinctCodes: 5,
  scaleSilentMinutes: 30,
};

export const DAY_MS = 86_400_000;

/**
 * A finding another component's periodic check found (a case past its rectification deadline, a
 * site whose cylinders reach no registered customer): raised once per state — the same
 * `noticeKey` with the same `noticed` is not raised again; a new `noticed` (a later deadline, a
 * larger gap) is a new occurrence.
 */
export interface SweepNotice {
  finding: Finding;
  /** What the notice is about, stable across sweeps (e.g. `case:<id>`); [A-Za-z0-9:._-]. */
  noticeKey: string;
  /** The state noticed (e.g. the deadline as ISO text); a changed state is noticed again. */
  noticed: string;
}

/** A periodic check registered with supervision (alerts.registerSweep): run at most every `everyMs`, by one process at a time. */
export interface AlertSweep {
  /** Stable name, [a-z0-9-]; the runner stores when it last ran under it. */
  name: string;
  everyMs: number;
  run(now: Date): Promise<SweepNotice[]>;
}

/** A place a code was seen at, and when: the CLONED_CODE rule compares consecutive ones. */
export interface Sighting {
  at: Date;
  place: LngLat;
  evidence: Evidence;
}

export const subjectKey = (s: Subject): string => `${s.kind}:${s.id}`;

/** A location cell of ~100 m: reports and scans at one place land on one subject. */
export const locationCell = (place: LngLat): string => `${place[0].toFixed(3)},${place[1].toFixed(3)}`;
