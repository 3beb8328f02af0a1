import type { Principal } from '../../src/components/auth';
import { aSite, anEnterprise } from '../../seed/builders';
import { expectStatus, principal, type RegistryWorld } from './registry.harness';

export interface TwoEnterprises {
  city: Principal;
  auditor: Principal;
  adminA: Principal;
  adminB: Principal;
  enterpriseA: string;
  enterpriseB: string;
  stationA: string;
  stationB: string;
}

/** Two enterprises in different districts (清城区 and 清新区), each with a filling station and an admin. */
export async function twoEnterprises(world: RegistryWorld): Promise<TwoEnterprises> {
  const city = principal('city_regulator');
  const asCity = world.as(city);
  const a = await expectStatus<{ id: string }>(asCity.post('/api/v1/enterprises', anEnterprise().inDistrict('441802').build()), 201);
  const b = await expectStatus<{ id: string }>(asCity.post('/api/v1/enterprises', anEnterprise().inDistrict('441803').build()), 201);
  const adminA = principal('enterprise_admin', { enterpriseId: a.id });
  const adminB = principal('enterprise_admin', { enterpriseId: b.id });
  const stationA = await expectStatus<{ id: string }>(world.as(adminA).post('/api/v1/sites', aSite().fillingStation().inDistrict('441802').build()), 201);
  const stationB = await expectStatus<{ id: string }>(world.as(adminB).post('/api/v1/sites', aSite().fillingStation().inDistrict('441803').build()), 201);
  return { city, auditor: principal('auditor'), adminA, adminB, enterpriseA: a.id, enterpriseB: b.id, stationA: stationA.id, stationB: stationB.id };
}
