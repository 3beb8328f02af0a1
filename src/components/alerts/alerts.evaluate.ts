import type { LedgerEvent, Refusal } from '../ledger';
import type { PublicReport, PublicScan } from '../qr';
import type { ExpiringCredential } from '../registry';
import type { AlertPolicy, Finding, Subject, SweepNotice } from './alerts.findings';
import { cylinderDates, eventSighting, fillAnomalies, mobileSelling, outOfCityCirculation, refusalFindings, unconfirmedHandOvers, type EventFacts, type RefusalFacts } from './alerts.rules.ledger';
import { reportFindings, scanFindings, type PublicFacts } from './alerts.rules.public';
import { decisionFindings, expiringCredentialFindings, silentScaleFindings } from './alerts.rules.devices';
import type { InterlockDecision, SilentScale } from './alerts.sources';
import { trackKeys, type CellTrack, type CylinderTrack, type NoticeTrack, type Track, type WorkerTrack } from './alerts.tracks';
import { locationCell, subjectKey } from './alerts.findings';

/** One pass of the runner: what each source had after its stored position, and the sweeps due. */
export interface Batch {
  events: LedgerEvent[];
  refusals: Refusal[];
  scans: PublicScan[];
  reports: PublicReport[];
  decisions: InterlockDecision[];
  /** Set when the scale sweep is due. */
  silentScales?: SilentScale[];
  /** Set when the day's credential sweep is due. */
  expiring?: ExpiringCredential[];
  /** What the registered sweeps that were due found. */
  notices?: SweepNotice[];
}

const sweepNoticeKey = (n: SweepNotice) => trackKeys.notice(`sweep:${n.noticeKey}`);

/** What the runner read about the batch's inputs before the rules run (by event id, refusal id, scan id, report id). */
export interface BatchFacts {
  events: ReadonlyMap<string, EventFacts>;
  refusals: ReadonlyMap<string, RefusalFacts>;
  scans: ReadonlyMap<string, PublicFacts>;
  reports: ReadonlyMap<string, PublicFacts>;
}

const scanTrackKey = (s: PublicScan, f: PublicFacts | undefined) => trackKeys.cylinder(f?.cylinder?.id ?? `code:${s.grai}`);

/** The tracks the batch's rules read (and may write): read in the runner's transaction first. */
export function trackKeysOf(batch: Batch, facts: BatchFacts): string[] {
  const keys = new Set<string>();
  for (const e of batch.events) {
    keys.add(trackKeys.cylinder(e.cylinderId));
    if (e.type === 'hand_over' || e.type === 'sell') keys.add(trackKeys.worker(e.actor.workerId ?? e.actor.id));
  }
  for (const s of batch.scans) {
    keys.add(scanTrackKey(s, facts.scans.get(s.id)));
    if (s.location) keys.add(trackKeys.cell(locationCell([s.location.lng, s.location.lat])));
  }
  for (const r of batch.reports) {
    const cylinder = facts.reports.get(r.id)?.cylinder;
    if (cylinder) keys.add(trackKeys.cylinder(cylinder.id));
  }
  for (const s of batch.silentScales ?? []) keys.add(trackKeys.notice(`scale:${s.deviceId}`));
  for (const c of batch.expiring ?? []) keys.add(trackKeys.notice(`credential:${c.holder}:${c.holderId}:${c.field}`));
  for (const n of batch.notices ?? []) keys.add(sweepNoticeKey(n));
  return [...keys];
}

/**
 * Every rule over a batch, in source order (ledger events in logSeq order, refusals, scans,
 * reports, interlock decisions, then the sweeps), pure: the tracks flow from one input to the
 * next, so two events of one cylinder in one batch see each other. Answers the findings and the
 * tracks that changed.
 */
