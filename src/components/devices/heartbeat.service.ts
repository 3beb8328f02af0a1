import { maxNetKg, type FillLimits } from '../ledger';
import type { HeartbeatAnswer, HeartbeatBody } from './device.api.schemas';
import type { DeviceRecord, DeviceRepository } from './device.repository';
import type { ScaleControlsRepository } from './scale-controls.repository';
import type { AllowlistAnswer } from './offline-allowlist';

export interface HeartbeatDeps {
  devices: Pick<DeviceRepository, 'recordHeartbeat'>;
  controls: Pick<ScaleControlsRepository, 'stationLock'>;
  allowlists: { issue(device: DeviceRecord): Promise<AllowlistAnswer> };
  fillLimits: FillLimits;
  heartbeatIntervalS: number;
  authorizationTtlS: number;
  now: () => Date;
}

/**
 * A scale's heartbeat: what it says is kept on its record (firmware, sequence, offline buffer,
 * calibration date; heard from now), and it is told whether it is locked (itself or its station),
 * the fill limits the platform marks by, and how far its clock is off; and, when it asks, its
 * signed offline allowlist (offline-allowlist.ts).
 */
export function createHeartbeat(deps: HeartbeatDeps) {
  const tolerances = {
    models: Object.fromEntries(Object.entries(deps.fillLimits.models).map(([model, limit]) => [model, { ...limit, maxNetKg: maxNetKg(limit) }])),
    tareToleranceKg: deps.fillLimits.tareToleranceKg,
  };
  return async (device: DeviceRecord, body: HeartbeatBody, sentAt: number): Promise<HeartbeatAnswer> => {
    const at = deps.now();
    const [, stationLock] = await Promise.all([
      deps.devices.recordHeartbeat(device.id, { firmware: body.firmware, sequence: body.sequence, bufferedReports: body.bufferedReports, calibrationDueOn: body.calibrationDueOn ?? undefined }, at),
      deps.controls.stationLock(device.siteId),
    ]);
    const lock = device.lock ?? stationLock;
    // A locked scale fills nothing, offline or not: it gets no list.
    const allowlist = body.offlineAllowlist ? { offlineAllowlist: lock ? null : await deps.allowlists.issue(device) } : {};
    return {
      ...allowlist,
      locked: !!lock,
      lockReason: lock?.reason ?? null,
      config: { tolerances, clockOffsetMs: at.getTime() - sentAt, heartbeatIntervalS: deps.heartbeatIntervalS, authorizationTtlS: deps.authorizationTtlS },
      serverTime: at.toISOString(),
    };
  };
}
