import { Router } from 'express';
import type { Connection } from 'mongoose';
import type { ScaleConfig } from '../../config';
import type { ApiModule } from '../../shared/http/api-module';
import type { PageCursors } from '../../shared/http/page.cursor';
import { DEFAULT_FILL_LIMITS, MANUAL_LATE_UPLOAD_MS, type Ledger, type ManualWindow } from '../ledger';
import type { Registry } from '../registry';
import { deviceApiRoutes } from './device.api.routes';
import { DEVICE_AUTH_TITLES, deviceAuthentication } from './device.auth';
import { createNonceStore } from './device.nonces';
import { registerDeviceApiOpenApi } from './device.openapi';
import { createDeviceRepository } from './device.repository';
import { createDeviceSecrets } from './device.secret';
import { createDeviceKeys } from './device.keys';
import { devicesRoutes, registerDevicesOpenApi } from './devices.routes';
import { createDevicesService, toView, type SiteLookup } from './devices.service';
import type { QrCodes } from './interlock.code';
import { createInterlockRepository, type StoredDecision } from './interlock.repository';
import { createInterlockService } from './interlock.service';
import { createScaleControlsRepository } from './scale-controls.repository';
import { createFillRecordsRepository } from './fill-records.repository';
import { createFillReportService } from './fill-report.service';
import { createManualFillsProjector } from './manual-fills.projector';
import { createAllowlistRepository, createOfflineAllowlists } from './offline-allowlist';
import type { Logger } from '../../shared/logger/logger.factory';
import { createHeartbeat } from './heartbeat.service';
import { createFillRecordsService, fillRecordsRoutes, registerFillRecordsOpenApi } from './fill-records.service';
import { scaleControlsRoutes } from './scale-controls.routes';
import { registerStationActivityOpenApi, stationActivityRoutes } from './station-activity.routes';
import { createStationActivityService } from './station-activity.service';
import { registerScaleControlsOpenApi } from './scale-controls.openapi';
import { createScaleControlsService } from './scale-controls.service';
import { unitOfWork } from '../../shared/db/unit-of-work';
import type { AuditService } from '../audit';
import { createAuthorizeTimings, type AuthorizeTiming } from './authorize.timing';

export { FILLING_STATION, type DeviceSite, type SiteLookup } from './devices.service';
export { createDeviceSecrets, type DeviceSecrets } from './device.secret';
export { DEVICE_HEADERS, MAX_DEVICE_CLOCK_SKEW_MS, bodyHash, newNonce, signRequest, signedHeaders, stringToSign, type SignedParts } from './device.signature';
export { DEVICE_AUTH_REFUSALS, type DeviceAuthRefusal } from './device.auth';
export type { QrCodes } from './interlock.code';
export { INTERLOCK_DENY_CODES, type InterlockDenyCode } from './interlock.decide';
export type { AuthorizeTiming } from './authorize.timing';
export { ALLOWLIST_TTL_MS, allowlistSigningString, signAllowlist, type AllowlistAnswer } from './offline-allowlist';

/** The production defaults of the scale settings (config.scales). */
export const DEFAULT_SCALE_CONFIG: ScaleConfig = {
  fillLimits: DEFAULT_FILL_LIMITS,
  authorizationTtlS: 600,
  offlineAfterS: 300,
  heartbeatIntervalS: 60,
  manualModeMaxHours: 72,
};

/** One interlock decision (or refused fill report) as supervision reads it, in position order. */
export interface InterlockDecision {
  seq: number;
  kind: 'authorize' | 'report_refused';
  decision: 'allow' | 'deny';
  reasons: { code: string }[];
  deviceId: string;
  siteId: string;
  enterpriseId: string;
  districtCode: string;
  cylinderId?: string;
  code: string;
  /** The staff number or card code the scale sent, and the worker it named (absent: nobody). */
  operator: string;
  operatorWorkerId?: string;
  at: Date;
}

export interface SilentScale {
  deviceId: string;
  siteId: string;
  enterpriseId: string;
  districtCode: string;
  lastSeenAt: Date | null;
}

