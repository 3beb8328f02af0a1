import { api, type Page } from '../../api';

/**
 * The regulator pages' view of the supervision APIs: alerts (on main) and the cases, inspections,
 * public reports and KPIs of the shared contract (briefs/contract.md). Types mirror the answers;
 * the pages call these and never build paths themselves.
 */
export type Query = Record<string, string | number | boolean | undefined>;

export interface Actor {
  userId: string;
  username: string;
  role: string;
}
export interface Account {
  id: string;
  username: string;
  displayName?: string;
  role: string;
}
export interface Evidence {
  kind: string;
  id: string;
  at: string;
  note: string;
  noteText?: { zh: string; en: string };
  record?: Record<string, unknown> | null;
}
export interface AlertView {
  id: string;
  seq: number;
  districtSeq: number;
  rule: string;
  title: { zh: string; en: string };
  severity: 'low' | 'medium' | 'high' | 'critical';
  status: 'open' | 'acknowledged' | 'dismissed' | 'closed';
  subject: { kind: string; id: string };
  districtCode: string | null;
  enterpriseId: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  count: number;
  detail: string;
  detailText?: { zh: string; en: string };
  evidence: Evidence[];
  acknowledged?: { by: Actor; at: string; note?: string };
  dismissed?: { by: Actor; at: string; reason: string };
  case?: { id: string; number: string; at: string; by: Actor; closed?: { at: string; by: Actor; outcome: string } };
}
export interface AlertChange {
  change: 'new' | 'update';
  alert: AlertView;
  added: Evidence[];
}

export type CaseStatus = 'open' | 'assigned' | 'submitted' | 'escalated' | 'closed';
export const CASE_STATUSES: readonly CaseStatus[] = ['open', 'assigned', 'submitted', 'escalated', 'closed'];
export type SourceType = 'alerts' | 'report' | 'hazard' | 'own';
export type SubjectType = 'site' | 'enterprise' | 'worker' | 'cylinder' | 'vehicle' | 'location';
export const SUBJECT_TYPES: readonly SubjectType[] = ['site', 'enterprise', 'worker', 'cylinder', 'vehicle', 'location'];

export interface CaseSubject {
  type: SubjectType;
  id?: string;
  name?: string;
  location?: { lat: number; lng: number; address?: string };
}
export interface CaseView {
  id: string;
  number: string;
  status: CaseStatus;
  outcome: 'rectified' | 'unfounded' | null;
  district: string;
  enterpriseId: string | null;
  enterpriseName: string | null;
  subject: CaseSubject;
  legalBasis: string;
  title: string;
  description?: string;
  source: { type: SourceType; alertIds?: string[]; reportId?: string; hazardIds?: string[] };
  alertIds: string[];
  reportIds: string[];
  hazardIds: string[];
  officer: Account | null;
  deadline: string | null;
  overdue: boolean;
  rectifications: { text: string; photoIds: string[]; by: Account; at: string }[];
  history: { action: string; from: string | null; to: string; by: Account; at: string; note: string | null }[];
  actions: string[];
  /** Every photo of the case (in the answers about one case). */
  photos?: { id: string; type: string; bytes: number; uploadedBy: Account; at: string }[];
  createdAt: string;
  updatedAt: string;
}
export interface NewCase {
  source: { type: SourceType; alertIds?: string[]; reportId?: string; hazardIds?: string[] };
  subject: CaseSubject;
  legalBasis: string;
  title: string;
  description?: string;
  district?: string;
}

export type PremisesType = 'station' | 'supply_point' | 'restaurant';
export const PREMISES_TYPES: readonly PremisesType[] = ['station', 'supply_point', 'restaurant'];
export interface ChecklistItem {
  code: string;
  zh: string;
  en: string;
}
export interface Checklist {
  premisesType: PremisesType;
  version: number;
  items: ChecklistItem[];
  updatedAt: string;
  updatedBy: Account | null;
}
export interface InspectionResult {
  code: string;
  passed: boolean;
  note?: string;
  deadline?: string;
}
export interface InspectionView {
  id: string;
  premises: { type: PremisesType; id: string; name: string; district: string };
  checklistVersion: number;
  inspectedAt: string;
  inspector: Account;
  results: { code: string; zh: string; en: string; passed: boolean; note: string | null; deadline: string | null }[];
  hazardIds: string[];
}
export interface HazardView {
  id: string;
  source: 'inspection' | 'household';
  premises: { type: string; id: string; name: string } | null;
  customerId: string | null;
  itemCode: string;
  zh: string;
  en: string;
  deadline: string | null;
  status: 'open' | 'in_case' | 'closed';
  caseId: string | null;
  district: string;
  createdAt: string;
}
export interface ReportView {
  id: string;
  receipt: string | null;
  status: 'new' | 'in_case' | 'dismissed' | 'closed';
  district: string | null;
  location: { lat: number; lng: number; address?: string } | null;
  code: string | null;
  grai: string | null;
  reason: string;
  text: string;
  photoId: string | null;
  contact: string | null;
  duplicates: number;
  caseId: string | null;
  dismissal?: { reason: string; at: string } | null;
  createdAt: string;
}

