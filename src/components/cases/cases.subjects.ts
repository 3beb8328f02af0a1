import type { Principal } from '../auth';
import type { Registry } from '../registry';
import { AppError } from '../../shared/errors/app.error';
import type { CaseSubject } from './cases.model';

export type SubjectRegistry = Pick<Registry, 'siteById' | 'enterpriseDistrict' | 'workerById' | 'ownedRef' | 'cylinderRefs' | 'enterpriseName' | 'districtExists'>;

/** What a case learns from its subject: where it is and whose it is. */
export interface ResolvedSubject {
  districtCode: string | null;
  enterpriseId: string | null;
  name: string | null;
}

/** The subject's district and enterprise from the registry; one the caller may not see is answered like a missing one. */
export async function resolveSubject(registry: SubjectRegistry, principal: Principal, subject: CaseSubject): Promise<ResolvedSubject> {
  const found = await lookup(registry, subject);
  if (found === undefined) throw AppError.notFound(`No ${subject.type} ${subject.id ?? ''}`.trim());
  if (principal.role === 'district_regulator' && found.districtCode !== null && found.districtCode !== principal.districtCode) {
    throw AppError.notFound(`No ${subject.type} ${subject.id ?? ''}`.trim());
  }
  return found;
}

async function lookup(registry: SubjectRegistry, subject: CaseSubject): Promise<ResolvedSubject | undefined> {
  const id = subject.id ?? '';
  switch (subject.type) {
    case 'location':
      return { districtCode: null, enterpriseId: null, name: subject.name ?? subject.location?.address ?? null };
    case 'site': {
      const site = await registry.siteById(id);
      return site ? { districtCode: site.districtCode, enterpriseId: site.enterpriseId, name: site.name } : undefined;
    }
    case 'enterprise': {
      const district = await registry.enterpriseDistrict(id);
      return district === undefined ? undefined : { districtCode: district, enterpriseId: id, name: (await registry.enterpriseName(id)) ?? null };
    }
    case 'worker': {
      const worker = await registry.workerById(id);
      return worker ? { districtCode: worker.districtCode, enterpriseId: worker.enterpriseId, name: subject.name ?? null } : undefined;
    }
    case 'vehicle': {
      const vehicle = await registry.ownedRef('vehicles', id);
      return vehicle ? { districtCode: vehicle.districtCode, enterpriseId: vehicle.enterpriseId, name: subject.name ?? null } : undefined;
    }
    case 'cylinder': {
      const cylinder = (await registry.cylinderRefs({ ids: [id], grais: [] })).get(id);
      return cylinder ? { districtCode: cylinder.districtCode, enterpriseId: cylinder.enterpriseId, name: subject.name ?? cylinder.grai ?? null } : undefined;
    }
  }
}
