import type { AlertRuleCode } from '../ledger';
import type { ExpiringCredential } from '../registry';
import type { Evidence, Finding, Subject } from './alerts.findings';
import type { InterlockDecision, InterlockDenyCode, SilentScale } from './alerts.sources';
import type { NoticeTrack } from './alerts.tracks';
import { composed, type Phrase } from './alerts.texts';

/**
 * Supervision rules over the filling-scale interlock and over the registry's calendar, pure:
 * a decision the interlock took, the scales that fell silent, the credentials about to expire.
 */

/** What a denial is about: the cylinder, the operator, the code as the scale read it, the station, or its enterprise. */
export type DenySubject = 'cylinder' | 'operator' | 'code' | 'site' | 'enterprise';

/**
 * THE mapping from the interlock's deny codes (devices' INTERLOCK_DENY_CODES, every one of them:
 * a code added there does not compile until it is mapped here) to the rule it means, or to null
 * when the denial is the interlock doing its job and no law was being broken yet:
 * - a scrapped, over-age or overdue cylinder brought to the scale: its rule, on the cylinder;
 * - a code the city never issued, or a signed code whose signature does not verify (a code the
 *   city did not print): OUT_OF_CITY_CYLINDER, on the code;
 * - the station's site or filling licence, or its enterprise's licence, not valid: UNLICENSED_SELLER
 *   on the station or the enterprise (filling is selling's first step);
 * - an operator with no valid certificate (or unknown): UNTRAINED_WORKER, on the worker;
 * - lost, another unit's cylinder, not inspected or failing its pre-fill check, not empty, no tare, the wrong station's operator,
 *   a locked scale: none (refused, and nothing was filled).
 */
export const DENY_REASON_RULES: Readonly<Record<InterlockDenyCode, { rule: AlertRuleCode; subject: DenySubject } | null>> = {
  UNKNOWN_CODE: { rule: 'OUT_OF_CITY_CYLINDER', subject: 'code' },
  BAD_SIGNATURE: { rule: 'OUT_OF_CITY_CYLINDER', subject: 'code' },
  SCRAPPED: { rule: 'SCRAPPED_CYLINDER', subject: 'cylinder' },
  LOST: null,
  INSPECTION_OVERDUE: { rule: 'OVERDUE_CYLINDER', subject: 'cylinder' },
  SERVICE_LIFE_EXCEEDED: { rule: 'OVER_AGE_CYLINDER', subject: 'cylinder' },
  FOREIGN_FILLER: null,
  NOT_INSPECTED: null,
  PRE_FILL_CHECK_FAILED: null,
  NOT_EMPTY: null,
  TARE_UNKNOWN: null,
  STATION_LICENCE_INVALID: { rule: 'UNLICENSED_SELLER', subject: 'site' },
  FILLING_LICENCE_INVALID: { rule: 'UNLICENSED_SELLER', subject: 'site' },
  ENTERPRISE_LICENCE_INVALID: { rule: 'UNLICENSED_SELLER', subject: 'enterprise' },
  OPERATOR_UNCERTIFIED: { rule: 'UNTRAINED_WORKER', subject: 'operator' },
  OPERATOR_NOT_AT_THIS_STATION: null,
  SCALE_LOCKED: null,
};

const denyMapping = (code: string) => (Object.hasOwn(DENY_REASON_RULES, code) ? DENY_REASON_RULES[code as InterlockDenyCode] : null);

function denySubject(d: InterlockDecision, subject: DenySubject): Subject | undefined {
  switch (subject) {
    case 'operator':
      return { kind: 'worker', id: d.operatorWorkerId ?? d.operator };
    case 'code':
      return { kind: 'code', id: d.code };
    case 'site':
      return { kind: 'site', id: d.siteId };
    case 'enterprise':
      return { kind: 'enterprise', id: d.enterpriseId };
    case 'cylinder':
      return d.cylinderId ? { kind: 'cylinder', id: d.cylinderId } : undefined;
  }
}

