import { Types, type ClientSession } from 'mongoose';
import type { AuditService } from '../audit';
import { authorize, refuseWiderFilter, type Principal } from '../auth';
import type { UnitOfWork } from '../../shared/db/unit-of-work';
import { AppError } from '../../shared/errors/app.error';
import { afterPosition, type Page, type PageCursors } from '../../shared/http/page.cursor';
import type { PublicReportDoc } from './qr.model';
import type { QrRepository } from './qr.repository';
import { dismissReportBody, publicReportsQuery, type PublicReportView, type ReportStatusView } from './reports.schemas';
import { MESSAGES, type ReportReason } from './verify.i18n';

export interface ReportsServiceDeps {
  repo: QrRepository;
  transaction: UnitOfWork;
  audit: AuditService;
  cursors: PageCursors;
  now: () => Date;
}

const LISTING = { name: 'public-reports', sort: 'at', direction: -1 } as const;
const NOTHING = { _id: { $in: [] as Types.ObjectId[] } };
const statusOf = (r: PublicReportDoc) => r.status ?? 'new';
const notFound = (id: string) => AppError.notFound(`No report ${id}`);

/** The queue a regulator reads: the city every report, a district regulator those of its district; no one else. */
function scopeOf(principal: Principal): Record<string, unknown> {
  authorize(principal, 'public_reports', 'read');
  if (principal.role === 'district_regulator') return principal.districtCode ? { districtCode: principal.districtCode } : NOTHING;
  return {};
}

function view(r: PublicReportDoc, principal: Principal): PublicReportView {
  const reason = MESSAGES.zh.report.reasons[r.reason as ReportReason] ?? r.reason;
  const regulator = principal.role === 'city_regulator' || principal.role === 'district_regulator';
  return {
    id: r._id.toHexString(),
    receipt: r.receipt ?? null,
    status: statusOf(r),
    district: r.districtCode ?? null,
    location: r.coordinates ? { lat: r.coordinates[1], lng: r.coordinates[0] } : null,
    code: r.grai,
    grai: r.grai,
    reason: r.reason,
    text: r.note ? `${reason}：${r.note}` : reason,
    photoId: null,
    contact: regulator ? (r.contact ?? null) : null,
    duplicates: r.duplicates ?? 0,
    caseId: r.caseId ?? null,
    dismissal: r.dismissal ? { reason: r.dismissal.reason, at: r.dismissal.at.toISOString() } : null,
    createdAt: r.at.toISOString(),
  };
}

/** The public's reports (举报) as the regulators handle them: the queue, a dismissal, a case; and the reporter's receipt. */
export function createReportsService(deps: ReportsServiceDeps) {
  const { repo } = deps;

  /** A report as the caller may see it; a duplicate answers as the report it duplicates. */
  async function original(principal: Principal, id: string, session?: ClientSession): Promise<PublicReportDoc> {
    const scope = scopeOf(principal);
    const found = await repo.reportById(id, scope, session);
    const primary = found?.duplicateOf ? await repo.reportById(found.duplicateOf.toHexString(), scope, session) : found;
    if (!primary) throw notFound(id);
    return primary;
  }

  return {
    async list(principal: Principal, raw: unknown): Promise<Page<PublicReportView>> {
      const scope = scopeOf(principal);
      const query = publicReportsQuery.parse(raw);
      refuseWiderFilter(principal, { district: query.district });
      const filters: Record<string, unknown>[] = [scope, { duplicateOf: { $exists: false } }];
      if (query.status) filters.push(query.status === 'new' ? { status: { $in: ['new', null] } } : { status: query.status });
      if (query.district) filters.push({ districtCode: query.district });
      if (query.cursor) filters.push(afterPosition(LISTING, deps.cursors.decode(LISTING, query.cursor)));
      const rows = await repo.listReports({ $and: filters }, query.limit + 1);
      const page = deps.cursors.page(rows, query.limit, LISTING, (r) => ({ value: r.at, id: r._id.toHexString() }));
      return { items: page.items.map((r) => view(r, principal)), nextCursor: page.nextCursor };
    },
    async get(principal: Principal, id: string): Promise<PublicReportView> {
      return view(await original(principal, id), principal);
    },
    async dismiss(principal: Principal, id: string, raw: unknown): Promise<PublicReportView> {
      authorize(principal, 'public_reports', 'update');
      const { reason } = dismissReportBody.parse(raw);
      const doc = await deps.transaction(async (session) => {
        const report = await original(principal, id, session);
        if (statusOf(report) === 'dismissed') throw new AppError('REPORT_DISMISSED', 409, 'Report dismissed', { detail: 'The report was dismissed already' });
        if (statusOf(report) !== 'new') throw new AppError('REPORT_IN_CASE', 409, 'Report already in a case', { detail: 'A report taken into a case is closed with the case' });
        const at = deps.now();
        const dismissal = { reason, by: { userId: principal.userId, username: principal.username, role: principal.role }, at };
        await repo.updateReport(report._id, { status: 'dismissed', dismissal, updatedAt: at }, session);
        await deps.audit.record({ actor: principal, action: 'dismiss', resource: 'public_reports', recordId: report._id, before: { status: statusOf(report) }, after: { status: 'dismissed' }, reason, districtCode: report.districtCode ?? null }, session);
        return { ...report, status: 'dismissed' as const, dismissal, updatedAt: at };
      });
      return view(doc, principal);
    },
    /** What the reporter may know with its receipt: the status and the outcome, nothing else. */
    async status(receipt: string): Promise<ReportStatusView> {
      const found = await repo.reportByReceipt(receipt);
      const report = found?.duplicateOf ? ((await repo.reportById(found.duplicateOf.toHexString(), {})) ?? found) : found;
      if (!found || !report) throw AppError.notFound('No report with this receipt');
      const status = statusOf(report);
      return { receipt, status: status === 'new' ? 'received' : status, updatedAt: (report.updatedAt ?? report.at).toISOString(), outcome: status === 'closed' ? (report.outcome ?? null) : status === 'dismissed' ? 'dismissed' : null };
    },
    /** The cases component's view: the report a case is opened from (404 outside the caller's scope; 409 when dismissed or in a case). */
    async forCase(principal: Principal, id: string) {
      const report = await original(principal, id);
      if (statusOf(report) === 'dismissed') throw new AppError('REPORT_DISMISSED', 409, 'Report dismissed', { detail: 'A dismissed report is not taken into a case' });
      if (statusOf(report) !== 'new') throw new AppError('REPORT_IN_CASE', 409, 'Report already in a case', { detail: `The report is handled in case ${report.caseId ?? ''}`.trim() });
      return { id: report._id.toHexString(), districtCode: report.districtCode ?? null, enterpriseId: null };
    },
    async attachToCase(session: ClientSession, id: string, ref: { caseId: string; number: string }): Promise<void> {
      await repo.updateReport(new Types.ObjectId(id), { status: 'in_case', caseId: ref.caseId, updatedAt: deps.now() }, session);
    },
    async closeWithCase(session: ClientSession, caseId: string, outcome: 'rectified' | 'unfounded'): Promise<void> {
      await repo.closeReportsOfCase(caseId, { status: 'closed', outcome, updatedAt: deps.now() }, session);
    },
  };
}

export type ReportsService = ReturnType<typeof createReportsService>;
