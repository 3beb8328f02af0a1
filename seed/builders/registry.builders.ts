import type { CustomerCreate } from '../../src/components/registry/records/customers.schemas';
import type { CylinderCreate } from '../../src/components/registry/records/cylinders.schemas';
import type { EnterpriseCreate } from '../../src/components/registry/records/enterprises.schemas';
import type { SiteCreate } from '../../src/components/registry/records/sites.schemas';
import type { VehicleCreate } from '../../src/components/registry/records/vehicles.schemas';
import type { WorkerCreate } from '../../src/components/registry/records/workers.schemas';
import { aCredential, type CredentialInput } from './credential.builder';
import { aMobile, aPlate, anIdNumber, isoDay, next, yearsFrom } from './sequence';

type Licence = EnterpriseCreate['licence'];

/** `anEnterprise().inDistrict('441803').withLicence(l => l.expiring()).build()` → a POST /enterprises body. */
export function anEnterprise(now = new Date()) {
  const n = next();
  const input: EnterpriseCreate = {
    name: `清远测试燃气有限公司${n}`,
    districtCode: '441802',
    address: `清城区测试路${n}号`,
    licence: aCredential('粤清燃经', now).withScope('瓶装液化石油气', '清远市城市管理和综合执法局').build() as Licence,
  };
  const builder = {
    named(name: string) {
      input.name = name;
      return builder;
    },
    inDistrict(code: string) {
      input.districtCode = code;
      return builder;
    },
    withLicence(shape: (c: ReturnType<typeof aCredential>) => unknown) {
      const c = aCredential('粤清燃经', now).withScope('瓶装液化石油气', '清远市城市管理和综合执法局');
      shape(c);
      input.licence = c.build() as Licence;
      return builder;
    },
    /** An enterprise still applying for its licence: registered without one. */
    withoutLicence() {
      delete input.licence;
      return builder;
    },
    build: (): EnterpriseCreate => structuredClone(input),
  };
  return builder;
}

/** Filling stations and supply points; coordinates around Qingyuan's centre. */
export function aSite(now = new Date()) {
  const n = next();
  const input: SiteCreate = {
    kind: 'supply_point',
    name: `测试供应站${n}`,
    // The sequence is global, so built sites never share a station code within an enterprise.
    code: `S${n}`,
    districtCode: '441802',
    address: `清城区站前路${n}号`,
    coordinates: [113.05 + (n % 50) / 1000, 23.68 + (n % 50) / 1000],
    licence: aCredential('粤清燃站', now).build(),
  };
  const builder = {
    fillingStation() {
      input.kind = 'filling_station';
      input.name = `测试充装站${n}`;
      input.fillingLicence = aCredential('TS4244', now).build();
      return builder;
    },
    forEnterprise(id: string) {
      input.enterpriseId = id;
      return builder;
    },
    named(name: string) {
      input.name = name;
      return builder;
    },
    withCode(code: string) {
      input.code = code;
      return builder;
    },
    inDistrict(code: string) {
      input.districtCode = code;
      return builder;
    },
    at(lng: number, lat: number) {
      input.coordinates = [lng, lat];
      return builder;
    },
    withLicence(licence: CredentialInput) {
      input.licence = licence;
      return builder;
    },
    build: (): SiteCreate => structuredClone(input),
  };
  return builder;
}

export function aVehicle(now = new Date()) {
  const input: VehicleCreate = { plate: aPlate(), kind: 'cylinder_truck', permit: aCredential('粤交运危', now).build() };
  const builder = {
    forEnterprise(id: string) {
      input.enterpriseId = id;
      return builder;
    },
    withPlate(plate: string) {
      input.plate = plate;
      return builder;
    },
    withoutPermit() {
      delete input.permit;
      return builder;
    },
    withPermit(permit: CredentialInput) {
      input.permit = permit;
      return builder;
    },
    build: (): VehicleCreate => structuredClone(input),
  };
  return builder;
}

/** Workers are trained (valid certificate) unless told otherwise. */
export function aWorker(now = new Date()) {
  const n = next();
  const input: WorkerCreate = {
    realName: `测试员工${n}`,
    staffNumber: `W${n}`,
    idNumber: anIdNumber(n),
    role: 'delivery_worker',
    certificate: aCredential('AQPX', now).build(),
  };
  const builder = {
    forEnterprise(id: string) {
      input.enterpriseId = id;
      return builder;
    },
    atSite(id: string) {
      input.siteId = id;
      return builder;
    },
    fillingOperator() {
      input.role = 'filling_operator';
      return builder;
    },
    withIdNumber(id: string) {
      input.idNumber = id;
      return builder;
    },
    withStaffNumber(staffNumber: string) {
      input.staffNumber = staffNumber;
      return builder;
    },
    untrained() {
      delete input.certificate;
      return builder;
    },
    withExpiredCertificate() {
      input.certificate = aCredential('AQPX', now).expired().build();
      return builder;
    },
    build: (): WorkerCreate => structuredClone(input),
  };
  return builder;
}

export function aCustomer() {
  const n = next();
  const input: CustomerCreate = {
    kind: 'household',
    realName: `测试住户${n}`,
    idNumber: anIdNumber(n),
    phone: aMobile(n),
    address: `清城区住户路${n}号`,
    districtCode: '441802',
  };
  const builder = {
    forEnterprise(id: string) {
      input.enterpriseId = id;
      return builder;
    },
    business(name = `测试餐饮店${n}`) {
      input.kind = 'business';
      input.realName = name;
      delete input.idNumber;
      return builder;
    },
    withPhone(phone: string) {
      input.phone = phone;
      return builder;
    },
    withIdNumber(id: string) {
      input.idNumber = id;
      return builder;
    },
    inDistrict(code: string) {
      input.districtCode = code;
      return builder;
    },
    build: (): CustomerCreate => structuredClone(input),
  };
  return builder;
}

/** Cylinders are in service unless made overdue, old or given other dates. */
export function aCylinder(now = new Date()) {
  const n = next();
  const input: CylinderCreate = {
    serial: `QY${String(n).padStart(8, '0')}`,
    manufacturer: '佛山市安全气瓶有限公司',
    manufactureDate: yearsFrom(now, -2),
    nominalKg: 15,
    tareKg: 14.5,
    fillingSiteId: '000000000000000000000000',
    lastInspectionDate: yearsFrom(now, -1),
    designLifeYears: 8,
  };
  const builder = {
    forEnterprise(id: string) {
      input.enterpriseId = id;
      return builder;
    },
    registeredTo(siteId: string) {
      input.fillingSiteId = siteId;
      return builder;
    },
    withSerial(serial: string) {
      input.serial = serial;
      return builder;
    },
    ofSize(kg: 5 | 15 | 50) {
      input.nominalKg = kg;
      input.tareKg = { 5: 6.5, 15: 14.5, 50: 48 }[kg];
      return builder;
    },
    /** Last inspected five years ago: the four-year periodic inspection is overdue. */
    overdue() {
      input.manufactureDate = yearsFrom(now, -6);
      input.lastInspectionDate = yearsFrom(now, -5);
      return builder;
    },
    pastServiceLife() {
      input.manufactureDate = yearsFrom(now, -9);
      input.lastInspectionDate = yearsFrom(now, -1);
      return builder;
    },
    manufacturedOn(date: Date) {
      input.manufactureDate = isoDay(date);
      delete input.lastInspectionDate;
      return builder;
    },
    build: (): CylinderCreate => structuredClone(input),
  };
  return builder;
}
