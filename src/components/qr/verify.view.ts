import { MESSAGES, REPORT_REASONS, type Lang } from './verify.i18n';
import { renderView } from '../../shared/http/html.view';
import type { Verification } from './verify.service';

export interface VerifyPageInput {
  verification: Verification;
  lang: Lang;
  /** The signature to carry into links and the report form, as scanned. */
  signature: string | undefined;
  reported: boolean;
  /** The receipt number of the report just sent, shown to the reporter. */
  receipt?: string;
}

// The city's clock: dates on the page are read by people in China.
const CITY_TIME_ZONE = 'Asia/Shanghai';
const dateTime = new Intl.DateTimeFormat('sv-SE', { timeZone: CITY_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });

/** "2025-03-01 14:05" in the city's time zone. */
export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

/** One line of the details list, as views/verify.eta shows it: plain text, a code, or a status badge. */
type DetailRow = { label: string; value: string } & ({ kind: 'text' } | { kind: 'code' } | { kind: 'status'; status: string });

const DANGER = new Set(['MALFORMED_CODE', 'FOREIGN_CODE', 'UNKNOWN_CODE', 'BAD_SIGNATURE', 'MISSING_SIGNATURE', 'SCRAPPED', 'PAST_SERVICE_LIFE']);

function level(v: Verification): 'ok' | 'careful' | 'danger' {
  if (v.verdict === 'unverified') return 'careful';
  if (v.verdict !== 'genuine' || v.warnings.some((w) => DANGER.has(w))) return 'danger';
  return v.warnings.length > 0 ? 'careful' : 'ok';
}

/** What the cylinder's state forbids, gravest first: a genuine code on it is headed by that, not by "genuine". */
const HEADLINE_WARNINGS = ['SCRAPPED', 'LOST', 'PAST_SERVICE_LIFE', 'OVERDUE_INSPECTION'] as const;

function headline(v: Verification, m: (typeof MESSAGES)[Lang]): string {
  if (v.verdict !== 'genuine') return m.verdict[v.verdict];
  const danger = HEADLINE_WARNINGS.find((w) => v.warnings.includes(w));
  return danger ? m.headline[danger] : m.verdict.genuine;
}

function query(params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter((e): e is [string, string] => !!e[1]);
  return entries.length > 0 ? `?${new URLSearchParams(entries).toString()}` : '';
}

/** The public verification page: server-rendered (views/verify.eta), mobile first, no inline script. */
export function renderVerifyPage({ verification: v, lang, signature, reported, receipt }: VerifyPageInput): string {
  const m = MESSAGES[lang];
  const tone = level(v);
  const rows: DetailRow[] = [{ label: m.fields.grai, value: v.grai, kind: 'code' }];
  const c = v.cylinder;
  if (c) {
    const fill = c.lastFill ? `${c.lastFill.stationName ?? m.unregisteredStation} · ${formatDateTime(c.lastFill.at)}` : m.noFill;
    rows.push(
      { label: m.fields.enterprise, value: c.enterpriseName, kind: 'text' },
      { label: m.fields.capacity, value: `${c.nominalKg} kg (${c.model})`, kind: 'text' },
      { label: m.fields.serial, value: c.serial, kind: 'code' },
      { label: m.fields.status, value: m.status[c.status] ?? c.status, kind: 'status', status: c.status },
      { label: m.fields.lastFill, value: fill, kind: 'text' },
      { label: m.fields.nextInspection, value: c.nextInspectionDate, kind: 'text' },
    );
  }
  rows.push({ label: m.fields.checkedAt, value: formatDateTime(v.checkedAt), kind: 'text' });
  const path = `/8003/${encodeURIComponent(v.grai)}`;
  return renderView('verify', {
    htmlLang: m.htmlLang,
    title: m.title,
    brand: m.brand,
    tone,
    verdict: headline(v, m),
    advice: v.verdict === 'unverified' ? m.unverifiedAdvice : m.advice[tone],
    warnings: v.warnings.map((w) => m.warnings[w]),
    rows,
    reportHeading: m.report.heading,
    thanks: reported ? m.report.thanks : undefined,
    receipt: reported && receipt ? { label: m.report.receipt, value: receipt, hint: m.report.receiptHint } : undefined,
    contactLabel: m.report.contact,
    manual: { ...m.manual, action: '/8003/find', lang },
    reasonLabel: m.report.reason,
    // The template puts a placeholder option first, so that `required` makes the reporter choose:
    // a preselected reason would file an untouched form as "suspected fake".
    choose: m.report.choose,
    reasons: REPORT_REASONS.map((r) => ({ value: r, label: m.report.reasons[r] })),
    noteLabel: m.report.note,
    locationLabel: m.report.location,
    locating: m.report.locating,
    locationFailed: m.report.locationFailed,
    submit: m.report.submit,
    privacy: m.privacy,
    otherLang: m.otherLang,
    otherLangHref: `${path}${query({ s: signature, lang: lang === 'zh' ? 'en' : 'zh' })}`,
    action: `${path}/report${query({ s: signature, lang })}`,
  });
}
