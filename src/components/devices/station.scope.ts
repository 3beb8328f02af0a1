import { AppError } from '../../shared/errors/app.error';
import type { Principal } from '../auth';
import type { Registry, SiteSummary } from '../registry';

/**
 * The filling station `siteId`, if the caller's scope holds it: the city (and the auditor) every
 * station, a district regulator its district's, an enterprise its own. Any other station, a supply
 * point and an unknown id are all answered alike: "no such filling station".
 */
export async function stationInScope(registry: Pick<Registry, 'siteById'>, principal: Principal, siteId: string): Promise<SiteSummary> {
  const site = await registry.siteById(siteId);
  if (!site || site.kind !== 'filling_station') throw AppError.notFound('No such filling station');
  const visible =
    principal.role === 'city_regulator' || principal.role === 'auditor'
      ? true
      : principal.role === 'district_regulator'
        ? site.districtCode === principal.districtCode
        : site.enterpriseId === principal.enterpriseId;
  if (!visible) throw AppError.notFound('No such filling station');
  return site;
}
