import { idNumberCheckChar } from '../../src/components/registry/registry.pii';
import type { CityCustomer, CityCylinder, CityEnterprise, CitySite, CityVehicle, CityWorker, Credential, LicenceState } from './city.types';
import { MANUFACTURERS, eateryName, personName, townShort } from './names';
import { DISTRICTS, districtOf, type District, type Town } from './places';
import type { Random } from './prng';

const ISSUER = '清远市城市管理和综合执法局';
const SCOPE = '瓶装液化石油气';
const DAY_MS = 86_400_000;
/** The platform went live this many days before the anchor: the history covers them. */
export const HISTORY_DAYS = 365;

/** Dates relative to the anchor day, as the registry's ISO days. */
export interface Calendar {
  anchor: Date;
  day(offsetDays: number): string;
  years(offsetYears: number, extraDays?: number): string;
}

export function calendar(anchor: Date): Calendar {
  return {
    anchor,
    day: (offset) => new Date(anchor.getTime() + Math.round(offset) * DAY_MS).toISOString().slice(0, 10),
    years: (offset, extra = 0) => {
      const d = new Date(anchor.getTime());
      d.setUTCFullYear(d.getUTCFullYear() + offset);
      return new Date(d.getTime() + Math.round(extra) * DAY_MS).toISOString().slice(0, 10);
    },
  };
}

interface EnterprisePlan {
  name: string;
  home: string;
  serves: string[];
  state: LicenceState;
  /** Supply points at full scale; a filling station when true. */
  points: number;
  station: boolean;
  /** Share of the city's cylinders and customers among the station enterprises. */
  share: number;
}

/** Twelve enterprises: six run a filling station with their own cylinders, six are supply-point dealers. */
const PLANS: readonly EnterprisePlan[] = [
  { name: '清远市安达燃气有限公司', home: '441802', serves: ['441802', '441821'], state: 'valid', points: 8, station: true, share: 26 },
  { name: '英德市恒通液化气有限公司', home: '441881', serves: ['441881'], state: 'expiring', points: 6, station: true, share: 20 },
  { name: '清新区太和燃气有限公司', home: '441803', serves: ['441803', '441802'], state: 'valid', points: 6, station: true, share: 18 },
  { name: '连州市湟川液化气有限公司', home: '441882', serves: ['441882', '441826', '441825'], state: 'valid', points: 6, station: true, share: 16 },
  { name: '阳山县贤令燃气有限公司', home: '441823', serves: ['441823'], state: 'valid', points: 4, station: true, share: 11 },
  { name: '佛冈县顺安燃气有限公司', home: '441821', serves: ['441821'], state: 'suspended', points: 3, station: true, share: 9 },
  { name: '清远市北江能源有限公司', home: '441802', serves: ['441802'], state: 'valid', points: 2, station: false, share: 0 },
  { name: '英德市英华燃气有限公司', home: '441881', serves: ['441881'], state: 'expiring', points: 1, station: false, share: 0 },
  { name: '连山县福民液化气有限公司', home: '441825', serves: ['441825'], state: 'valid', points: 1, station: false, share: 0 },
  { name: '连南县瑶乡燃气有限公司', home: '441826', serves: ['441826'], state: 'valid', points: 1, station: false, share: 0 },
  { name: '清新区山塘液化气供应有限公司', home: '441803', serves: ['441803'], state: 'valid', points: 1, station: false, share: 0 },
  { name: '清城区凤城燃气服务有限公司', home: '441802', serves: ['441802'], state: 'unverified', points: 1, station: false, share: 0 },
];

/** Index of the enterprise whose scale overfills (阳山) and whose site holds no licence any more (英德's). */
export const OVERFILL_ENTERPRISE = 4;
export const UNLICENSED_ENTERPRISE = 1;
export const DIVERSION_ENTERPRISE = 2;
export const SUSPENDED_ENTERPRISE = 5;

export interface RegistryPlan {
  enterprises: CityEnterprise[];
  sites: CitySite[];
  vehicles: CityVehicle[];
  workers: CityWorker[];
  customers: CityCustomer[];
  cylinders: CityCylinder[];
  /** Per enterprise: its station's site index (station enterprises only). */
  stationOf: Map<number, number>;
  unlicensedSupplyPoint: number;
  diversionSite: number;
  untrainedWorker: number;
}

