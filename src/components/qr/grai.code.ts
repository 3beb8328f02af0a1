/**
 * GRAI (GS1 Application Identifier 8003, Global Returnable Asset Identifier):
 * '0' + GS1 company prefix (7–10 digits) + asset type (so that prefix + type = 12 digits)
 * + a GS1 mod-10 check digit over those 13 digits + a serial. Pure functions, no I/O.
 */

export const GRAI_AI = '8003';
/** The serial part of a GRAI we issue: digits only, so the URI never needs percent-encoding. */
export const SERIAL_MAX_LENGTH = 16;

export interface Grai {
  /** The whole identifier: 14 digits then the serial. */
  value: string;
  companyPrefix: string;
  assetType: string;
  checkDigit: number;
  serial: string;
}

/** GS1 mod-10: weights 3 and 1 alternating from the rightmost digit, check = (10 - sum mod 10) mod 10. */
export function gs1CheckDigit(digits: string): number {
  if (!/^\d+$/.test(digits)) throw new Error('check digit input must be digits');
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    const digit = Number(digits[digits.length - 1 - i]);
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** The asset-type field width left by a company prefix of this length. */
export function assetTypeWidth(companyPrefix: string): number {
  return 12 - companyPrefix.length;
}

export function buildGrai(companyPrefix: string, assetType: string, serial: string): Grai {
  if (!/^\d{7,10}$/.test(companyPrefix)) throw new Error('company prefix must be 7–10 digits');
  const width = assetTypeWidth(companyPrefix);
  if (!/^\d+$/.test(assetType) || assetType.length > width) throw new Error(`asset type must be at most ${width} digits`);
  if (!/^[0-9A-Za-z]{1,16}$/.test(serial)) throw new Error('serial must be 1–16 letters or digits');
  const type = assetType.padStart(width, '0');
  const body = `0${companyPrefix}${type}`;
  const checkDigit = gs1CheckDigit(body);
  return { value: `${body}${checkDigit}${serial}`, companyPrefix, assetType: type, checkDigit, serial };
}

export type GraiProblem = 'MALFORMED' | 'BAD_CHECK_DIGIT';

/**
 * Reads a GRAI; `companyPrefixLength` splits prefix from asset type (GS1 cannot tell them apart
 * from the digits alone; the city knows its own prefix).
 */
export function parseGrai(text: string, companyPrefixLength: number): { ok: true; grai: Grai } | { ok: false; problem: GraiProblem } {
  const match = /^(0\d{12})(\d)([0-9A-Za-z]{1,16})$/.exec(text);
  if (!match || companyPrefixLength < 7 || companyPrefixLength > 10) return { ok: false, problem: 'MALFORMED' };
  const [, body = '', check = '', serial = ''] = match;
  if (gs1CheckDigit(body) !== Number(check)) return { ok: false, problem: 'BAD_CHECK_DIGIT' };
  return {
    ok: true,
    grai: {
      value: text,
      companyPrefix: body.slice(1, 1 + companyPrefixLength),
      assetType: body.slice(1 + companyPrefixLength),
      checkDigit: Number(check),
      serial,
    },
  };
}

/** Human-readable interpretation (GS1 HRI) as printed under the code: "(8003) 06141410001561234". */
export function humanReadable(grai: Grai): string {
  return `(${GRAI_AI}) ${grai.value}`;
}
