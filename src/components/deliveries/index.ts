import type { ComponentDeps } from '..';
import type { DeliveriesConfig } from '../../config';
import { unitOfWork } from '../../shared/db/unit-of-work';
import type { ApiModule } from '../../shared/http/api-module';
import type { PageCursors } from '../../shared/http/page.cursor';
import type { Ledger } from '../ledger';
import type { Registry } from '../registry';
import { createSupervision, type HazardFilter, type HazardRecord } from './collisions.service';
import { customerPages } from './customer.pages';
import { createCustomers } from './customers.service';
import { createCommit } from './deliveries.commit';
import { deliveryModels } from './deliveries.model';
import { registerDeliveriesOpenApi } from './deliveries.openapi';
import { createPlanner } from './deliveries.plan';
import { createDeliveriesRepository } from './deliveries.repository';
import { deliveriesRoutes } from './deliveries.routes';
import { MAX_SYNC } from './deliveries.schemas';
import { createFlows } from './deliveries.service';
import { createMedia } from './media.service';
import { httpSmsSender, type SmsSender } from './sms.gateway';

export type { HazardFilter, HazardRecord } from './collisions.service';
export { SAFETY_ITEMS, SAFETY_ITEM_KEYS, type SafetyItem } from './safety-check.items';
export { sniffImage, MEDIA_TYPES } from './media.service';
export type { SmsSender } from './sms.gateway';

export interface Deliveries {
  module: ApiModule;
  /** Hazards found by home safety checks (contract §4 of issue 13), unscoped: the caller applies its own. */
  hazards(filter: HazardFilter): Promise<HazardRecord[]>;
}

export const DEFAULT_DELIVERIES_CONFIG: DeliveriesConfig = { mediaMaxBytes: 1024 * 1024, customerLinkTtlMs: 72 * 3_600_000, handoverCodeTtlMs: 15 * 60_000 };

export interface DeliveriesOptions {
  registry: Registry;
  ledger: Ledger;
  cursors: PageCursors;
  config?: DeliveriesConfig;
  /** Replaces the HTTP SMS gateway (tests). */
  sms?: SmsSender;
  now?: () => Date;
}

/**
 * The delivery worker's day as flows (issue 13): load, receive, deliver, collect and home safety
 * check, online or as an offline batch, each recorded with its ledger events in one transaction;
 * the collision list, the hazards, hand-over codes, the customer's own page, photos and
 * signatures. Creates its indexes before it answers.
 */
export async function createDeliveries(deps: Pick<ComponentDeps, 'connection' | 'config' | 'logger'>, options: DeliveriesOptions): Promise<Deliveries> {
  const repo = createDeliveriesRepository(deliveryModels(deps.connection));
  await repo.init();
  const config = options.config ?? DEFAULT_DELIVERIES_CONFIG;
  const now = options.now ?? (() => new Date());
  const transaction = unitOfWork(deps.connection);
  const sms = options.sms ?? (config.smsGateway ? httpSmsSender(config.smsGateway, deps.logger) : undefined);
  const planner = createPlanner({ repo, ledger: options.ledger, registry: options.registry, now });
  const commit = createCommit({ transaction, repo, ledger: options.ledger, now });
  const flows = createFlows({ repo, planner, commit, cursors: options.cursors, contentSecret: deps.config.secrets.PII_HASH_SECRET });
  const supervision = createSupervision({ transaction, repo, ledger: options.ledger, cursors: options.cursors, now });
  const customers = createCustomers({
    repo,
    registry: options.registry,
    ledger: options.ledger,
    ...(sms ? { sms } : {}),
    sessionSecret: deps.config.secrets.JWT_SECRET,
    linkTtlMs: config.customerLinkTtlMs,
    codeTtlMs: config.handoverCodeTtlMs,
    ...(config.publicBaseUrl ? { publicBaseUrl: config.publicBaseUrl } : {}),
    now,
  });
  const media = createMedia({ repo, maxBytes: config.mediaMaxBytes, now });
  return {
    module: {
      name: 'deliveries',
      router: deliveriesRoutes({ flows, supervision, customers, media, mediaMaxBytes: config.mediaMaxBytes }),
      pages: customerPages(customers, { secureCookies: deps.config.env === 'production' }),
      registerOpenApi: registerDeliveriesOpenApi,
      // 500 offline flows of a few hundred bytes each (up to 100 cylinders a flow): beyond the global limit.
      largeBodies: [{ path: '/deliveries/sync', limit: `${Math.ceil((MAX_SYNC * 4) / 1000)}mb` }],
    },
    hazards: supervision.hazards,
  };
}