function jitter(random: Random, at: readonly [number, number], km: number): [number, number] {
  const dLat = ((random.next() - 0.5) * 2 * km) / 111;
  const dLng = ((random.next() - 0.5) * 2 * km) / (111 * Math.cos((at[1] * Math.PI) / 180));
  return [Math.round((at[0] + dLng) * 1e5) / 1e5, Math.round((at[1] + dLat) * 1e5) / 1e5];
}

function streetAddress(random: Random, d: District, town: Town): string {
  return `${d.name}${town.name}${random.pick(town.streets)}${random.int(1, 288)}号`;
}

function homeAddress(random: Random, d: District, town: Town): string {
  if (town.villages && random.chance(0.7)) return `${d.name}${town.name}${random.pick(town.villages)}村${random.int(1, 160)}号`;
  if (random.chance(0.5)) return `${d.name}${town.name}${random.pick(d.estates)}${random.int(1, 32)}栋${random.int(1, 30)}0${random.int(1, 6)}房`;
  return `${d.name}${town.name}${random.pick(town.streets)}${random.int(1, 360)}号${random.int(1, 8)}0${random.int(1, 4)}`;
}

/** Towns weighted towards the county seat (the first town), where most people live. */
function aTown(random: Random, d: District): Town {
  return random.weighted(d.towns.map((t, i) => [t, i === 0 ? d.towns.length : 1] as const));
}

