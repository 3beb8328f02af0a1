import { Types } from 'mongoose';
import { ALERT_RULES, type Ledger, type LedgerEvent, type Refusal } from '../ledger';
import type { QrComponent } from '../qr';
import { isOperative, type CredentialHolder, type CylinderSummary, type Registry, type SiteSummary } from '../registry';
import type { UnitOfWork } from '../../shared/db/unit-of-work';
import type { Logger } from '../../shared/logger/logger.factory';
import { evaluate, subjectKeysOf, trackKeysOf, type Batch, type BatchFacts } from './alerts.evaluate';
import { locationCell, subjectKey, type AlertPolicy, type AlertSweep, type SweepNotice } from './alerts.findings';
import { mergeFindings, type AlertRecord } from './alerts.merge';
import type { AlertRepository, RunnerState, StoredChange } from './alerts.repository';
import { ruleSubjectOf } from './alerts.repository';
import type { EventFacts, RefusalFacts } from './alerts.rules.ledger';
import type { PublicFacts } from './alerts.rules.public';
import { toChangePayload } from './alerts.schemas';
import type { InterlockSource } from './alerts.sources';
import type { Track } from './alerts.tracks';

export interface RunnerDeps {
  repo: AlertRepository;
  transaction: UnitOfWork;
  ledger: Pick<Ledger, 'eventsInAppendOrder' | 'refusalsInOrder'>;
  qr?: Pick<QrComponent, 'scansInOrder' | 'reportsInOrder'> | undefined;
  interlock?: InterlockSource | undefined;
  registry: Pick<Registry, 'cylinderRefs' | 'sitesByIds' | 'credentialHolders' | 'sitesNear' | 'credentialsExpiring'>;
  policy: AlertPolicy;
  /** How long to wait after being told of a commit, so that one pass takes several (0: at once). */
  batchWaitMs: number;
  /** How often to look for work nobody told this process of (another process's commits, a crash's leftovers, the sweeps). */
  pollMs: number;
  /** Most inputs of one source per pass. */
  batchSize?: number;
  now: () => Date;
  logger: Pick<Logger, 'error' | 'warn'>;
  /** Told of every pass's changes after its transaction committed. */
  onCommitted: (changes: StoredChange[]) => void;
  /** Other components' periodic checks (registerSweep); read when a pass starts. */
  sweeps?: () => readonly AlertSweep[];
  /** Told of every pass that did something, with when each stage ended (benchmarks, diagnostics). */
  onPass?: (timing: PassTiming) => void;
}

/**
 * One pass's stages, each an absolute time in ms (performance.timeOrigin + performance.now()):
 * told of a commit → pass started → inputs ready (handed over, or the sources read) → claim
 * granted and the registry facts, tracks and active alerts read (the two at once) → transaction
 * committed → changes handed to the feed (and from it emitted to the sockets).
 */
export interface PassTiming {
  kickedAt: number;
  startedAt: number;
  readAt: number;
  factsAt: number;
  committedAt: number;
  deliveredAt: number;
  inputs: number;
  changes: number;
}

const clock = () => performance.timeOrigin + performance.now();

/** How far around a public scan or report the district is looked for (the nearest site's). */
const DISTRICT_SEARCH_KM = 30;
const SCALE_SWEEP_MAX_MS = 5 * 60_000;

/** The pass's claim ran out (another runner took it over) or a regulator's act took a position meanwhile: run it again. */
class PassTaken extends Error {
  constructor() {
    super('the pass lost its claim or its counters moved');
  }
}

/** more: a source had a full batch; done: caught up; busy: another runner's pass holds the claim. */
type PassOutcome = 'more' | 'done' | 'busy';

const dayOf = (d: Date) => d.toISOString().slice(0, 10);
const last = <T extends { seq?: number; logSeq?: number; refusalSeq?: number }>(list: readonly T[], pick: (t: T) => number, before: number) => (list.length ? pick(list[list.length - 1] as T) : before);

