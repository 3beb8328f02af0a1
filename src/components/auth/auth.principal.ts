import type { Request } from 'express';
import { Types } from 'mongoose';
import { AppError } from '../../shared/errors/app.error';
import { can, type Action, type Resource, type Role } from './auth.permissions';

/** The authenticated caller, taken from the credentials, never from a request body. */
export interface Principal {
  kind: 'user';
  userId: string;
  username: string;
  role: Role;
  /** Set for enterprise administrators, filling operators and delivery workers. */
  enterpriseId?: string;
  /** Set for district regulators. */
  districtCode?: string;
  /** Set for filling operators and delivery workers: their worker record. */
  workerId?: string;
  /** The login session (refresh-token family) the access token was issued in; logout ends it. */
  sessionId?: string;
  /** Set after an administrator's password reset: the token may only change the password. */
  mustChangePassword?: true;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** The caller of an authenticated route; 401 if the authentication middleware set none. */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw AppError.unauthorized();
  return req.principal;
}

/** 403 unless the permission table lets the caller's role do `action` on `resource`. */
export function authorize(principal: Principal, resource: Resource, action: Action): void {
  if (!can(principal.role, resource, action)) {
    throw AppError.forbidden(`Role ${principal.role} may not ${action} ${resource}`);
  }
}

/**
 * A listing's filter may narrow the caller's scope, never name another: a district regulator
 * filtering by another district, or an enterprise's user by another enterprise, is refused (403)
 * rather than answered an empty page, the same in every listing and export. It is decided from the
 * caller alone, so it tells nothing of whether the named district or enterprise holds records.
 */
export function refuseWiderFilter(principal: Principal, asked: { district?: string | undefined; enterpriseId?: string | undefined }): void {
  if (principal.role === 'district_regulator' && asked.district !== undefined && asked.district !== principal.districtCode) {
    throw AppError.forbidden('A district regulator lists its own district only');
  }
  const enterpriseRole = principal.role === 'enterprise_admin' || principal.role === 'filling_operator' || principal.role === 'delivery_worker';
  if (enterpriseRole && asked.enterpriseId !== undefined && asked.enterpriseId !== principal.enterpriseId) {
    throw AppError.forbidden('An enterprise lists its own records only');
  }
}

/** A filter that matches nothing: the caller's scope is empty for this resource. */
const NOTHING = { _id: { $in: [] as Types.ObjectId[] } };

/**
 * The records of `resource` the caller may see, as a filter ANDed into every query (reads, writes,
 * lists, cursors, imports). Records outside it are answered 404, exactly as if they did not exist.
 * Scoped records carry `enterpriseId` (ObjectId) and `districtCode` (string).
 */
export function scopeFilter(principal: Principal, resource: Resource): Record<string, unknown> {
  switch (principal.role) {
    case 'city_regulator':
    case 'auditor':
      return {};
    case 'district_regulator':
      if (!principal.districtCode) return NOTHING;
      return resource === 'districts' ? { code: principal.districtCode } : { districtCode: principal.districtCode };
    case 'enterprise_admin':
    case 'filling_operator':
    case 'delivery_worker': {
      if (resource === 'districts') return {};
      if (!principal.enterpriseId || !Types.ObjectId.isValid(principal.enterpriseId)) return NOTHING;
      const enterpriseId = new Types.ObjectId(principal.enterpriseId);
      if (resource === 'enterprises') return { _id: enterpriseId };
      if (resource === 'workers' && principal.role !== 'enterprise_admin') {
        return principal.workerId ? { _id: new Types.ObjectId(principal.workerId), enterpriseId } : NOTHING;
      }
      return { enterpriseId };
    }
  }
}