/** Generates the registry of the city at `scale` (1 = the full demo). */
export function planRegistry(root: Random, scale: number, cal: Calendar): RegistryPlan {
  const unique = uniqueness();
  const n = (full: number, min: number) => Math.max(min, Math.round(full * scale));
  const licence = (random: Random, prefix: string, state: LicenceState): Credential => {
    const validFrom = cal.years(-random.int(2, 4), -random.int(0, 200));
    switch (state) {
      case 'expiring':
        return { number: unique.code(random, prefix), validFrom, validTo: cal.day(random.int(12, 25)) };
      case 'expired':
        return { number: unique.code(random, prefix), validFrom: cal.years(-4), validTo: cal.day(-random.int(40, 90)) };
      case 'suspended':
        return { number: unique.code(random, prefix), validFrom, validTo: cal.years(2, random.int(0, 300)), suspendedAt: cal.day(-20) };
      default:
        return { number: unique.code(random, prefix), validFrom, validTo: cal.years(random.int(1, 3), random.int(0, 300)) };
    }
  };

  const er = root.fork('enterprises');
  const enterprises: CityEnterprise[] = PLANS.map((p) => {
    const d = districtOf(p.home);
    const lic = licence(er, `粤清燃经${d.code.slice(4)}-`, p.state === 'unverified' ? 'valid' : p.state);
    return {
      name: p.name,
      districtCode: p.home,
      address: streetAddress(er, d, d.towns[0] as Town),
      // 凤城 is still applying: registered without a licence, it has submitted the paper, which awaits verification.
      ...(p.state === 'unverified' ? {} : { licence: { ...lic, scope: SCOPE, issuer: ISSUER, validFrom: lic.validFrom as string } }),
      state: p.state,
      serves: [...p.serves],
      ...(p.state === 'expiring' || p.state === 'unverified' ? { pendingRenewal: { number: unique.code(er, `粤清燃经${d.code.slice(4)}-`), scope: SCOPE, issuer: ISSUER, validFrom: cal.day(-3), validTo: cal.years(5) } } : {}),
    };
  });

  const sr = root.fork('sites');
  const sites: CitySite[] = [];
  const stationOf = new Map<number, number>();
  let unlicensedSupplyPoint = -1;
  let diversionSite = -1;
  PLANS.forEach((p, e) => {
    const home = districtOf(p.home);
    if (p.station) {
      // Stations stand outside the county seat, in a town on the edge (safety distances).
      const town = home.towns[1] ?? (home.towns[0] as Town);
      stationOf.set(e, sites.length);
      sites.push({
        enterprise: e, kind: 'filling_station', name: `${p.name.replace(/(有限公司)$/, '')}${townShort(town.name)}充装站`, code: 'S01', districtCode: home.code,
        address: streetAddress(sr, home, town), coordinates: jitter(sr, town.at, 2), licence: licence(sr, '粤清燃站', 'valid'), fillingLicence: licence(sr, 'TS4244', 'valid'), state: 'valid',
      });
    }
    const points = n(p.points, p.station ? 2 : 1);
    for (let k = 0; k < points; k++) {
      const d = districtOf(p.serves[k % p.serves.length] as string);
      const town = k < p.serves.length ? (d.towns[0] as Town) : aTown(sr, d);
      let state: LicenceState = 'valid';
      if (e === UNLICENSED_ENTERPRISE && k === 1) state = 'expired';
      const byEnterprise = p.state === 'unverified';
      if (state === 'expired') unlicensedSupplyPoint = sites.length;
      if (e === DIVERSION_ENTERPRISE && k === 1) diversionSite = sites.length;
      sites.push({
        enterprise: e, kind: 'supply_point', name: `${townShort(town.name)}${sr.pick(['', '', '中心', '便民', '城南', '城北'])}供应站`, code: `S${String(k + 2).padStart(2, '0')}`,
        districtCode: d.code, address: streetAddress(sr, d, town), coordinates: jitter(sr, town.at, 1.5), licence: licence(sr, '粤清燃点', state === 'expired' ? 'expired' : 'valid'),
        state: byEnterprise ? 'unverified' : state, ...(byEnterprise ? { byEnterprise } : {}),
      });
    }
  });
  distinctSiteNames(sites);

  const vr = root.fork('vehicles');
  const vehicles: CityVehicle[] = [];
  PLANS.forEach((p, e) => {
    const count = p.station ? n(Math.round(p.share * 0.55), 3) : 1;
    for (let k = 0; k < count; k++) {
      const kind = p.station ? (k < Math.max(1, Math.round(count / 3)) ? 'cylinder_truck' : vr.pick(['van', 'tricycle'] as const)) : 'van';
      vehicles.push({ enterprise: e, plate: unique.plate(vr), kind, permit: licence(vr, '粤交运危', 'valid') });
    }
  });

  const wr = root.fork('workers');
  const workers: CityWorker[] = [];
  let untrainedWorker = -1;
  PLANS.forEach((p, e) => {
    const station = stationOf.get(e);
    const staff: CityWorker['role'][] = [];
    if (station !== undefined) for (let k = 0; k < n(4, 2); k++) staff.push('filling_operator');
    const deliverers = p.station ? n(Math.round(p.share * 2.1), 3) : n(5, 2);
    for (let k = 0; k < deliverers; k++) staff.push('delivery_worker');
    for (let k = 0; k < (p.station ? n(3, 1) : 1); k++) staff.push('other');
    staff.forEach((role, k) => {
      let state: LicenceState = 'valid';
      const draw = wr.next();
      // The first of each role stays trained: demo accounts and simulators work as them.
      const first = staff.indexOf(role) === k;
      if (!first && role !== 'other' && draw < 0.05) state = 'expired';
      else if (!first && draw < 0.08) state = 'unverified';
      // 安达's newest delivery worker never took the safety training.
      if (e === 0 && k === staff.lastIndexOf('delivery_worker')) state = 'missing';
      if (p.state === 'unverified') state = 'unverified';
      if (state === 'missing') untrainedWorker = workers.length;
      const cert = state === 'missing' ? undefined : licence(wr, 'AQPX', state === 'expired' ? 'expired' : 'valid');
      workers.push({
        enterprise: e, ...(role === 'filling_operator' && station !== undefined ? { site: station } : {}), realName: personName(wr), staffNumber: `W${String(k + 1).padStart(3, '0')}`,
        idNumber: unique.idNumber(wr, p.home), role, ...(cert ? { certificate: cert } : {}), state, ...(state === 'unverified' ? { byEnterprise: true } : {}),
      });
    });
  });

  const cr = root.fork('customers');
  const customers: CityCustomer[] = [];
  const totalShare = PLANS.reduce((s, p) => s + p.share, 0);
  PLANS.forEach((p, e) => {
    // Dealers keep a few registered customers of their own (they sell the station enterprises' gas under contract).
    const count = p.station ? n((5_000 * p.share) / totalShare, 8) : n(20, 2);
    for (let k = 0; k < count; k++) {
      const d = districtOf(cr.weighted(p.serves.map((code, i) => [code, i === 0 ? 3 : 1] as const)));
      const town = aTown(cr, d);
      const business = cr.chance(0.14);
      customers.push({
        enterprise: e,
        kind: business ? 'business' : 'household',
        realName: business ? eateryName(cr, townShort(town.name)) : personName(cr),
        ...(business ? {} : { idNumber: unique.idNumber(cr, d.code) }),
        phone: unique.phone(cr),
        address: business ? streetAddress(cr, d, town) : homeAddress(cr, d, town),
        districtCode: d.code,
        coordinates: jitter(cr, town.at, 2.5),
      });
    }
  });

  const yr = root.fork('cylinders');
  const cylinders: CityCylinder[] = [];
  PLANS.forEach((p, e) => {
    const station = stationOf.get(e);
    if (station === undefined) return;
    const count = n((20_000 * p.share) / totalShare, 24);
    for (let k = 0; k < count; k++) {
      const nominalKg = yr.weighted([[15, 74], [5, 16], [50, 10]] as const);
      const ageDays = yr.int(20, Math.round(8 * 365.25) + 300);
      const manufacture = new Date(cal.anchor.getTime() - ageDays * DAY_MS);
      // Inspected every four years from manufacture: the registry holds the last inspection before
      // the history begins (the history's periodic inspections move it on), never one that falls
      // due before the cylinder is coded in the platform's first weeks.
      const codedBy = cal.anchor.getTime() - (HISTORY_DAYS - 30) * DAY_MS;
      const cycles = Math.max(0, Math.floor((codedBy - manufacture.getTime()) / (4 * 365.25 * DAY_MS)));
      const lastInspection = new Date(manufacture.getTime());
      lastInspection.setUTCFullYear(lastInspection.getUTCFullYear() + 4 * cycles);
      if (cycles > 0) lastInspection.setTime(lastInspection.getTime() - yr.int(0, 5) * DAY_MS);
      const tare = { 5: 6.5, 15: 14.5, 50: 48 }[nominalKg] + Math.round((yr.next() - 0.5) * 6) / 10;
      cylinders.push({
        enterprise: e, station, serial: `QY${enterprises[e]?.districtCode.slice(4)}${String(e + 1).padStart(2, '0')}${String(k + 1).padStart(6, '0')}`, manufacturer: yr.pick(MANUFACTURERS),
        manufactureDate: manufacture.toISOString().slice(0, 10), nominalKg, tareKg: Math.round(tare * 10) / 10, lastInspectionDate: lastInspection.toISOString().slice(0, 10), designLifeYears: 8,
      });
    }
  });

  return { enterprises, sites, vehicles, workers, customers, cylinders, stationOf, unlicensedSupplyPoint, diversionSite, untrainedWorker };
}