/** A source of inputs and its position in RunnerState.positions. */
export type SourceName = keyof RunnerState['positions'];
const ALL_SOURCES: readonly SourceName[] = ['events', 'refusals', 'scans', 'reports', 'decisions'];
/** How long a claimed pass may run before another runner may take it over (its holder crashed or hangs). */
const CLAIM_LEASE_MS = 10_000;
/** How soon a runner whose claim was refused (another's pass under way) tries again: doubling while it stays refused, up to a second. */
const CLAIM_RETRY_MS = 25;
const CLAIM_RETRY_MAX_MS = 1_000;

/**
 * The rule runner: after a commit (the ledger hands over the events and refusals it wrote; QR
 * identity says which of its sources have something new) and on a timer (every source), it
 * claims the next pass and — at the same time — prepares it from this process's last committed
 * state: the handed records that follow on from the stored positions (nothing read back), the
 * other told sources read after them, the registry facts, tracks and active alerts of the subjects
 * they name. It runs the rules, and in ONE transaction (the positions and counters first, then the
 * alerts, their changes and the rules' tracks at once) writes the outcome, releasing the claim;
 * the changes are handed to the feed (and pushed) in the turn after it commits, once the next pass
 * has sent its first requests. Rules therefore never run
 * inside an event's transaction, and a crash between an event's commit and the pass loses
 * nothing: the next pass (this process after a restart, or any other) starts from the stored
 * positions. A pass is claimed once (claimPass): two processes never evaluate the same range; the
 * one refused tries again shortly (25 ms, doubling while refused, at most 1 s). A claim whose holder died
 * runs out after CLAIM_LEASE_MS, and its transaction, if it still comes, is refused.
 */
