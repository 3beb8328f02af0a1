import { createHmac, randomInt } from 'node:crypto';
import { greatCircleKm } from '../../shared/geo/great-circle';
import { cylinderStatus, isOperative, type CylinderIdentity, type CylinderStatus } from '../registry';
import { parseGrai } from './grai.code';
import type { CylinderPort, LedgerPort, SitePort } from './qr.ports';
import type { UnitOfWork } from '../../shared/db/unit-of-work';
import type { PublicRecordKind, QrRepository } from './qr.repository';
import type { QrSettings } from './qr.settings';
import type { QrKeyring, SignatureCheck } from './qr.signature';

/** Why a member of the public should be careful, most serious first. */
export const WARNINGS = [
  'MALFORMED_CODE',
  'FOREIGN_CODE',
  'UNKNOWN_CODE',
  'BAD_SIGNATURE',
  'MISSING_SIGNATURE',
  'SCRAPPED',
  'LOST',
  'PAST_SERVICE_LIFE',
  'OVERDUE_INSPECTION',
  'FILL_NOT_REGISTERED',
  'RECORD_INACTIVE',
] as const;
export type Warning = (typeof WARNINGS)[number];

/**
 * `unverified`: a code of the city's that came without its signature (typed by hand, a link cut
 * short): it cannot be told genuine or not, so it is neither — the page asks for the code on the
 * cylinder to be scanned. A wrong signature is `not_genuine`.
 */
export type Verdict = 'genuine' | 'not_genuine' | 'unknown' | 'unverified';

export interface Verification {
  grai: string;
  verdict: Verdict;
  signature: 'valid' | 'missing' | 'invalid';
  warnings: Warning[];
  checkedAt: string;
  /** Present only for a genuine code: what the public may know about the cylinder. */
  cylinder?: {
    enterpriseName: string;
    nominalKg: number;
    model: string;
    serial: string;
    status: CylinderStatus | 'lost';
    nextInspectionDate: string;
    lastFill: { stationName: string | null; at: string; registeredStation: boolean } | null;
  };
}

export interface ScanContext {
  /** The client's network address; only a daily keyed hash of it is kept. */
  clientAddress: string;
  location?: { lat: number; lng: number };
}

export interface VerifyDeps {
  repo: QrRepository;
  /** Each scan and report is stored with its position in a transaction of its own. */
  transaction: UnitOfWork;
  /** Told after a scan or report has been stored (committed): supervision's cue to read on. */
  onRecorded?: (kind: PublicRecordKind) => void;
  settings: QrSettings;
  keyring: QrKeyring;
  hashKey: Buffer;
  sites: SitePort;
  cylinders: CylinderPort;
  ledger?: LedgerPort;
  /** Called for a scrapped cylinder's code, so that it is retired even if nobody asked yet. */
  onScrapped?: (cylinderId: string) => Promise<void>;
  now?: () => Date;
}

/** Receipts read aloud and typed back: no 0/O, 1/I. */
const RECEIPT_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const RECEIPT_PATTERN = /^JB[2-9A-HJ-NP-Z]{10}$/;
export function newReceipt(): string {
  let out = 'JB';
  for (let i = 0; i < 10; i++) out += RECEIPT_ALPHABET[randomInt(RECEIPT_ALPHABET.length)];
  return out;
}

/** A report of the same code within this distance and window is the same report again (counted, not queued twice). */
export const REPORT_DEDUPE_KM = 0.1;
export const REPORT_DEDUPE_WINDOW_MS = 7 * 86_400_000;
/** A report's district is the nearest registered site's within this distance. */
export const REPORT_DISTRICT_RADIUS_KM = 10;

const FULL_STATES = new Set(['full_at_station', 'in_transit', 'at_supply_point', 'with_customer']);