const decisionEvidence = (d: InterlockDecision, ...clause: Phrase[]): Evidence => {
  const params = { kind: d.kind, decision: d.decision, code: d.code, operator: d.operator, device: d.deviceId };
  const what: Phrase = d.reasons.length ? { code: 'DECISION', params: { ...params, reasons: d.reasons.map((r) => r.code) } } : { code: 'DECISION_NO_REASON', params };
  return { kind: 'decision', id: `${d.deviceId}#${d.seq}`, at: d.at, ...composed(what, ...clause) };
};

/** Every rule over one interlock decision: a denial for a cylinder's or an operator's reason, and a fill reported though refused (SCALE_LOCK_BYPASS). */
export function decisionFindings(d: InterlockDecision): Finding[] {
  const scope = { districtCode: d.districtCode, enterpriseId: d.enterpriseId };
  if (d.kind === 'report_refused') {
    return [{ rule: 'SCALE_LOCK_BYPASS', subject: { kind: 'device', id: d.deviceId }, ...scope, evidence: decisionEvidence(d, { code: 'FILL_WITHOUT_AUTHORIZATION' }) }];
  }
  if (d.decision !== 'deny') return [];
  const found: Finding[] = [];
  for (const { code } of d.reasons) {
    const mapped = denyMapping(code);
    const subject = mapped ? denySubject(d, mapped.subject) : undefined;
    if (!mapped || !subject) continue;
    // The station's two licences are one finding about the station.
    if (!found.some((f) => f.rule === mapped.rule && f.subject.kind === subject.kind && f.subject.id === subject.id)) found.push({ rule: mapped.rule, subject, ...scope, evidence: decisionEvidence(d) });
  }
  return found;
}

/** SCALE_OFFLINE once per silence: a scale silent since the same moment is noticed once; heard from and silent again, noticed again. */
export function silentScaleFindings(scale: SilentScale, prior: NoticeTrack | undefined, now: Date): { findings: Finding[]; track?: NoticeTrack } {
  const noticed = scale.lastSeenAt ? scale.lastSeenAt.toISOString() : 'never';
  if (prior?.noticed === noticed) return { findings: [] };
  const said: Phrase = scale.lastSeenAt ? { code: 'SCALE_SILENT', params: { device: scale.deviceId, site: scale.siteId, lastSeen: noticed } } : { code: 'SCALE_NEVER_HEARD', params: { device: scale.deviceId, site: scale.siteId } };
  const evidence: Evidence = { kind: 'scale', id: `${scale.deviceId}@${noticed}`, at: now, ...composed(said) };
  return { findings: [{ rule: 'SCALE_OFFLINE', subject: { kind: 'device', id: scale.deviceId }, districtCode: scale.districtCode, enterpriseId: scale.enterpriseId, evidence }], track: { noticed } };
}

const HOLDER_SUBJECT = { enterprises: 'enterprise', sites: 'site', vehicles: 'vehicle', workers: 'worker' } as const;

/** CREDENTIAL_EXPIRING once per end date: the daily sweep notices a credential again only after a renewal changed its date. */
export function expiringCredentialFindings(c: ExpiringCredential, prior: NoticeTrack | undefined, now: Date): { findings: Finding[]; track?: NoticeTrack } {
  const noticed = c.validTo.toISOString();
  if (prior?.noticed === noticed) return { findings: [] };
  const days = Math.max(0, Math.ceil((c.validTo.getTime() - now.getTime()) / 86_400_000));
  const evidence: Evidence = { kind: 'credential', id: `${c.holder}/${c.holderId}/${c.field}`, at: now, ...composed({ code: 'CREDENTIAL_ENDS', params: { field: c.field, number: c.number, day: noticed.slice(0, 10), days } }) };
  return { findings: [{ rule: 'CREDENTIAL_EXPIRING', subject: { kind: HOLDER_SUBJECT[c.holder], id: c.holderId }, districtCode: c.districtCode, enterpriseId: c.enterpriseId, evidence }], track: { noticed } };
}
