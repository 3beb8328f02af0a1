import type { AlertRuleCode } from '../ledger';
import type { PublicReport, PublicScan } from '../qr';
import type { LngLat } from '../../shared/geo/great-circle';
import type { AlertPolicy, Evidence, Finding, Subject } from './alerts.findings';
import { DAY_MS, locationCell } from './alerts.findings';
import { compareSightings, type CellTrack, type CylinderTrack } from './alerts.tracks';
import { clonedFindings } from './alerts.rules.ledger';
import { composed, type Phrase } from './alerts.texts';

/**
 * Supervision rules over what the public sends, pure: a scan of a verification link (its verdict
 * and warnings, and its place when the phone gave one) or a report. The runner finds the scanned
 * cylinder and the sites around the place first.
 */
export interface PublicFacts {
  /** The registered cylinder carrying the scanned code, when there is one. */
  cylinder?: { id: string; enterpriseId: string; districtCode: string };
  /** Whether a site with a valid licence lies within the policy's radius of the place (only asked when there is a place). */
  licensedSiteNear?: boolean;
  /** The district the place lies in as far as the platform can tell: the cylinder's, else the nearest site's. */
  districtCode?: string;
}

const scanEvidence = (s: PublicScan, ...clause: Phrase[]): Evidence => {
  const what: Phrase = s.warnings.length ? { code: 'SCAN_WARNED', params: { grai: s.grai, verdict: s.verdict, warnings: s.warnings } } : { code: 'SCAN', params: { grai: s.grai, verdict: s.verdict } };
  return { kind: 'scan', id: s.id, at: s.at, ...composed(what, ...clause) };
};
const reportEvidence = (r: PublicReport, ...clause: Phrase[]): Evidence => {
  const what: Phrase = r.note ? { code: 'REPORT_NOTED', params: { why: r.reason, grai: r.grai, note: r.note.slice(0, 80) } } : { code: 'REPORT', params: { why: r.reason, grai: r.grai } };
  return { kind: 'report', id: r.id, at: r.at, ...composed(what, ...clause) };
};

const placeOfScan = (s: PublicScan): LngLat | undefined => (s.location ? [s.location.lng, s.location.lat] : undefined);

/** Which warning of the verification page means which rule (the subject: the cylinder, or the code when it is none of the city's). */
const WARNING_RULES: Partial<Record<string, { rule: AlertRuleCode; subject: 'cylinder' | 'code' }>> = {
  FOREIGN_CODE: { rule: 'OUT_OF_CITY_CYLINDER', subject: 'code' },
  UNKNOWN_CODE: { rule: 'OUT_OF_CITY_CYLINDER', subject: 'code' },
  FILL_NOT_REGISTERED: { rule: 'OUT_OF_CITY_CYLINDER', subject: 'cylinder' },
  BAD_SIGNATURE: { rule: 'CLONED_CODE', subject: 'cylinder' },
  SCRAPPED: { rule: 'SCRAPPED_CYLINDER', subject: 'cylinder' },
  PAST_SERVICE_LIFE: { rule: 'OVER_AGE_CYLINDER', subject: 'cylinder' },
  OVERDUE_INSPECTION: { rule: 'OVERDUE_CYLINDER', subject: 'cylinder' },
};

export interface ScanTracks {
  cylinder?: CylinderTrack;
  cell?: CellTrack;
}

/**
 * Every rule over one public scan: its warnings (a code the city never issued, a forged
 * signature, a scrapped, over-age or overdue cylinder, a fill nowhere registered); a genuine code
 * seen at two impossible places (CLONED_CODE); and a black point — many different codes scanned
 * within a day at one place that is no licensed site (UNLICENSED_SELLER). One scan at a home is
 * nothing: customers scan where they live.
 */
