import { randomBytes, randomUUID } from 'node:crypto';
import { signAllowlist, type AllowlistAnswer } from '../../components/devices';
import { DeviceClient, type DeviceCredentials, type UserClient } from './sim.client';
import type { SimCylinder, SimStation, SimWorld } from './sim.provision';
import { bump, type LatencySample, type SimSummary } from './sim.summary';

/**
 * One simulated filling scale, behaving as the protocol document tells a vendor to: it signs every
 * request with its own (drifting) clock and sets that clock from the platform when told it is off,
 * asks before every fill and fills only on an allow, reports realistic weights and durations with
 * its own upload sequence, and sometimes loses its line: it then buffers its reports, stops
 * starting fills (it fails closed) and uploads the buffer oldest first when it is back, resending
 * the tail of it once as a scale does after a lost answer.
 */

export interface ScaleBehaviour {
  /** Fills per hour this scale attempts (the cycle between two authorizations). */
  ratePerHour: number;
  /** Share of attempts that present a bad cylinder or fail the pre-fill check. */
  badRate: number;
  /** Chance per cycle that the line starts to fail. */
  outageRate: number;
  /** Send filled cylinders round (dispatch, supply point, back empty) so they can be filled again. */
  cycleCylinders: boolean;
  /** Share of fills that overfill (then re-weighed within limits before they leave). */
  overfillRate: number;
  /** Scale clocks start up to this far off (ms); some much further, to meet the ±5 min window. */
  clockSpreadMs: number;
  /** Longest time a fill is actually waited for (ms); the reported times are the real ones. */
  maxFillWaitMs: number;
}

export interface ScaleContext {
  baseUrl: string;
  world: SimWorld;
  admin: UserClient;
  behaviour: ScaleBehaviour;
  summary: SimSummary;
  latency: LatencySample;
  stopped: () => boolean;
  /** Resolves after `ms`, or at once when the simulator stops. */
  sleep: (ms: number) => Promise<void>;
  /** Round trips under way (awaited on stop). */
  track: (work: Promise<unknown>) => void;
  error: (what: string, error: unknown) => void;
}

interface Report {
  fillId: string;
  sequence: number;
  authorizationId?: string;
  allowlistId?: string;
  code: string;
  operator: string;
  tareKg: number;
  grossKg: number;
  netKg: number;
  startedAt: string;
  endedAt: string;
  checks: { valve: 'ok' | 'defective'; leak: 'none' | 'leaking'; appearance: 'ok' | 'damaged'; residualKg: number };
}

interface Outcome {
  fillId: string;
  status: 'accepted' | 'duplicate' | 'refused';
  anomalies?: string[];
  reasons?: { code: string }[];
}

const round2 = (kg: number) => Math.round(kg * 100) / 100;
const gauss = () => {
  const u = 1 - Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random());
};
const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(Math.random() * items.length)];
/** An ISO 8601 time with the city's zone, as a scale's display shows it. */
const cityTime = (ms: number) => `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 23)}+08:00`;
/** The filling rate of a gun, roughly 0.2 kg/s: a YSP-15 takes a little over a minute. */
const KG_PER_S = 0.2;

export class SimScale {
  private readonly device: DeviceClient;
  private clockOffsetMs: number;
  private readonly driftPerMs: number;
  private readonly born = Date.now();
  private sequence = 0;
  private buffer: Report[] = [];
  /** While degraded, reports are buffered; while offline, no fill starts. */
  private degradedFills = 0;
  private offlineUntil = 0;
  private lastHeartbeat = 0;
  private readonly cycleMs: number;
  private allowlist: { id: string; expiresAt: number; grais: Set<string> } | undefined;

  constructor(
    private readonly ctx: ScaleContext,
    private readonly station: SimStation,
    private readonly credentials: DeviceCredentials,
    private readonly index: number,
  ) {
    const spread = ctx.behaviour.clockSpreadMs;
    // One scale in ten starts outside the ±5 minute window: its first request teaches it the time.
    this.clockOffsetMs = index % 10 === 9 ? (Math.random() < 0.5 ? -1 : 1) * 6 * 60_000 : (Math.random() * 2 - 1) * spread;
    this.driftPerMs = (Math.random() * 2 - 1) * 2e-4;
    this.device = new DeviceClient(ctx.baseUrl, credentials, () => this.clock());
    this.cycleMs = 3_600_000 / Math.max(ctx.behaviour.ratePerHour, 1e-6);
  }

  /** The scale's own clock: off by its offset, drifting. */
  private clock(): number {
    const now = Date.now();
    return now + this.clockOffsetMs + (now - this.born) * this.driftPerMs;
  }

  get buffered(): number {
    return this.buffer.length;
  }

  get offline(): boolean {
    return Date.now() < this.offlineUntil;
  }