/** Two supply points of one enterprise in one town get told apart by number. */
function distinctSiteNames(sites: CitySite[]): void {
  const seen = new Map<string, number>();
  for (const site of sites) {
    const key = `${site.enterprise}:${site.name}`;
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    if (count > 1) site.name = site.name.replace(/供应站$/, `第${'一二三四五六七八九十'.charAt(count - 1)}供应站`);
  }
}

const PLATE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const MOBILE_PREFIXES = ['134', '135', '136', '137', '138', '139', '150', '151', '152', '157', '158', '159', '186', '187', '188', '189', '133', '153', '180', '181'];

/** Natural keys drawn at random but never twice (ID numbers, phones, plates, credential numbers). */
function uniqueness() {
  const used = new Set<string>();
  const draw = (make: () => string): string => {
    for (;;) {
      const value = make();
      if (!used.has(value)) {
        used.add(value);
        return value;
      }
    }
  };
  return {
    idNumber: (random: Random, area: string) =>
      draw(() => {
        const birth = new Date(Date.UTC(random.int(1950, 2002), random.int(0, 11), random.int(1, 28)));
        const first17 = `${area}${birth.toISOString().slice(0, 10).replace(/-/g, '')}${String(random.int(0, 999)).padStart(3, '0')}`;
        return first17 + idNumberCheckChar(first17);
      }),
    phone: (random: Random) => draw(() => `${random.pick(MOBILE_PREFIXES)}${String(random.int(0, 99_999_999)).padStart(8, '0')}`),
    plate: (random: Random) => draw(() => `粤R${PLATE_LETTERS.charAt(random.int(0, PLATE_LETTERS.length - 1))}${String(random.int(0, 9999)).padStart(4, '0')}`),
    code: (random: Random, prefix: string) => draw(() => `${prefix}${random.int(2019, 2025)}${String(random.int(1, 9999)).padStart(4, '0')}`),
  };
}

export { DISTRICTS };
