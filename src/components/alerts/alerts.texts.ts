import { reasonInfo } from '../ledger';
import { VERIFY_MESSAGES } from '../qr';

/**
 * THE table of the texts the server composes for people to read beside its stable codes: what an
 * alert's evidence shows (the rules' findings, the overdue-rectification and flow-gap sweeps) and
 * the notes the system writes into a case's history. It sits next to the message table of the
 * API's problems (shared/errors/error.messages.ts) and the rule titles (ledger.reasons.ts), and
 * works like them: a stable code, an English and a Chinese template, `{name}` for a value.
 *
 * A text is stored as phrases (a code and its parameters), never as the words: it is rendered in
 * the reader's language when it is read (REST: Accept-Language; Socket.IO payloads carry both). A
 * text of several phrases is their concatenation; a later phrase's template carries its own
 * leading separator. Where a value is vocabulary (an event type, a refusal reason, a scan
 * verdict), the entry names its vocabulary and the Chinese says it in words; the English keeps
 * the value as it always appeared in the English notes. test/alerts/alerts.texts.test.ts fails on
 * a code without both languages or with different placeholders in them.
 */
export type TextParam = string | number | string[];

export interface Phrase {
  code: AlertTextCode;
  params?: Record<string, TextParam>;
}

export type TextLanguage = 'en' | 'zh-CN';
export interface Texts {
  zh: string;
  en: string;
}

const CITY_OFFSET_MS = 8 * 3_600_000;

/** Chinese words for values the English shows as they are (codes of the record). */
export const VOCABULARIES = {
  event: {
    commission: '赋码建档',
    inspect: '充装前检查',
    fill: '充装',
    dispatch: '出站',
    receive: '入库',
    sell: '销售',
    hand_over: '配送交付',
    return_empty: '回收空瓶',
    periodic_inspection: '定期检验',
    scrap: '报废',
    report_lost: '报失',
    error_declaration: '更正声明',
    reweigh: '复称',
  },
  verdict: { genuine: '正品', not_genuine: '非真码', unknown: '本市未登记', unverified: '无法核验' },
  warning: {
    MALFORMED_CODE: '码格式错误',
    FOREIGN_CODE: '外地码',
    UNKNOWN_CODE: '本市未登记的码',
    BAD_SIGNATURE: '防伪签名无效',
    MISSING_SIGNATURE: '无防伪签名',
    SCRAPPED: '已报废',
    LOST: '已报失',
    PAST_SERVICE_LIFE: '超设计使用年限',
    OVERDUE_INSPECTION: '超期未检',
    FILL_NOT_REGISTERED: '非本市登记站点充装',
    RECORD_INACTIVE: '档案已停用',
  },
  // The verification page's own words for the reasons a citizen picks.
  reportReason: VERIFY_MESSAGES.zh.report.reasons,
  interlockKind: { authorize: '充装授权', report_refused: '充装报告' },
  decision: { allow: '允许', deny: '拒绝' },
  credential: { licence: '许可证', fillingLicence: '气瓶充装许可', permit: '危险货物运输许可', certificate: '安全培训合格证' },
} as const satisfies Record<string, Record<string, string>>;