  async run(): Promise<void> {
    // Scales do not all start at the same instant.
    await this.ctx.sleep(Math.random() * Math.min(this.cycleMs, 5_000));
    while (!this.ctx.stopped()) {
      const started = Date.now();
      try {
        await this.cycle();
      } catch (error) {
        this.ctx.error(`scale ${this.index}`, error);
      }
      const jitter = 0.8 + Math.random() * 0.4;
      await this.ctx.sleep(Math.max(0, this.cycleMs * jitter - (Date.now() - started)));
    }
  }

  /** On stop: whatever is buffered is uploaded, so no fill is lost. */
  async flush(): Promise<void> {
    this.offlineUntil = 0;
    this.degradedFills = 0;
    if (this.buffer.length > 0) await this.uploadBuffer();
  }

  private async cycle(): Promise<void> {
    const { summary, behaviour } = this.ctx;
    if (this.offline) {
      // Offline: only a cylinder on a valid allowlist may be filled; anything else fails closed.
      if (!(await this.fillOffline())) summary.failedClosed += 1;
      return;
    }
    if (this.buffer.length > 0 && this.degradedFills === 0) await this.uploadBuffer();
    if (Date.now() - this.lastHeartbeat > 60_000) await this.heartbeat();
    if (this.degradedFills === 0 && Math.random() < behaviour.outageRate) {
      this.degradedFills = 2 + Math.floor(Math.random() * 6);
    }
    const degraded = this.degradedFills > 0;
    await this.attempt();
    // The line degrades for a few cycles (filled or not: a station may run out of cylinders), then is gone for a few more.
    if (degraded) {
      this.degradedFills -= 1;
      if (this.degradedFills === 0) this.offlineUntil = Date.now() + this.cycleMs * (2 + Math.random() * 3);
    }
  }

