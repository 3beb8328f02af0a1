import { Router } from 'express';
import type { Connection } from 'mongoose';
import type { Config } from '../config';
import type { ApiModule } from '../shared/http/api-module';
import { createPageCursors } from '../shared/http/page.cursor';
import type { Logger } from '../shared/logger/logger.factory';
import { createAudit, type AuditService } from './audit';
import { authenticate, createAuth, type AccountRegistryLookups, type AuthComponent, type AuthOptions, type Principal } from './auth';
import { createRegistry, type Registry } from './registry';
import { createImports } from './imports';
import { createDevices, createStationModes, DEFAULT_SCALE_CONFIG, type DevicesComponent, type SiteLookup } from './devices';
import { createLedger, type Ledger } from './ledger';
import { createLedgerLog, registryCylinderVisibility, type LedgerLog, type LedgerLogDeps } from './ledger/log';
import { createEpcis } from './ledger/epcis';
import { createQr, DEFAULT_QR_CONFIG, ledgerPort, type LedgerPort, type QrComponent } from './qr';
import { createDeliveries, type Deliveries, type SmsSender } from './deliveries';
import { createAlerts, type AlertsComponent, type AlertsDeps } from './alerts';
import { createCases, type CasesComponent } from './cases';
import { createKpis, type CasesPort, type KpisComponent } from './kpis';

/** What every component is built from: the database connection, configuration and logger. */
export interface ComponentDeps {
  connection: Connection;
  config: Pick<Config, 'secrets' | 'env'> & { qr?: Config['qr']; deliveries?: Config['deliveries']; scales?: Config['scales']; alerts?: Partial<Config['alerts']>; kpis?: Config['kpis'] };
  logger: Logger;
  /** Accounts tunables; production defaults when absent (tests lower the bcrypt cost here). */
  auth?: AuthOptions;
  /** Overrides of the registry lookups the accounts and devices use (tests). */
  accountLookups?: Partial<AccountRegistryLookups>;
  siteLookup?: SiteLookup;
}

/** The pieces a test world replaces; production passes none. */
export interface ComponentOverrides {
  /** Wraps the authenticate middleware's account check (a test world admits the principals it signs tokens for). */
  accountCheck?: (principal: Principal, check: (principal: Principal) => Promise<boolean>) => Promise<boolean>;
  /** The ledger as QR identity sees it (tests that pin the ledger's answers). */
  qrLedger?: LedgerPort;
  /** The log's timing: a checkpoint per request instead of a timer, a movable clock. */
  ledgerLog?: Pick<LedgerLogDeps, 'checkpointIntervalMs' | 'gapGraceMs' | 'now'>;
  /** The SMS gateway the deliveries send hand-over codes and page links through (tests record them). */
  sms?: SmsSender;
  /** Supervision's sources and timing that tests fabricate (an interlock source, the accounts recheck). */
  alerts?: Pick<AlertsDeps, 'interlock' | 'recheckMs' | 'policy' | 'now'>;
  /** The cases' clock and how often their overdue sweep runs (tests). */
  cases?: { now?: () => Date; overdueSweepMs?: number };
  /** The KPIs' clock (the "now" of snapshot figures and of due trips) and a cases component's figures (tests). */
  kpis?: { now?: () => Date; cases?: CasesPort };
  /** The signed device API's clock: what a scale's timestamps and fill times are judged against (tests). */
  devices?: { now?: () => Date };
}

/** What createComponents built: the modules app.ts mounts, and the components tests reach past HTTP. */
export interface Components {
  modules: ApiModule[];
  audit: { service: AuditService; module: ApiModule };
  auth: AuthComponent;
  registry: Registry;
  ledger: Ledger;
  ledgerLog: LedgerLog;
  qr: QrComponent;
  deliveries: Deliveries;
  devices: DevicesComponent;
  alerts: AlertsComponent;
  cases: CasesComponent;
  kpis: KpisComponent;
}

/** The one wiring place: builds each component and returns the API modules app.ts mounts, in order. */
export async function createComponents(deps: ComponentDeps, overrides: ComponentOverrides = {}): Promise<ApiModule[]> {
  return (await buildComponents(deps, overrides)).modules;
}

