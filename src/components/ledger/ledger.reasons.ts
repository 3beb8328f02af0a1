/**
 * THE table of why capture refuses an event: every stable reason code capture answers, with its
 * HTTP status (for POST /events) and its message in Chinese and English. The OpenAPI document
 * lists this table (ledger.openapi.ts), and a rejection's code is typed by it, so a code capture
 * can produce and the table lacks does not compile.
 */
export interface ReasonInfo {
  status: number;
  zh: string;
  en: string;
}

export const REJECTION_REASONS = {
  VALIDATION_FAILED: { status: 400, zh: '事件数据不合法', en: 'The event is not valid' },
  CYLINDER_NOT_FOUND: { status: 404, zh: '气瓶不存在', en: 'No such cylinder' },
  EVENT_ID_CONFLICT: { status: 409, zh: '事件编号已被另一事件使用', en: 'The event id is the id of another event' },
  GRAI_MISMATCH: { status: 422, zh: 'GRAI 与气瓶不符', en: "The GRAI is not the cylinder's code" },
  REFERENCE_NOT_FOUND: { status: 422, zh: '引用的站点、车辆、用户或事件不存在', en: 'A site, vehicle, customer or event the event names does not exist' },
  WRONG_SITE_KIND: { status: 422, zh: '该事件不能在此类站点发生', en: 'The event does not happen at this kind of site' },
  ILLEGAL_TRANSITION: { status: 422, zh: '气瓶当前状态不允许该事件', en: "The event is not allowed in the cylinder's state" },
  CYLINDER_SCRAPPED: { status: 422, zh: '气瓶已报废', en: 'The cylinder is scrapped' },
  PROJECTION_INCONSISTENT: { status: 422, zh: '气瓶状态与事件链不一致，待监管部门修复', en: "The cylinder's recorded state disagrees with its chain until repaired" },
  WORKER_UNCERTIFIED: { status: 422, zh: '作业人员安全培训合格证无效', en: "The worker's safety-training certificate is not valid" },
  WORKER_NOT_EMPLOYED: { status: 422, zh: '作业人员不受雇于该企业', en: 'The worker is not employed by the enterprise' },
  ENTERPRISE_LICENCE_INVALID: { status: 422, zh: '企业燃气经营许可证无效', en: "The enterprise's gas-operation licence is not valid" },
  SITE_LICENCE_INVALID: { status: 422, zh: '站点许可证无效', en: "The site's licence is not valid" },
  FILLING_LICENCE_INVALID: { status: 422, zh: '充装站气瓶充装许可无效', en: "The station's cylinder-filling licence is not valid" },
  VEHICLE_PERMIT_INVALID: { status: 422, zh: '车辆危险货物运输许可无效', en: "The vehicle's hazardous-goods transport permit is not valid" },
  SERVICE_LIFE_EXCEEDED: { status: 422, zh: '气瓶已超过设计使用年限', en: 'The cylinder is past its design service life' },
  INSPECTION_OVERDUE: { status: 422, zh: '气瓶已超过定期检验日期', en: 'The cylinder is overdue for periodic inspection' },
  INSPECTION_NOT_PERMITTED: { status: 403, zh: '定期检验只能由检验机构（监管部门）记录', en: 'A periodic inspection is recorded by an inspection body (a regulator)' },
  EVENT_NOT_PERMITTED: { status: 403, zh: '监管部门只记录定期检验，流转事件由气瓶所属企业人员记录', en: "A regulator records periodic inspections only; custody events are recorded by the owner's staff" },
  // Delivery and hand-over (issue 13): the ledger's own refusal of a hand-over, and the deliveries flows' refusals.
  CUSTOMER_NOT_REGISTERED: { status: 422, zh: '收瓶人不是本企业登记的实名用户，不得交付', en: 'The recipient is not a registered (real-name) customer of the enterprise' },
  FLOW_INCOMPLETE: { status: 422, zh: '同一作业中另有事件被拒绝，本事件未记录', en: 'Not recorded: another event of the same flow was refused' },
  CONFIRMATION_FAILED: { status: 422, zh: '用户确认不符（手机号后四位、交付码或签名）', en: "The customer's confirmation does not match (phone digits, hand-over code or signature)" },
  MEDIA_NOT_FOUND: { status: 422, zh: '引用的照片或签名尚未上传', en: 'A photo or signature the visit names has not been uploaded' },
  VISIT_ID_CONFLICT: { status: 409, zh: '作业编号已被内容不同的另一作业使用', en: 'The visit id is already the id of a visit with other content' },
  // The filling-scale interlock (issue 12): why a scale is told not to fill (devices/interlock.decide.ts).
  // It also answers ENTERPRISE_LICENCE_INVALID, FILLING_LICENCE_INVALID, INSPECTION_OVERDUE and
  // SERVICE_LIFE_EXCEEDED above. The status is what POST /events would answer; a scale is answered 200 "deny".
  UNKNOWN_CODE: { status: 422, zh: '气瓶码未登记或不是本市发放的码', en: 'The code is not a cylinder the city registered' },
  BAD_SIGNATURE: { status: 422, zh: '气瓶二维码签名无效（疑似伪造的码）', en: "The QR code's signature is not valid (a forged code?)" },
  SCRAPPED: { status: 422, zh: '气瓶已报废，不得充装', en: 'The cylinder is scrapped and is never filled again' },
  LOST: { status: 422, zh: '气瓶已报失', en: 'The cylinder is reported lost' },
  FOREIGN_FILLER: { status: 422, zh: '气瓶登记在其他充装单位，本站不得充装', en: 'The cylinder is registered to another filling unit' },
  NOT_INSPECTED: { status: 422, zh: '气瓶回站后未通过充装前检查', en: 'The cylinder has passed no pre-fill check since it came back' },
  PRE_FILL_CHECK_FAILED: { status: 422, zh: '充装前检查不合格（瓶阀、泄漏或外观），不得充装', en: 'The pre-fill check just made failed (valve, leak or appearance)' },
  NOT_EMPTY: { status: 422, zh: '气瓶不在可充装状态（未作为空瓶回站或未建档）', en: 'The cylinder is not in a fillable state (not back empty, or not commissioned)' },
  STATION_LICENCE_INVALID: { status: 422, zh: '充装站许可证无效', en: "The filling station's licence is not valid" },
  OPERATOR_UNCERTIFIED: { status: 422, zh: '充装工未登记或安全培训合格证无效', en: "The operator is not registered or the operator's safety-training certificate is not valid" },
  OPERATOR_NOT_AT_THIS_STATION: { status: 422, zh: '充装工不是本站的充装人员', en: 'The operator is not a filling operator of this station' },
  SCALE_LOCKED: { status: 422, zh: '灌装秤或充装站已被监管部门远程锁定', en: 'The scale or its station is locked by a regulator' },
  TARE_UNKNOWN: { status: 422, zh: '气瓶皮重未登记，不得充装', en: "The cylinder's tare weight is not registered" },
  // A fill report the interlock did not authorize (kept as evidence with the decisions).
  AUTHORIZATION_INVALID: { status: 422, zh: '充装报告没有有效的充装授权', en: 'The fill report has no valid authorization of this scale for this cylinder' },
  AUTHORIZATION_EXPIRED: { status: 422, zh: '充装开始时授权已过期', en: 'The fill started after its authorization expired' },
  AUTHORIZATION_USED: { status: 422, zh: '该授权已用于另一次充装', en: 'The authorization was used by another fill' },
  // No way around the scale, and no dispatch of an overfilled cylinder.
  FILL_REQUIRES_SCALE: { status: 403, zh: '充装和复称只能由灌装秤记录（监管部门批准的手工模式期间除外）', en: 'Fills and re-weighs are recorded by a filling scale, unless a regulator put the station in manual mode' },
  OVERFILL_UNRESOLVED: { status: 422, zh: '气瓶过量充装，复称合格前不得出站、销售或交付', en: 'The cylinder is overfilled: no dispatch, sale or hand-over until a re-weigh is within limits' },
} as const satisfies Record<string, ReasonInfo>;