export interface DevicesComponent {
  module: ApiModule;
  /** Decisions after position `afterSeq` (1-based positions, gap-free as read), oldest first. */
  decisionsAfter(afterSeq: number, limit: number): Promise<InterlockDecision[]>;
  /**
   * Active scales not heard from since `before` (never heard from: lastSeenAt null, registered
   * before `before`). None while this process has been up for less than that: a scale cannot reach
   * a platform that is down, and buffers meanwhile, so a silence is counted only from our start.
   */
  scalesSilentSince(before: Date): Promise<SilentScale[]>;
  /**
   * The secret of an active device, as POST /devices showed it (the server derives it anyway, to
   * check signatures): for the in-process living demo, whose simulated scales are the demo
   * city's registered ones. Never routed.
   */
  deviceSecret(deviceId: string): Promise<string | undefined>;
  /** The interlock's denials in [from, to) per reason (KPIs), within a district or enterprise; unscoped otherwise. */
  denialsByReason(scope: { districtCode?: string; enterpriseId?: string }, from: Date, to: Date): Promise<{ reason: string; count: number }[]>;
  /** Projects the manual fills committed so far into the filling records (it runs after every commit anyway), the pass a commit scheduled included: none is left pending. */
  syncManualFills(): Promise<void>;
  /** Calls `listener` with the stage times of every authorize answered from now on (benchmarks); answers the unsubscribe. */
  observeAuthorize(listener: (timing: AuthorizeTiming) => void): () => void;
}

export interface DevicesComponentDeps {
  connection: Connection;
  /** The server secret device keys are derived from (PII_HASH_SECRET: it must never rotate either). */
  serverSecret: string;
  siteLookup?: SiteLookup;
  cursors: PageCursors;
  registry: Registry;
  ledger: Ledger;
  qr: QrCodes;
  /** Every lock, unlock and manual mode is audited. */
  audit: AuditService;
  scales?: ScaleConfig;
  logger?: Pick<Logger, 'error'>;
  now?: () => Date;
}

/**
 * The stations' manual-mode grants as the ledger reads them (a fill a user records is refused
 * outside them): those ending less than the late-upload grace ago, the only ones that can still
 * cover a fill arriving now. Built before the ledger, which the devices component then records through.
 */
export function createStationModes(connection: Connection, now: () => Date = () => new Date()): { manualModes(siteId: string): Promise<ManualWindow[]> } {
  const controls = createScaleControlsRepository(connection);
  return {
    async manualModes(siteId) {
      const grants = await controls.manualModes(siteId, new Date(now().getTime() - MANUAL_LATE_UPLOAD_MS));
      return grants.map((g) => ({ from: g.from, until: g.until }));
    },
  };
}

/** The signed device API's largest body: a burst of buffered fill reports. */
const DEVICE_BODY_LIMIT = '1mb';

const decisionView = (d: StoredDecision): InterlockDecision => ({
  seq: d.seq,
  kind: d.kind,
  decision: d.decision,
  reasons: d.reasons.map((r) => ({ code: r.reason })),
  deviceId: d.deviceId,
  siteId: d.siteId,
  enterpriseId: d.enterpriseId,
  districtCode: d.districtCode,
  ...(d.cylinderId ? { cylinderId: d.cylinderId } : {}),
  code: d.code,
  operator: d.operator,
  ...(d.operatorWorkerId ? { operatorWorkerId: d.operatorWorkerId } : {}),
  at: d.at,
});

/**
 * Filling scales: their registration and keys, the signed device API (the interlock, fill
 * reports, heartbeats) and the regulators' remote control. Builds its indexes before it answers.
 */
