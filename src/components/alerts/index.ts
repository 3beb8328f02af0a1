import type { Connection } from 'mongoose';
import type { AuditService } from '../audit';
import type { Principal } from '../auth';
import type { Ledger } from '../ledger';
import type { QrComponent } from '../qr';
import type { Registry } from '../registry';
import { unitOfWork } from '../../shared/db/unit-of-work';
import type { ApiModule, RealtimeHub } from '../../shared/http/api-module';
import type { PageCursors } from '../../shared/http/page.cursor';
import type { Logger } from '../../shared/logger/logger.factory';
import { createFeed, type Feed } from './alerts.feed';
import { createAlertFigures, type AlertFigures } from './alerts.figures';
import { DEFAULT_ALERT_POLICY, type AlertPolicy, type AlertSweep } from './alerts.findings';
import { registerAlertsOpenApi } from './alerts.openapi';
import { createAlertRepository, type StoredChange } from './alerts.repository';
import { alertsRoutes } from './alerts.routes';
import { createRunner, type PassTiming, type Runner } from './alerts.runner';
import { createAlertsService, type AlertsService } from './alerts.service';
import { attachAlertsNamespace, shareWithCluster } from './alerts.socket';
import type { InterlockSource } from './alerts.sources';

export { ALERTS_NAMESPACE } from './alerts.socket';
export type { AlertsService } from './alerts.service';
export { alertChangePayload, alertView, phraseView, sessionEndedPayload, type AlertChangePayload, type AlertView, type AlertsServerEvents, type AlertsClientEvents } from './alerts.schemas';
export { DEFAULT_ALERT_POLICY, type AlertPolicy, type AlertSweep, type SweepNotice, type Finding, type Subject, type Evidence } from './alerts.findings';
export type { InterlockSource, InterlockDecision, SilentScale } from './alerts.sources';
export { ALERT_TEXTS, ALERT_TEXT_CODES, composed, renderText, textOf, textsOf, type Phrase, type Texts, type TextLanguage, type AlertTextCode } from './alerts.texts';
export type { PassTiming } from './alerts.runner';
export type { AlertFigures, AlertScope, AlertPeriod, CaseTakeUp, PointRectification, RuleDistrictCount } from './alerts.figures';

/** Supervision settings from the environment (config.alerts); the rest of the policy keeps its defaults. */
export interface AlertsConfig {
  cloneSpeedKmh: number;
  unconfirmedHandOversPerDay: number;
  scaleSilentMinutes: number;
  /** How often the runner and the feed look for work nobody told this process of. */
  pollMs: number;
  /** How long the runner waits after a commit before its pass (more commits join it). */
  batchWaitMs: number;
}

export const DEFAULT_ALERTS_CONFIG: AlertsConfig = {
  cloneSpeedKmh: DEFAULT_ALERT_POLICY.cloneSpeedKmh,
  unconfirmedHandOversPerDay: DEFAULT_ALERT_POLICY.unconfirmedHandOversPerDay,
  scaleSilentMinutes: DEFAULT_ALERT_POLICY.scaleSilentMinutes,
  pollMs: 1_000,
  batchWaitMs: 0,
};

export interface AlertsDeps {
  connection: Connection;
  jwtSecret: string;
  logger: Logger;
  config?: Partial<AlertsConfig>;
  ledger: Pick<Ledger, 'eventsInAppendOrder' | 'refusalsInOrder' | 'eventsByIds' | 'refusalsByIds' | 'onCommitted'>;
  qr?: Pick<QrComponent, 'scansInOrder' | 'reportsInOrder' | 'scansByIds' | 'reportsByIds' | 'onRecorded'>;
  registry: Pick<Registry, 'cylinderRefs' | 'sitesByIds' | 'credentialHolders' | 'sitesNear' | 'credentialsExpiring'>;
  audit: AuditService;
  /** The accounts' check (deactivated, logged out) for Socket.IO connections, as the bearer middleware uses it. */
  isActive: (principal: Principal) => Promise<boolean>;
  cursors: PageCursors;
  /** The filling-scale interlock's decisions and heartbeats (the devices component of the scales issue); absent until it exists. */
  interlock?: InterlockSource;
  /** How often connected accounts are checked again; 30 s unless given. */
  recheckMs?: number;
  policy?: Partial<AlertPolicy>;
  now?: () => Date;
}

