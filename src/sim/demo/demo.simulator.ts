import { randomUUID } from 'node:crypto';
import { signAccessToken, type Principal } from '../../components/auth';
import type { Components } from '../../components';
import type { CylinderProjection } from '../../components/ledger';
import type { Logger } from '../../shared/logger/logger.factory';
import { startScaleSimulator, type ScaleSimulator } from '../scales';
import { DeviceClient, type DeviceCredentials } from '../scales/sim.client';

/**
 * The demo city at work (issue 18), gently: every round a filling operator inspects an empty
 * cylinder at 安达's station and its scale fills it; the delivery worker loads a full one onto a
 * vehicle and exchanges it at a customer's door for their empty (both through the deliveries API,
 * as the phone app would); and now and then a violation the regulator should see at once — a
 * cylinder with a steel stamp no city enterprise registered, or an overfill. Alerts, fills and
 * deliveries so appear while a user watches. DEMO_SIMULATION=off stops all of it.
 *
 * The fills come from the scale simulator of issue 12 (src/sim/scales: signed device API,
 * interlock, weights, offline buffers), run as the scale the demo city registered at 安达's
 * station; the city's other registered scales stand idle and send their heartbeat each minute, so
 * none is shown offline and no scale is registered anew at a start. The staged overfill, and the
 * fills of any round while that simulator could not start, take the "simple fill path": recorded
 * in the app process as the station's registered scale through the ledger's capture.
 */
export interface DemoSimulatorDeps {
  components: Pick<Components, 'auth' | 'registry' | 'ledger' | 'devices'>;
  /** The app's own URL: the deliveries go through HTTP like the phone app's. */
  baseUrl: string;
  jwtSecret: string;
  intervalMs: number;
  logger: Logger;
  /** Every how many rounds a violation is staged (the first round always stages one). */
  violationEvery?: number;
  /** Fills per hour of the simulated scale (issue 12); 0 keeps it off and fills by the simple path. */
  scaleRate?: number;
  /** How often an idle scale sends its heartbeat (SCALE_HEARTBEAT_INTERVAL_S). */
  heartbeatMs?: number;
}

export interface DemoSimulator {
  stop(): Promise<void>;
  /** Rounds run so far and what they recorded (tests, the log). */
  stats(): SimStats;
}

export interface SimStats {
  rounds: number;
  fills: number;
  deliveries: number;
  violations: number;
  failures: number;
  /** Whether the signed-device scale simulator runs (as the station's registered scale). */
  scalesRunning?: boolean;
}

interface Cast {
  admin: Principal;
  delivery: Principal;
  operatorWorkerId: string;
  enterpriseId: string;
  stationId: string;
  scaleId: string;
  /** Every active scale of the city (the station's among them), as it signs. */
  scales: DeviceCredentials[];
  vehicleId: string;
  cylinders: string[];
  customers: string[];
}

const MODEL_MAX: Record<number, number> = { 5: 4.83, 15: 14.5, 50: 48.33 };

