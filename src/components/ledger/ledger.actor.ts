import type { Principal } from '../auth';
import type { EventActor } from './ledger.contract';

/** The actor of an API call: always the authenticated principal, never the request body. */
export function actorOf(principal: Principal): EventActor {
  return {
    kind: 'user',
    id: principal.userId,
    role: principal.role,
    ...(principal.enterpriseId ? { enterpriseId: principal.enterpriseId } : {}),
    ...(principal.workerId ? { workerId: principal.workerId } : {}),
    ...(principal.districtCode ? { districtCode: principal.districtCode } : {}),
  };
}
