import { randomBytes } from 'node:crypto';
import type { DeviceCredentials, UserClient } from './sim.client';

/**
 * Provisioning, through the API only: the enterprise's filling stations (created by the regulator
 * login when there are fewer than asked for), one certified filling operator each, the scales
 * registered at them (POST /devices, the secret kept from its one showing), the station's
 * cylinders (commissioned when they are not, their QR URI read), a vehicle and a supply point to
 * send filled cylinders round so that they come back empty.
 */

export type Whereabouts = 'fillable' | 'full' | 'in_transit' | 'at_supply_point' | 'with_customer' | 'bad';

export interface SimCylinder {
  id: string;
  /** What its QR label holds (the Digital Link URI), or the serial when it has no code. */
  code: string;
  serial: string;
  nominalKg: number;
  tareKg: number;
  where: Whereabouts;
  /** Taken by a scale right now (no two scales fill one cylinder). */
  busy: boolean;
  /** Why it is a bad cylinder to present, as the registry's status says. */
  bad?: 'overdue' | 'scrapped' | 'past_service_life';
}

export interface SimStation {
  id: string;
  name: string;
  operators: string[];
  scales: DeviceCredentials[];
  cylinders: SimCylinder[];
}

export interface SimWorld {
  enterpriseId: string;
  stations: SimStation[];
  vehicleId?: string;
  supplyPointId?: string;
}

export interface ProvisionOptions {
  admin: UserClient;
  /** A city or district regulator: creates the missing stations (licences verified) and their operators. */
  regulator?: UserClient;
  stations: number;
  scalesPerStation: number;
  /** Cylinders each station should have at least (registered and commissioned when fewer). */
  cylindersPerStation: number;
  /** Names the scales and records this run creates. */
  runId: string;
  /** Scales registered already, by station id: used instead of registering new ones there (the living demo's). */
  registered?: ReadonlyMap<string, readonly DeviceCredentials[]>;
}

interface SiteView {
  id: string;
  name: string;
  kind: string;
  enterpriseId: string;
  districtCode: string;
  active: boolean;
}
interface CylinderView {
  id: string;
  serial: string;
  grai?: string;
  nominalKg: number;
  tareKg?: number;
  status: string;
}

const TARE: Record<number, number> = { 5: 7.5, 15: 14.5, 50: 42 };
const day = (offsetYears: number) => {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() + offsetYears);
  return d.toISOString().slice(0, 10);
};
const credential = (prefix: string) => ({ number: `${prefix}${randomBytes(4).toString('hex').toUpperCase()}`, validFrom: day(-1), validTo: day(3) });

/** A resident ID number with its GB 11643 check character (the registry checks it). */
function residentId(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, digit, i) => acc + Number(digit) * (weights[i] ?? 0), 0);
  return `${first17}${'10X98765432'[sum % 11] ?? '0'}`;
}

/** The states a timeline's last event leaves a cylinder in, as the simulator tracks them. */
function whereaboutsOf(state: string | undefined): Whereabouts {
  switch (state) {
    case undefined:
    case 'empty_at_station':
    case 'inspected_at_station':
      return 'fillable';
    case 'full_at_station':
      return 'full';
    case 'in_transit':
    case 'at_supply_point':
    case 'with_customer':
      return state;
    default:
      return 'bad';
  }
}

async function currentState(admin: UserClient, cylinderId: string): Promise<string | undefined> {
  const events = await admin.all<{ toState: string }>(`/api/v1/cylinders/${cylinderId}/events`, 100_000);
  return events[events.length - 1]?.toState;
}

async function stationsOf(options: ProvisionOptions, enterpriseId: string, districtCode: string): Promise<SiteView[]> {
  const own = (await options.admin.all<SiteView>('/api/v1/sites?kind=filling_station&active=true')).filter((s) => s.enterpriseId === enterpriseId);
  const missing = options.stations - own.length;
  if (missing <= 0) return own.slice(0, options.stations);
  if (!options.regulator) {
    throw new Error(`the enterprise has ${own.length} filling station(s) and ${options.stations} were asked for: give a regulator login (--regulator-username) to create the others, or ask for fewer`);
  }
  for (let i = 0; i < missing; i++) {
    const n = own.length + 1;
    const body = {
      kind: 'filling_station',
      name: `模拟充装站${n}（${options.runId}）`,
      code: `SIM${options.runId.slice(0, 4).toUpperCase()}${n}`,
      districtCode,
      address: `模拟路${n}号`,
      coordinates: [113.05 + n * 0.01, 23.68 + n * 0.005],
      licence: credential('粤清燃站'),
      fillingLicence: credential('TS42440'),
      enterpriseId,
    };
    own.push(await options.regulator.expect<SiteView>('POST', '/api/v1/sites', body, [201]));
  }
  return own;
}

