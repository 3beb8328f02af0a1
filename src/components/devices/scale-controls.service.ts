import type { UnitOfWork } from '../../shared/db/unit-of-work';
import { AppError } from '../../shared/errors/app.error';
import type { AuditService } from '../audit';
import { authorize, scopeFilter, type Principal } from '../auth';
import type { Registry, SiteSummary } from '../registry';
import type { DeviceLock, DeviceRecord, DeviceRepository } from './device.repository';
import { toView } from './devices.service';
import type { DeviceView } from './devices.schemas';
import { stationInScope } from './station.scope';
import type { ManualModeBody, StationControlsView } from './scale-controls.schemas';
import type { ControlLock, ManualMode, ScaleControlsRepository } from './scale-controls.repository';

export interface ScaleControlsDeps {
  transaction: UnitOfWork;
  audit: AuditService;
  devices: Pick<DeviceRepository, 'setLock' | 'findInScope' | 'atSite'>;
  controls: ScaleControlsRepository;
  registry: Pick<Registry, 'siteById'>;
  manualModeMaxHours: number;
  offlineAfterMs: number;
  now: () => Date;
}

/** A manual mode may start this far back: the scale broke before the regulator could be reached. */
const MANUAL_MODE_BACKDATE_MS = 7 * 86_400_000;
const LATE_WINDOW_MS = 86_400_000;

const iso = (d: Date) => d.toISOString();
const lockView = (l: ControlLock | DeviceLock | null | undefined) => (l ? { reason: l.reason, at: iso(l.at), by: l.by, byRole: l.byRole } : null);
const modeView = (m: ManualMode) => ({
  id: m.id,
  from: iso(m.from),
  until: iso(m.until),
  reason: m.reason,
  grantedBy: m.grantedBy,
  ...(m.endedBy ? { endedBy: m.endedBy } : {}),
  ...(m.endReason ? { endReason: m.endReason } : {}),
});

export type ScaleControlsService = ReturnType<typeof createScaleControlsService>;

/**
 * The regulator's remote control of filling scales (DB4114/T 185 §4.10): lock or unlock one scale
 * or a whole station, and grant a station a time-limited manual mode (scale broken) during which
 * its fills may be recorded without a scale, each marked. The city decides anywhere, a district
 * regulator in its district (another district's station or scale is "not found"); every decision
 * carries a reason and is in the audit trail in the same transaction. It takes effect on the
 * scale's next request: nothing is cached.
 */