export function createRunner(deps: RunnerDeps) {
  const batchSize = deps.batchSize ?? 500;
  const scaleSweepMs = Math.min(SCALE_SWEEP_MAX_MS, (deps.policy.scaleSilentMinutes * 60_000) / 3);
  const runnerId = new Types.ObjectId().toHexString();
  let passCount = 0;
  let stopped = false;
  let running: Promise<void> | undefined;
  let dirty = false;
  let retryClaim = false;
  /** Claims refused in a row (the retry waits longer each time). */
  let refusedClaims = 0;
  let timer: NodeJS.Timeout | undefined;
  let idleWaiters: (() => void)[] = [];
  /**
   * Committed passes whose changes are not yet handed to the feed: the hand-over (the emit to the
   * sockets, ~2,000 frames for a pass of 15 changes) runs in a turn of its own, after the next
   * pass has sent its first requests, so the database works on that pass while this process emits.
   * In commit order (setImmediate is first in, first out), so the feed still sees the changes in order.
   */
  let delivering = 0;
  let delivered: Promise<void> = Promise.resolve();
  const idle = () => !running && !timer && delivering === 0;
  const wakeIdle = () => {
    if (idle()) for (const resolve of idleWaiters.splice(0)) resolve();
  };
  /** The sources told of since the last pass started (a pass reads only those; the timer names all). */
  let wanted = new Set<SourceName>(ALL_SOURCES);
  /** The state this process last committed (or found): the next pass prepares from it while its claim is taken. */
  let known: RunnerState | undefined;
  /**
   * The events and refusals this process's commits handed over (by position), not yet judged: a
   * pass takes those that follow on from the stored positions instead of reading them back. Memory
   * only — the stored positions stay the truth, so a crash loses nothing.
   */
  const handed = { events: new Map<number, LedgerEvent>(), refusals: new Map<number, Refusal>() };
  const maxHanded = batchSize * 20;
  const poll = setInterval(() => kick(ALL_SOURCES), deps.pollMs);
  poll.unref();

  /** When the oldest commit not yet taken by a pass was told (a pass takes every commit told before it started). */
  let kickedAt: number | undefined;

  function kick(sources: readonly SourceName[] = ALL_SOURCES, wait = deps.batchWaitMs): void {
    if (stopped) return;
    kickedAt ??= clock();
    for (const source of sources) wanted.add(source);
    dirty = true;
    if (running || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = loop().finally(() => {
        running = undefined;
        if (retryClaim && !stopped) {
          retryClaim = false;
          kick([], Math.min(CLAIM_RETRY_MAX_MS, CLAIM_RETRY_MS * 2 ** Math.min(refusedClaims - 1, 10)));
        } else if (dirty && !stopped) kick([], 0);
        else wakeIdle();
      });
    }, wait);
  }

  async function loop(): Promise<void> {
    while (dirty && !stopped) {
      dirty = false;
      try {
        for (let outcome: PassOutcome = 'more'; outcome === 'more' && !stopped; ) {
          outcome = await pass();
          if (outcome === 'busy') {
            dirty = true;
            retryClaim = true;
            return;
          }
        }
      } catch (error) {
        known = undefined;
        wanted = new Set(ALL_SOURCES);
        if (error instanceof PassTaken) {
          dirty = true;
          continue;
        }
        deps.logger.error({ err: error }, 'alert rules pass failed; it is retried from the stored positions');
        return;
      }
    }
  }

  type Inputs = Pick<Batch, 'events' | 'refusals' | 'scans' | 'reports' | 'decisions'>;

  /** The contiguous records of `handed` right after position `after` (at most batchSize), oldest first. */
  function runAfter<T>(map: ReadonlyMap<number, T>, after: number): T[] {
    const run: T[] = [];
    for (let seq = after + 1; run.length < batchSize; seq++) {
      const record = map.get(seq);
      if (record === undefined) break;
      run.push(record);
    }
    return run;
  }
  const beyond = (map: ReadonlyMap<number, unknown>, seq: number) => [...map.keys()].some((k) => k > seq);
  function prune(upTo: RunnerState['positions']): void {
    for (const seq of handed.events.keys()) if (seq <= upTo.events) handed.events.delete(seq);
    for (const seq of handed.refusals.keys()) if (seq <= upTo.refusals) handed.refusals.delete(seq);
  }

  /** What a pass prepared outside the transaction: its inputs, their facts and tracks, and the active alerts of the subjects they name. */
  interface Prepared {
    inputs: Inputs;
    facts: BatchFacts;
    tracks: Map<string, Track>;
    /** The track keys read (found or not). */
    asked: Set<string>;
    active: Map<string, AlertRecord>;
    /** The subjects whose active alerts `active` holds all of. */
    covered: Set<string>;
    /** Sources to read from the store at the next pass (a gap after the handed records, or the timer asked). */
    followUp: Set<SourceName>;
    /** More handed records follow the batch. */
    more: boolean;
    readAt: number;
  }

  /**
   * A pass's inputs after the positions `from`: the ledger's events and refusals from the records
   * this process's commits handed over when they follow on from the positions (no read), else
   * from the store, like the other sources the pass was told of; then, at once, the registry
   * facts, the tracks and the active alerts of the subjects the inputs name.
   */
  async function prepare(from: RunnerState, sources: ReadonlySet<SourceName>): Promise<Prepared> {
    const p = from.positions;
    const followUp = new Set<SourceName>();
    let more = false;
    const fromHand = <T>(name: 'events' | 'refusals', map: ReadonlyMap<number, T>): T[] | undefined => {
      const run = runAfter(map, p[name]);
      // None follows on from the position: a commit this process was not handed (another process's) lies between.
      if (run.length === 0) return beyond(map, p[name]) || sources.has(name) ? undefined : [];
      const end = p[name] + run.length;
      if (map.has(end + 1)) more = true;
      else if (sources.has(name) || beyond(map, end)) followUp.add(name);
      return run;
    };
    const handedEvents = fromHand('events', handed.events);
    const handedRefusals = fromHand('refusals', handed.refusals);
    const want = (name: SourceName) => sources.has(name);
    const [events, refusals, scans, reports, decisions] = await Promise.all([
      handedEvents ?? deps.ledger.eventsInAppendOrder(p.events, batchSize),
      handedRefusals ?? deps.ledger.refusalsInOrder(p.refusals, batchSize),
      deps.qr && want('scans') ? deps.qr.scansInOrder(p.scans, batchSize) : [],
      deps.qr && want('reports') ? deps.qr.reportsInOrder(p.reports, batchSize) : [],
      deps.interlock && want('decisions') ? deps.interlock.decisionsAfter(p.decisions, batchSize) : [],
    ]);
    const inputs: Inputs = { events, refusals, scans, reports, decisions };
    const readAt = clock();
    if (events.length + refusals.length + scans.length + reports.length + decisions.length === 0) {
      return { inputs, facts: { events: new Map(), refusals: new Map(), scans: new Map(), reports: new Map() }, tracks: new Map(), asked: new Set(), active: new Map(), covered: new Set(), followUp, more, readAt };
    }
    // Tracks are written by claimed passes only, so they are read outside the transaction, beside the
    // registry facts: those of the events and refusals at once, those a scan's or report's facts name after.
    const emptyFacts: BatchFacts = { events: new Map(), refusals: new Map(), scans: new Map(), reports: new Map() };
    const earlyKeys = trackKeysOf(inputs, emptyFacts);
    const subjects = subjectKeysOf(inputs);
    const [facts, early, active] = await Promise.all([gatherFacts(inputs), deps.repo.tracks(earlyKeys), deps.repo.activeAlertsOfSubjects(subjects)]);
    const asked = new Set(earlyKeys);
    const lateKeys = trackKeysOf(inputs, facts).filter((key) => !asked.has(key));
    for (const key of lateKeys) asked.add(key);
    const tracks = lateKeys.length ? new Map([...early, ...(await deps.repo.tracks(lateKeys))]) : early;
    return { inputs, facts, tracks, asked, active, covered: new Set(subjects), followUp, more, readAt };
  }

  async function pass(): Promise<PassOutcome> {
    const startedAt = clock();
    const told = kickedAt ?? startedAt;
    kickedAt = undefined;
    const sources = wanted;
    wanted = new Set();
    const passId = `${runnerId}:${++passCount}`;
    const now = deps.now();
    // The claim and the preparation at once, from this process's last committed state: prepared
    // again in the rare case another process's pass moved the positions since (or, right after a
    // refused claim, only once the claim is granted).
    const guess = refusedClaims === 0 ? known : undefined;
    const early = guess ? prepare(guess, sources) : undefined;
    const [claimed, guessed] = await Promise.allSettled([deps.repo.claimPass(passId, now, CLAIM_LEASE_MS), early ?? Promise.resolve(undefined)]);
    const state = claimed.status === 'fulfilled' ? claimed.value : undefined;
    if (claimed.status === 'rejected' || !state) {
      for (const source of sources) wanted.add(source);
      kickedAt = told;
      if (claimed.status === 'rejected') throw claimed.reason;
      refusedClaims += 1;
      return 'busy';
    }
    refusedClaims = 0;
    try {
      const moved = !guess || ALL_SOURCES.some((name) => guess.positions[name] !== state.positions[name]);
      if (moved) prune(state.positions);
      // Another process moved the positions: every source may have news this process was not told of.
      let prepared: Prepared;
      if (moved || guessed.status === 'rejected' || !guessed.value) prepared = await prepare(state, moved ? new Set(ALL_SOURCES) : sources);
      else prepared = guessed.value;
      // A regulator's or a case's act moved the counters since this process's last pass: the active alerts are read again below.
      if (guess && guess.counters.seq !== state.counters.seq) {
        prepared.active = new Map();
        prepared.covered = new Set();
      }
      const { inputs: found, facts } = prepared;
      const p = state.positions;
      const sweepCredentials = state.sweeps.credentialsDay !== dayOf(now);
      const sweepScales = !!deps.interlock && (!state.sweeps.scalesAt || now.getTime() - state.sweeps.scalesAt.getTime() >= scaleSweepMs);
      const dueSweeps = (deps.sweeps?.() ?? []).filter((s) => {
        const at = state.sweeps.external[s.name];
        return !at || now.getTime() - at.getTime() >= s.everyMs;
      });
      const notices = await runSweeps(dueSweeps, now);
      const batch: Batch = {
        ...found,
        ...(sweepScales && deps.interlock ? { silentScales: await deps.interlock.scalesSilentSince(new Date(now.getTime() - deps.policy.scaleSilentMinutes * 60_000)) } : {}),
        ...(sweepCredentials ? { expiring: await deps.registry.credentialsExpiring(now) } : {}),
        ...(notices.ran.length ? { notices: notices.found } : {}),
      };
      const { events, refusals, scans, reports, decisions } = found;
      const inputs = events.length + refusals.length + scans.length + reports.length + decisions.length;
      if (inputs === 0 && !sweepCredentials && !sweepScales && notices.ran.length === 0) {
        known = state;
        await deps.repo.releasePass(passId);
        return 'done';
      }
      const readAt = Math.max(prepared.readAt, startedAt);
      // The sweeps' tracks, which the preparation could not know of.
      const sweepKeys = trackKeysOf(batch, facts).filter((key) => !prepared.asked.has(key));
      const tracks = sweepKeys.length ? new Map([...prepared.tracks, ...(await deps.repo.tracks(sweepKeys))]) : prepared.tracks;
      const factsAt = clock();
      const next: RunnerState = {
        positions: {
          events: last(events, (e) => e.logSeq, p.events),
          refusals: last(refusals, (r) => r.refusalSeq, p.refusals),
          scans: last(scans, (s) => s.seq, p.scans),
          reports: last(reports, (r) => r.seq, p.reports),
          decisions: last(decisions, (d) => d.seq, p.decisions),
        },
        sweeps: {
          credentialsDay: sweepCredentials ? dayOf(now) : state.sweeps.credentialsDay,
          scalesAt: sweepScales ? now : state.sweeps.scalesAt,
          external: { ...state.sweeps.external, ...Object.fromEntries(notices.ran.map((name) => [name, now])) },
        },
        counters: state.counters,
      };
      const { findings, tracks: changedTracks } = evaluate(batch, facts, tracks, deps.policy, now);
      // The active alerts of findings about subjects the preparation did not guess. Outside the transaction too: a
      // regulator's or a case's act on an alert meanwhile takes a position, and savePass then refuses the pass.
      const keys = [...new Set(findings.map((f) => ruleSubjectOf({ rule: f.rule, subjectKey: subjectKey(f.subject) })))];
      const missing = [...new Set(findings.filter((f) => !prepared.covered.has(subjectKey(f.subject))).map((f) => ruleSubjectOf({ rule: f.rule, subjectKey: subjectKey(f.subject) })))];
      const active = missing.length ? new Map([...prepared.active, ...(await deps.repo.activeAlerts(missing))]) : prepared.active;
      const merged = mergeFindings(findings, new Map(keys.flatMap((k) => (active.has(k) ? [[k, active.get(k) as AlertRecord]] : []))), state.counters, now, () => new Types.ObjectId().toHexString());
      const payloads = merged.changes.map((c) => toChangePayload(c, ALERT_RULES[c.alert.rule]));
      const saved: RunnerState = { ...next, counters: merged.counters };
      const committed = await deps.transaction(async (session) => {
        // First, alone (it starts the transaction): a pass whose claim ran out, or whose counters a regulator's act moved, writes nothing.
        if (!(await deps.repo.savePass(passId, state, saved, session))) throw new PassTaken();
        // Then the alerts, their changes and the tracks at once: three collections, one round trip.
        const writes = await Promise.allSettled([deps.repo.writeAlerts(merged.alerts, session), deps.repo.insertChanges(merged.changes, payloads, session), deps.repo.writeTracks(changedTracks, session)]);
        const failed = writes.find((w): w is PromiseRejectedResult => w.status === 'rejected');
        if (failed) throw failed.reason;
        return merged.changes.map((c, i): StoredChange => ({ seq: c.seq, districtCode: c.districtCode, enterpriseId: c.enterpriseId, payload: payloads[i] as StoredChange['payload'] }));
      });
      // Pushed once the transaction committed, in a turn of its own (the next pass's requests go out first).
      const committedAt = clock();
      deliver(committed, (deliveredAt) => deps.onPass?.({ kickedAt: told, startedAt, readAt, factsAt, committedAt, deliveredAt, inputs, changes: committed.length }));
      known = saved;
      prune(saved.positions);
      const full = (
        [
          ['events', events],
          ['refusals', refusals],
          ['scans', scans],
          ['reports', reports],
          ['decisions', decisions],
        ] as const
      ).filter(([, list]) => list.length >= batchSize);
      for (const [name] of full) wanted.add(name);
      for (const name of prepared.followUp) wanted.add(name);
      return full.length > 0 || prepared.followUp.size > 0 || prepared.more ? 'more' : 'done';
    } catch (error) {
      // The claim is given back for the next attempt (this process's or another's); a lost release runs out.
      for (const source of sources) wanted.add(source);
      await deps.repo.releasePass(passId).catch(() => undefined);
      throw error;
    }
  }

  /** Hands a committed pass's changes to the feed in the next turn, after every pass committed before it. */
  function deliver(changes: StoredChange[], done: (deliveredAt: number) => void): void {
    delivering += 1;
    delivered = new Promise<void>((resolve) => {
      setImmediate(() => {
        try {
          if (changes.length > 0) deps.onCommitted(changes);
        } catch (error) {
          // The changes are committed: the feed's poll reads them from the journal.
          deps.logger.error({ err: error }, 'handing committed alert changes to the feed failed; the feed reads them from the journal');
        } finally {
          delivering -= 1;
          done(clock());
          resolve();
          wakeIdle();
        }
      });
    });
  }

  /** Runs the due sweeps outside the transaction; one that fails is logged and tried again at the next pass. */
  async function runSweeps(due: readonly AlertSweep[], now: Date): Promise<{ ran: string[]; found: SweepNotice[] }> {
    const ran: string[] = [];
    const found: SweepNotice[] = [];
    for (const sweep of due) {
      try {
        found.push(...(await sweep.run(now)));
        ran.push(sweep.name);
      } catch (error) {
        deps.logger.error({ err: error, sweep: sweep.name }, 'an alert sweep failed; it runs again at the next pass');
      }
    }
    return { ran, found };
  }

  /** The registry facts the rules judge the batch with, read outside the transaction. */
  async function gatherFacts(batch: Batch): Promise<BatchFacts> {
    const cylinderIds = [...new Set(batch.events.map((e) => e.cylinderId))];
    const grais = [...new Set([...batch.refusals.flatMap((r) => (r.grai ? [r.grai] : [])), ...batch.scans.map((s) => s.grai), ...batch.reports.map((r) => r.grai)])];
    const siteIds = batch.events.flatMap((e) => (e.where.siteId && !e.where.coordinates ? [e.where.siteId] : []));
    // A refusal of no district (no cylinder was found): its site's district, else its enterprise's.
    const homeless = batch.refusals.filter((r) => r.districtCode === null);
    const refusalSites = homeless.flatMap((r) => (r.where.siteId ? [r.where.siteId] : []));
    const refusalEnterprises = [...new Set(homeless.flatMap((r) => (r.enterpriseId ? [r.enterpriseId] : [])))];
    const places = new Map<string, readonly [number, number]>();
    for (const s of batch.scans) if (s.location) places.set(locationCell([s.location.lng, s.location.lat]), [s.location.lng, s.location.lat]);
    for (const r of batch.reports) if (r.coordinates) places.set(locationCell([r.coordinates[0], r.coordinates[1]]), [r.coordinates[0], r.coordinates[1]]);
    const [refs, siteOf, enterpriseOf, near] = await Promise.all([
      cylinderIds.length || grais.length ? deps.registry.cylinderRefs({ ids: cylinderIds, grais }) : new Map<string, CylinderSummary>(),
      siteIds.length || refusalSites.length ? deps.registry.sitesByIds([...new Set([...siteIds, ...refusalSites])]) : new Map<string, SiteSummary>(),
      refusalEnterprises.length ? deps.registry.credentialHolders('enterprises', refusalEnterprises) : new Map<string, CredentialHolder>(),
      Promise.all([...places].map(async ([cell, point]) => [cell, await deps.registry.sitesNear([point[0], point[1]], DISTRICT_SEARCH_KM)] as const)),
    ]);
    const nearOf = new Map(near);
    const events = new Map<string, EventFacts>();
    for (const e of batch.events) {
      const ref = refs.get(`id:${e.cylinderId}`);
      const place = e.where.siteId ? siteOf.get(e.where.siteId)?.coordinates : undefined;
      events.set(e.eventId, {
        ...(ref ? { cylinder: { ...(ref.nextInspectionDate ? { nextInspectionDate: ref.nextInspectionDate } : {}), ...(ref.serviceLifeEndsAt ? { serviceLifeEndsAt: ref.serviceLifeEndsAt } : {}), ...(ref.scrappedAt ? { scrappedAt: ref.scrappedAt } : {}) } } : {}),
        ...(place ? { sitePlace: place } : {}),
      });
    }
    const districtOf = (r: Refusal): string | undefined => {
      if (r.districtCode !== null) return undefined;
      return (r.where.siteId ? siteOf.get(r.where.siteId)?.districtCode : undefined) ?? (r.enterpriseId ? enterpriseOf.get(r.enterpriseId)?.districtCode : undefined);
    };
    const refusals = new Map<string, RefusalFacts>(
      batch.refusals.map((r) => {
        const districtCode = districtOf(r);
        return [r.id, { ...(r.grai ? { graiIssued: refs.has(`grai:${r.grai}`) } : {}), ...(districtCode ? { districtCode } : {}) }];
      }),
    );
    const publicFacts = (grai: string, place: readonly [number, number] | undefined): PublicFacts => {
      const ref = refs.get(`grai:${grai}`);
      const around = place ? (nearOf.get(locationCell(place)) ?? []) : [];
      const districtCode = ref?.districtCode ?? around[0]?.districtCode;
      return {
        ...(ref ? { cylinder: { id: ref.id, enterpriseId: ref.enterpriseId, districtCode: ref.districtCode } } : {}),
        ...(place ? { licensedSiteNear: around.some((s) => s.distanceKm <= deps.policy.licensedSiteRadiusKm && isOperative(s.licenceStatus)) } : {}),
        ...(districtCode ? { districtCode } : {}),
      };
    };
    return {
      events,
      refusals,
      scans: new Map(batch.scans.map((s) => [s.id, publicFacts(s.grai, s.location ? [s.location.lng, s.location.lat] : undefined)])),
      reports: new Map(batch.reports.map((r) => [r.id, publicFacts(r.grai, r.coordinates ? [r.coordinates[0], r.coordinates[1]] : undefined)])),
    };
  }

  /** Takes over what a commit of this process wrote; a record that does not fit is read back from the store instead. */
  function hand(committed: { events: readonly LedgerEvent[]; refusals: readonly Refusal[] }): void {
    if (stopped) return;
    const floor = known?.positions;
    const overflow: SourceName[] = [];
    const keep = <T>(name: 'events' | 'refusals', map: Map<number, T>, records: readonly T[], seqOf: (t: T) => number) => {
      for (const record of records) {
        const seq = seqOf(record);
        if (floor && seq <= floor[name]) continue;
        if (map.size >= maxHanded) {
          overflow.push(name);
          return;
        }
        map.set(seq, record);
      }
    };
    keep('events', handed.events, committed.events, (e) => e.logSeq);
    keep('refusals', handed.refusals, committed.refusals, (r) => r.refusalSeq);
    if (committed.events.length + committed.refusals.length > 0) kick(overflow);
  }

  return {
    /** A commit happened: run a pass soon (after batchWaitMs), reading these sources. */
    kick: (sources?: readonly SourceName[]) => kick(sources),
    /** A commit of this process's ledger, with what it wrote: judged from memory, run soon (after batchWaitMs). */
    hand,
    /** Resolves when no pass is running or due and every committed change has been handed to the feed (tests, benchmarks). */
    settled(): Promise<void> {
      if (idle()) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
      await delivered;
      for (const resolve of idleWaiters.splice(0)) resolve();
      idleWaiters = [];
    },
  };
}

export type Runner = ReturnType<typeof createRunner>;
