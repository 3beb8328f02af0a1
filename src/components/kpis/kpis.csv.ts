import type { KpisView, ReconciliationView } from './kpis.schemas';

/**
 * The KPI table and the reconciliation ranking as CSV a regulator hands on: UTF-8 with a BOM (so
 * Chinese Excel opens it as UTF-8), CRLF line ends, Chinese headers. A cell that a spreadsheet
 * would run as a formula (= + - @ at its start: site names are typed by enterprises) is prefixed
 * with an apostrophe.
 */
type Cell = string | number | null;

const escape = (cell: Cell): string => {
  if (cell === null) return '';
  let text = String(cell);
  if (typeof cell === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function toCsv(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return `\uFEFF${[headers, ...rows].map((row) => row.map(escape).join(',')).join('\r\n')}\r\n`;
}

const percent = (value: number | null): string | null => (value === null ? null : `${(value * 100).toFixed(1)}%`);
/** A period as people read it: its days in city time, `to` the last day included when it ends at a midnight. */
const cityDay = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

export const KPI_CSV_HEADERS = ['指标', '对象', '区县', '日期', '分子', '分母', '数值'] as const;

export function kpisCsv(view: KpisView): string {
  const f = view.figures;
  const rows: Cell[][] = [
    ['立案率', null, view.district, null, f.caseFilingRate.numerator, f.caseFilingRate.denominator, percent(f.caseFilingRate.value)],
    ['无证经营点整治率', null, view.district, null, f.rectificationRate.numerator, f.rectificationRate.denominator, percent(f.rectificationRate.value)],
    ['未结案件', null, view.district, null, null, null, f.openCases],
    ['逾期未整改案件', null, view.district, null, null, null, f.overdueCases],
    ['超期未检气瓶（流通中）', null, view.district, null, null, null, f.overdueCylinders.inCirculation],
    ['超期未检气瓶（在站）', null, view.district, null, null, null, f.overdueCylinders.atStations],
    ['超设计使用年限气瓶（流通中）', null, view.district, null, null, null, f.pastServiceLife.inCirculation],
    ['超设计使用年限气瓶（在站）', null, view.district, null, null, null, f.pastServiceLife.atStations],
    ...f.fillsPerStationPerDay.map((r): Cell[] => ['每站每日充装量', r.siteName ?? r.siteId, null, r.day, null, null, r.fills]),
    ...f.denialsByReason.map((r): Cell[] => ['充装拒绝（按原因）', r.zh, view.district, null, null, null, r.count]),
    ...f.confirmedHandOverRate.map((r): Cell[] => ['用户确认交付率', r.enterpriseName ?? r.enterpriseId, null, null, r.confirmed, r.total, percent(r.value)]),
    ...f.alertsByRule.map((r): Cell[] => ['告警（按规则、区县）', r.zh, r.district, null, null, null, r.count]),
  ];
  return toCsv(KPI_CSV_HEADERS, rows);
}

export const RECONCILIATION_CSV_HEADERS = ['排名', '企业', '站点', '区县', '充装', '送达实名用户', '回收', '去向不明', '未到期', '在站', '去向不明率', '去向不明气瓶（示例）'] as const;

export function reconciliationCsv(view: ReconciliationView): string {
  const rows = view.items.map((r): Cell[] => [
    r.rank,
    r.enterpriseName ?? r.enterpriseId,
    r.siteName ?? r.siteId,
    r.district,
    r.filled,
    r.reachedCustomers,
    r.returned,
    r.unaccounted,
    r.pending,
    r.atStation,
    percent(r.gapRate),
    r.cylinders.map((c) => c.cylinderId).join(' '),
  ]);
  return toCsv(RECONCILIATION_CSV_HEADERS, rows);
}

/** A download name that says what and when: `kpis-2026-11-01-2026-11-30.csv`. */
export function csvFileName(kind: 'kpis' | 'reconciliation', period: { from: string; to: string }): string {
  const lastDay = cityDay(new Date(new Date(period.to).getTime() - 1).toISOString());
  return `${kind}-${cityDay(period.from)}-${lastDay}.csv`;
}
