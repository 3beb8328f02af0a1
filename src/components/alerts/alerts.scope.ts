import { can, type Principal } from '../auth';
import type { Filter } from './alerts.repository';

/**
 * THE rule of who sees which alerts, REST and Socket.IO alike: a city regulator every alert, a
 * district regulator its district's, an enterprise admin those about its own enterprise (its
 * sites, workers, vehicles, cylinders: the alert's enterpriseId is the subject's owner); anyone
 * else none (null). As a query filter and as the Socket.IO rooms a connection joins; a change is
 * sent to the rooms of its district and enterprise and to the city's.
 */
export type AlertReader = Pick<Principal, 'role' | 'enterpriseId' | 'districtCode'>;

type Scope = { rooms: string[]; filter: Filter };

export const CITY_ROOM = 'city';
export const districtRoom = (code: string) => `district:${code}`;
export const enterpriseRoom = (id: string) => `enterprise:${id}`;

export function alertScope(reader: AlertReader): Scope | null {
  if (!can(reader.role, 'alerts', 'read')) return null;
  switch (reader.role) {
    case 'city_regulator':
      return { rooms: [CITY_ROOM], filter: {} };
    case 'district_regulator':
      return reader.districtCode ? { rooms: [districtRoom(reader.districtCode)], filter: { districtCode: reader.districtCode } } : null;
    case 'enterprise_admin':
      return reader.enterpriseId ? { rooms: [enterpriseRoom(reader.enterpriseId)], filter: { enterpriseId: reader.enterpriseId } } : null;
    default:
      return null;
  }
}

/** The rooms a change goes to: the city's, its district's, its enterprise's. */
export function roomsOfChange(change: { districtCode: string | null; enterpriseId: string | null }): string[] {
  return [CITY_ROOM, ...(change.districtCode ? [districtRoom(change.districtCode)] : []), ...(change.enterpriseId ? [enterpriseRoom(change.enterpriseId)] : [])];
}
