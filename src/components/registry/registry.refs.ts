import { Types, type ClientSession } from 'mongoose';
import { scopeFilter, type Principal } from '../auth';
import { AppError } from '../../shared/errors/app.error';
import type { StoredDoc } from './registry.model';
import type { RecordRepository } from './registry.repository';

/**
 * Cross-references a write may make (the owner enterprise, a site, a district), each looked up
 * inside the caller's scope: a reference the caller may not see is reported exactly like one that
 * does not exist. Lookups are memoised, so an import of 10,000 rows reads each site once.
 */
export interface RefResolver {
  enterprise(id: string, field: string): Promise<StoredDoc>;
  site(id: string, field: string): Promise<StoredDoc>;
  district(code: string, field: string): Promise<void>;
}

export function fieldError(path: string, message: string): AppError {
  return AppError.validation([{ path, message }]);
}

export function createRefResolver(
  repos: { enterprises: RecordRepository; sites: RecordRepository; districts: RecordRepository },
  principal: Principal,
  session?: ClientSession,
): RefResolver {
  const cache = new Map<string, Promise<StoredDoc | null>>();
  let districtCodes: Promise<Set<string>> | undefined;
  const lookup = (kind: 'enterprises' | 'sites', id: string) => {
    const key = `${kind}:${id}`;
    let found = cache.get(key);
    if (!found) {
      found = Types.ObjectId.isValid(id)
        ? repos[kind].findOne({ $and: [scopeFilter(principal, kind), { _id: new Types.ObjectId(id), active: true }] }, session)
        : Promise.resolve(null);
      cache.set(key, found);
    }
    return found;
  };
  return {
    async enterprise(id, field) {
      const doc = await lookup('enterprises', id);
      if (!doc) throw fieldError(field, 'no such active enterprise');
      return doc;
    },
    async site(id, field) {
      const doc = await lookup('sites', id);
      if (!doc) throw fieldError(field, 'no such active site');
      return doc;
    },
    async district(code, field) {
      // Every district is a valid place to register a record, whoever the caller is.
      districtCodes ??= repos.districts
        .findAll({ active: true }, session)
        .then((docs) => new Set(docs.map((d) => String(d.code))));
      if (!(await districtCodes).has(code)) throw fieldError(field, 'is not a district of this city');
    },
  };
}

/**
 * The enterprise a new record belongs to: an enterprise user's own (taken from the credentials),
 * or the one a city-wide caller names. Another enterprise's id is "not found" for enterprise users.
 */
export async function owningEnterprise(given: string | undefined, principal: Principal, refs: RefResolver): Promise<StoredDoc> {
  const id = given ?? principal.enterpriseId;
  if (!id) throw fieldError('enterpriseId', 'is required');
  return refs.enterprise(id, 'enterpriseId');
}
