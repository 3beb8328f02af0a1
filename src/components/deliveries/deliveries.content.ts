import { createHash, createHmac } from 'node:crypto';
import { canonicalJson } from '../ledger';
import type { FlowInput } from './deliveries.schemas';

/**
 * What a flow is compared by when its visit id comes again (pure). The parsed input, instants as
 * UTC, and what the customer typed or showed (the phone's last digits, a code, a recipient's
 * phone) keyed-hashed: equal values still compare equal, field by field, and the stored record
 * holds no secret. Same content → the same flow (a duplicate); anything else → 409 naming what
 * differs, never stored, never merged.
 */
export function storedContent(flow: FlowInput, keySecret: string): Record<string, unknown> {
  const keyed = (label: string, value: string) => `hmac:${createHmac('sha256', keySecret).update(`${label}\n${value}`).digest('hex').slice(0, 32)}`;
  const content = structuredClone(flow) as Record<string, unknown> & { occurredAt: string };
  content.occurredAt = new Date(flow.occurredAt).toISOString();
  const confirmation = content.confirmation as Record<string, unknown> | undefined;
  if (confirmation && typeof confirmation.phoneLast4 === 'string') confirmation.phoneLast4 = keyed('phoneLast4', confirmation.phoneLast4);
  if (confirmation && typeof confirmation.code === 'string') confirmation.code = keyed('code', confirmation.code);
  const recipient = content.recipient as Record<string, unknown> | undefined;
  if (recipient && typeof recipient.phone === 'string') recipient.phone = keyed('phone', recipient.phone);
  return content;
}

export function contentHash(content: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

/** Where two contents differ, as field paths (`deliver.cylinders[0].cylinderId`), at most `limit`. */
export function differences(stored: unknown, given: unknown, prefix = '', limit = 20): string[] {
  const found: string[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (found.length >= limit) return;
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`);
      return;
    }
    if (isObject(a) && isObject(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      for (const key of keys) walk(a[key], b[key], path ? `${path}.${key}` : key);
      return;
    }
    if (canonicalJson(a) !== canonicalJson(b)) found.push(path || '(body)');
  };
  walk(stored, given, prefix);
  return found;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
