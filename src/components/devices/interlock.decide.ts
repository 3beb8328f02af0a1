import { credentialRefusal, cylinderDateRefusals, maxNetKg, type CredentialPolicy, type Credential, type CylinderState, type FillLimit, type Rejection, type RejectionCode } from '../ledger';

/**
 * The filling-scale interlock (灌装秤联锁) as one pure function: what the platform knows when a scale
 * asks → allow, or deny with every reason that applies. No I/O, no clock; unit-tested for every
 * deny code, every pair of them that can occur together, and the legal path.
 *
 * Decisions the issue leaves open, made here once:
 * - Every reason is answered, not the first: the operator sees all that must be put right.
 *   Reasons about the cylinder need the cylinder, so UNKNOWN_CODE comes alone among them; the
 *   station's, the operator's and the scale's are judged whatever the code was.
 * - BAD_SIGNATURE: a Digital Link URI whose signature is missing or does not verify. A GRAI or a
 *   steel-stamp serial typed in carries no signature to check (the scale says which it sent).
 * - SCRAPPED: the registry record is closed or the ledger says scrapped. LOST: the ledger says lost.
 *   NOT_EMPTY: any other state that is not empty at a station (full, on the road, with a customer,
 *   never commissioned). A lost or scrapped cylinder is not also NOT_EMPTY: LOST / SCRAPPED say why.
 * - NOT_INSPECTED: in a fillable state, no passed pre-fill check since it came back — neither an
 *   `inspect` pass in the ledger nor checks sent with this request. Checks sent with the request
 *   decide on the spot: passing ones stand for the inspection, failing ones deny as
 *   PRE_FILL_CHECK_FAILED (never also NOT_INSPECTED: the check was made), even a cylinder the
 *   ledger has as inspected and whatever its state — the scale has just found a fault on it.
 *   residualKg is a measurement, not a pass/fail item.
 * - FOREIGN_FILLER: the cylinder is registered to another filling station (another enterprise's
 *   cylinder is registered to another station too): DB4114/T 185 §4.7, one filling unit per cylinder.
 * - The station: its site licence (STATION_LICENCE_INVALID, also when the site is closed), its
 *   cylinder-filling licence and its enterprise's gas-operation licence, each through the one
 *   credential rule the ledger applies to every event (credentialRefusal).
 * - The operator: an unknown staff number or card is both OPERATOR_UNCERTIFIED (no certificate) and
 *   OPERATOR_NOT_AT_THIS_STATION; a known one must hold an operative certificate, be active, be a
 *   filling operator of the station's enterprise and, when the record names a site, of this one.
 * - SCALE_LOCKED: the scale or its whole station locked by a regulator. There is no override.
 * - TARE_UNKNOWN: no positive registered tare, so no gross limit can be given.
 */

export type CodeSignature = 'valid' | 'invalid' | 'none';

export interface InterlockCylinder {
  id: string;
  grai?: string;
  serial: string;
  model: string;
  nominalKg: number;
  tareKg?: number;
  enterpriseId: string;
  fillingSiteId: string;
  nextInspectionDate?: Date;
  serviceLifeEndsAt?: Date;
  scrappedAt?: Date;
}

export interface InterlockStation {
  id: string;
  enterpriseId: string;
  active: boolean;
  licence?: Credential;
  fillingLicence?: Credential;
}

export interface InterlockOperator {
  workerId: string;
  enterpriseId: string;
  siteId?: string;
  role: string;
  active: boolean;
  certificate?: Credential;
}

export interface PreFillChecks {
  valve: 'ok' | 'defective';
  leak: 'none' | 'leaking';
  appearance: 'ok' | 'damaged';
  residualKg: number;
}

export interface Lock {
  reason: string;
  at: Date;
}

export interface InterlockFacts {
  /** The platform's clock at the request. */
  at: Date;
  signature: CodeSignature;
  /** The cylinder the code names; absent: no such cylinder. */
  cylinder?: InterlockCylinder;
  /** Its ledger state; `unregistered` before commissioning. */
  state: CylinderState;
  station: InterlockStation;
  enterprise: { id: string; licence?: Credential };
  /** The operator the staff number or card names; absent: nobody. */
  operator?: InterlockOperator;
  operatorCode: string;
  checks?: PreFillChecks;
  locks: { scale?: Lock; station?: Lock };
  /** The cylinder model's fill limit (the table's, or in proportion). */
  limit: FillLimit;
  policy: CredentialPolicy;
}

export interface InterlockVerdict {
  decision: 'allow' | 'deny';
  reasons: Rejection[];
  /** The net to fill (the permitted fill mass); null without a known cylinder. */
  targetNetKg: number | null;
  /** The gross at which the scale must close its valve; null without a known cylinder and tare. */
  maxGrossKg: number | null;
}

const FILLABLE: readonly CylinderState[] = ['empty_at_station', 'inspected_at_station'];
const round2 = (kg: number) => Math.round(kg * 100) / 100;
const refusal = (reason: RejectionCode, detail: string): Rejection => ({ reason, detail });

/** Whether checks sent with the request pass, and the items that failed. */
export function failedChecks(checks: PreFillChecks): string[] {
  return [
    ...(checks.valve === 'ok' ? [] : ['valve']),
    ...(checks.leak === 'none' ? [] : ['leak']),
    ...(checks.appearance === 'ok' ? [] : ['appearance']),
  ];
}

