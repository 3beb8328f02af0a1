import { GRAI_AI } from './grai.code';

/**
 * The QR payload: a GS1 Digital Link URI on the city's domain, `https://{domain}/8003/{GRAI}?s={sig}`.
 * Any phone camera opens it as the public verification page.
 */
export function buildQrUri(domain: string, grai: string, signature: string): string {
  return `https://${domain}/${GRAI_AI}/${grai}?s=${signature}`;
}

export type ParsedQrUri = { ok: true; grai: string; signature: string | undefined } | { ok: false; reason: 'NOT_A_URI' | 'FOREIGN_DOMAIN' | 'NOT_A_GRAI_LINK' };

/** Reads a scanned payload; only our own domain counts (any other is a code the city never issued). */
export function parseQrUri(text: string, domain: string): ParsedQrUri {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, reason: 'NOT_A_URI' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'NOT_A_URI' };
  if (url.host.toLowerCase() !== domain.toLowerCase()) return { ok: false, reason: 'FOREIGN_DOMAIN' };
  const match = new RegExp(`^/${GRAI_AI}/([0-9A-Za-z]{14,30})$`).exec(url.pathname);
  if (!match?.[1]) return { ok: false, reason: 'NOT_A_GRAI_LINK' };
  return { ok: true, grai: match[1], signature: url.searchParams.get('s') ?? undefined };
}