export interface Ratio {
  numerator: number;
  denominator: number;
  value: number | null;
}
export interface KpiAnswer {
  period: { from: string; to: string };
  district: string | null;
  figures: {
    caseFilingRate: Ratio;
    rectificationRate: Ratio;
    openCases: number | null;
    overdueCases: number | null;
    overdueCylinders: { inCirculation: number; atStations: number };
    pastServiceLife: { inCirculation: number; atStations: number };
    fillsPerStationPerDay: { siteId: string; siteName: string | null; day: string; fills: number }[];
    denialsByReason: { reason: string; zh: string; en: string; count: number }[];
    confirmedHandOverRate: { enterpriseId: string; enterpriseName: string | null; confirmed: number; total: number; value: number | null }[];
    alertsByRule: { rule: string; zh: string; en: string; district: string | null; count: number }[];
  };
}
export interface ReconciliationRow {
  rank: number;
  enterpriseId: string;
  enterpriseName: string | null;
  siteId: string | null;
  siteName: string | null;
  district: string | null;
  filled: number;
  reachedCustomers: number;
  returned: number;
  unaccounted: number;
  gapRate: number | null;
}
export interface Reconciliation {
  period: { from: string; to: string };
  items: ReconciliationRow[];
}

export interface ScaleView {
  id: string;
  name: string;
  status: string;
  online: boolean;
  lastSeenAt: string | null;
  lock: { reason: string; at: string; by: string; byRole: string } | null;
  bufferedReports: number | null;
}
export interface StationControls {
  siteId: string;
  enterpriseId: string;
  districtCode: string;
  lock: { reason: string; at: string; by: string; byRole: string } | null;
  manualMode: { id: string; from: string; until: string; reason: string } | null;
  scales: ScaleView[];
}
export interface SiteRecord {
  id: string;
  name: string;
  code?: string;
  kind: string;
  enterpriseId: string;
  districtCode: string;
  address?: string;
  coordinates?: [number, number];
}

const v1 = (path: string) => `/api/v1${path}`;
const clean = (query: Query): Query => Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== ''));

export const alertsApi = {
  list: (query: Query) => api().get<Page<AlertView>>(v1('/alerts'), { query: clean(query) }),
  get: (id: string) => api().get<AlertView>(v1(`/alerts/${id}`)),
  acknowledge: (id: string, note?: string) => api().post<AlertView>(v1(`/alerts/${id}/acknowledge`), note ? { note } : {}, { idempotent: true }),
  dismiss: (id: string, reason: string) => api().post<AlertView>(v1(`/alerts/${id}/dismiss`), { reason }, { idempotent: true }),
};

export const casesApi = {
  list: (query: Query) => api().get<Page<CaseView>>(v1('/cases'), { query: clean(query) }),
  get: (id: string) => api().get<CaseView>(v1(`/cases/${id}`)),
  open: (body: NewCase) => api().post<CaseView>(v1('/cases'), body),
  assign: (id: string, officerId: string, deadline: string) => api().post<CaseView>(v1(`/cases/${id}/assign`), { officerId, deadline }),
  review: (id: string, outcome: string, note: string) => api().post<CaseView>(v1(`/cases/${id}/review`), { outcome, note }),
  rectify: (id: string, text: string, photoIds: string[] = []) => api().post<CaseView>(v1(`/cases/${id}/rectification`), { text, photoIds }),
  photo: (id: string, file: Blob) => api().request<{ id: string }>('POST', v1(`/cases/${id}/photos`), { raw: { data: file, type: file.type || 'image/jpeg' } }),
};

export const inspectionsApi = {
  checklists: () => api().get<{ items: Checklist[] }>(v1('/inspection-checklists')),
  saveChecklist: (premisesType: PremisesType, items: ChecklistItem[]) => api().request<Checklist>('PUT', v1(`/inspection-checklists/${premisesType}`), { body: { items }, idempotent: true }),
  record: (body: { premises: { type: PremisesType; id: string }; checklistVersion: number; inspectedAt: string; results: InspectionResult[] }) => api().post<InspectionView>(v1('/inspections'), body),
  list: (query: Query) => api().get<Page<InspectionView>>(v1('/inspections'), { query: clean(query) }),
  hazards: (query: Query) => api().get<Page<HazardView>>(v1('/hazards'), { query: clean(query) }),
};

export const reportsApi = {
  list: (query: Query) => api().get<Page<ReportView>>(v1('/public-reports'), { query: clean(query) }),
  get: (id: string) => api().get<ReportView>(v1(`/public-reports/${id}`)),
  dismiss: (id: string, reason: string) => api().post<ReportView>(v1(`/public-reports/${id}/dismiss`), { reason }, { idempotent: true }),
};

export const kpisApi = {
  figures: (query: Query) => api().get<KpiAnswer>(v1('/kpis'), { query: clean(query) }),
  figuresCsv: (query: Query) => api().get<Blob>(v1('/kpis.csv'), { query: clean(query), as: 'blob' }),
  reconciliation: (query: Query) => api().get<Reconciliation>(v1('/reconciliation'), { query: clean(query) }),
  reconciliationCsv: (query: Query) => api().get<Blob>(v1('/reconciliation.csv'), { query: clean(query), as: 'blob' }),
};

export const scalesApi = {
  stations: (query: Query) => api().get<Page<SiteRecord>>(v1('/sites'), { query: clean({ kind: 'filling_station', limit: 200, ...query }) }),
  controls: (siteId: string) => api().get<StationControls>(v1(`/stations/${siteId}/scale-controls`)),
  lockStation: (siteId: string, reason: string) => api().post<StationControls>(v1(`/stations/${siteId}/lock`), { reason }),
  unlockStation: (siteId: string, reason: string) => api().post<StationControls>(v1(`/stations/${siteId}/unlock`), { reason }),
  lockScale: (deviceId: string, reason: string) => api().post<unknown>(v1(`/devices/${deviceId}/lock`), { reason }),
  unlockScale: (deviceId: string, reason: string) => api().post<unknown>(v1(`/devices/${deviceId}/unlock`), { reason }),
};
