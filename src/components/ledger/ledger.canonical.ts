import { createHash } from 'node:crypto';
import type { LedgerEvent } from './ledger.contract';

/**
 * Canonical JSON, the one byte form everybody hashes (ledger chain, Merkle log, CLI verifier):
 * object keys sorted by UTF-16 code unit order, Dates as ISO-8601 UTC strings, `undefined` members
 * omitted (and `undefined` array items as null, like JSON.stringify), no whitespace. Numbers
 * must be finite. Anything with `toHexString` (an ObjectId) is written as its hex string.
 */
export function canonicalJson(value: unknown): string {
  return write(value);
}

// Every captured event, every event the log integrates and every event a chain verification reads
// goes through here. `npm run bench:micro` compares it with map/join (no measurable gain, contrary
// to the first claim) and with JSON.stringify of a key-sorted copy (faster, but not the same bytes:
// integer-like keys come first in numeric order and NaN becomes null, which would change hashes).
function write(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: numbers must be finite');
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
  }
  if (value instanceof Date) return `"${value.toISOString()}"`;
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + write(value[i]);
    return `${out}]`;
  }
  const hex = (value as { toHexString?: unknown }).toHexString;
  if (typeof hex === 'function') return JSON.stringify(String(hex.call(value)));
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${write(member)}`;
  }
  return `${out}}`;
}

/** The hashed content of an event: every field of LedgerEvent except `hash` itself. */
export type HashedEvent = Omit<LedgerEvent, 'hash'>;

const HASHED_FIELDS = [
  'eventId', 'logSeq', 'cylinderId', 'grai', 'enterpriseId', 'districtCode', 'type', 'occurredAt', 'receivedAt',
  'actor', 'where', 'payload', 'bizStep', 'disposition', 'fromState', 'toState', 'cylinderSeq', 'prevHash',
] as const satisfies readonly (keyof HashedEvent)[];

/** SHA-256 (hex) of the event's canonical JSON; storage-only fields (`_id`, `hash`) are left out. */
export function eventHash(event: HashedEvent): string {
  const content: Record<string, unknown> = {};
  for (const field of HASHED_FIELDS) content[field] = event[field];
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}
