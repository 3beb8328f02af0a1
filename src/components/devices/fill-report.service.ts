import { AppError } from '../../shared/errors/app.error';
import { zodFieldErrors } from '../../shared/errors/problem.mapper';
import { aheadOfPlatform } from '../../shared/http/date.schema';
import type { AppendOutcome, EventActor, Ledger, LedgerEvent, Rejection, RejectionCode } from '../ledger';
import type { CredentialHolder, Registry } from '../registry';
import { fillReport, type FillOutcome, type FillReport, type ReweighOutcome, type ReweighReport } from './device.api.schemas';
import type { DeviceRecord, DeviceRepository } from './device.repository';
import type { FillRecordsRepository, NewFillRecord } from './fill-records.repository';
import { failedChecks } from './interlock.decide';
import type { InterlockRepository, StoredDecision } from './interlock.repository';
import { reasonAnswer, type InterlockService } from './interlock.service';
import type { StoredAllowlist } from './offline-allowlist';
import { MAX_DEVICE_CLOCK_SKEW_MS } from './device.signature';

export interface FillReportDeps {
  decisions: InterlockRepository;
  records: FillRecordsRepository;
  devices: Pick<DeviceRepository, 'markReported'>;
  ledger: Pick<Ledger, 'appendMany' | 'eventIds'>;
  registry: Pick<Registry, 'credentialHolders'>;
  /** The cylinder a code names at this scale (the interlock's reading of codes). */
  cylinderOfCode(device: DeviceRecord, code: string): Promise<string | undefined>;
  /** The worker a staff number or card names in the scale's enterprise. */
  workerOfCode(device: DeviceRecord, code: string): Promise<string | undefined>;
  /** The interlock's answer now, not stored (a fill made offline, judged on arrival). */
  judgeNow: InterlockService['judgeNow'];
  allowlists: { byId(id: string): Promise<StoredAllowlist | null> };
  now: () => Date;
}

/** The city's calendar (Qingyuan: UTC+8, no daylight saving): the day a fill counts on. */
export const CITY_UTC_OFFSET_MS = 8 * 3_600_000;
export const cityDay = (at: Date) => new Date(at.getTime() + CITY_UTC_OFFSET_MS).toISOString().slice(0, 10);

type Checked = { report: FillReport; authorization: StoredDecision } | { report: FillReport; refusal: Rejection };

const refusal = (reason: RejectionCode, detail: string): Rejection => ({ reason, detail });

/** A ledger outcome's reasons as kept with a refused report. */
function ledgerReasons(outcome: AppendOutcome | undefined): Rejection[] {
  return (outcome?.reasons ?? [{ code: outcome?.reason ?? 'VALIDATION_FAILED', detail: outcome?.detail ?? 'not recorded' }]).map((r) => ({ reason: r.code as RejectionCode, detail: r.detail }));
}

export type FillReportService = ReturnType<typeof createFillReportService>;

/**
 * Fill reports (docs/device-protocol.md): each is checked against the allow it names (this scale's,
 * this cylinder, this operator, started before it expired, used by no other fill), then recorded
 * in the ledger by the scale — the pre-fill `inspect` when checks come with it, then the `fill` —
 * under ids derived from the scale and its fillId, so a report sent again (even concurrently) is
 * the same events; the filling record is stored once per (scale, fillId). A report refused here or
 * by the ledger is kept with the interlock decisions (`report_refused`) as evidence. A batch from
 * an offline buffer is taken in the scale's sequence order.
 */