export function scanFindings(s: PublicScan, facts: PublicFacts, tracks: ScanTracks, policy: AlertPolicy): { findings: Finding[]; tracks: ScanTracks } {
  const scope = { districtCode: facts.districtCode ?? null, enterpriseId: facts.cylinder?.enterpriseId ?? null };
  const found: Finding[] = [];
  const next: ScanTracks = {};
  for (const warning of s.warnings) {
    const mapped = WARNING_RULES[warning];
    if (!mapped) continue;
    const subject: Subject | undefined = mapped.subject === 'code' ? { kind: 'code', id: s.grai } : facts.cylinder ? { kind: 'cylinder', id: facts.cylinder.id } : undefined;
    if (subject) found.push({ rule: mapped.rule, subject, ...scope, evidence: scanEvidence(s) });
  }
  const place = placeOfScan(s);
  if (place && facts.cylinder && s.verdict === 'genuine') {
    const evidence = scanEvidence(s, { code: 'NEAR_PLACE', params: { place: locationCell(place) } });
    const compared = compareSightings(tracks.cylinder?.lastSighting, { at: s.at, place, evidence }, policy);
    next.cylinder = { ...tracks.cylinder, lastSighting: compared.keep };
    if (compared.clonedWith) found.push(...clonedFindings({ kind: 'cylinder', id: facts.cylinder.id }, scope, evidence, compared));
  }
  if (place && facts.licensedSiteNear === false) {
    const codes = [...(tracks.cell?.codes ?? []), { code: s.grai, at: s.at }].filter((c) => Math.abs(c.at.getTime() - s.at.getTime()) < DAY_MS);
    next.cell = { codes };
    const distinct = new Set(codes.map((c) => c.code)).size;
    if (distinct >= policy.blackPointDistinctCodes) {
      found.push({ rule: 'UNLICENSED_SELLER', subject: { kind: 'location', id: locationCell(place) }, districtCode: scope.districtCode, enterpriseId: null, evidence: scanEvidence(s, { code: 'BLACK_POINT', params: { count: distinct } }) });
    }
  }
  return { findings: found, tracks: next };
}

/** Reasons a citizen gives that point at a seller (a leak or an overdue cylinder at home do not). */
const SELLER_REASONS = new Set(['unlicensed_seller', 'suspected_fake', 'other']);

/**
 * Every rule over one public report: a seller reported at a place that is no licensed site
 * (UNLICENSED_SELLER; reported as one without a place: the code is the subject), mobile selling,
 * and the report's place as a sighting of its code.
 */
export function reportFindings(r: PublicReport, facts: PublicFacts, prior: CylinderTrack | undefined, policy: AlertPolicy): { findings: Finding[]; track?: CylinderTrack } {
  const scope = { districtCode: facts.districtCode ?? null, enterpriseId: facts.cylinder?.enterpriseId ?? null };
  const place = r.coordinates ? ([r.coordinates[0], r.coordinates[1]] as const) : undefined;
  const subject: Subject = place ? { kind: 'location', id: locationCell(place) } : { kind: 'code', id: r.grai };
  const found: Finding[] = [];
  if (r.reason === 'mobile_selling') found.push({ rule: 'MOBILE_SELLING', subject, ...scope, evidence: reportEvidence(r) });
  const atNoLicensedSite = place ? facts.licensedSiteNear === false : r.reason === 'unlicensed_seller';
  if (SELLER_REASONS.has(r.reason) && atNoLicensedSite) found.push({ rule: 'UNLICENSED_SELLER', subject, ...scope, evidence: place ? reportEvidence(r, { code: 'AT_NO_LICENSED_SITE' }) : reportEvidence(r) });
  let track: CylinderTrack | undefined;
  if (place && facts.cylinder) {
    const evidence = reportEvidence(r, { code: 'AT_PLACE', params: { place: locationCell(place) } });
    const compared = compareSightings(prior?.lastSighting, { at: r.at, place, evidence }, policy);
    track = { ...prior, lastSighting: compared.keep };
    if (compared.clonedWith) found.push(...clonedFindings({ kind: 'cylinder', id: facts.cylinder.id }, scope, evidence, compared));
  }
  return { findings: found, ...(track ? { track } : {}) };
}