export function decideFill(facts: InterlockFacts): InterlockVerdict {
  const reasons = [...codeReasons(facts), ...(facts.cylinder ? cylinderReasons(facts, facts.cylinder) : []), ...stationReasons(facts), ...operatorReasons(facts), ...lockReasons(facts)];
  const tareKg = facts.cylinder?.tareKg;
  const targetNetKg = facts.cylinder ? facts.limit.permittedNetKg : null;
  const maxGrossKg = facts.cylinder && tareKg !== undefined && tareKg > 0 ? round2(tareKg + maxNetKg(facts.limit)) : null;
  return { decision: reasons.length === 0 ? 'allow' : 'deny', reasons, targetNetKg, maxGrossKg };
}

function codeReasons(facts: InterlockFacts): Rejection[] {
  return [
    ...(facts.cylinder ? [] : [refusal('UNKNOWN_CODE', 'no cylinder of the city has this code')]),
    ...(facts.signature === 'invalid' ? [refusal('BAD_SIGNATURE', "the code's signature parameter is missing or does not verify")] : []),
  ];
}

function cylinderReasons(facts: InterlockFacts, cylinder: InterlockCylinder): Rejection[] {
  const { state } = facts;
  const reasons: Rejection[] = [];
  if (cylinder.scrappedAt || state === 'scrapped') reasons.push(refusal('SCRAPPED', `cylinder ${cylinder.serial} is scrapped: its code is void`));
  if (state === 'lost') reasons.push(refusal('LOST', `cylinder ${cylinder.serial} is reported lost`));
  reasons.push(...cylinderDateRefusals(cylinder, facts.at, 'filled'));
  if (cylinder.fillingSiteId !== facts.station.id) reasons.push(refusal('FOREIGN_FILLER', `cylinder ${cylinder.serial} is registered to filling station ${cylinder.fillingSiteId}, not this one`));
  const failed = facts.checks ? failedChecks(facts.checks) : [];
  if (failed.length > 0) reasons.push(refusal('PRE_FILL_CHECK_FAILED', `the pre-fill check failed: ${failed.join(', ')}`));
  if (FILLABLE.includes(state)) {
    if (!facts.checks && state !== 'inspected_at_station') reasons.push(refusal('NOT_INSPECTED', 'no passed pre-fill check since it came back: record an inspect pass, or send the checks'));
  } else if (state !== 'lost' && state !== 'scrapped') {
    reasons.push(refusal('NOT_EMPTY', `the cylinder is ${state === 'unregistered' ? 'not commissioned' : state}, not empty at a station`));
  }
  if (!(cylinder.tareKg !== undefined && cylinder.tareKg > 0)) reasons.push(refusal('TARE_UNKNOWN', `cylinder ${cylinder.serial} has no registered tare`));
  return reasons;
}

function stationReasons(facts: InterlockFacts): Rejection[] {
  const { station, enterprise, at, policy } = facts;
  const site = { holder: 'sites' as const, recordId: station.id };
  const reasons = [
    station.active ? credentialRefusal('STATION_LICENCE_INVALID', 'site licence', { kind: 'site_licence', ...site }, station.licence, at, policy) : refusal('STATION_LICENCE_INVALID', `filling station ${station.id} is closed`),
    credentialRefusal('FILLING_LICENCE_INVALID', 'cylinder-filling licence', { kind: 'filling_licence', ...site }, station.fillingLicence, at, policy),
    credentialRefusal('ENTERPRISE_LICENCE_INVALID', 'gas-operation licence', { kind: 'enterprise_licence', holder: 'enterprises', recordId: enterprise.id }, enterprise.licence, at, policy),
  ];
  return reasons.filter((r): r is Rejection => r !== undefined);
}

function operatorReasons(facts: InterlockFacts): Rejection[] {
  const { operator, station } = facts;
  if (!operator) {
    const unknown = `no worker of the station's enterprise has staff number or card "${facts.operatorCode}"`;
    return [refusal('OPERATOR_UNCERTIFIED', unknown), refusal('OPERATOR_NOT_AT_THIS_STATION', unknown)];
  }
  const reasons: Rejection[] = [];
  const certificate = credentialRefusal('OPERATOR_UNCERTIFIED', 'safety-training certificate', { kind: 'worker_certificate', holder: 'workers', recordId: operator.workerId }, operator.certificate, facts.at, facts.policy);
  if (certificate) reasons.push(certificate);
  const why = !operator.active
    ? 'is no longer active'
    : operator.enterpriseId !== station.enterpriseId
      ? `is employed by enterprise ${operator.enterpriseId}`
      : operator.role !== 'filling_operator'
        ? `is a ${operator.role}, not a filling operator`
        : operator.siteId && operator.siteId !== station.id
          ? `works at site ${operator.siteId}`
          : undefined;
  if (why) reasons.push(refusal('OPERATOR_NOT_AT_THIS_STATION', `worker ${operator.workerId} ${why}, not at filling station ${station.id}`));
  return reasons;
}

function lockReasons(facts: InterlockFacts): Rejection[] {
  const locks = [
    ...(facts.locks.scale ? [`the scale is locked by a regulator since ${facts.locks.scale.at.toISOString()}: ${facts.locks.scale.reason}`] : []),
    ...(facts.locks.station ? [`the station is locked by a regulator since ${facts.locks.station.at.toISOString()}: ${facts.locks.station.reason}`] : []),
  ];
  return locks.length > 0 ? [refusal('SCALE_LOCKED', locks.join('; '))] : [];
}
