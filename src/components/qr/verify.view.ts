import { MESSAGES, REPORT_REASONS, type Lang } from './verify.i18n';
import { escapeHtml, formatDateTime, renderTemplate } from './qr.template';
import type { Verification } from './verify.service';

export interface VerifyPageInput {
  verification: Verification;
  lang: Lang;
  /** The signature to carry into links and the report form, as scanned. */
  signature: string | undefined;
  reported: boolean;
}

const DANGER = new Set(['MALFORMED_CODE', 'FOREIGN_CODE', 'UNKNOWN_CODE', 'BAD_SIGNATURE', 'MISSING_SIGNATURE', 'SCRAPPED', 'PAST_SERVICE_LIFE']);

function level(v: Verification): 'ok' | 'careful' | 'danger' {
  if (v.verdict !== 'genuine' || v.warnings.some((w) => DANGER.has(w))) return 'danger';
  return v.warnings.length > 0 ? 'careful' : 'ok';
}

function query(params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter((e): e is [string, string] => !!e[1]);
  return entries.length > 0 ? `?${new URLSearchParams(entries).toString()}` : '';
}

/** The public verification page: server-rendered, mobile first, no inline script. */
export function renderVerifyPage({ verification: v, lang, signature, reported }: VerifyPageInput): string {
  const m = MESSAGES[lang];
  const tone = level(v);
  const warnings = v.warnings.map((w) => `<li>${escapeHtml(m.warnings[w])}</li>`).join('');
  const row = (label: string, value: string) => `<div class="row"><dt>${escapeHtml(label)}</dt><dd>${value}</dd></div>`;
  const rows = [row(m.fields.grai, `<code>${escapeHtml(v.grai)}</code>`)];
  const c = v.cylinder;
  if (c) {
    const fill = c.lastFill
      ? `${escapeHtml(c.lastFill.stationName ?? m.unregisteredStation)} · ${escapeHtml(formatDateTime(c.lastFill.at))}`
      : escapeHtml(m.noFill);
    rows.push(
      row(m.fields.enterprise, escapeHtml(c.enterpriseName)),
      row(m.fields.capacity, escapeHtml(`${c.nominalKg} kg (${c.model})`)),
      row(m.fields.serial, `<code>${escapeHtml(c.serial)}</code>`),
      row(m.fields.status, `<span class="status status-${escapeHtml(c.status)}">${escapeHtml(m.status[c.status] ?? c.status)}</span>`),
      row(m.fields.lastFill, fill),
      row(m.fields.nextInspection, escapeHtml(c.nextInspectionDate)),
    );
  }
  rows.push(row(m.fields.checkedAt, escapeHtml(formatDateTime(v.checkedAt))));
  // A placeholder first, so that `required` makes the reporter choose: a preselected reason would
  // file an untouched form as "suspected fake".
  const placeholder = `<option value="" disabled selected>${escapeHtml(m.report.choose)}</option>`;
  const reasons = placeholder + REPORT_REASONS.map((r) => `<option value="${r}">${escapeHtml(m.report.reasons[r])}</option>`).join('');
  const path = `/8003/${encodeURIComponent(v.grai)}`;
  return renderTemplate(
    'verify',
    {
      htmlLang: m.htmlLang,
      title: m.title,
      brand: m.brand,
      tone,
      verdict: m.verdict[v.verdict],
      advice: m.advice[tone],
      reportHeading: m.report.heading,
      reasonLabel: m.report.reason,
      noteLabel: m.report.note,
      locationLabel: m.report.location,
      locating: m.report.locating,
      locationFailed: m.report.locationFailed,
      submit: m.report.submit,
      privacy: m.privacy,
      otherLang: m.otherLang,
      otherLangHref: `${path}${query({ s: signature, lang: lang === 'zh' ? 'en' : 'zh' })}`,
      action: `${path}/report${query({ s: signature, lang })}`,
    },
    {
      warnings: warnings ? `<ul class="warnings">${warnings}</ul>` : '',
      details: `<dl class="details">${rows.join('')}</dl>`,
      reasons,
      thanks: reported ? `<p class="thanks" role="status">${escapeHtml(m.report.thanks)}</p>` : '',
    },
  );
}
