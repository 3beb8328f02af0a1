import type { Connection } from 'mongoose';
import type { ApiModule } from '../../../shared/http/api-module';
import type { Logger } from '../../../shared/logger/logger.factory';
import { createCheckpointSigner } from './checkpoint.signer';
import { createLogRepository } from './log.repository';
import { logRoutes, registerLogOpenApi, wellKnownRoutes } from './log.routes';
import { createLogService, type LogService } from './log.service';
import type { CylinderVisibility, LedgerEventSource } from './log.ports';

export type { LedgerEventSource, CylinderVisibility, EventRangeQuery } from './log.ports';
export type { LogService } from './log.service';
export { createCheckpointSigner, verifyCheckpoint, type Checkpoint } from './checkpoint.signer';
export { verifyBundle, type BundleVerdict } from './bundle.verifier';
export { registryCylinderVisibility } from './cylinder.visibility';

export interface LedgerLogDeps {
  connection: Connection;
  source: LedgerEventSource;
  cylinderVisible: CylinderVisibility;
  /** LEDGER_SIGNING_KEY. */
  signingKey: string;
  logger: Logger;
  /** How long a hole in the events' logSeq is waited for before it counts as a deleted event. */
  gapGraceMs?: number;
  /** How often new events are integrated and a checkpoint signed; 0 disables the timer. */
  checkpointIntervalMs?: number;
  now?: () => Date;
}

export interface LedgerLog {
  service: LogService;
  module: ApiModule;
  /** For the site root: GET /.well-known/lpg-trace-ledger-key. */
  wellKnown: ApiModule['router'];
  /** Stops the periodic checkpoints and waits for a running one. */
  stop(): Promise<void>;
}

/** The tamper-evident log over the ledger: leaves, signed checkpoints, proofs and exports. */
export async function createLedgerLog(deps: LedgerLogDeps): Promise<LedgerLog> {
  const repository = createLogRepository(deps.connection);
  await repository.init();
  const service = createLogService({
    repository,
    source: deps.source,
    signer: createCheckpointSigner(deps.signingKey),
    logger: deps.logger,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.gapGraceMs !== undefined ? { gapGraceMs: deps.gapGraceMs } : {}),
  });
  let running: Promise<unknown> = Promise.resolve();
  const interval = deps.checkpointIntervalMs ?? 5_000;
  const timer =
    interval > 0
      ? setInterval(() => {
          running = service.checkpoint().catch((err: unknown) => deps.logger.warn({ err }, 'ledger checkpoint failed'));
        }, interval)
      : undefined;
  // Never keeps the process alive; shutdown closes the database, which stops it too.
  timer?.unref();
  const stop = async (): Promise<void> => {
    if (timer) clearInterval(timer);
    await running;
  };
  deps.connection.once('close', () => void stop());
  return {
    service,
    module: {
      name: 'ledger-log',
      router: logRoutes(service, deps.cylinderVisible, deps.source),
      registerOpenApi: registerLogOpenApi,
      // The public key at a well-known address, so outside auditors find it without the API docs.
      pages: wellKnownRoutes(service),
      healthWarnings: async () => {
        const count = await service.incidentCount();
        if (count === 0) return [];
        // No positions or ids here: /readyz is unauthenticated; the regulator reads the details.
        return [{ component: 'ledger-log', code: 'LEDGER_LOG_INCIDENTS', message: `${count} log position(s) found altered or deleted before integration; see GET /api/v1/ledger/incidents` }];
      },
    },
    wellKnown: wellKnownRoutes(service),
    stop,
  };
}