export function startDemoSimulators(deps: DemoSimulatorDeps): DemoSimulator {
  const stats: SimStats = { rounds: 0, fills: 0, deliveries: 0, violations: 0, failures: 0 };
  const every = deps.violationEvery ?? 6;
  let cast: Cast | undefined;
  let scales: ScaleSimulator | undefined;
  let idle: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = round().finally(() => schedule(deps.intervalMs));
    }, ms);
    timer.unref();
  };

  async function round(): Promise<void> {
    try {
      if (!cast) {
        cast = await castOf(deps);
        if (!cast) return;
        keepIdleScalesAlive(cast);
        void startScales(cast);
      }
      const n = stats.rounds++;
      if (n % every === 0) await violation(cast, n / every);
      if (!scales) await fillOne(cast);
      await deliverOne(cast);
    } catch (error) {
      stats.failures++;
      deps.logger.warn({ err: error }, 'demo simulator: a round failed');
    }
  }

  /** The scales nobody fills on: a heartbeat now and each minute (the station's too, until its simulator runs it). */
  function keepIdleScalesAlive(c: Cast): void {
    const beat = async () => {
      const idleOnes = c.scales.filter((k) => !(scales && k.id === c.scaleId));
      await Promise.all(
        idleOnes.map(async (k) => {
          const res = await new DeviceClient(deps.baseUrl, k, Date.now).call('POST', '/api/v1/device/heartbeat', { firmware: 'QS-200 v2.4.1', sequence: 0, bufferedReports: 0 });
          if (res.status !== 200) deps.logger.debug({ device: k.id, status: res.status }, 'demo simulator: an idle scale\'s heartbeat was refused');
        }),
      ).catch((error: unknown) => deps.logger.debug({ err: error }, 'demo simulator: idle scales\' heartbeat failed'));
      if (!stopped) {
        idle = setTimeout(() => void beat(), deps.heartbeatMs ?? 60_000);
        idle.unref();
      }
    };
    void beat();
  }

  /** The signed-device scale simulator as the demo city's scale at 安达's station, in the background (its provisioning reads the station's cylinders). */
  async function startScales(c: Cast): Promise<void> {
    const rate = deps.scaleRate ?? 30;
    const own = c.scales.find((k) => k.id === c.scaleId);
    if (rate <= 0 || !own) return;
    try {
      const sim = await startScaleSimulator({
        baseUrl: deps.baseUrl, admin: { token: signAccessToken(deps.jwtSecret, c.admin) }, stations: 1, scalesPerStation: 1, rate, behaviour: { maxFillWaitMs: 20_000 },
        registered: new Map([[c.stationId, [own]]]),
      });
      if (stopped) await sim.stop();
      else scales = sim;
    } catch (error) {
      deps.logger.warn({ err: error }, 'demo simulator: the scale simulator did not start; fills take the simple path');
    }
  }

  async function states(c: Cast, sample: number): Promise<CylinderProjection[]> {
    const start = Math.floor(Math.random() * Math.max(1, c.cylinders.length - sample));
    return deps.components.ledger.cylinderStates(c.cylinders.slice(start, start + sample));
  }

  async function record(input: Record<string, unknown>, actor: Parameters<Components['ledger']['append']>[1]): Promise<boolean> {
    const outcome = await deps.components.ledger.append({ eventId: randomUUID(), occurredAt: new Date().toISOString(), where: {}, payload: {}, ...input }, actor);
    return outcome.status === 'accepted';
  }

  async function fillOne(c: Cast, overfill = false): Promise<void> {
    const now = new Date();
    const atStation = (await states(c, 300)).filter((p) => (p.state === 'empty_at_station' || p.state === 'inspected_at_station') && p.place?.siteId === c.stationId);
    const refs = await deps.components.registry.cylinderRefs({ ids: atStation.map((p) => p.cylinderId), grais: [] });
    // An operator sets aside what is due for inspection or past its life (the yard keeps some: the registry shows them).
    const fillable = (id: string) => {
      const r = refs.get(`id:${id}`);
      return !!r && !r.scrappedAt && !(r.nextInspectionDate && r.nextInspectionDate <= now) && !(r.serviceLifeEndsAt && r.serviceLifeEndsAt <= now);
    };
    const empty = atStation.find((p) => fillable(p.cylinderId));
    if (!empty) return;
    const worker = { kind: 'user' as const, id: 'demo-simulator', role: 'filling_operator', enterpriseId: c.enterpriseId, workerId: c.operatorWorkerId };
    if (empty.state === 'empty_at_station' && !(await record({ cylinderId: empty.cylinderId, type: 'inspect', where: { siteId: c.stationId }, payload: { result: 'pass' } }, worker))) return;
    const summary = refs.get(`id:${empty.cylinderId}`);
    const nominal = summary?.nominalKg ?? 15;
    const permitted = MODEL_MAX[nominal] ?? 14.5;
    const net = Math.round((overfill ? permitted * 1.08 : permitted * (0.975 + Math.random() * 0.02)) * 100) / 100;
    const tare = summary?.tareKg ?? 14.5;
    const filled = await record(
      { cylinderId: empty.cylinderId, type: 'fill', where: { siteId: c.stationId }, payload: { tareKg: tare, grossKg: Math.round((tare + net) * 100) / 100, netKg: net, durationS: 60 + Math.round(Math.random() * 40), operatorWorkerId: c.operatorWorkerId } },
      { kind: 'device', id: c.scaleId, enterpriseId: c.enterpriseId },
    );
    if (filled) stats.fills++;
  }

  async function deliverOne(c: Cast): Promise<void> {
    const sample = await states(c, 400);
    const full = sample.find((p) => p.state === 'full_at_station' && p.place?.siteId === c.stationId && !(p.holds ?? []).length);
    let loaded = sample.find((p) => p.state === 'in_transit' && p.place?.vehicleId === c.vehicleId);
    if (!loaded && full) {
      await api(c.delivery, 'loads', { visitId: randomUUID(), occurredAt: new Date().toISOString(), siteId: c.stationId, vehicleId: c.vehicleId, cylinders: [{ cylinderId: full.cylinderId }] });
      loaded = full;
    }
    if (!loaded) return;
    const customerId = c.customers[Math.floor(Math.random() * c.customers.length)] as string;
    const contact = await deps.components.registry.customerContact(customerId);
    if (!contact) return;
    const held = await deps.components.ledger.cylindersWithCustomer(customerId, 5);
    const body = {
      visitId: randomUUID(),
      occurredAt: new Date().toISOString(),
      customerId,
      vehicleId: c.vehicleId,
      deliver: { cylinders: [{ cylinderId: loaded.cylinderId }] },
      ...(held[0] ? { collect: { returnTo: c.stationId, cylinders: [{ cylinderId: held[0].cylinderId }] } } : {}),
      confirmation: { method: 'phone_last4', phoneLast4: contact.phone.slice(-4) },
    };
    if ((await api(c.delivery, 'visits', body)) < 300) stats.deliveries++;
  }

  /** A violation a regulator is alerted to at once, in turn: an out-of-city cylinder delivered, an overfill. */
  async function violation(c: Cast, k: number): Promise<void> {
    stats.violations++;
    if (k % 2 === 1) return fillOne(c, true);
    const serial = `HNYZ${2016 + (k % 6)}${String(Math.floor(Math.random() * 99_999)).padStart(5, '0')}`;
    const customerId = c.customers[Math.floor(Math.random() * c.customers.length)] as string;
    const contact = await deps.components.registry.customerContact(customerId);
    // Refused (no such cylinder in the city) and kept: supervision raises OUT_OF_CITY_CYLINDER on the stamp.
    await api(c.delivery, 'visits', {
      visitId: randomUUID(), occurredAt: new Date().toISOString(), customerId, vehicleId: c.vehicleId,
      deliver: { cylinders: [{ serial }] }, confirmation: { method: 'phone_last4', phoneLast4: (contact?.phone ?? '0000').slice(-4) },
    });
  }

  async function api(principal: Principal, flow: string, body: unknown): Promise<number> {
    const res = await fetch(`${deps.baseUrl}/api/v1/deliveries/${flow}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${signAccessToken(deps.jwtSecret, principal)}` },
      body: JSON.stringify(body),
    });
    if (res.status >= 300 && res.status !== 409 && res.status !== 422) deps.logger.debug({ flow, status: res.status }, 'demo simulator: delivery flow answered');
    await res.arrayBuffer();
    return res.status;
  }

  schedule(Math.min(3_000, deps.intervalMs));
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (idle) clearTimeout(idle);
      await running;
      await scales?.stop();
    },
    stats: () => ({ ...stats, scalesRunning: !!scales }),
  };
}