  /** A signed call; a clock refusal sets the clock from X-Server-Time and sends again once. */
  private async call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    let res = await this.device.call<T>(method, path, body);
    if (res.status === 401 && (res.body as { code?: string }).code === 'DEVICE_CLOCK_SKEW') {
      const server = Number(res.headers.get('x-server-time'));
      if (Number.isFinite(server)) this.clockOffsetMs += server - this.clock();
      this.ctx.summary.clockResyncs += 1;
      res = await this.device.call<T>(method, path, body);
    }
    return res;
  }

  private async heartbeat(): Promise<void> {
    this.lastHeartbeat = Date.now();
    const res = await this.call<{ config?: { clockOffsetMs?: number }; offlineAllowlist?: AllowlistAnswer | null }>('POST', '/api/v1/device/heartbeat', {
      firmware: 'SIM-200 v1.4.2',
      sequence: this.sequence,
      bufferedReports: this.buffer.length,
      calibrationDueOn: new Date(Date.now() + 180 * 86_400_000).toISOString().slice(0, 10),
      offlineAllowlist: true,
    });
    if (res.status !== 200) throw new Error(`heartbeat: ${res.status} ${JSON.stringify(res.body)}`);
    this.ctx.summary.heartbeats += 1;
    const list = res.body.offlineAllowlist;
    // A list is used only when its signature is the platform's (made with this scale's own secret).
    this.allowlist = list && list.signature === signAllowlist(this.credentials.secret, list) ? { id: list.id, expiresAt: Date.parse(list.expiresAt), grais: new Set(list.cylinders.map((c) => c.grai)) } : undefined;
    const offset = res.body.config?.clockOffsetMs ?? 0;
    // A scale sets its clock when it is more than a second off (the answer's own trip is in the figure).
    if (Math.abs(offset) > 1_000) {
      this.clockOffsetMs += offset;
      this.ctx.summary.clockResyncs += 1;
    }
  }

  /** What the operator puts on the scale: usually a cylinder of the station ready to fill. */
  private choose(): { code: string; cylinder?: SimCylinder; failCheck?: boolean } | undefined {
    const { world, behaviour } = this.ctx;
    const fillable = this.station.cylinders.filter((c) => c.where === 'fillable' && !c.busy);
    if (Math.random() < behaviour.badRate) {
      const kinds = ['unknown', 'check'] as string[];
      const badOnes = this.station.cylinders.filter((c) => c.where === 'bad');
      if (badOnes.length > 0) kinds.push('bad', 'bad');
      const others = world.stations.filter((s) => s !== this.station).flatMap((s) => s.cylinders.filter((c) => c.where !== 'bad'));
      if (others.length > 0) kinds.push('foreign');
      switch (pick(kinds)) {
        case 'bad':
          return { code: (pick(badOnes) as SimCylinder).code };
        case 'foreign':
          return { code: (pick(others) as SimCylinder).code };
        case 'check': {
          const c = pick(fillable);
          if (c) return { code: c.code, failCheck: true };
          break;
        }
        default:
          return { code: `QY${randomBytes(5).toString('hex').toUpperCase()}` };
      }
    }
    const cylinder = pick(fillable);
    return cylinder ? { code: cylinder.code, cylinder } : undefined;
  }

  /** A fill while the line is down, against the allowlist: no authorize, the report buffered with the list's id. */
  private async fillOffline(): Promise<boolean> {
    const list = this.allowlist;
    if (!list || this.clock() > list.expiresAt) return false;
    const onList = this.station.cylinders.filter((c) => c.where === 'fillable' && !c.busy && list.grais.has(/\/8003\/([0-9A-Za-z]+)/.exec(c.code)?.[1] ?? ''));
    const cylinder = pick(onList);
    if (!cylinder) return false;
    cylinder.busy = true;
    try {
      const operator = pick(this.station.operators) as string;
      const weighed = await this.weigh(cylinder.nominalKg * (14.5 / 15), cylinder.tareKg);
      this.buffer.push({ ...weighed, fillId: this.newFillId(), sequence: ++this.sequence, allowlistId: list.id, code: cylinder.code, operator, checks: { valve: 'ok', leak: 'none', appearance: 'ok', residualKg: round2(Math.random() * 0.4) } });
      cylinder.where = 'full';
      this.ctx.summary.offlineFills += 1;
      return true;
    } finally {
      cylinder.busy = false;
    }
  }

  private newFillId(): string {
    return `f${this.index.toString(36)}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  }

  /** Realistic weights, and the fill's real duration (waited for, up to maxFillWaitMs). */
  private async weigh(targetNetKg: number, registeredTare: number): Promise<Pick<Report, 'tareKg' | 'grossKg' | 'netKg' | 'startedAt' | 'endedAt'>> {
    const { behaviour } = this.ctx;
    const startedAt = this.clock() + 2_000 + Math.random() * 4_000;
    const overfill = Math.random() < behaviour.overfillRate;
    const netKg = round2(overfill ? targetNetKg + 0.7 + Math.random() * 0.4 : targetNetKg + gauss() * 0.12);
    const tareKg = round2(registeredTare + gauss() * 0.04);
    // Fill for as long as it takes (a YSP-15 a little over a minute), unless told to go faster.
    const fillMs = Math.min((netKg / KG_PER_S) * 1000 * (0.9 + Math.random() * 0.2), behaviour.maxFillWaitMs);
    await this.ctx.sleep(fillMs + 2_000 * Math.min(1, behaviour.maxFillWaitMs / 60_000));
    const endedAt = Math.max(this.clock(), startedAt + fillMs + 1);
    return { tareKg, grossKg: round2(tareKg + netKg), netKg, startedAt: cityTime(startedAt), endedAt: cityTime(endedAt) };
  }

  private async attempt(): Promise<void> {
    const { summary } = this.ctx;
    const chosen = this.choose();
    if (!chosen) {
      summary.idle += 1;
      return;
    }
    const cylinder = chosen.cylinder;
    if (cylinder) cylinder.busy = true;
    try {
      await this.fill(chosen.code, cylinder, chosen.failCheck === true);
    } finally {
      if (cylinder) cylinder.busy = false;
    }
  }

  private async fill(code: string, cylinder: SimCylinder | undefined, failCheck: boolean): Promise<void> {
    const { summary, latency } = this.ctx;
    const operator = pick(this.station.operators) as string;
    const checks: Report['checks'] = failCheck
      ? { valve: Math.random() < 0.5 ? 'defective' : 'ok', leak: Math.random() < 0.5 ? 'leaking' : 'none', appearance: 'damaged', residualKg: round2(Math.random() * 0.5) }
      : { valve: 'ok', leak: 'none', appearance: 'ok', residualKg: round2(Math.random() * 0.4) };
    const requestId = `r${this.index.toString(36)}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const asked = performance.now();
    const res = await this.call<{ decision: string; reasons: { code: string }[]; authorizationId: string | null; targetNetKg: number | null; cylinder: { tareKg: number | null } | null }>('POST', '/api/v1/device/fills/authorize', { code, operator, requestId, checks });
    latency.add(performance.now() - asked);
    if (res.status !== 200) throw new Error(`authorize: ${res.status} ${JSON.stringify(res.body)}`);
    summary.authorizations += 1;
    const answer = res.body;
    if (answer.decision !== 'allow' || !answer.authorizationId) {
      for (const r of answer.reasons) bump(summary.denials, r.code);
      return;
    }
    summary.allows += 1;
    const weighed = await this.weigh(answer.targetNetKg ?? (cylinder?.nominalKg ?? 15) * (14.5 / 15), answer.cylinder?.tareKg ?? cylinder?.tareKg ?? 14.5);
    const report: Report = { ...weighed, fillId: this.newFillId(), sequence: ++this.sequence, authorizationId: answer.authorizationId, code, operator, checks };
    if (cylinder) cylinder.where = 'full';
    if (this.degradedFills > 0) {
      this.buffer.push(report);
      return;
    }
    const sent = await this.call<Outcome>('POST', '/api/v1/device/fills', report);
    if (sent.status >= 500) {
      this.buffer.push(report);
      return;
    }
    this.settle([report], [sent.body]);
  }

  /** The buffer, oldest first, in batches; the last few resent once, as after a lost answer. */
  private async uploadBuffer(): Promise<void> {
    const reports = [...this.buffer].sort((a, b) => a.sequence - b.sequence);
    const { summary } = this.ctx;
    for (let i = 0; i < reports.length; i += 500) {
      const batch = reports.slice(i, i + 500);
      const res = await this.call<{ results: Outcome[] }>('POST', '/api/v1/device/fills/batch', { reports: batch });
      if (res.status !== 200) throw new Error(`batch: ${res.status} ${JSON.stringify(res.body)}`);
      this.settle(batch, res.body.results);
      this.buffer = this.buffer.filter((r) => !batch.includes(r));
      summary.bursts += 1;
      summary.burstReports += batch.length;
    }
    const tail = reports.slice(-Math.min(3, reports.length));
    if (tail.length > 0) {
      const again = await this.call<{ results: Outcome[] }>('POST', '/api/v1/device/fills/batch', { reports: tail });
      if (again.status === 200) this.settle(tail, again.body.results);
    }
  }

  private settle(reports: readonly Report[], outcomes: readonly Outcome[]): void {
    const { summary } = this.ctx;
    reports.forEach((report, i) => {
      const outcome = outcomes[i];
      if (!outcome) return;
      const cylinder = this.station.cylinders.find((c) => c.code === report.code);
      if (outcome.status === 'refused') {
        summary.fills.refused += 1;
        for (const r of outcome.reasons ?? []) bump(summary.refusals, r.code);
        // Refused: nothing was recorded; the cylinder is still as it was before the fill.
        if (cylinder && cylinder.where === 'full') cylinder.where = 'fillable';
        return;
      }
      summary.fills[outcome.status] += 1;
      if (outcome.status === 'accepted' && cylinder) this.ctx.track(this.sendRound(cylinder, report, outcome.anomalies ?? []));
    });
  }

  /** An overfilled cylinder is weighed again within limits; then it goes round and comes back empty. */
  private async sendRound(cylinder: SimCylinder, report: Report, anomalies: readonly string[]): Promise<void> {
    const { summary, behaviour } = this.ctx;
    cylinder.busy = true;
    try {
      if (anomalies.includes('overfill')) {
        const netKg = round2(report.netKg - 0.9);
        const res = await this.call('POST', '/api/v1/device/reweighs', { reweighId: `w${report.fillId}`.slice(0, 64), code: report.code, operator: report.operator, tareKg: report.tareKg, grossKg: round2(report.tareKg + netKg), netKg, at: cityTime(this.clock()) });
        if (res.status === 201 || res.status === 200) summary.reweighs += 1;
      }
      if (behaviour.cycleCylinders) await bringBack(this.ctx, this.station, cylinder);
    } catch (error) {
      this.ctx.error('round trip', error);
    } finally {
      cylinder.busy = false;
    }
  }
}