/** How a vocabulary value is said in Chinese: its word, a refusal reason's message, a date-time in the city's time. */
const SAY: Record<Vocabulary, (value: string) => string> = {
  event: (v) => word('event', v),
  verdict: (v) => word('verdict', v),
  warning: (v) => word('warning', v),
  reportReason: (v) => word('reportReason', v),
  interlockKind: (v) => word('interlockKind', v),
  decision: (v) => word('decision', v),
  credential: (v) => word('credential', v),
  // The interlock's and capture's reason codes have their messages in the ledger's table.
  reason: (v) => {
    const zh = reasonInfo(v).zh;
    return zh === reasonInfo('').zh ? v : zh;
  },
  // An instant as the city reads it (Asia/Shanghai, UTC+8 all year).
  dateTime: (v) => {
    const t = Date.parse(v);
    return Number.isNaN(t) ? v : new Date(t + CITY_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
  },
};

type Vocabulary = keyof typeof VOCABULARIES | 'reason' | 'dateTime';

function word(vocabulary: keyof typeof VOCABULARIES, value: string): string {
  const table = VOCABULARIES[vocabulary] as Record<string, string>;
  return Object.hasOwn(table, value) ? (table[value] as string) : value;
}

export interface TextEntry {
  en: string;
  zh: string;
  /** The parameters whose values are vocabulary, and which. */
  words?: Readonly<Record<string, Vocabulary>>;
}

export const ALERT_TEXTS = {
  // What an evidence record is (the first phrase of its note).
  EVENT: { en: '{type}', zh: '{type}', words: { type: 'event' } },
  REFUSAL: { en: '{type} refused ({reasons})', zh: '{type}被拒绝（{reasons}）', words: { type: 'event', reasons: 'reason' } },
  SCAN: { en: 'public scan of {grai} ({verdict})', zh: '市民扫码 {grai}（{verdict}）', words: { verdict: 'verdict' } },
  SCAN_WARNED: { en: 'public scan of {grai} ({verdict}: {warnings})', zh: '市民扫码 {grai}（{verdict}：{warnings}）', words: { verdict: 'verdict', warnings: 'warning' } },
  REPORT: { en: 'public report "{why}" about {grai}', zh: '市民举报“{why}”，气瓶码 {grai}', words: { why: 'reportReason' } },
  REPORT_NOTED: { en: 'public report "{why}" about {grai}: {note}', zh: '市民举报“{why}”，气瓶码 {grai}：{note}', words: { why: 'reportReason' } },
  DECISION: {
    en: 'interlock {kind} {decision} for {code} by operator {operator} at scale {device} ({reasons})',
    zh: '灌装秤 {device} {kind}{decision}：气瓶码 {code}，充装工 {operator}（{reasons}）',
    words: { kind: 'interlockKind', decision: 'decision', reasons: 'reason' },
  },
  DECISION_NO_REASON: {
    en: 'interlock {kind} {decision} for {code} by operator {operator} at scale {device} (no reason)',
    zh: '灌装秤 {device} {kind}{decision}：气瓶码 {code}，充装工 {operator}',
    words: { kind: 'interlockKind', decision: 'decision' },
  },
  SCALE_SILENT: { en: 'scale {device} at site {site} last heard from {lastSeen}', zh: '站点 {site} 的灌装秤 {device} 最后在线时间 {lastSeen}', words: { lastSeen: 'dateTime' } },
  SCALE_NEVER_HEARD: { en: 'scale {device} at site {site} last heard from never', zh: '站点 {site} 的灌装秤 {device} 从未上线' },
  CREDENTIAL_ENDS: { en: '{field} {number} ends {day} (in {days} days)', zh: '{field} {number} 将于 {day} 到期（还剩 {days} 天）', words: { field: 'credential' } },
  RECTIFICATION_OVERDUE: { en: 'case {number}: rectification due {deadline}, not submitted', zh: '案件 {number}：整改期限 {deadline} 已过，未提交整改', words: { deadline: 'dateTime' } },
  FLOW_GAP: {
    en: '{unaccounted} of {total} cylinders filled in the last {windowDays} days and held last by {site} reached no registered customer within {days} days',
    zh: '近 {windowDays} 天充装、最后由 {site} 持有的 {total} 只气瓶中，{unaccounted} 只在 {days} 天内未送达登记用户',
  },

  // What a rule saw in it (a later phrase, with its own leading separator).
  FROM_VEHICLE: { en: ' from vehicle {vehicle}', zh: '：在车辆 {vehicle} 上销售' },
  AT_NO_SITE: { en: ' at no registered site', zh: '：不在登记站点' },
  OF_SCRAPPED: { en: ' of a cylinder scrapped {day}', zh: '：气瓶已于 {day} 报废' },
  OF_OVER_AGE: { en: ' of a cylinder whose design life ended {day}', zh: '：气瓶设计使用年限已于 {day} 届满' },
  OF_OVERDUE: { en: ' of a cylinder due for inspection {day}', zh: '：气瓶应于 {day} 定期检验' },
  NET: { en: ' net {net} kg', zh: '：净重 {net} kg' },
  NET_PERMITTED: { en: ' net {net} kg (permitted {permitted} kg)', zh: '：净重 {net} kg（允许 {permitted} kg）' },
  TARE_MISMATCH: { en: ' tare {tare} kg does not match the cylinder', zh: '：皮重 {tare} kg 与气瓶登记不符' },
  UNCONFIRMED: { en: " without the customer's confirmation: {count} within 24 h (limit {limit})", zh: '：未经用户确认，24 小时内 {count} 次（上限 {limit} 次）' },
  NO_LOCAL_FILL: { en: ' of a cylinder with no local fill on record since it came back', zh: '：气瓶回收后没有本市充装记录' },
  AT_PLACE: { en: ' at {place}', zh: '，位置 {place}' },
  NEAR_PLACE: { en: ' near {place}', zh: '，位置 {place} 附近' },
  CLONED_APART: { en: '; {km} km apart within {minutes} min', zh: '；两地相距 {km} 公里，间隔仅 {minutes} 分钟' },
  BY_UNLICENSED_SITE: { en: ' by a site without a valid licence', zh: '：站点无有效许可证' },
  BY_UNLICENSED_ENTERPRISE: { en: ' by an enterprise without a valid licence', zh: '：企业无有效燃气经营许可证' },
  SALE_AWAY: { en: ' a sale attempted away from a registered site', zh: '：试图在登记站点以外销售' },
  BY_UNTRAINED: { en: ' by a worker without a valid training certificate', zh: '：作业人员无有效安全培训合格证' },
  CODE_NEVER_ISSUED: { en: ' a code the city never issued', zh: '：本市从未发放此码' },
  STAMP_NEVER_REGISTERED: { en: ' a steel stamp the enterprise never registered', zh: '：企业从未登记此钢印号' },
  TO_UNREGISTERED: { en: ' to no registered customer', zh: '：收瓶人不是登记的实名用户' },
  FILL_WITHOUT_AUTHORIZATION: { en: ' a fill reported while the scale was locked or without authorization', zh: '：灌装秤锁定期间或未经授权上报充装' },
  BLACK_POINT: { en: ': {count} different codes scanned here within 24 h, at no licensed site', zh: '：24 小时内在此处扫到 {count} 个不同的码，附近没有持证站点' },
  AT_NO_LICENSED_SITE: { en: ' at no licensed site', zh: '：附近没有持证站点' },

  // Notes the system writes into a case's history.
  CASE_ASSIGNED: { en: '{officer}, {deadline}', zh: '承办人 {officer}，整改期限 {deadline}', words: { deadline: 'dateTime' } },
} as const satisfies Record<string, TextEntry>;

export type AlertTextCode = keyof typeof ALERT_TEXTS;
export const ALERT_TEXT_CODES = Object.keys(ALERT_TEXTS) as [AlertTextCode, ...AlertTextCode[]];

const isCode = (code: string): code is AlertTextCode => Object.hasOwn(ALERT_TEXTS, code);

function renderValue(value: TextParam | undefined, vocabulary: Vocabulary | undefined, lang: TextLanguage): string {
  if (value === undefined) return '';
  const one = (v: string | number) => (lang === 'zh-CN' && vocabulary ? SAY[vocabulary](String(v)) : String(v));
  if (typeof value === 'string' || typeof value === 'number') return one(value);
  return value.map(one).join(lang === 'zh-CN' ? '、' : ', ');
}

/** One phrase in one language; a code the table does not know (a newer server's) renders as its code. */
export function renderPhrase(phrase: Phrase, lang: TextLanguage): string {
  if (!isCode(phrase.code)) return String(phrase.code);
  const entry: TextEntry = ALERT_TEXTS[phrase.code];
  const template = lang === 'zh-CN' ? entry.zh : entry.en;
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => renderValue(phrase.params?.[name], entry.words?.[name], lang));
}

