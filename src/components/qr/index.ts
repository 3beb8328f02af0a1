import type { Connection } from 'mongoose';
import { unitOfWork } from '../../shared/db/unit-of-work';
import type { ApiModule } from '../../shared/http/api-module';
import { sharedRateLimit } from '../../shared/rate-limit/shared.limiter';
import { createPageCursors, type PageCursors } from '../../shared/http/page.cursor';
import type { AuditService } from '../audit';
import { createCommissionService, type CommissionService } from './commission.service';
import type { CylinderPort, LedgerPort, SitePort } from './qr.ports';
import { Types } from 'mongoose';
import { createQrRepository, type PublicRecordKind } from './qr.repository';
import type { PublicReportDoc, PublicScanDoc } from './qr.model';
import { qrRoutes, registerQrOpenApi } from './qr.routes';
import { clientHashKey, keyringOf, type QrSettings } from './qr.settings';
import type { QrKeyring } from './qr.signature';
import { rateLimit, registerVerifyOpenApi, verifyPages } from './verify.pages';
import { registerReportsOpenApi, reportsRoutes } from './reports.routes';
import { createReportsService, type ReportsService } from './reports.service';
import { Router } from 'express';
import { createVerifyService, type VerifyService } from './verify.service';

export { buildGrai, parseGrai, gs1CheckDigit, humanReadable, type Grai } from './grai.code';
export { createKeyring, deriveKey, type QrKeyring, type SignatureCheck } from './qr.signature';
export { buildQrUri, parseQrUri } from './qr.uri';
export { DEFAULT_QR_CONFIG, type QrSettings, type QrConfig } from './qr.settings';
export { ledgerPort } from './ledger.adapter';
/** The words of the verification page (its report reasons, in Chinese and English), for the texts other components compose about the public's reports. */
export { MESSAGES as VERIFY_MESSAGES, REPORT_REASONS, type ReportReason } from './verify.i18n';
export { WARNINGS } from './verify.service';
export type { LedgerPort, LedgerSnapshot, CommissionRecord, SitePort, CylinderPort } from './qr.ports';

/** Where the public scan limit counts, shared by every app process. */
export const QR_SCAN_LIMIT_COLLECTION = 'qr_scan_limits';

export interface QrDeps {
  connection: Connection;
  settings: QrSettings;
  audit: AuditService;
  sites: SitePort;
  /** The registry's cylinders (usually the registry itself, like `sites`). */
  cylinders: CylinderPort;
  /**
   * The custody ledger (`ledgerPort(ledger)`): commissioning records its event there, the page
   * shows its projection, and a scrapping retires the code. Without it (some tests) commissioning
   * binds codes only and pages show no fill.
   */
  ledger?: LedgerPort;
  /** The listings' cursors (the public reports' queue); its own when absent. */
  cursors?: PageCursors;
  now?: () => Date;
}

export interface QrComponent {
  /** API routes under /api/v1 and, as `pages`, the public /8003/{GRAI} verification page. */
  module: ApiModule;
  keyring: QrKeyring;
  commission: CommissionService;
  verify: VerifyService;
  /** The public's reports as regulators handle them, and the port a case takes one in through. */
  reports: ReportsService;
  /**
   * The public's scans of verification links and its reports, in the order they were stored:
   * seq > afterSeq (all when omitted). Positions are gap-free, taken in each one's transaction.
   * No personal data: a daily keyed hash of the address, a location rounded to ~1 km.
   */
  scansInOrder(afterSeq: number | undefined, limit: number): Promise<PublicScan[]>;
  reportsInOrder(afterSeq: number | undefined, limit: number): Promise<PublicReport[]>;
  scansByIds(ids: readonly string[]): Promise<PublicScan[]>;
  reportsByIds(ids: readonly string[]): Promise<PublicReport[]>;
  /** Subscribes to stored scans and reports: `listener` runs after each has committed. */
  onRecorded(listener: (kind: PublicRecordKind) => void): void;
}