const NEXT: Partial<Record<SimCylinder['where'], { type: string; to: SimCylinder['where'] }>> = {
  full: { type: 'dispatch', to: 'in_transit' },
  in_transit: { type: 'receive', to: 'at_supply_point' },
  at_supply_point: { type: 'return_empty', to: 'fillable' },
  with_customer: { type: 'return_empty', to: 'fillable' },
};

/**
 * Sends a filled cylinder round through the enterprise's own API, as its staff record it: onto the
 * vehicle, received at the supply point, returned empty to its station (from wherever it is now).
 * Without a vehicle and a supply point it stays full, and the station runs out of cylinders.
 */
export async function bringBack(ctx: Pick<ScaleContext, 'world' | 'admin' | 'summary'>, station: SimStation, cylinder: SimCylinder): Promise<void> {
  const { world, admin } = ctx;
  if (!world.vehicleId || !world.supplyPointId) return;
  const first = cylinder.where;
  for (let step = NEXT[cylinder.where]; step; step = NEXT[cylinder.where]) {
    const where = step.type === 'receive' ? { siteId: world.supplyPointId } : { siteId: station.id };
    const payload = step.type === 'dispatch' ? { vehicleId: world.vehicleId } : where;
    await admin.expect('POST', '/api/v1/events', { eventId: randomUUID(), cylinderId: cylinder.id, type: step.type, occurredAt: new Date().toISOString(), where, payload }, [201, 200]);
    cylinder.where = step.to;
  }
  if (first !== cylinder.where && cylinder.where === 'fillable') ctx.summary.roundTrips += 1;
}
