import { createHmac } from 'node:crypto';
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

export type Verdict = 'genuine' | 'not_genuine' | 'unknown';

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
    if (!check.valid) return { ...base, verdict: 'not_genuine', signature: sig, warnings: [sig === 'missing' ? 'MISSING_SIGNATURE' : 'BAD_SIGNATURE'] };
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

    async report(graiText: string, signature: string | undefined, input: { reason: string; note?: string; lat?: number; lng?: number }, scan: ScanContext): Promise<{ id: string }> {
      const at = now();
      const { verdict } = await assess(graiText, signature, at);
      const doc = {
        grai: graiText.slice(0, 40),
        reason: input.reason,
        ...(input.note ? { note: input.note } : {}),
        ...(input.lat !== undefined && input.lng !== undefined ? { coordinates: [Math.round(input.lng * 1e4) / 1e4, Math.round(input.lat * 1e4) / 1e4] as [number, number] } : {}),
        verdict,
        at,
        clientHash: clientHash(deps.hashKey, scan.clientAddress, at),
      };
      const id = await deps.transaction((session) => repo.insertReport(doc, session));
      deps.onRecorded?.('reports');
      return { id };
    },
  };
}

export type VerifyService = ReturnType<typeof createVerifyService>;
