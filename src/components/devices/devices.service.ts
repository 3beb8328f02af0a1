import { AppError } from '../../shared/errors/app.error';
import type { Page, PageCursors } from '../../shared/http/page.cursor';
import { authorize, scopeFilter, type Principal } from '../auth';
import type { DeviceRecord, DeviceRepository } from './device.repository';
import type { DeviceKeys } from './device.keys';
import type { DeviceSecrets } from './device.secret';
import type { CreateDeviceBody, DeviceCredentials, DeviceView, ListDevicesQuery } from './devices.schemas';

/** A site as the devices component needs it, read from the registry inside the caller's scope. */
export interface DeviceSite {
  id: string;
  kind: string;
  enterpriseId: string;
  districtCode: string;
  active: boolean;
}

/** Injected by src/components/index.ts: the site, if it exists within the principal's scope. */
export type SiteLookup = (principal: Principal, siteId: string) => Promise<DeviceSite | undefined>;

export const FILLING_STATION = 'filling_station';

export interface DevicesServiceDeps {
  devices: DeviceRepository;
  secrets: DeviceSecrets;
  /** This process's cache of signing keys: a revoked device's is dropped at once. */
  keys?: Pick<DeviceKeys, 'forget'>;
  siteLookup?: SiteLookup;
  cursors: PageCursors;
  now: () => Date;
  /** A scale not heard from for this long is shown offline. */
  offlineAfterMs?: number;
}

const notFound = () => AppError.notFound('No such device');
/** In _id order; the cursor is the last device's id. */
const LISTING = { name: 'devices', sort: '_id', direction: 1 } as const;

/** Whether a scale counts as online: heard from within `offlineAfterMs` of `now`. */
export interface Presence {
  now: Date;
  offlineAfterMs: number;
}

export function toView(device: DeviceRecord, presence?: Presence): DeviceView {
  return {
    id: device.id,
    kind: device.kind,
    name: device.name,
    ...(device.serialNumber ? { serialNumber: device.serialNumber } : {}),
    siteId: device.siteId,
    enterpriseId: device.enterpriseId,
    districtCode: device.districtCode,
    status: device.status,
    ...(device.revokedAt ? { revokedAt: device.revokedAt.toISOString() } : {}),
    ...(device.lastSeenAt ? { lastSeenAt: device.lastSeenAt.toISOString() } : {}),
    ...(presence && device.status === 'active' ? { online: !!device.lastSeenAt && presence.now.getTime() - device.lastSeenAt.getTime() <= presence.offlineAfterMs } : {}),
    ...(device.lock ? { lock: { reason: device.lock.reason, at: device.lock.at.toISOString(), by: device.lock.by, byRole: device.lock.byRole } } : {}),
    ...(device.calibrationDueOn ? { calibrationDueOn: device.calibrationDueOn } : {}),
    ...(device.firmware ? { firmware: device.firmware } : {}),
    createdAt: device.createdAt.toISOString(),
    updatedAt: device.updatedAt.toISOString(),
  };
}

export type DevicesService = ReturnType<typeof createDevicesService>;

export function createDevicesService(deps: DevicesServiceDeps) {
  const { devices, secrets } = deps;
  const presence = (): Presence => ({ now: deps.now(), offlineAfterMs: deps.offlineAfterMs ?? 300_000 });
  return {
    /** Registers a filling scale at one of the caller's filling stations; the secret is returned this once. */
    async register(principal: Principal, body: CreateDeviceBody): Promise<DeviceCredentials> {
      authorize(principal, 'devices', 'create');
      if (!deps.siteLookup) throw AppError.unavailable('The site registry is not available; devices cannot be registered');
      const site = await deps.siteLookup(principal, body.siteId);
      // Another enterprise's site reads exactly like a missing one.
      if (!site || !site.active || site.enterpriseId !== principal.enterpriseId) {
        throw new AppError('SITE_NOT_FOUND', 404, 'Not found', { detail: 'No such site', errors: [{ path: 'siteId', message: 'no such active site' }] });
      }
      if (site.kind !== FILLING_STATION) {
        throw new AppError('SITE_NOT_FILLING_STATION', 422, 'Unprocessable content', {
          detail: 'Filling scales are registered to filling stations only',
          errors: [{ path: 'siteId', message: 'is not a filling station' }],
        });
      }
      const id = devices.newId();
      const { secret, ...stored } = secrets.issue(id);
      const device = await devices.insert({
        id,
        name: body.name,
        ...(body.serialNumber ? { serialNumber: body.serialNumber } : {}),
        siteId: site.id,
        enterpriseId: site.enterpriseId,
        districtCode: site.districtCode,
        createdBy: principal.userId,
        ...stored,
      });
      return { device: toView(device), deviceId: device.id, secret };
    },

    async get(principal: Principal, id: string): Promise<DeviceView> {
      authorize(principal, 'devices', 'read');
      const device = await devices.findInScope(id, scopeFilter(principal, 'devices'));
      if (!device) throw notFound();
      return toView(device, presence());
    },

    async list(principal: Principal, query: ListDevicesQuery): Promise<Page<DeviceView>> {
      authorize(principal, 'devices', 'read');
      const afterId = query.cursor ? String(deps.cursors.decode(LISTING, query.cursor).value) : undefined;
      const page = await devices.list(
        scopeFilter(principal, 'devices'),
        { ...(query.siteId ? { siteId: query.siteId } : {}), ...(query.status ? { status: query.status } : {}), ...(afterId ? { afterId } : {}) },
        query.limit + 1,
      );
      const { items, nextCursor } = deps.cursors.page(page, query.limit, LISTING, (d) => ({ value: d.id }));
      const at = presence();
      return { items: items.map((d) => toView(d, at)), nextCursor };
    },

    /** Revokes for good: a revoked scale needs a new registration, with a new secret. */
    async revoke(principal: Principal, id: string): Promise<DeviceView> {
      authorize(principal, 'devices', 'deactivate');
      const scope = scopeFilter(principal, 'devices');
      const revoked = await devices.revoke(id, scope, principal.userId, deps.now());
      deps.keys?.forget(id);
      if (revoked) return toView(revoked);
      const existing = await devices.findInScope(id, scope);
      if (!existing) throw notFound();
      throw new AppError('DEVICE_ALREADY_REVOKED', 409, 'Conflict', { detail: 'The device is already revoked' });
    },
  };
}