/** A text of phrases in one language. */
export function renderText(phrases: readonly Phrase[], lang: TextLanguage): string {
  return phrases.map((p) => renderPhrase(p, lang)).join('').trim();
}

/** A text in both languages. */
export const bothTexts = (phrases: readonly Phrase[]): Texts => ({ zh: renderText(phrases, 'zh-CN'), en: renderText(phrases, 'en') });

/** A text as stored: its phrases, and its English rendering as `note` (what readers of old records and the English API see). */
export function composed(...phrases: Phrase[]): { note: string; phrases: Phrase[] } {
  return { note: renderText(phrases, 'en'), phrases };
}

/**
 * A stored text in `lang`: from its phrases when it has them; a record written before texts were
 * stored as phrases has only its English `note`, which is what it shows in either language.
 */
export function textOf(stored: { note: string; phrases?: readonly Phrase[] | undefined }, lang: TextLanguage): string {
  return stored.phrases && stored.phrases.length > 0 ? renderText(stored.phrases, lang) : stored.note;
}

export function textsOf(stored: { note: string; phrases?: readonly Phrase[] | undefined }): Texts {
  return stored.phrases && stored.phrases.length > 0 ? bothTexts(stored.phrases) : { zh: stored.note, en: stored.note };
}

/** The table as Markdown, for the OpenAPI document. */
export function alertTextsMarkdown(): string {
  const rows = Object.entries(ALERT_TEXTS).map(([code, t]) => `| \`${code}\` | ${t.zh.replace(/\|/g, '\\|')} | ${t.en.replace(/\|/g, '\\|')} |`);
  return ['| code | 中文 | English |', '|---|---|---|', ...rows].join('\n');
}
