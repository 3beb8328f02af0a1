import { credentialStatus, isOperative, type RegistryPolicy } from '../registry';
import type { EventActor } from './ledger.contract';
import type { Credential, CylinderRef } from './ledger.lookups';
import type { CredentialEvidence, Holders, Rejection } from './ledger.references';
import type { RejectionCode } from './ledger.reasons';
import type { EventInput } from './ledger.schemas';

export type CredentialPolicy = Pick<RegistryPolicy, 'expiringWithinDays'>;

/**
 * What the law asks of everyone an event involves, decided at the event's own `occurredAt` (an
 * offline device's event is judged by the day it happened, not the day it arrived), pure: the
 * acting worker's certificate and employment, the licence of every enterprise involved, the site's
 * licence (and a station's filling licence for a fill), the vehicle's permit, and — when a
 * cylinder is commissioned — its design life and inspection date. Every reason that applies is
 * returned, not only the first, so one answer tells the enterprise all it must put right.
 *
 * "Operative" is only ever credentialStatus + isOperative from the registry: whatever lifecycle
 * the registry gives a credential (verification, suspension, revocation, dates) counts here
 * without the ledger knowing its fields.
 *
 * Decisions: an error declaration is not checked (it moves nothing, and refusing a correction
 * would leave the wrong record standing — the lifecycle allows it even after scrapping). A
 * record that cannot be found counts as holding no credential ("missing").
 */
export function complianceRefusals(input: EventInput, actor: EventActor, cylinder: CylinderRef, holders: Holders | undefined, policy: CredentialPolicy): Rejection[] {
  if (!holders || input.type === 'error_declaration') return [];
  const at = new Date(input.occurredAt);
  const refusals: Rejection[] = [];
  const check = (reason: RejectionCode, what: string, evidence: Omit<CredentialEvidence, 'number' | 'status'>, credential: Credential | undefined) => {
    const refusal = credentialRefusal(reason, what, evidence, credential, at, policy, input.occurredAt);
    if (refusal) refusals.push(refusal);
  };

  const worker = holders.worker;
  if (worker) {
    check('WORKER_UNCERTIFIED', 'safety-training certificate', { kind: 'worker_certificate', holder: 'workers', recordId: worker.id }, worker.found?.certificate);
    const employers = holders.enterprises.map((e) => e.id);
    if (!worker.found || !worker.found.active || !employers.includes(worker.found.enterpriseId)) {
      const why = !worker.found ? 'has no worker record' : !worker.found.active ? 'is no longer active' : `is employed by enterprise ${worker.found.enterpriseId}`;
      refusals.push({ reason: 'WORKER_NOT_EMPLOYED', detail: `worker ${worker.id} (user ${actor.id}) ${why}, not by ${employers.join(' or ')} whose cylinder or site this is` });
    }
  }
  for (const enterprise of holders.enterprises) {
    check('ENTERPRISE_LICENCE_INVALID', 'gas-operation licence', { kind: 'enterprise_licence', holder: 'enterprises', recordId: enterprise.id }, enterprise.found?.licence);
  }
  const site = holders.site;
  if (site) {
    check('SITE_LICENCE_INVALID', 'site licence', { kind: 'site_licence', holder: 'sites', recordId: site.id }, site.licence);
    if (input.type === 'fill') check('FILLING_LICENCE_INVALID', 'cylinder-filling licence', { kind: 'filling_licence', holder: 'sites', recordId: site.id }, site.fillingLicence);
  }
  const vehicle = holders.vehicle;
  if (vehicle) check('VEHICLE_PERMIT_INVALID', 'hazardous-goods transport permit', { kind: 'vehicle_permit', holder: 'vehicles', recordId: vehicle.id }, vehicle.permit);
  if (input.type === 'commission') refusals.push(...cylinderDateRefusals(cylinder, at, 'commissioned'));
  return refusals;
}

/**
 * One credential's check at `at`, with its evidence: a refusal under `reason` unless the
 * registry's credentialStatus says it is operative. The one rule every event and the filling-scale
 * interlock apply to a licence, permit or certificate.
 */