export async function createDevices(deps: DevicesComponentDeps): Promise<DevicesComponent> {
  const now = deps.now ?? (() => new Date());
  const upSince = now();
  const scales = deps.scales ?? DEFAULT_SCALE_CONFIG;
  const devices = createDeviceRepository(deps.connection);
  const nonces = createNonceStore(deps.connection);
  const decisions = createInterlockRepository(deps.connection, now);
  const controls = createScaleControlsRepository(deps.connection);
  const records = createFillRecordsRepository(deps.connection);
  const allowlistRepository = createAllowlistRepository(deps.connection);
  await Promise.all([devices.ensureIndexes(), nonces.ensureIndexes(), decisions.init(), controls.init(), records.init(), allowlistRepository.init()]);
  const secrets = createDeviceSecrets(deps.serverSecret);
  const keys = createDeviceKeys(secrets);
  const service = createDevicesService({
    devices,
    secrets,
    keys,
    ...(deps.siteLookup ? { siteLookup: deps.siteLookup } : {}),
    cursors: deps.cursors,
    now,
    offlineAfterMs: scales.offlineAfterS * 1000,
  });
  const interlock = createInterlockService({
    registry: deps.registry,
    ledger: deps.ledger,
    qr: deps.qr,
    decisions,
    controls,
    fillLimits: scales.fillLimits,
    authorizationTtlMs: scales.authorizationTtlS * 1000,
    now,
  });
  const fills = createFillReportService({
    decisions,
    records,
    devices,
    ledger: deps.ledger,
    registry: deps.registry,
    cylinderOfCode: interlock.cylinderOfCode,
    workerOfCode: interlock.workerOfCode,
    judgeNow: interlock.judgeNow,
    allowlists: allowlistRepository,
    now,
  });
  const allowlists = createOfflineAllowlists({
    registry: deps.registry,
    ledger: deps.ledger,
    repository: allowlistRepository,
    judge: async (device, at) => {
      const station = await interlock.stationFacts(device);
      return (cylinder, state) => interlock.judgeOffline(device, cylinder, state, at, station);
    },
    keyOf: async (device) => {
      const found = await devices.credentialOf(device.id);
      if (!found) throw new Error(`device ${device.id} vanished`);
      return keys.remember(device.id, found.secretSalt);
    },
    now,
  });
  const heartbeat = createHeartbeat({ devices, controls, allowlists, fillLimits: scales.fillLimits, heartbeatIntervalS: scales.heartbeatIntervalS, authorizationTtlS: scales.authorizationTtlS, now });
  const scaleControls = createScaleControlsService({
    transaction: unitOfWork(deps.connection),
    audit: deps.audit,
    devices,
    controls,
    registry: deps.registry,
    manualModeMaxHours: scales.manualModeMaxHours,
    offlineAfterMs: scales.offlineAfterS * 1000,
    now,
  });
  const manualFills = createManualFillsProjector({
    ledger: deps.ledger,
    records,
    registry: deps.registry,
    position: records.position,
    onError: (error) => deps.logger?.error({ err: error }, 'manual fills: projection pass failed; retried on the next commit'),
  });
  deps.ledger.onCommitted(() => manualFills.kick());
  manualFills.kick();
  // An authorize's facts are read while its device and nonce are checked (one round trip less).
  const authenticate = deviceAuthentication({ devices, keys, nonces, now, prefetch: { method: 'POST', path: '/fills/authorize', start: (device, body) => interlock.prefetch(device, body), abandon: (started) => interlock.abandon(started) } });
  const timings = createAuthorizeTimings();
  const router = Router()
    .use(devicesRoutes(service))
    .use(scaleControlsRoutes(scaleControls))
    .use(fillRecordsRoutes(createFillRecordsService({ records, cursors: deps.cursors })))
    .use(stationActivityRoutes(createStationActivityService({ registry: deps.registry, devices, decisions, records, cursors: deps.cursors, now })))
    .use('/device', deviceApiRoutes(authenticate, { view: (d) => toView(d, { now: now(), offlineAfterMs: scales.offlineAfterS * 1000 }), interlock, fills, heartbeat, timings }));
  return {
    module: {
      name: 'devices',
      router,
      registerOpenApi: (registry) => {
        registerDevicesOpenApi(registry);
        registerDeviceApiOpenApi(registry);
        registerScaleControlsOpenApi(registry);
        registerFillRecordsOpenApi(registry);
        registerStationActivityOpenApi(registry);
      },
      rawBodies: [{ path: '/device', limit: DEVICE_BODY_LIMIT }],
      problemTitles: DEVICE_AUTH_TITLES,
      stop: () => manualFills.stop(),
    },
    syncManualFills: async () => {
      await manualFills.catchUp();
      await manualFills.settled();
    },
    observeAuthorize: (listener) => timings.observe(listener),
    decisionsAfter: async (afterSeq, limit) => (await decisions.after(afterSeq, Math.max(1, Math.min(limit, 10_000)))).map(decisionView),
    scalesSilentSince: async (before) => (before < upSince ? [] : devices.silentSince(before)),
    deviceSecret: async (deviceId) => {
      const found = await devices.credentialOf(deviceId);
      return found && found.device.status === 'active' ? secrets.derive(deviceId, found.secretSalt) : undefined;
    },
    denialsByReason: (scope, from, to) => decisions.denialsByReason(scope, from, to),
  };
}
