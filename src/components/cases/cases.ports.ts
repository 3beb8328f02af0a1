import type { ClientSession } from 'mongoose';
import type { AlertsService } from '../alerts';
import type { Principal } from '../auth';
import type { ClosedOutcome } from './cases.lifecycle';

/** Supervision's alerts as a case uses them (alerts.service: checked, attached and closed in the case's transaction). */
export type CaseAlerts = Pick<AlertsService, 'forCase' | 'attachToCase' | 'closeWithCase'>;

/** A record a case is opened from, as the case needs it: where it is, whose it is. */
export interface CaseSourceRecord {
  id: string;
  districtCode: string | null;
  enterpriseId: string | null;
}

/** The public's reports (the qr component's queue): the one a case is opened from, and its status moving with the case. */
export interface CaseReports {
  /** The report as the caller may see it; 404 outside its scope, 409 when dismissed or in another case. */
  forCase(principal: Principal, id: string): Promise<CaseSourceRecord>;
  attachToCase(session: ClientSession, id: string, ref: { caseId: string; number: string }): Promise<void>;
  closeWithCase(session: ClientSession, caseId: string, outcome: ClosedOutcome): Promise<void>;
}

/** The hazards (inspection and household) a case is opened from. */
export interface CaseHazards {
  forCase(principal: Principal, ids: readonly string[]): Promise<CaseSourceRecord[]>;
  attachToCase(session: ClientSession, ids: readonly string[], caseId: string): Promise<void>;
  closeWithCase(session: ClientSession, caseId: string): Promise<void>;
}

/** The accounts a case is assigned to (the auth component's users). */
export interface CaseAccounts {
  accountById(id: string): Promise<{ id: string; username: string; displayName?: string; role: string; districtCode?: string; active: boolean } | undefined>;
}
