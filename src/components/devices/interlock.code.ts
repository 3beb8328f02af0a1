import { parseGrai, parseQrUri, type QrKeyring } from '../qr';
import type { CodeSignature } from './interlock.decide';

/** What the scale read: the QR code's Digital Link URI, a GRAI, or a steel-stamp serial typed in. */
export type ReadCode = { kind: 'grai'; grai: string; signature: CodeSignature } | { kind: 'serial'; serial: string } | { kind: 'unknown' };

/** The city's QR settings the interlock reads codes with (the QR component's keyring). */
export interface QrCodes {
  domain: string;
  companyPrefix: string;
  keyring: Pick<QrKeyring, 'verify'>;
}

const GRAI_TEXT = /^0\d{13}[0-9A-Za-z]{1,16}$/;
const SERIAL_TEXT = /^[0-9A-Za-z][0-9A-Za-z._/-]{0,39}$/;

/**
 * Reads a scanned or typed code (pure). A URI must be a Digital Link of the city's own domain
 * naming a GRAI with a correct check digit, and its signature is checked; a GRAI with a correct
 * check digit is taken as typed (no signature to check); anything else that looks like a serial
 * is a steel-stamp serial; the rest names no cylinder.
 */
export function readCode(text: string, qr: QrCodes): ReadCode {
  const code = text.trim();
  const graiOf = (value: string) => parseGrai(value, qr.companyPrefix.length);
  if (/^https?:\/\//i.test(code)) {
    const uri = parseQrUri(code, qr.domain);
    if (!uri.ok || !graiOf(uri.grai).ok) return { kind: 'unknown' };
    return { kind: 'grai', grai: uri.grai, signature: qr.keyring.verify(uri.grai, uri.signature ?? '').valid ? 'valid' : 'invalid' };
  }
  if (GRAI_TEXT.test(code)) return graiOf(code).ok ? { kind: 'grai', grai: code, signature: 'none' } : { kind: 'unknown' };
  return SERIAL_TEXT.test(code) ? { kind: 'serial', serial: code } : { kind: 'unknown' };
}
