import { randomBytes } from 'node:crypto';
import { UserClient, type DeviceCredentials } from './sim.client';
import { provision, type SimWorld } from './sim.provision';
import { bringBack, SimScale, type ScaleBehaviour, type ScaleContext } from './sim.scale';
import { LatencySample, type SimSummary } from './sim.summary';

export { summaryLine, type SimSummary } from './sim.summary';
export type { SimWorld } from './sim.provision';

/** A login, or a bearer token already held (the living demo runs in-process with its own). */
export type SimLogin = { username: string; password: string } | { token: string };

export interface ScaleSimulatorOptions {
  /** The running platform, e.g. http://127.0.0.1:3000. */
  baseUrl: string;
  /** An enterprise administrator: registers the scales and records the cylinders' round trips. */
  admin: SimLogin;
  /** A regulator: creates filling stations (licences verified) and operators when the enterprise has too few. */
  regulator?: SimLogin;
  stations?: number;
  scalesPerStation?: number;
  /** Fills per hour each scale attempts; a real scale manages 30 or so. */
  rate?: number;
  cylindersPerStation?: number;
  behaviour?: Partial<ScaleBehaviour>;
  /** Scales registered already, by station id: run as these instead of registering new ones (the living demo runs the demo city's own). */
  registered?: ReadonlyMap<string, readonly DeviceCredentials[]>;
  /** Called with the summary every `reportEveryMs` (the CLI prints it). */
  onSummary?: (summary: SimSummary) => void;
  reportEveryMs?: number;
}

export interface ScaleSimulator {
  /** Stops every scale, uploads what they buffered, and waits for the cylinders under way. */
  stop(): Promise<SimSummary>;
  summary(): SimSummary;
  /** The stations, scales and cylinders it provisioned. */
  readonly world: SimWorld;
}

const DEFAULT_BEHAVIOUR: ScaleBehaviour = {
  ratePerHour: 30,
  badRate: 0.08,
  outageRate: 0.01,
  cycleCylinders: true,
  overfillRate: 0.02,
  clockSpreadMs: 3_000,
  maxFillWaitMs: 90_000,
};

const clientOf = (baseUrl: string, login: SimLogin) => ('token' in login ? Promise.resolve(new UserClient(baseUrl, login.token)) : UserClient.login(baseUrl, login.username, login.password));

/**
 * Simulated filling scales against a running platform, over HTTP only (docs/scale-simulator.md):
 * provisions what it needs through the API, then runs every scale
 * until stop(). `npm run sim:scales` is its command line; the living demo runs it in-process.
 */
export async function startScaleSimulator(options: ScaleSimulatorOptions): Promise<ScaleSimulator> {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const admin = await clientOf(baseUrl, options.admin);
  const regulator = options.regulator ? await clientOf(baseUrl, options.regulator) : undefined;
  const scalesPerStation = options.scalesPerStation ?? 2;
  const world = await provision({
    admin,
    ...(regulator ? { regulator } : {}),
    stations: options.stations ?? 1,
    scalesPerStation,
    cylindersPerStation: options.cylindersPerStation ?? Math.max(20, scalesPerStation * 6),
    runId: randomBytes(3).toString('hex'),
    ...(options.registered ? { registered: options.registered } : {}),
  });
  const behaviour: ScaleBehaviour = { ...DEFAULT_BEHAVIOUR, ...(options.rate !== undefined ? { ratePerHour: options.rate } : {}), ...options.behaviour };
  const started = Date.now();
  const summary: SimSummary = {
    startedAt: new Date(started).toISOString(),
    elapsedS: 0,
    stations: world.stations.length,
    scales: world.stations.reduce((n, s) => n + s.scales.length, 0),
    authorizations: 0,
    allows: 0,
    denials: {},
    fills: { accepted: 0, duplicate: 0, refused: 0 },
    refusals: {},
    buffered: 0,
    bursts: 0,
    burstReports: 0,
    offline: 0,
    offlineFills: 0,
    failedClosed: 0,
    clockResyncs: 0,
    heartbeats: 0,
    reweighs: 0,
    roundTrips: 0,
    idle: 0,
    errors: 0,
    lastError: null,
    authorizeMs: { n: 0, p50: null, p99: null },
  };
  let stopped = false;
  const sleepers = new Set<() => void>();
  const pending = new Set<Promise<unknown>>();
  const latency = new LatencySample();
  const ctx: ScaleContext = {
    baseUrl,
    world,
    admin,
    behaviour,
    summary,
    latency,
    stopped: () => stopped,
    sleep: (ms) =>
      stopped
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(timer);
              sleepers.delete(done);
              resolve();
            };
            const timer = setTimeout(done, ms);
            sleepers.add(done);
          }),
    track: (work) => {
      pending.add(work);
      void work.finally(() => pending.delete(work));
    },
    error: (what, error) => {
      summary.errors += 1;
      summary.lastError = `${what}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500);
    },
  };
  const scales = world.stations.flatMap((station) => station.scales.map((credentials, k) => ({ station, scale: new SimScale(ctx, station, credentials, world.stations.indexOf(station) * scalesPerStation + k) })));
  // Cylinders left out in the field by an earlier run come home first.
  if (behaviour.cycleCylinders) {
    for (const station of world.stations) for (const c of station.cylinders) if (c.where !== 'fillable' && c.where !== 'bad') ctx.track(bringBack(ctx, station, c).catch((e: unknown) => ctx.error('bring back', e)));
  }
  const loops = scales.map(({ scale }) => scale.run());

  const snapshot = (): SimSummary => {
    summary.elapsedS = Math.round((Date.now() - started) / 1000);
    summary.buffered = scales.reduce((n, s) => n + s.scale.buffered, 0);
    summary.offline = scales.filter((s) => s.scale.offline).length;
    summary.authorizeMs = latency.stats();
    return structuredClone(summary);
  };
  const ticker = options.onSummary ? setInterval(() => options.onSummary?.(snapshot()), options.reportEveryMs ?? 5_000) : undefined;
  ticker?.unref();

  return {
    world,
    summary: snapshot,
    async stop() {
      if (ticker) clearInterval(ticker);
      stopped = true;
      for (const wake of [...sleepers]) wake();
      await Promise.all(loops);
      for (const { scale } of scales) {
        try {
          await scale.flush();
        } catch (error) {
          ctx.error('flush', error);
        }
      }
      while (pending.size > 0) await Promise.all([...pending]);
      return snapshot();
    },
  };
}