export function createScaleControlsService(deps: ScaleControlsDeps) {
  const { controls } = deps;

  /** The filling station, if the caller's scope holds it. */
  const stationOf = (principal: Principal, siteId: string): Promise<SiteSummary> => stationInScope(deps.registry, principal, siteId);

  const lockOf = (principal: Principal, reason: string, at: Date): ControlLock => ({ reason, at, by: principal.userId, byRole: principal.role });
  const scope = (site: SiteSummary) => ({ enterpriseId: site.enterpriseId, districtCode: site.districtCode });

  async function setScaleLock(principal: Principal, deviceId: string, reason: string, locking: boolean): Promise<DeviceView> {
    authorize(principal, 'scale_controls', 'create');
    const at = deps.now();
    const where = scopeFilter(principal, 'devices');
    const lock = locking ? lockOf(principal, reason, at) : null;
    const after = await deps.transaction(async (session) => {
      const before = await deps.devices.setLock(deviceId, where, lock, session);
      if (!before) throw AppError.notFound('No such device');
      if (!locking && !before.lock) throw new AppError('SCALE_NOT_LOCKED', 409, 'Conflict', { detail: 'The scale is not locked' });
      await deps.audit.record(
        { actor: principal, action: locking ? 'lock' : 'unlock', resource: 'devices', recordId: deviceId, before: { lock: lockView(before.lock) }, after: { lock: lockView(lock) }, reason, enterpriseId: before.enterpriseId, districtCode: before.districtCode },
        session,
      );
      return { ...before, ...(lock ? { lock } : {}) } as DeviceRecord;
    });
    if (!lock) delete after.lock;
    return toView(after, { now: at, offlineAfterMs: deps.offlineAfterMs });
  }

  async function setStationLock(principal: Principal, siteId: string, reason: string, locking: boolean): Promise<StationControlsView> {
    authorize(principal, 'scale_controls', 'create');
    const site = await stationOf(principal, siteId);
    const at = deps.now();
    const lock = locking ? lockOf(principal, reason, at) : null;
    await deps.transaction(async (session) => {
      const before = await controls.setStationLock({ id: site.id, ...scope(site) }, lock, session);
      if (!locking && !before) throw new AppError('STATION_NOT_LOCKED', 409, 'Conflict', { detail: 'The station is not locked' });
      await deps.audit.record({ actor: principal, action: locking ? 'lock' : 'unlock', resource: 'station_scale_controls', recordId: site.id, before: { lock: lockView(before) }, after: { lock: lockView(lock) }, reason, ...scope(site) }, session);
    });
    return view(site, at);
  }

  async function view(site: SiteSummary, at: Date): Promise<StationControlsView> {
    const [lock, modes, scales] = await Promise.all([controls.stationLock(site.id), controls.manualModes(site.id, new Date(at.getTime() - LATE_WINDOW_MS)), deps.devices.atSite(site.id)]);
    const running = modes.find((m) => m.from <= at && at < m.until);
    return {
      siteId: site.id,
      ...scope(site),
      lock: lockView(lock),
      manualMode: running ? modeView(running) : null,
      manualModes: modes.map(modeView),
      scales: scales.map((d) => {
        const v = toView(d, { now: at, offlineAfterMs: deps.offlineAfterMs });
        return {
          id: d.id,
          name: d.name,
          status: d.status,
          online: v.online ?? false,
          lastSeenAt: v.lastSeenAt ?? null,
          lock: lockView(d.lock),
          firmware: d.firmware ?? null,
          calibrationDueOn: d.calibrationDueOn ?? null,
          bufferedReports: d.bufferedReports ?? null,
        };
      }),
    };
  }

  return {
    lockScale: (principal: Principal, deviceId: string, reason: string) => setScaleLock(principal, deviceId, reason, true),
    unlockScale: (principal: Principal, deviceId: string, reason: string) => setScaleLock(principal, deviceId, reason, false),
    lockStation: (principal: Principal, siteId: string, reason: string) => setStationLock(principal, siteId, reason, true),
    unlockStation: (principal: Principal, siteId: string, reason: string) => setStationLock(principal, siteId, reason, false),

    async controlsOf(principal: Principal, siteId: string): Promise<StationControlsView> {
      authorize(principal, 'scale_controls', 'read');
      return view(await stationOf(principal, siteId), deps.now());
    },

    /** Grants manual mode: fills of the station may be recorded without a scale in [from, until), each marked manual_mode. */
    async grantManualMode(principal: Principal, siteId: string, body: ManualModeBody): Promise<StationControlsView> {
      authorize(principal, 'scale_controls', 'create');
      const site = await stationOf(principal, siteId);
      const at = deps.now();
      const from = body.from ? new Date(body.from) : at;
      const until = new Date(body.until);
      const errors = [
        ...(from.getTime() < at.getTime() - MANUAL_MODE_BACKDATE_MS ? [{ path: 'from', message: 'is more than 7 days ago' }] : []),
        ...(from > at ? [{ path: 'from', message: 'is in the future: grant manual mode when it is needed' }] : []),
        ...(until <= at ? [{ path: 'until', message: 'must be in the future' }] : []),
        ...(until.getTime() - from.getTime() > deps.manualModeMaxHours * 3_600_000 ? [{ path: 'until', message: `is more than ${deps.manualModeMaxHours} hours after from (SCALE_MANUAL_MODE_MAX_HOURS)` }] : []),
      ];
      if (errors.length > 0) throw AppError.validation(errors);
      await deps.transaction(async (session) => {
        const mode = await controls.grantManualMode({ siteId: site.id, ...scope(site), from, until, reason: body.reason, grantedBy: principal.userId }, session);
        await deps.audit.record({ actor: principal, action: 'manual_mode_on', resource: 'station_scale_controls', recordId: site.id, before: null, after: { manualMode: modeView(mode) }, reason: body.reason, ...scope(site) }, session);
      });
      return view(site, at);
    },

    /** Ends the running manual mode now: fills without a scale are refused again from this moment. */
    async endManualMode(principal: Principal, siteId: string, reason: string): Promise<StationControlsView> {
      authorize(principal, 'scale_controls', 'create');
      const site = await stationOf(principal, siteId);
      const at = deps.now();
      await deps.transaction(async (session) => {
        const ended = await controls.endManualModes(site.id, at, principal.userId, reason, session);
        if (ended.length === 0) throw new AppError('MANUAL_MODE_NOT_ACTIVE', 409, 'Conflict', { detail: 'The station is not in manual mode' });
        await deps.audit.record({ actor: principal, action: 'manual_mode_off', resource: 'station_scale_controls', recordId: site.id, before: null, after: { ended: ended.map(modeView) }, reason, ...scope(site) }, session);
      });
      return view(site, at);
    },
  };
}