/** A stored scan as other components read it: its id (hex) instead of Mongo's _id. */
export type PublicScan = Omit<PublicScanDoc, '_id'> & { id: string };
export type PublicReport = Omit<PublicReportDoc, '_id'> & { id: string };
export type { PublicRecordKind } from './qr.repository';

/** QR identity: GRAI commissioning, signed Digital Link codes, labels, public verification. */
export async function createQr(deps: QrDeps): Promise<QrComponent> {
  const repo = createQrRepository(deps.connection);
  await repo.init();
  const transaction = unitOfWork(deps.connection);
  await repo.numberOld('scans', transaction);
  await repo.numberOld('reports', transaction);
  const recordedListeners: ((kind: PublicRecordKind) => void)[] = [];
  const onRecorded = (kind: PublicRecordKind) => {
    for (const listener of recordedListeners) listener(kind);
  };
  const keyring = keyringOf(deps.settings);
  const now = deps.now ?? (() => new Date());
  const commission = createCommissionService({
    transaction,
    repo,
    cylinders: deps.cylinders,
    settings: deps.settings,
    keyring,
    audit: deps.audit,
    now,
    ...(deps.ledger ? { ledger: deps.ledger } : {}),
  });
  const verify = createVerifyService({
    repo,
    transaction,
    onRecorded,
    settings: deps.settings,
    keyring,
    hashKey: clientHashKey(deps.settings),
    sites: deps.sites,
    cylinders: deps.cylinders,
    onScrapped: (id) => commission.retireScrapped(id),
    now,
    ...(deps.ledger ? { ledger: deps.ledger } : {}),
  });
  // The ledger's scrapping retires the code in the event's own transaction: never issued again.
  deps.ledger?.onCylinderScrapped((id, session) => commission.retireScrapped(id, session));
  // Per client address per minute, counted in MongoDB: every process of the deployment shares the count.
  const limiter = sharedRateLimit({ connection: deps.connection, collection: QR_SCAN_LIMIT_COLLECTION, prefix: 'scan', windowSeconds: 60, limit: deps.settings.scanRatePerMinute });
  // The receipt check shares the scans' count per address: guessing receipts costs what scanning does.
  const statusLimiter = sharedRateLimit({ connection: deps.connection, collection: QR_SCAN_LIMIT_COLLECTION, prefix: 'report-status', windowSeconds: 60, limit: Math.max(1, Math.min(30, deps.settings.scanRatePerMinute)) });
  const reports = createReportsService({ repo, transaction, audit: deps.audit, cursors: deps.cursors ?? createPageCursors(deps.settings.signingSecret), now });
  return {
    module: {
      name: 'qr',
      router: Router().use(qrRoutes(commission)).use(reportsRoutes(reports, rateLimit(statusLimiter))),
      pages: verifyPages(verify, limiter),
      registerOpenApi: (registry) => {
        registerQrOpenApi(registry);
        registerVerifyOpenApi(registry);
        registerReportsOpenApi(registry);
      },
    },
    keyring,
    commission,
    verify,
    reports,
    scansInOrder: async (afterSeq, limit) => (await repo.inOrder('scans', afterSeq, clamp(limit))).map(withId),
    reportsInOrder: async (afterSeq, limit) => (await repo.inOrder('reports', afterSeq, clamp(limit))).map(withId).map(withoutContact),
    scansByIds: async (ids) => (await repo.byIds('scans', objectIds(ids))).map(withId),
    reportsByIds: async (ids) => (await repo.byIds('reports', objectIds(ids))).map(withId).map(withoutContact),
    onRecorded: (listener) => {
      recordedListeners.push(listener);
    },
  };
}

/** Supervision shows reports to whoever sees the alert: never the reporter's contact (only the regulators' queue has it). */
function withoutContact<T extends { contact?: string }>({ contact: _contact, ...rest }: T): Omit<T, 'contact'> {
  return rest;
}

const clamp = (limit: number) => Math.max(1, Math.min(limit, 10_000));
const objectIds = (ids: readonly string[]) => ids.filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id));
function withId<T extends { _id: Types.ObjectId }>({ _id, ...doc }: T): Omit<T, '_id'> & { id: string } {
  return { ...doc, id: _id.toHexString() };
}