export interface AlertsComponent {
  /** REST routes; `attachRealtime` serves the /alerts namespace; `stop` ends the runner. */
  module: ApiModule;
  service: AlertsService;
  runner: Runner;
  feed: Feed;
  /** Resolves when the runner has nothing running or due (tests, benchmarks). */
  settled(): Promise<void>;
  /**
   * Adds another component's periodic check (cases past their deadline, flow gaps): the runner
   * runs it when due, in a pass of its own, and raises what it found like any rule's finding.
   */
  registerSweep(sweep: AlertSweep): void;
  /** Listens to every pass's stage times (the benchmark's breakdown); answers the unsubscribe. */
  observePasses(listener: (timing: PassTiming) => void): () => void;
  /** Indexed counts of alerts for the KPIs (unscoped: callers pass the reader's scope). */
  figures: AlertFigures;
}

/** Supervision: the rule runner, the alerts and their change feed, REST and Socket.IO. Starts its runner from the stored positions. */
export async function createAlerts(deps: AlertsDeps): Promise<AlertsComponent> {
  const config = { ...DEFAULT_ALERTS_CONFIG, ...deps.config };
  const policy: AlertPolicy = { ...DEFAULT_ALERT_POLICY, cloneSpeedKmh: config.cloneSpeedKmh, unconfirmedHandOversPerDay: config.unconfirmedHandOversPerDay, scaleSilentMinutes: config.scaleSilentMinutes, ...deps.policy };
  const repo = createAlertRepository(deps.connection);
  await repo.init();
  const transaction = unitOfWork(deps.connection);
  const now = deps.now ?? (() => new Date());
  const feed = createFeed({ repo, logger: deps.logger, pollMs: config.pollMs });
  await feed.start();
  let hub: RealtimeHub | undefined;
  const committed = (changes: StoredChange[]) => {
    feed.offer(changes);
    if (hub) shareWithCluster(hub, changes);
  };
  const sweeps: AlertSweep[] = [];
  const passObservers = new Set<(timing: PassTiming) => void>();
  const runner = createRunner({
    onPass: (timing) => {
      for (const observe of passObservers) observe(timing);
    },
    sweeps: () => sweeps,
    repo,
    transaction,
    ledger: deps.ledger,
    qr: deps.qr,
    interlock: deps.interlock,
    registry: deps.registry,
    policy,
    batchWaitMs: config.batchWaitMs,
    pollMs: config.pollMs,
    now,
    logger: deps.logger,
    onCommitted: committed,
  });
  // The ledger hands over what each commit wrote: a pass judges it without reading it back.
  deps.ledger.onCommitted((records) => runner.hand(records));
  deps.qr?.onRecorded(() => runner.kick(['scans', 'reports']));
  // Resume: whatever committed before this process started (or before a crash) is read now.
  runner.kick();
  const service = createAlertsService({ repo, transaction, audit: deps.audit, ledger: deps.ledger, qr: deps.qr, cursors: deps.cursors, now, onCommitted: committed });
  return {
    module: {
      name: 'alerts',
      router: alertsRoutes(service),
      registerOpenApi: registerAlertsOpenApi,
      attachRealtime(realtime) {
        hub = realtime;
        const detach = attachAlertsNamespace(realtime, { jwtSecret: deps.jwtSecret, isActive: deps.isActive, repo, feed, logger: deps.logger, recheckMs: deps.recheckMs ?? 30_000 });
        return () => {
          detach();
          hub = undefined;
        };
      },
      async stop() {
        await runner.stop();
        feed.stop();
      },
    },
    service,
    runner,
    feed,
    settled: () => runner.settled(),
    observePasses(listener) {
      passObservers.add(listener);
      return () => passObservers.delete(listener);
    },
    figures: createAlertFigures(deps.connection),
    registerSweep(sweep) {
      if (!/^[a-z0-9-]{1,40}$/.test(sweep.name)) throw new Error(`alert sweep name ${sweep.name} must be [a-z0-9-], at most 40 characters`);
      if (sweeps.some((s) => s.name === sweep.name)) throw new Error(`alert sweep ${sweep.name} is registered already`);
      sweeps.push(sweep);
      runner.kick();
    },
  };
}