async function operatorsOf(options: ProvisionOptions, enterpriseId: string, station: SiteView, index: number): Promise<string[]> {
  const workers = await options.admin.all<{ staffNumber?: string; role: string; certificateStatus: string; active: boolean }>(`/api/v1/workers?role=filling_operator&siteId=${station.id}`);
  const certified = workers.filter((w) => w.active && w.staffNumber && (w.certificateStatus === 'valid' || w.certificateStatus === 'expiring')).map((w) => w.staffNumber as string);
  if (certified.length > 0) return certified;
  if (!options.regulator) throw new Error(`filling station ${station.name} has no certified filling operator: give a regulator login to register one`);
  const staffNumber = `SIM${index + 1}${randomBytes(2).toString('hex').toUpperCase()}`;
  const idNumber = residentId(`44180219800101${String(Math.floor(Math.random() * 900) + 100)}`);
  await options.regulator.expect('POST', '/api/v1/workers', { realName: `模拟充装工${index + 1}`, staffNumber, idNumber, role: 'filling_operator', certificate: credential('AQPX'), enterpriseId, siteId: station.id }, [201]);
  return [staffNumber];
}

async function cylindersOf(options: ProvisionOptions, station: SiteView): Promise<SimCylinder[]> {
  const { admin } = options;
  let rows = await admin.all<CylinderView>(`/api/v1/cylinders?fillingSiteId=${station.id}`);
  const serviceable = rows.filter((c) => c.status === 'in_service').length;
  for (let k = serviceable; k < options.cylindersPerStation; k++) {
    const nominalKg = ([15, 15, 15, 5, 50] as const)[k % 5] ?? 15;
    const serial = `SIM${options.runId.slice(0, 4).toUpperCase()}${randomBytes(4).toString('hex').toUpperCase()}`;
    rows.push(await admin.expect<CylinderView>('POST', '/api/v1/cylinders', { serial, manufacturer: '模拟气瓶厂', manufactureDate: day(-1), nominalKg, tareKg: TARE[nominalKg], fillingSiteId: station.id, lastInspectionDate: day(0), designLifeYears: 8 }, [201]));
  }
  rows = rows.slice(0, Math.max(options.cylindersPerStation * 2, 200));
  const cylinders: SimCylinder[] = [];
  for (const c of rows) {
    const bad = c.status === 'overdue_inspection' ? 'overdue' : c.status === 'scrapped' ? 'scrapped' : c.status === 'past_service_life' ? 'past_service_life' : undefined;
    let code = c.serial;
    let state: string | undefined;
    if (!c.grai && !bad) {
      const commissioned = await admin.expect<{ code: { uri: string } }>('POST', `/api/v1/cylinders/${c.id}/commission`, {}, [200, 201]);
      code = commissioned.code.uri;
      state = 'empty_at_station';
    } else if (c.grai) {
      const read = await admin.call<{ uri?: string }>('GET', `/api/v1/cylinders/${c.id}/code`);
      if (read.status === 200 && read.body.uri) code = read.body.uri;
      state = await currentState(admin, c.id);
    }
    cylinders.push({ id: c.id, code, serial: c.serial, nominalKg: c.nominalKg, tareKg: c.tareKg ?? TARE[c.nominalKg] ?? 14.5, where: bad ? 'bad' : whereaboutsOf(state), busy: false, ...(bad ? { bad } : {}) });
  }
  return cylinders;
}

async function registerScales(options: ProvisionOptions, station: SiteView, index: number): Promise<DeviceCredentials[]> {
  const known = options.registered?.get(station.id);
  if (known?.length) return known.slice(0, options.scalesPerStation);
  const scales: DeviceCredentials[] = [];
  for (let k = 0; k < options.scalesPerStation; k++) {
    const created = await options.admin.expect<{ deviceId: string; secret: string }>('POST', '/api/v1/devices', { siteId: station.id, name: `模拟灌装秤 ${index + 1}-${k + 1}（${options.runId}）` }, [201]);
    scales.push({ id: created.deviceId, secret: created.secret });
  }
  return scales;
}

export async function provision(options: ProvisionOptions): Promise<SimWorld> {
  const { admin } = options;
  const own = await admin.all<SiteView>('/api/v1/sites?kind=filling_station&active=true');
  const enterpriseId = own[0]?.enterpriseId ?? (await admin.expect<{ enterpriseId?: string }>('GET', '/api/v1/auth/me', undefined, [200])).enterpriseId;
  if (!enterpriseId) throw new Error('the admin login is not an enterprise administrator');
  const districtCode = own[0]?.districtCode ?? '441802';
  const stations = await stationsOf(options, enterpriseId, districtCode);
  const world: SimWorld = { enterpriseId, stations: [] };
  for (const [i, station] of stations.entries()) {
    const operators = await operatorsOf(options, enterpriseId, station, i);
    const cylinders = await cylindersOf(options, station);
    const scales = await registerScales(options, station, i);
    world.stations.push({ id: station.id, name: station.name, operators, scales, cylinders });
  }
  const vehicles = await admin.all<{ id: string; active: boolean; permitStatus: string }>('/api/v1/vehicles?active=true');
  const vehicle = vehicles.find((v) => v.permitStatus === 'valid' || v.permitStatus === 'expiring');
  if (vehicle) world.vehicleId = vehicle.id;
  const points = await admin.all<SiteView & { status?: string }>('/api/v1/sites?kind=supply_point&active=true&status=valid');
  const point = points.find((p) => p.enterpriseId === enterpriseId);
  if (point) world.supplyPointId = point.id;
  return world;
}
