import type { ClientSession } from 'mongoose';
import type { Principal } from '../auth';
import type { CylinderIdentityPort, NearbySite, SiteSummary } from '../registry';

/** What the commissioning step tells the custody ledger: the `commission` event of one cylinder. */
export interface CommissionRecord {
  cylinderId: string;
  grai: string;
  /** The filling station the cylinder is registered to: where its life starts. */
  siteId: string;
  enterpriseId: string;
  at: Date;
}

/** The ledger projection the verification page shows. */
export interface LedgerSnapshot {
  state: string;
  lastFill?: { siteId: string; at: Date };
}

/**
 * The custody ledger as QR identity uses it. Optional: without it commissioning binds the code
 * only, and the page shows no last fill.
 */
/**
 * The ledger's definitive answers to a commission event, after which commissioning undoes the
 * bind: refused on the merits (422, with every reason), or its id held by another event (409).
 */
export const COMMISSION_REFUSED = 'COMMISSION_REFUSED';
export const LEDGER_REJECTED = 'LEDGER_REJECTED';

export interface LedgerPort {
  /**
   * Records the commission event (its id derived by the ledger, so a retry never appends a second)
   * or throws: commissioning never reports success without it. A definitive refusal throws an
   * AppError coded COMMISSION_REFUSED or LEDGER_REJECTED; anything else may be retried.
   */
  recordCommission(record: CommissionRecord, actor: Principal): Promise<void>;
  cylinderState(cylinderId: string): Promise<LedgerSnapshot | undefined>;
  /** Subscribes to scrappings, run in the scrapping event's own transaction (`session`). */
  onCylinderScrapped(listener: (cylinderId: string, session: ClientSession) => Promise<void>): void;
}

export interface SitePort {
  siteById(siteId: string): Promise<SiteSummary | undefined>;
  /** Registered sites near a point ([lng, lat]), nearest first: a public report's district is the nearest one's. */
  sitesNear?(point: [number, number], radiusKm: number): Promise<NearbySite[]>;
}

/** The registry's cylinders: QR identity reads them and binds a GRAI, never touching their collection. */
export type CylinderPort = Pick<CylinderIdentityPort, 'cylinderIdentity' | 'bindGrai' | 'unbindGrai' | 'graiBound' | 'enterpriseName'> & Partial<Pick<CylinderIdentityPort, 'graiOfSerial'>>;
