/**
 * The demo city as plain data: registry records as their create bodies (without the ids the
 * registry assigns), and a year of ledger events that name records by their index in these lists.
 * Nothing here touches a database: `generateCity` is pure and `cityDigest` hashes exactly this.
 */
export interface Credential {
  number: string;
  scope?: string;
  issuer?: string;
  validFrom?: string;
  validTo: string;
  suspendedAt?: string;
  revokedAt?: string;
}

export type LicenceState = 'valid' | 'expiring' | 'suspended' | 'unverified' | 'expired' | 'missing';

export interface CityEnterprise {
  name: string;
  districtCode: string;
  address: string;
  /** Absent for the enterprise still applying for it (state 'unverified'): it submits its licence itself. */
  licence?: Credential & { scope: string; issuer: string; validFrom: string };
  /** What a regulator should see on the licence today (checked by the test, shown in the README). */
  state: LicenceState;
  /** The enterprise submits its renewal (or, still applying, its first licence) itself: it waits for a regulator's verification. */
  pendingRenewal?: Credential;
  /** Districts it delivers in (its customers and supply points are there). */
  serves: string[];
}

export interface CitySite {
  enterprise: number;
  kind: 'filling_station' | 'supply_point';
  name: string;
  code: string;
  districtCode: string;
  address: string;
  coordinates: [number, number];
  licence: Credential;
  fillingLicence?: Credential;
  state: LicenceState;
  /** Registered by the enterprise itself (its licence is unverified until a regulator checks it). */
  byEnterprise?: boolean;
}

export interface CityVehicle {
  enterprise: number;
  plate: string;
  kind: 'cylinder_truck' | 'van' | 'tricycle';
  permit?: Credential;
}

export interface CityWorker {
  enterprise: number;
  site?: number;
  realName: string;
  staffNumber: string;
  idNumber: string;
  role: 'filling_operator' | 'delivery_worker' | 'other';
  certificate?: Credential;
  state: LicenceState;
  byEnterprise?: boolean;
}

export interface CityCustomer {
  enterprise: number;
  kind: 'household' | 'business';
  realName: string;
  idNumber?: string;
  phone: string;
  address: string;
  districtCode: string;
  coordinates: [number, number];
}

export interface CityCylinder {
  enterprise: number;
  /** The filling station it is registered to (a site index). */
  station: number;
  serial: string;
  manufacturer: string;
  manufactureDate: string;
  nominalKg: 5 | 15 | 50;
  tareKg: number;
  lastInspectionDate: string;
  designLifeYears: number;
}

/** Who records an event: a worker's handheld, a station's scale (with its operator), or the city regulator (periodic inspections). */
export type CityActor = { kind: 'worker'; worker: number } | { kind: 'scale'; station: number; operator: number } | { kind: 'regulator' };

export interface CityEvent {
  /** Deterministic UUID: loading the same city twice answers every event as a duplicate. */
  eventId: string;
  type: 'commission' | 'inspect' | 'fill' | 'dispatch' | 'receive' | 'sell' | 'hand_over' | 'return_empty' | 'periodic_inspection' | 'scrap' | 'reweigh';
  occurredAt: string;
  /** The cylinder's index, or a steel stamp the city never registered (an out-of-city cylinder). */
  cylinder: number | { serial: string; enterprise: number };
  by: CityActor;
  site?: number;
  vehicle?: number;
  customer?: number;
  coordinates?: [number, number];
  payload: Record<string, unknown>;
  /** Why it exists beyond the normal flow (planted cases): the capture path is expected to refuse it, or alerts to flag it. */
  planted?: PlantedCase;
}

export const PLANTED_CASES = ['unlicensed_supply_point', 'diversion_site', 'out_of_city_cylinder', 'cloned_code', 'overfilling_station', 'untrained_worker', 'suspended_enterprise', 'overdue_fill'] as const;
export type PlantedCase = (typeof PLANTED_CASES)[number];

export interface Planted {
  /** A supply point whose licence expired: its receipts since are refused (UNLICENSED_SELLER). */
  unlicensedSupplyPoint: number;
  /** A supply point that receives many cylinders none of which is ever handed to a registered customer. */
  diversionSite: number;
  /** Steel stamps never registered in the city, scanned in circulation. */
  outOfCitySerials: string[];
  /** One code seen at two places 100 km apart within half an hour. */
  clonedCylinder: number;
  /** The station whose scale reports overfills. */
  overfillingStation: number;
  /** A delivery worker with no training certificate who keeps trying to work. */
  untrainedWorker: number;
}

export interface City {
  seed: string;
  scale: number;
  /** The day the history ends (UTC midnight, ISO): every date is relative to it. */
  anchor: string;
  enterprises: CityEnterprise[];
  sites: CitySite[];
  vehicles: CityVehicle[];
  workers: CityWorker[];
  customers: CityCustomer[];
  cylinders: CityCylinder[];
  /** In occurredAt order (each cylinder's events in chain order). */
  events: CityEvent[];
  planted: Planted;
}