/** createComponents, keeping hold of the components themselves (test worlds). */
export async function buildComponents(deps: ComponentDeps, overrides: ComponentOverrides = {}): Promise<Components> {
  // One cursor key for every listing (each cursor names its listing, so none is read by another).
  const cursors = createPageCursors(deps.config.secrets.JWT_SECRET);
  const audit = await createAudit({ connection: deps.connection, cursors });
  const registry = await createRegistry(deps, { audit: audit.service });
  const auth = await createAuth({
    connection: deps.connection,
    jwtSecret: deps.config.secrets.JWT_SECRET,
    secureCookies: deps.config.env === 'production',
    audit: audit.service,
    registry: deps.accountLookups ?? {
      enterpriseDistrict: (id) => registry.enterpriseDistrict(id),
      workerEmployer: (id) => registry.workerEmployer(id),
      districtExists: (code) => registry.districtExists(code),
    },
    ...(deps.auth ? { options: deps.auth } : {}),
  });
  const { accountCheck } = overrides;
  const isActive = accountCheck ? (principal: Principal) => accountCheck(principal, auth.isActive) : auth.isActive;
  const modules: ApiModule[] = [
    // First: every later router finds req.principal set from the bearer token.
    { name: 'authentication', router: Router().use(authenticate(deps.config.secrets.JWT_SECRET, isActive)), registerOpenApi: () => undefined },
    auth.module,
  ];
  modules.push(registry.module, audit.module);
  modules.push(createImports({ bulkUpsert: registry.bulkUpsert, codes: registry.codes }).module);
  const scales = deps.config.scales ?? DEFAULT_SCALE_CONFIG;
  const ledger = await createLedger(deps, {
    registry,
    eventIdSecret: deps.config.secrets.PII_HASH_SECRET,
    cursors,
    fillLimits: scales.fillLimits,
    // The devices component's station controls: outside a manual mode a regulator granted, only a scale records a fill.
    manualModes: createStationModes(deps.connection).manualModes,
  });
  modules.push(ledger.module);
  const cylinderVisible = registryCylinderVisibility(registry);
  const ledgerLog = await createLedgerLog({
    connection: deps.connection,
    source: ledger,
    // The log's uses of it, the export bundle and chain verification, cover the whole chain: every event must be readable.
    cylinderVisible: async (principal, id) => {
      if (!(await cylinderVisible(principal, id))) return false;
      await ledger.assertChainReadable(principal, id);
      return true;
    },
    signingKey: deps.config.secrets.LEDGER_SIGNING_KEY,
    logger: deps.logger,
    ...overrides.ledgerLog,
  });
  modules.push(ledgerLog.module, createEpcis({ source: ledger, cylinderVisible, capture: { appendMany: ledger.appendMany, eventIds: ledger.eventIds } }).module);
  const qrConfig = deps.config.qr ?? DEFAULT_QR_CONFIG;
  const qr = await createQr({
    connection: deps.connection,
    settings: { ...qrConfig, signingSecret: deps.config.secrets.QR_SIGNING_SECRET, privacySecret: deps.config.secrets.PII_HASH_SECRET },
    audit: audit.service,
    sites: registry,
    cylinders: registry,
    ledger: overrides.qrLedger ?? ledgerPort(ledger),
    cursors,
  });
  modules.push(qr.module);
  const devices = await createDevices({
    connection: deps.connection,
    serverSecret: deps.config.secrets.PII_HASH_SECRET,
    // Unscoped here; the devices service admits only a site of the caller's own enterprise.
    siteLookup: deps.siteLookup ?? ((_principal, siteId) => registry.siteById(siteId)),
    cursors,
    registry,
    ledger,
    audit: audit.service,
    // The interlock reads scanned codes with the city's QR settings and keys.
    qr: { domain: qrConfig.domain, companyPrefix: qrConfig.companyPrefix, keyring: qr.keyring },
    scales,
    logger: deps.logger,
    ...(overrides.devices?.now ? { now: overrides.devices.now } : {}),
  });
  modules.push(devices.module);
  const deliveries = await createDeliveries(deps, {
    registry,
    ledger,
    cursors,
    ...(deps.config.deliveries ? { config: deps.config.deliveries } : {}),
    ...(overrides.sms ? { sms: overrides.sms } : {}),
  });
  modules.push(deliveries.module);
  const alerts = await createAlerts({
    connection: deps.connection,
    jwtSecret: deps.config.secrets.JWT_SECRET,
    logger: deps.logger,
    ...(deps.config.alerts ? { config: deps.config.alerts } : {}),
    ledger,
    qr,
    registry,
    audit: audit.service,
    isActive,
    cursors,
    interlock: devices,
    ...overrides.alerts,
  });
  modules.push(alerts.module);
  const cases = await createCases({
    connection: deps.connection,
    audit: audit.service,
    cursors,
    registry,
    alerts,
    deliveries,
    reports: qr.reports,
    accounts: { accountById: (id) => auth.userRepository.findById(id) },
    ...overrides.cases,
  });
  modules.push(cases.module);
  const kpis = createKpis({ ledger, alerts, devices, registry, cases: { caseFigures: cases.caseFigures }, ...(deps.config.kpis ? { flowGap: deps.config.kpis.flowGap } : {}), ...overrides.kpis });
  modules.push(kpis.module);
  return { modules, audit, auth, registry, ledger, ledgerLog, qr, devices, deliveries, alerts, cases, kpis };
}