export function createFillReportService(deps: FillReportDeps) {
  /**
   * A fill made offline against an allowlist: this scale's list, started before it expired, the
   * cylinder on it. Then the interlock is asked as if the scale had asked now, and the fill is
   * given an allow of its own (one per fill, however often it is sent) that keeps what the
   * interlock would deny now: the fill happened and is recorded, marked with those reasons.
   */
  async function offlineAllow(device: DeviceRecord, report: FillReport, allowlistId: string): Promise<StoredDecision | Rejection> {
    const list = await deps.allowlists.byId(allowlistId);
    if (!list || list.deviceId !== device.id) return refusal('AUTHORIZATION_INVALID', `no offline allowlist ${allowlistId} of this scale`);
    if (Date.parse(report.startedAt) - MAX_DEVICE_CLOCK_SKEW_MS > list.expiresAt.getTime()) {
      return refusal('AUTHORIZATION_EXPIRED', `the fill started ${report.startedAt}, after the offline allowlist expired ${list.expiresAt.toISOString()}`);
    }
    const { facts, verdict } = await deps.judgeNow(device, { code: report.code, operator: report.operator, requestId: `offline-${report.fillId}`.slice(0, 64), ...(report.checks ? { checks: report.checks } : {}) });
    const c = facts.cylinder;
    if (!c || !list.cylinderIds.includes(c.id)) return refusal('AUTHORIZATION_INVALID', `the cylinder is not on the offline allowlist ${allowlistId}`);
    const [stored] = await deps.decisions.append([
      {
        kind: 'authorize',
        decision: 'allow',
        reasons: [],
        offline: { allowlistId, deniedNow: verdict.reasons },
        deviceId: device.id,
        siteId: device.siteId,
        enterpriseId: device.enterpriseId,
        districtCode: device.districtCode,
        cylinderId: c.id,
        cylinder: { ...(c.grai ? { grai: c.grai } : {}), serial: c.serial, model: c.model, nominalKg: c.nominalKg, ...(c.tareKg !== undefined ? { tareKg: c.tareKg } : {}) },
        code: report.code,
        operator: report.operator,
        ...(facts.operator ? { operatorWorkerId: facts.operator.workerId } : {}),
        // One allow per offline fill: a resent report finds the first.
        requestId: `offline:${report.fillId}`,
        at: deps.now(),
        expiresAt: list.expiresAt,
        usedByFillId: null,
        targetNetKg: verdict.targetNetKg,
        maxGrossKg: verdict.maxGrossKg,
        ...(report.checks ? { checks: report.checks } : {}),
      },
    ]);
    return stored as StoredDecision;
  }

  async function check(device: DeviceRecord, report: FillReport): Promise<Checked> {
    if (report.allowlistId) {
      const allowed = await offlineAllow(device, report, report.allowlistId);
      if (!('_id' in allowed)) return { report, refusal: allowed };
      if ((await deps.decisions.consume(allowed._id, report.fillId)) === 'used') return { report, refusal: refusal('AUTHORIZATION_USED', `the offline allow of fill ${report.fillId} was used by another fill`) };
      return { report, authorization: allowed };
    }
    const authorizationId = report.authorizationId as string;
    const authorization = await deps.decisions.byId(authorizationId);
    if (!authorization || authorization.kind !== 'authorize' || authorization.decision !== 'allow' || authorization.deviceId !== device.id) {
      return { report, refusal: refusal('AUTHORIZATION_INVALID', `no allow ${authorizationId} of this scale`) };
    }
    if (report.code !== authorization.code && (await deps.cylinderOfCode(device, report.code)) !== authorization.cylinderId) {
      return { report, refusal: refusal('AUTHORIZATION_INVALID', `the allow ${report.authorizationId} is for another cylinder`) };
    }
    if (report.operator !== authorization.operator) return { report, refusal: refusal('AUTHORIZATION_INVALID', `the allow ${report.authorizationId} is for operator ${authorization.operator}`) };
    // The scale's clock may be off by as much as the signature window lets it.
    if (authorization.expiresAt && Date.parse(report.startedAt) - MAX_DEVICE_CLOCK_SKEW_MS > authorization.expiresAt.getTime()) {
      return { report, refusal: refusal('AUTHORIZATION_EXPIRED', `the fill started ${report.startedAt}, after the allow expired ${authorization.expiresAt.toISOString()}`) };
    }
    if ((await deps.decisions.consume(authorization._id, report.fillId)) === 'used') {
      return { report, refusal: refusal('AUTHORIZATION_USED', `the allow ${report.authorizationId} was used by another fill`) };
    }
    return { report, authorization };
  }

  const ids = (device: DeviceRecord, fillId: string) => ({
    inspect: deps.ledger.eventIds.derived(device.enterpriseId, `scale-inspect\n${device.id}\n${fillId}`),
    fill: deps.ledger.eventIds.derived(device.enterpriseId, `scale-fill\n${device.id}\n${fillId}`),
  });

  function eventsOf(device: DeviceRecord, report: FillReport, authorization: StoredDecision): Record<string, unknown>[] {
    const id = ids(device, report.fillId);
    const where = { siteId: device.siteId };
    const cylinderId = authorization.cylinderId;
    const inspect = report.checks
      ? [{ eventId: id.inspect, cylinderId, type: 'inspect', occurredAt: report.startedAt, where, payload: { result: failedChecks(report.checks).length === 0 ? 'pass' : 'fail', ...(failedChecks(report.checks).length ? { defects: failedChecks(report.checks) } : {}), checks: report.checks } }]
      : [];
    const durationS = Math.max(1, Math.round((Date.parse(report.endedAt) - Date.parse(report.startedAt)) / 1000));
    const fill = {
      eventId: id.fill,
      cylinderId,
      type: 'fill',
      occurredAt: report.endedAt,
      where,
      payload: {
        tareKg: report.tareKg,
        grossKg: report.grossKg,
        netKg: report.netKg,
        durationS,
        scaleId: device.id,
        fillId: report.fillId,
        authorizationId: authorization._id.toHexString(),
        ...(authorization.operatorWorkerId ? { operatorWorkerId: authorization.operatorWorkerId } : {}),
      },
    };
    return [...inspect, fill];
  }

  /**
   * What a batch's filling records name besides the report: the station's name and filling licence
   * and the operators' certificates, read once for the batch while its events are recorded.
   */
  function recordFacts(device: DeviceRecord, workerIds: readonly string[]) {
    const reads = Promise.all([deps.registry.credentialHolders('sites', [device.siteId]), workerIds.length ? deps.registry.credentialHolders('workers', [...new Set(workerIds)]) : Promise.resolve(new Map<string, CredentialHolder>())]);
    // Awaited once the events are recorded; until then (or if recording throws) never unhandled.
    reads.catch(() => undefined);
    return reads;
  }
  type RecordFacts = Awaited<ReturnType<typeof recordFacts>>;

  function recordOf(device: DeviceRecord, report: FillReport, authorization: StoredDecision, event: LedgerEvent, inspectEventId: string | undefined, [holders, workers]: RecordFacts): NewFillRecord {
    const workerId = authorization.operatorWorkerId;
    const site = holders.get(device.siteId);
    const licence = site?.credentials.fillingLicence?.number;
    const certificate = workerId ? workers.get(workerId)?.credentials.certificate?.number : undefined;
    const c = authorization.cylinder;
    const permittedNetKg = Number(event.payload.permittedNetKg);
    return {
      deviceId: device.id,
      fillId: report.fillId,
      sequence: report.sequence,
      eventId: event.eventId,
      ...(inspectEventId ? { inspectEventId } : {}),
      authorizationId: authorization._id.toHexString(),
      cylinder: { id: event.cylinderId, ...(c?.grai ? { grai: c.grai } : {}), serial: c?.serial ?? '', model: c?.model ?? '', nominalKg: c?.nominalKg ?? 0, ...(c?.tareKg !== undefined ? { registeredTareKg: c.tareKg } : {}) },
      station: { id: device.siteId, ...(site?.name ? { name: site.name } : {}), ...(licence ? { fillingLicenceNumber: licence } : {}) },
      enterpriseId: device.enterpriseId,
      districtCode: event.districtCode,
      scale: { id: device.id, name: device.name, ...(device.serialNumber ? { serialNumber: device.serialNumber } : {}), ...(device.calibrationDueOn ? { calibrationDueOn: device.calibrationDueOn } : {}) },
      operator: { ...(workerId ? { workerId } : {}), staffNumber: authorization.operator, ...(certificate ? { certificateNumber: certificate } : {}) },
      ...(report.checks ? { checks: report.checks } : {}),
      tareKg: report.tareKg,
      grossKg: report.grossKg,
      netKg: report.netKg,
      permittedNetKg,
      deviationKg: Math.round((report.netKg - permittedNetKg) * 100) / 100,
      anomalies: (event.payload.anomalies as NewFillRecord['anomalies'] | undefined) ?? [],
      ...(authorization.offline ? { offline: { allowlistId: authorization.offline.allowlistId, deniedNow: authorization.offline.deniedNow.map((r) => r.reason) } } : {}),
      startedAt: report.startedAt,
      endedAt: report.endedAt,
      startedAtInstant: new Date(report.startedAt),
      endedAtInstant: event.occurredAt,
      day: cityDay(event.occurredAt),
      receivedAt: event.receivedAt,
    };
  }

  async function keepRefused(device: DeviceRecord, items: readonly { report: FillReport; reasons: Rejection[]; authorization?: StoredDecision }[]): Promise<void> {
    if (items.length === 0) return;
    const at = deps.now();
    await deps.decisions.append(
      items.map(({ report, reasons, authorization }) => ({
        kind: 'report_refused' as const,
        decision: 'deny' as const,
        reasons,
        deviceId: device.id,
        siteId: device.siteId,
        enterpriseId: device.enterpriseId,
        districtCode: device.districtCode,
        ...(authorization?.cylinderId ? { cylinderId: authorization.cylinderId } : {}),
        code: report.code,
        operator: report.operator,
        ...(authorization?.operatorWorkerId ? { operatorWorkerId: authorization.operatorWorkerId } : {}),
        // One kept refusal per fill however often the scale sends it.
        requestId: `fill:${report.fillId}`,
        fillId: report.fillId,
        at,
      })),
    );
  }

  /** Records reports in the scale's sequence order; answers each, in the order sent. */
  async function record(device: DeviceRecord, reports: readonly FillReport[]): Promise<FillOutcome[]> {
    const ordered = [...reports].map((report, index) => ({ report, index })).sort((a, b) => a.report.sequence - b.report.sequence);
    const checked: Checked[] = [];
    for (const { report } of ordered) checked.push(await check(device, report));
    const accepted = checked.flatMap((c) => ('authorization' in c ? [c.authorization] : []));
    const facts = accepted.length > 0 ? recordFacts(device, accepted.flatMap((a) => (a.operatorWorkerId ? [a.operatorWorkerId] : []))) : undefined;
    const outcomes = new Map<FillReport, AppendOutcome[]>();
    // One ledger append per run of reports by the same operator (the actor carries the worker), in order.
    for (let i = 0; i < checked.length; ) {
      const run: { report: FillReport; authorization: StoredDecision }[] = [];
      let worker: string | undefined;
      for (; i < checked.length; i++) {
        const item = checked[i] as Checked;
        if ('refusal' in item) continue;
        if (run.length > 0 && item.authorization.operatorWorkerId !== worker) break;
        worker = item.authorization.operatorWorkerId;
        run.push(item);
      }
      if (run.length === 0) continue;
      const actor: EventActor = { kind: 'device', id: device.id, enterpriseId: device.enterpriseId, ...(worker ? { workerId: worker } : {}) };
      const inputs = run.map((r) => eventsOf(device, r.report, r.authorization));
      const appended = await deps.ledger.appendMany(inputs.flat(), actor);
      let next = 0;
      run.forEach((r, k) => outcomes.set(r.report, appended.slice(next, (next += (inputs[k] as unknown[]).length))));
    }

    const answers = new Map<FillReport, FillOutcome>();
    const refused: { report: FillReport; reasons: Rejection[]; authorization?: StoredDecision }[] = [];
    for (const item of checked) {
      const { report } = item;
      if ('refusal' in item) {
        refused.push({ report, reasons: [item.refusal] });
        continue;
      }
      const appended = outcomes.get(report) ?? [];
      const fill = appended[appended.length - 1];
      if (!fill || fill.status === 'rejected' || !fill.event) {
        refused.push({ report, reasons: ledgerReasons(fill), authorization: item.authorization });
        continue;
      }
      const inspect = appended.length > 1 ? appended[0] : undefined;
      const stored = await deps.records.store(recordOf(device, report, item.authorization, fill.event, inspect?.event?.eventId, await (facts as Promise<RecordFacts>)));
      answers.set(report, {
        fillId: report.fillId,
        sequence: report.sequence,
        status: fill.status === 'accepted' ? 'accepted' : 'duplicate',
        eventId: fill.event.eventId,
        anomalies: stored.record.anomalies,
        ...(item.authorization.offline ? { deniedNow: item.authorization.offline.deniedNow.map(reasonAnswer) } : {}),
      });
    }
    await keepRefused(device, refused);
    for (const { report, reasons } of refused) {
      answers.set(report, { fillId: report.fillId, sequence: report.sequence, status: 'refused', reasons: reasons.map(reasonAnswer) });
    }
    const highest = Math.max(...checked.filter((c) => !('refusal' in c)).map((c) => c.report.sequence), -1);
    if (highest >= 0) await deps.devices.markReported(device.id, highest);
    return reports.map((r) => answers.get(r) as FillOutcome);
  }

  /**
   * A re-weigh (复称): recorded by the scale as a `reweigh` event, whose limits and verdict the
   * ledger sets from the cylinder model; within limits it lifts an overfill hold. No authorization:
   * nothing is filled. A refusal is the ledger's (the cylinder not full at this station, say).
   */
  async function reweigh(device: DeviceRecord, report: ReweighReport): Promise<ReweighOutcome> {
    const ahead = aheadOfPlatform(report.at, deps.now(), 'at');
    if (ahead.length > 0) throw AppError.validation(ahead);
    const [cylinderId, workerId] = await Promise.all([deps.cylinderOfCode(device, report.code), deps.workerOfCode(device, report.operator)]);
    if (!cylinderId) return { reweighId: report.reweighId, status: 'refused', reasons: [reasonAnswer({ reason: 'UNKNOWN_CODE', detail: 'no cylinder of the city has this code' })] };
    const actor: EventActor = { kind: 'device', id: device.id, enterpriseId: device.enterpriseId, ...(workerId ? { workerId } : {}) };
    const input = {
      eventId: deps.ledger.eventIds.derived(device.enterpriseId, `scale-reweigh\n${device.id}\n${report.reweighId}`),
      cylinderId,
      type: 'reweigh',
      occurredAt: report.at,
      where: { siteId: device.siteId },
      payload: { tareKg: report.tareKg, grossKg: report.grossKg, netKg: report.netKg, scaleId: device.id, reweighId: report.reweighId, ...(workerId ? { operatorWorkerId: workerId } : {}) },
    };
    const [outcome] = await deps.ledger.appendMany([input], actor);
    if (!outcome || outcome.status === 'rejected' || !outcome.event) {
      return { reweighId: report.reweighId, status: 'refused', reasons: ledgerReasons(outcome).map(reasonAnswer) };
    }
    const payload = outcome.event.payload;
    return {
      reweighId: report.reweighId,
      status: outcome.status,
      eventId: outcome.event.eventId,
      withinLimits: payload.withinLimits === true,
      maxNetKg: Number(payload.maxNetKg),
      anomalies: (payload.anomalies as ReweighOutcome['anomalies']) ?? [],
    };
  }


  return {
    record,
    reweigh,
    /** One report (POST /fills): one ending in the future is a 400, anything else is decided and recorded. */
    async recordOne(device: DeviceRecord, report: FillReport): Promise<FillOutcome> {
      const ahead = aheadOfPlatform(report.endedAt, deps.now(), 'endedAt');
      if (ahead.length > 0) throw AppError.validation(ahead);
      const [outcome] = await record(device, [report]);
      if (!outcome) throw new Error('fill report: no outcome');
      return outcome;
    },
    /** A batch of raw items: each parsed on its own (a malformed item, or one ending in the future, is refused, not the batch). */
    async recordBatch(device: DeviceRecord, raws: readonly unknown[]): Promise<FillOutcome[]> {
      const parsed = raws.map((raw) => {
        const p = fillReport.safeParse(raw);
        const ahead = p.success ? aheadOfPlatform(p.data.endedAt, deps.now(), 'endedAt') : [];
        return ahead.length > 0 ? { success: false as const, errors: ahead } : p.success ? { success: true as const, data: p.data } : { success: false as const, errors: zodFieldErrors(p.error) };
      });
      const valid = parsed.flatMap((p) => (p.success ? [p.data] : []));
      const recorded = await record(device, valid);
      let next = 0;
      return parsed.map((p, i): FillOutcome => {
        if (p.success) return recorded[next++] as FillOutcome;
        const raw = raws[i] as { fillId?: unknown; sequence?: unknown } | null;
        const detail = p.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
        return {
          fillId: typeof raw?.fillId === 'string' ? raw.fillId.slice(0, 64) : '',
          sequence: typeof raw?.sequence === 'number' ? raw.sequence : null,
          status: 'refused',
          reasons: [reasonAnswer({ reason: 'VALIDATION_FAILED', detail })],
        };
      });
    },
  };
}
