import { parseGrai } from '../../../src/components/qr/grai.code';
import { parseQrUri } from '../../../src/components/qr/qr.uri';

/**
 * What the phone can tell about a code with no network. The QR signature is an HMAC under the
 * city's secret (src/components/qr/qr.signature.ts), which a phone must never hold, so offline the
 * phone checks everything else: the city's domain, the GS1 Digital Link path, the GRAI's check
 * digit, the city's company prefix and the signature's shape (`k<n>.` + 22 base64url characters).
 * A code failing any of these is not the city's, and is said so at once. The signature itself is
 * the platform's to judge: at sync the ledger refuses a GRAI the city never commissioned.
 * Pure: no DOM, no I/O (unit-tested in test/mobile).
 */
export interface CityFacts {
  qrDomain: string;
  companyPrefix: string;
}

export type CodeProblem = 'NOT_A_CITY_CODE' | 'FOREIGN_DOMAIN' | 'BAD_CHECK_DIGIT' | 'FOREIGN_PREFIX' | 'MISSING_SIGNATURE' | 'BAD_SIGNATURE';

export type CylinderName = { grai: string } | { serial: string };
export type CodeReading = { ok: true; name: CylinderName; via: 'qr' | 'grai' | 'serial' } | { ok: false; problem: CodeProblem };

const SIGNATURE_SHAPE = /^k[1-9]\d{0,3}\.[A-Za-z0-9_-]{21}[AQgw]$/;
const SERIAL = /^[0-9A-Za-z-]{1,40}$/;

/** Reads the `<meta name="lpg-city" content="domain;prefix">` the platform writes into the shell. */
export function parseCityFacts(content: string | null | undefined): CityFacts | undefined {
  const [qrDomain, companyPrefix] = (content ?? '').split(';');
  if (!qrDomain || !companyPrefix || !/^\d{7,10}$/.test(companyPrefix)) return undefined;
  return { qrDomain, companyPrefix };
}

function checkGrai(value: string, city: CityFacts): CodeReading {
  const parsed = parseGrai(value, city.companyPrefix.length);
  if (!parsed.ok) return { ok: false, problem: parsed.problem === 'BAD_CHECK_DIGIT' ? 'BAD_CHECK_DIGIT' : 'NOT_A_CITY_CODE' };
  if (parsed.grai.companyPrefix !== city.companyPrefix) return { ok: false, problem: 'FOREIGN_PREFIX' };
  return { ok: true, name: { grai: value }, via: 'grai' };
}

/** A scanned QR payload: only a signed link on the city's own domain names one of its cylinders. */
export function readScannedCode(text: string, city: CityFacts): CodeReading {
  const uri = parseQrUri(text, city.qrDomain);
  if (!uri.ok) return { ok: false, problem: uri.reason === 'FOREIGN_DOMAIN' ? 'FOREIGN_DOMAIN' : 'NOT_A_CITY_CODE' };
  const grai = checkGrai(uri.grai, city);
  if (!grai.ok) return grai;
  if (!uri.signature) return { ok: false, problem: 'MISSING_SIGNATURE' };
  // The last of the 22 characters carries 4 unused bits: the platform prints only the spelling with them zero.
  if (!SIGNATURE_SHAPE.test(uri.signature)) return { ok: false, problem: 'BAD_SIGNATURE' };
  return { ok: true, name: grai.name, via: 'qr' };
}

/** Typed by hand for a damaged label: a whole code, a GRAI (14 digits + serial), or the steel-stamp serial. */
export function readTypedCode(text: string, city: CityFacts): CodeReading {
  const value = text.trim();
  if (/^https?:\/\//i.test(value)) return readScannedCode(value, city);
  if (/^0\d{13}[0-9A-Za-z]{1,16}$/.test(value)) return checkGrai(value, city);
  if (SERIAL.test(value)) return { ok: true, name: { serial: value }, via: 'serial' };
  return { ok: false, problem: 'NOT_A_CITY_CODE' };
}

/** The name the worker sees for a cylinder: its GRAI's serial part, or the stamped serial. */
export function shortName(name: CylinderName, city: CityFacts | undefined): string {
  if ('serial' in name) return name.serial;
  return city ? name.grai.slice(14) : name.grai;
}