export function credentialRefusal(
  reason: RejectionCode,
  what: string,
  evidence: Omit<CredentialEvidence, 'number' | 'status'>,
  credential: Credential | undefined,
  at: Date,
  policy: CredentialPolicy,
  when: string = at.toISOString(),
): Rejection | undefined {
  const status = credentialStatus(credential, at, policy);
  if (isOperative(status)) return undefined;
  const number = credential?.number ?? null;
  return {
    reason,
    detail: `${what} ${number ?? '(none)'} of ${evidence.holder.replace(/s$/, '')} ${evidence.recordId} is ${status} at ${when}`,
    credential: { ...evidence, number, status, ...datesOf(credential) },
  };
}

/**
 * A cylinder past its design life or overdue for inspection is not put into service nor filled
 * (the registry's cylinderStatus rule, at `at`); both reasons when both apply. `act` words the
 * detail: "it is inspected before it is {act}".
 */
export function cylinderDateRefusals(cylinder: Pick<CylinderRef, 'serviceLifeEndsAt' | 'nextInspectionDate'>, at: Date, act: string): Rejection[] {
  const dates = { ...(cylinder.serviceLifeEndsAt ? { serviceLifeEndsAt: cylinder.serviceLifeEndsAt } : {}), ...(cylinder.nextInspectionDate ? { nextInspectionDate: cylinder.nextInspectionDate } : {}) };
  const refusals: Rejection[] = [];
  const day = (d: Date) => d.toISOString().slice(0, 10);
  if (cylinder.serviceLifeEndsAt && cylinder.serviceLifeEndsAt <= at) {
    refusals.push({ reason: 'SERVICE_LIFE_EXCEEDED', detail: `the cylinder's design service life ended ${day(cylinder.serviceLifeEndsAt)}: it is scrapped, not ${act}`, cylinder: dates });
  }
  if (cylinder.nextInspectionDate && cylinder.nextInspectionDate <= at) {
    refusals.push({ reason: 'INSPECTION_OVERDUE', detail: `the cylinder's periodic inspection was due ${day(cylinder.nextInspectionDate)}: it is inspected before it is ${act}`, cylinder: dates });
  }
  return refusals;
}

function datesOf(c: Credential | undefined): Pick<CredentialEvidence, 'validFrom' | 'validTo' | 'suspendedAt' | 'revokedAt'> {
  if (!c) return {};
  return {
    ...(c.validFrom ? { validFrom: c.validFrom } : {}),
    ...(c.validTo ? { validTo: c.validTo } : {}),
    ...(c.suspendedAt ? { suspendedAt: c.suspendedAt } : {}),
    ...(c.revokedAt ? { revokedAt: c.revokedAt } : {}),
  };
}

/** Events only a filling scale records (issue 12: no way around the scale). */
export const SCALE_EVENTS: readonly EventInput['type'][] = ['fill', 'reweigh'];

/** A regulator's grant of manual mode to a station: fills may be recorded without a scale in [from, until). */
export interface ManualWindow {
  from: Date;
  until: Date;
}

/** A fill made in a manual-mode window may still be uploaded this long after the window ends (paper records typed in). */
export const MANUAL_LATE_UPLOAD_MS = 24 * 3_600_000;

/**
 * A fill or re-weigh is a scale's record: one a user (POST /events, the batch, EPCIS capture)
 * sends is refused FILL_REQUIRES_SCALE unless its station was in a manual mode a regulator granted
 * when it happened (`occurredAt` inside the window) and it arrives no later than a day after the
 * window ended. Answers `manual` when the manual mode lets it through (the fill is marked).
 */
export function scaleRule(input: EventInput, actor: EventActor, windows: readonly ManualWindow[] | undefined, receivedAt: Date): 'scale' | 'manual' | Rejection | 'n/a' {
  if (!SCALE_EVENTS.includes(input.type)) return 'n/a';
  if (actor.kind === 'device') return 'scale';
  const at = new Date(input.occurredAt).getTime();
  const covered = (windows ?? []).some((w) => w.from.getTime() <= at && at < w.until.getTime() && receivedAt.getTime() < w.until.getTime() + MANUAL_LATE_UPLOAD_MS);
  if (covered) return 'manual';
  return {
    reason: 'FILL_REQUIRES_SCALE',
    detail: `a ${input.type} is recorded by the station's filling scale through the device API; station ${input.where.siteId ?? '?'} was in no manual mode a regulator granted at ${input.occurredAt}`,
  };
}