export type RejectionCode = keyof typeof REJECTION_REASONS;
export const REJECTION_CODES = Object.keys(REJECTION_REASONS) as [RejectionCode, ...RejectionCode[]];

/** The table for a code capture answered; an unknown one (never produced) is a plain 422. */
export function reasonInfo(code: string): ReasonInfo {
  return (REJECTION_REASONS as Record<string, ReasonInfo>)[code] ?? { status: 422, zh: '事件被拒绝', en: 'Event rejected' };
}

/** The table as Markdown, for the OpenAPI document. */
export function reasonsMarkdown(): string {
  const rows = Object.entries(REJECTION_REASONS).map(([code, r]) => `| \`${code}\` | ${r.status} | ${r.zh} | ${r.en} |`);
  return ['| code | status | 中文 | English |', '|---|---|---|---|', ...rows].join('\n');
}

/**
 * THE table of supervision rules (预警规则), next to the refusal reasons: every alert the alerts
 * component raises has one of these stable codes, its severity and its title in Chinese and
 * English. The OpenAPI document lists it (alerts.openapi.ts), and an alert's rule is typed by it.
 */
export const ALERT_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export interface AlertRuleInfo {
  severity: AlertSeverity;
  zh: string;
  en: string;
}

export const ALERT_RULES = {
  UNLICENSED_SELLER: { severity: 'critical', zh: '无证经营', en: 'Unlicensed seller' },
  MOBILE_SELLING: { severity: 'high', zh: '流动销售', en: 'Mobile selling (from a vehicle or at no registered site)' },
  OUT_OF_CITY_CYLINDER: { severity: 'high', zh: '外地充装', en: 'Cylinder filled outside the city, or a code the city never issued' },
  UNTRAINED_WORKER: { severity: 'high', zh: '未经培训上岗', en: 'Worker without a valid training certificate' },
  OVERDUE_CYLINDER: { severity: 'high', zh: '超期未检气瓶', en: 'Cylinder overdue for periodic inspection filled or in circulation' },
  SCRAPPED_CYLINDER: { severity: 'critical', zh: '报废气瓶流通', en: 'Scrapped cylinder filled or in circulation' },
  OVER_AGE_CYLINDER: { severity: 'critical', zh: '超设计使用年限气瓶', en: 'Cylinder past its design life filled or in circulation' },
  OVERFILL: { severity: 'critical', zh: '过量充装', en: 'Overfill' },
  TARE_MISMATCH: { severity: 'medium', zh: '皮重不符', en: 'Tare weight does not match the cylinder' },
  CLONED_CODE: { severity: 'critical', zh: '疑似克隆码', en: 'Cloned code: seen at two places no vehicle could travel between in the time' },
  UNREGISTERED_CUSTOMER: { severity: 'medium', zh: '向未实名用户交付', en: 'Hand-over to no registered (real-name) customer, or too many unconfirmed hand-overs' },
  SCALE_OFFLINE: { severity: 'medium', zh: '灌装秤离线', en: 'Filling scale silent' },
  SCALE_LOCK_BYPASS: { severity: 'critical', zh: '绕过灌装秤联锁', en: 'Fill reported while the scale was locked or without authorization' },
  CREDENTIAL_EXPIRING: { severity: 'low', zh: '证照即将到期', en: 'Licence, permit or certificate expiring within 30 days' },
  RECTIFICATION_OVERDUE: { severity: 'high', zh: '整改逾期', en: 'Rectification not submitted by the case deadline' },
  FLOW_GAP: { severity: 'high', zh: '气瓶去向不明', en: 'Cylinders left a station and reached no registered customer (possible diversion to a black point)' },
} as const satisfies Record<string, AlertRuleInfo>;

export type AlertRuleCode = keyof typeof ALERT_RULES;
export const ALERT_RULE_CODES = Object.keys(ALERT_RULES) as [AlertRuleCode, ...AlertRuleCode[]];

/** The rule table as Markdown, for the OpenAPI document. */
export function alertRulesMarkdown(): string {
  const rows = Object.entries(ALERT_RULES).map(([code, r]) => `| \`${code}\` | ${r.severity} | ${r.zh} | ${r.en} |`);
  return ['| rule | severity | 中文 | English |', '|---|---|---|---|', ...rows].join('\n');
}