/** A hash that changes every UTC day: floods and clones show within a day, no person across days. */
export function clientHash(key: Buffer, address: string, at: Date): string {
  return createHmac('sha256', key).update(`${at.toISOString().slice(0, 10)}|${address}`).digest('hex').slice(0, 12);
}

/** ~1 km: enough for the supervision rules (black points, clones), too coarse for a home address. */
export function coarse(location: { lat: number; lng: number }): { lat: number; lng: number } {
  return { lat: Math.round(location.lat * 100) / 100, lng: Math.round(location.lng * 100) / 100 };
}

export function createVerifyService(deps: VerifyDeps) {
  const { repo, settings, keyring } = deps;
  const now = deps.now ?? (() => new Date());

  async function assess(graiText: string, signature: string | undefined, at: Date): Promise<Verification> {
    const base = { grai: graiText, checkedAt: at.toISOString() };
    const parsed = parseGrai(graiText, settings.companyPrefix.length);
    if (!parsed.ok) return { ...base, verdict: 'not_genuine', signature: signature ? 'invalid' : 'missing', warnings: ['MALFORMED_CODE'] };
    const check: SignatureCheck = keyring.verify(graiText, signature ?? '');
    const sig = check.valid ? 'valid' : check.reason === 'MISSING' ? 'missing' : 'invalid';
    if (parsed.grai.companyPrefix !== settings.companyPrefix) return { ...base, verdict: 'unknown', signature: sig, warnings: ['FOREIGN_CODE'] };
    const cylinder = await deps.cylinders.cylinderIdentity({ grai: graiText });
    if (!cylinder) return { ...base, verdict: 'unknown', signature: sig, warnings: ['UNKNOWN_CODE'] };
    if (!check.valid) return sig === 'missing' ? { ...base, verdict: 'unverified', signature: sig, warnings: ['MISSING_SIGNATURE'] } : { ...base, verdict: 'not_genuine', signature: sig, warnings: ['BAD_SIGNATURE'] };
    return { ...base, verdict: 'genuine', signature: 'valid', ...(await describe(cylinder, at)) };
  }

  async function describe(cylinder: CylinderIdentity, at: Date): Promise<Pick<Verification, 'warnings' | 'cylinder'>> {
    const warnings = new Set<Warning>();
    const registryStatus = cylinderStatus(cylinder, at);
    const snapshot = await deps.ledger?.cylinderState(cylinder.id);
    const lost = snapshot?.state === 'lost';
    const scrapped = registryStatus === 'scrapped' || snapshot?.state === 'scrapped';
    if (scrapped) {
      warnings.add('SCRAPPED');
      await deps.onScrapped?.(cylinder.id);
    }
    if (lost) warnings.add('LOST');
    if (registryStatus === 'past_service_life') warnings.add('PAST_SERVICE_LIFE');
    if (registryStatus === 'overdue_inspection') warnings.add('OVERDUE_INSPECTION');
    if (!cylinder.active) warnings.add('RECORD_INACTIVE');

    let lastFill: NonNullable<Verification['cylinder']>['lastFill'] = null;
    if (snapshot?.lastFill) {
      const station = await deps.sites.siteById(snapshot.lastFill.siteId);
      const registeredStation = !!station && station.kind === 'filling_station' && station.active && isOperative(station.fillingLicenceStatus);
      if (!registeredStation) warnings.add('FILL_NOT_REGISTERED');
      lastFill = { stationName: station?.name ?? null, at: snapshot.lastFill.at.toISOString(), registeredStation };
    } else if (snapshot && FULL_STATES.has(snapshot.state)) {
      // Full and in circulation with no fill on record: filled somewhere the city does not see.
      warnings.add('FILL_NOT_REGISTERED');
    }
    const status = scrapped ? 'scrapped' : lost ? 'lost' : registryStatus;
    return {
      warnings: WARNINGS.filter((w) => warnings.has(w)),
      cylinder: {
        enterpriseName: (await deps.cylinders.enterpriseName(cylinder.enterpriseId)) ?? '',
        nominalKg: cylinder.nominalKg,
        model: cylinder.model,
        serial: cylinder.serial,
        status,
        nextInspectionDate: cylinder.nextInspectionDate.toISOString().slice(0, 10),
        lastFill,
      },
    };
  }

  return {
    /**
     * The GRAI a damaged label's reader typed: a GRAI as it is (spaces, `(8003)` dropped), or a
     * cylinder's steel-stamp serial when exactly one registered cylinder carries it. Undefined: no such code.
     */
    async findCode(entry: string): Promise<string | undefined> {
      const compact = entry.replace(/\(8003\)|\s+/g, '').toUpperCase();
      if (/^\d{14}[0-9A-Z]{1,16}$/.test(compact)) return compact;
      return deps.cylinders.graiOfSerial ? await deps.cylinders.graiOfSerial(entry.trim()) : undefined;
    },
    /** Verifies a scanned code and records the scan (without personal data). */
    async verify(graiText: string, signature: string | undefined, scan: ScanContext): Promise<Verification> {
      const at = now();
      const result = await assess(graiText, signature, at);
      const doc = {
        grai: graiText.slice(0, 40),
        verdict: result.verdict,
        warnings: result.warnings,
        at,
        clientHash: clientHash(deps.hashKey, scan.clientAddress, at),
        ...(scan.location ? { location: coarse(scan.location) } : {}),
      };
      await deps.transaction((session) => repo.insertScan(doc, session));
      deps.onRecorded?.('scans');
      return result;
    },

    /**
     * Stores a report with a receipt for the reporter. The same code reported again within
     * ≈100 m (or, without a location, again without one) within a week is a duplicate of the
     * open report: counted on it, its status shared, not queued twice.
     */
    async report(graiText: string, signature: string | undefined, input: { reason: string; note?: string; contact?: string; lat?: number; lng?: number }, scan: ScanContext): Promise<{ id: string; receipt: string; duplicate: boolean }> {
      const at = now();
      const { verdict } = await assess(graiText, signature, at);
      const coordinates = input.lat !== undefined && input.lng !== undefined ? ([Math.round(input.lng * 1e4) / 1e4, Math.round(input.lat * 1e4) / 1e4] as [number, number]) : undefined;
      const nearest = coordinates ? (await deps.sites.sitesNear?.(coordinates, REPORT_DISTRICT_RADIUS_KM))?.[0] : undefined;
      const grai = graiText.slice(0, 40);
      const receipt = newReceipt();
      const outcome = await deps.transaction(async (session) => {
        const candidates = await repo.openReportsOf(grai, new Date(at.getTime() - REPORT_DEDUPE_WINDOW_MS), session);
        const original = candidates.find((c) => (coordinates && c.coordinates ? greatCircleKm(coordinates, c.coordinates) <= REPORT_DEDUPE_KM : !coordinates && !c.coordinates));
        const doc = {
          grai,
          reason: input.reason,
          ...(input.note ? { note: input.note } : {}),
          ...(input.contact ? { contact: input.contact } : {}),
          ...(coordinates ? { coordinates } : {}),
          verdict,
          at,
          clientHash: clientHash(deps.hashKey, scan.clientAddress, at),
          receipt,
          districtCode: original ? (original.districtCode ?? null) : (nearest?.districtCode ?? null),
          status: original ? (original.status ?? 'new') : ('new' as const),
          duplicates: 0,
          caseId: original?.caseId ?? null,
          outcome: null,
          updatedAt: at,
          ...(original ? { duplicateOf: original._id } : {}),
        };
        const id = await repo.insertReport(doc, session);
        if (original) await repo.updateReport(original._id, { updatedAt: at }, session, { duplicates: 1 });
        return { id, duplicate: !!original };
      });
      deps.onRecorded?.('reports');
      return { ...outcome, receipt };
    },
  };
}

export type VerifyService = ReturnType<typeof createVerifyService>;