export function evaluate(batch: Batch, facts: BatchFacts, tracks: ReadonlyMap<string, Track>, policy: AlertPolicy, now: Date): { findings: Finding[]; tracks: Map<string, Track> } {
  const working = new Map(tracks);
  const changed = new Map<string, Track>();
  const get = <T extends Track>(key: string) => working.get(key) as T | undefined;
  const set = (key: string, track: Track | undefined) => {
    if (!track) return;
    working.set(key, track);
    changed.set(key, track);
  };
  const findings: Finding[] = [];

  for (const e of batch.events) {
    const f = facts.events.get(e.eventId) ?? {};
    const cylinderKey = trackKeys.cylinder(e.cylinderId);
    findings.push(...mobileSelling(e), ...cylinderDates(e, f), ...fillAnomalies(e));
    const circulation = outOfCityCirculation(e, get<CylinderTrack>(cylinderKey));
    findings.push(...circulation.findings);
    set(cylinderKey, circulation.track);
    const sighting = eventSighting(e, f, get<CylinderTrack>(cylinderKey), policy);
    findings.push(...sighting.findings);
    set(cylinderKey, sighting.track);
    const workerKey = trackKeys.worker(e.actor.workerId ?? e.actor.id);
    const handOvers = unconfirmedHandOvers(e, get<WorkerTrack>(workerKey), policy);
    findings.push(...handOvers.findings);
    set(workerKey, handOvers.track);
  }
  for (const r of batch.refusals) findings.push(...refusalFindings(r, facts.refusals.get(r.id) ?? {}));
  for (const s of batch.scans) {
    const f = facts.scans.get(s.id) ?? {};
    const cylinderKey = scanTrackKey(s, f);
    const cellKey = s.location ? trackKeys.cell(locationCell([s.location.lng, s.location.lat])) : undefined;
    const judged = scanFindings(s, f, { ...(get<CylinderTrack>(cylinderKey) ? { cylinder: get<CylinderTrack>(cylinderKey) } : {}), ...(cellKey && get<CellTrack>(cellKey) ? { cell: get<CellTrack>(cellKey) } : {}) }, policy);
    findings.push(...judged.findings);
    set(cylinderKey, judged.tracks.cylinder);
    if (cellKey) set(cellKey, judged.tracks.cell);
  }
  for (const r of batch.reports) {
    const f = facts.reports.get(r.id) ?? {};
    const cylinderKey = f.cylinder ? trackKeys.cylinder(f.cylinder.id) : undefined;
    const judged = reportFindings(r, f, cylinderKey ? get<CylinderTrack>(cylinderKey) : undefined, policy);
    findings.push(...judged.findings);
    if (cylinderKey) set(cylinderKey, judged.track);
  }
  for (const d of batch.decisions) findings.push(...decisionFindings(d));
  for (const s of batch.silentScales ?? []) {
    const key = trackKeys.notice(`scale:${s.deviceId}`);
    const judged = silentScaleFindings(s, get<NoticeTrack>(key), now);
    findings.push(...judged.findings);
    set(key, judged.track);
  }
  for (const c of batch.expiring ?? []) {
    const key = trackKeys.notice(`credential:${c.holder}:${c.holderId}:${c.field}`);
    const judged = expiringCredentialFindings(c, get<NoticeTrack>(key), now);
    findings.push(...judged.findings);
    set(key, judged.track);
  }
  for (const n of batch.notices ?? []) {
    const key = sweepNoticeKey(n);
    if (get<NoticeTrack>(key)?.noticed === n.noticed) continue;
    findings.push(n.finding);
    set(key, { noticed: n.noticed });
  }
  return { findings, tracks: changed };
}

/**
 * The subjects (`kind:id`) a batch's inputs name, which the rules' findings are mostly about: their
 * active alerts are read beside the registry facts, before the rules run. A guess, never trusted:
 * a finding about a subject outside it has its active alert read after the rules (the runner).
 */
export function subjectKeysOf(batch: Pick<Batch, 'events' | 'refusals' | 'scans' | 'reports' | 'decisions'>): string[] {
  const keys = new Set<string>();
  const add = (kind: Subject['kind'], id: string | null | undefined) => {
    if (id) keys.add(subjectKey({ kind, id }));
  };
  const named = (x: { enterpriseId: string | null; where: { siteId?: string | undefined; vehicleId?: string | undefined }; actor: { id: string; workerId?: string | undefined } }) => {
    add('enterprise', x.enterpriseId);
    add('site', x.where.siteId);
    add('vehicle', x.where.vehicleId);
    add('worker', x.actor.workerId ?? x.actor.id);
  };
  for (const e of batch.events) {
    add('cylinder', e.cylinderId);
    named(e);
  }
  for (const r of batch.refusals) {
    add('cylinder', r.cylinderId);
    add('code', r.grai);
    add('code', r.serial);
    named(r);
    for (const reason of r.reasons) {
      const id = reason.credential?.recordId;
      add('site', id);
      add('enterprise', id);
      add('worker', id);
    }
  }
  for (const s of batch.scans) {
    add('code', s.grai);
    if (s.location) add('location', locationCell([s.location.lng, s.location.lat]));
  }
  for (const r of batch.reports) {
    add('code', r.grai);
    if (r.coordinates) add('location', locationCell([r.coordinates[0], r.coordinates[1]]));
  }
  for (const d of batch.decisions) {
    add('device', d.deviceId);
    add('code', d.code);
    add('site', d.siteId);
    add('enterprise', d.enterpriseId);
    add('cylinder', d.cylinderId);
    add('worker', d.operatorWorkerId ?? d.operator);
  }
  return [...keys];
}