/** Who plays: the demo accounts of 安达, its station and scale, a vehicle, its cylinders and customers (undefined without the demo city). */
async function castOf(deps: DemoSimulatorDeps): Promise<Cast | undefined> {
  const users = deps.components.auth.userRepository;
  const [admin, delivery, operator, city] = await Promise.all(['demo.admin', 'demo.delivery', 'demo.operator', 'demo.city'].map((u) => users.findByUsername(u)));
  if (!admin?.enterpriseId || !delivery?.workerId || !operator?.workerId || !city) return undefined;
  const principal = (u: typeof admin): Principal => ({
    kind: 'user', userId: u.id, username: u.username, role: u.role, enterpriseId: u.enterpriseId ?? undefined, ...(u.workerId ? { workerId: u.workerId } : {}),
  } as Principal);
  const adminP = principal(admin);
  const s = deps.components.registry.services;
  const list = async (resource: 'sites' | 'vehicles' | 'cylinders' | 'customers', pages: number, query: Record<string, unknown> = {}) => {
    const out: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    for (let p = 0; p < pages; p++) {
      const page = await s[resource].list(adminP, { limit: 200, ...query, ...(cursor ? { cursor } : {}) } as never);
      out.push(...page.items);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return out;
  };
  const station = (await list('sites', 1)).find((x) => x.kind === 'filling_station');
  const vehicle = (await list('vehicles', 1)).find((x) => x.kind === 'van' || x.kind === 'tricycle') ?? (await list('vehicles', 1))[0];
  const registered = await cityScales(deps, principal(city));
  const scale = registered.find((d) => d.siteId === station?.id);
  if (!station || !vehicle || !scale) return undefined;
  const scales: DeviceCredentials[] = [];
  for (const d of registered) {
    const secret = await deps.components.devices.deviceSecret(d.id);
    if (secret) scales.push({ id: d.id, secret });
  }
  const cylinders = (await list('cylinders', 5)).map((x) => String(x.id));
  const customers = (await list('customers', 2)).map((x) => String(x.id));
  deps.logger.info({ cylinders: cylinders.length, customers: customers.length }, 'demo simulators running (DEMO_SIMULATION=off stops them)');
  return {
    admin: adminP, delivery: principal(delivery), operatorWorkerId: operator.workerId, enterpriseId: admin.enterpriseId, stationId: String(station.id), scaleId: scale.id, scales,
    vehicleId: String(vehicle.id), cylinders, customers,
  };
}

/** The city's active scales, as its regulator lists them (GET /devices, every page). */
async function cityScales(deps: DemoSimulatorDeps, regulator: Principal): Promise<{ id: string; siteId: string }[]> {
  const out: { id: string; siteId: string }[] = [];
  let cursor: string | undefined;
  do {
    const res = await fetch(`${deps.baseUrl}/api/v1/devices?status=active&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: { authorization: `Bearer ${signAccessToken(deps.jwtSecret, regulator)}` } });
    const page = (await res.json()) as { items?: { id: string; siteId: string }[]; nextCursor?: string | null };
    out.push(...(page.items ?? []));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && out.length < 1_000);
  return out;
}
