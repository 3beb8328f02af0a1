import type { AlertRuleCode } from '../ledger';
import type { ExpiringCredential } from '../registry';
import type { Evidence, Finding, Subject } from './alerts.findings';
import type { InterlockDecision, SilentScale } from './alerts.sources';
import type { NoticeTrack } from './alerts.tracks';

/**
 * Supervision rules over the filling-scale interlock and over the registry's calendar, pure:
 * a decision the interlock took, the scales that fell silent, the credentials about to expire.
 */

/**
 * Which interlock deny reason means which rule. The interlock checks what capture checks, so its
 * codes are the ledger's where they mean the same (the scales issue adds codes of its own: map
 * them here); a deny for a lock or a missing authorization is the interlock doing its job.
 */
export const DENY_REASON_RULES: Readonly<Record<string, { rule: AlertRuleCode; subject: 'cylinder' | 'operator' | 'code' }>> = {
  INSPECTION_OVERDUE: { rule: 'OVERDUE_CYLINDER', subject: 'cylinder' },
  SERVICE_LIFE_EXCEEDED: { rule: 'OVER_AGE_CYLINDER', subject: 'cylinder' },
  CYLINDER_SCRAPPED: { rule: 'SCRAPPED_CYLINDER', subject: 'cylinder' },
  WORKER_UNCERTIFIED: { rule: 'UNTRAINED_WORKER', subject: 'operator' },
  OPERATOR_UNCERTIFIED: { rule: 'UNTRAINED_WORKER', subject: 'operator' },
  UNKNOWN_CODE: { rule: 'OUT_OF_CITY_CYLINDER', subject: 'code' },
  CYLINDER_NOT_FOUND: { rule: 'OUT_OF_CITY_CYLINDER', subject: 'code' },
};

const decisionEvidence = (d: InterlockDecision, note: string): Evidence => ({
  kind: 'decision',
  id: `${d.deviceId}#${d.seq}`,
  at: d.at,
  note: `interlock ${d.kind} ${d.decision} for ${d.code} by operator ${d.operator} at scale ${d.deviceId} (${d.reasons.map((r) => r.code).join(', ') || 'no reason'}) ${note}`.trim(),
});

/** Every rule over one interlock decision: a denial for a cylinder's or an operator's reason, and a fill reported though refused (SCALE_LOCK_BYPASS). */
export function decisionFindings(d: InterlockDecision): Finding[] {
  const scope = { districtCode: d.districtCode, enterpriseId: d.enterpriseId };
  if (d.kind === 'report_refused') {
    return [{ rule: 'SCALE_LOCK_BYPASS', subject: { kind: 'device', id: d.deviceId }, ...scope, evidence: decisionEvidence(d, 'a fill reported while the scale was locked or without authorization') }];
  }
  if (d.decision !== 'deny') return [];
  const found: Finding[] = [];
  for (const { code } of d.reasons) {
    const mapped = DENY_REASON_RULES[code];
    if (!mapped) continue;
    const subject: Subject | undefined =
      mapped.subject === 'operator' ? { kind: 'worker', id: d.operator } : mapped.subject === 'code' ? { kind: 'code', id: d.code } : d.cylinderId ? { kind: 'cylinder', id: d.cylinderId } : undefined;
    if (subject && !found.some((f) => f.rule === mapped.rule)) found.push({ rule: mapped.rule, subject, ...scope, evidence: decisionEvidence(d, '') });
  }
  return found;
}

/** SCALE_OFFLINE once per silence: a scale silent since the same moment is noticed once; heard from and silent again, noticed again. */
export function silentScaleFindings(scale: SilentScale, prior: NoticeTrack | undefined, now: Date): { findings: Finding[]; track?: NoticeTrack } {
  const noticed = scale.lastSeenAt ? scale.lastSeenAt.toISOString() : 'never';
  if (prior?.noticed === noticed) return { findings: [] };
  const evidence: Evidence = { kind: 'scale', id: `${scale.deviceId}@${noticed}`, at: now, note: `scale ${scale.deviceId} at site ${scale.siteId} last heard from ${scale.lastSeenAt ? noticed : 'never'}` };
  return { findings: [{ rule: 'SCALE_OFFLINE', subject: { kind: 'device', id: scale.deviceId }, districtCode: scale.districtCode, enterpriseId: scale.enterpriseId, evidence }], track: { noticed } };
}

const HOLDER_SUBJECT = { enterprises: 'enterprise', sites: 'site', vehicles: 'vehicle', workers: 'worker' } as const;

/** CREDENTIAL_EXPIRING once per end date: the daily sweep notices a credential again only after a renewal changed its date. */
export function expiringCredentialFindings(c: ExpiringCredential, prior: NoticeTrack | undefined, now: Date): { findings: Finding[]; track?: NoticeTrack } {
  const noticed = c.validTo.toISOString();
  if (prior?.noticed === noticed) return { findings: [] };
  const days = Math.max(0, Math.ceil((c.validTo.getTime() - now.getTime()) / 86_400_000));
  const evidence: Evidence = { kind: 'credential', id: `${c.holder}/${c.holderId}/${c.field}`, at: now, note: `${c.field} ${c.number} ends ${noticed.slice(0, 10)} (in ${days} days)` };
  return { findings: [{ rule: 'CREDENTIAL_EXPIRING', subject: { kind: HOLDER_SUBJECT[c.holder], id: c.holderId }, districtCode: c.districtCode, enterpriseId: c.enterpriseId, evidence }], track: { noticed } };
}
