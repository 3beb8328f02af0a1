import { Binary, Decimal128, Long, ObjectId, EJSON, type Document } from 'bson';

/**
 * A canonical string for an `_id` value, used as the key of a collection's document map.
 * Values MongoDB treats as equal map to the same key (1, 1.0 and Long(1) are one _id).
 */
export function idKey(value: unknown): string {
  if (typeof value === 'string') return `s${value}`;
  if (value instanceof ObjectId) return `o${value.toHexString()}`;
  if (typeof value === 'number') return Object.is(value, -0) ? 'n0' : `n${value}`;
  if (value instanceof Long) return `n${value.toString()}`;
  if (value instanceof Decimal128) {
    const asNumber = Number(value.toString());
    return Number.isFinite(asNumber) && String(asNumber) !== 'NaN' ? `n${asNumber}` : `m${value.toString()}`;
  }
  if (value instanceof Date) return `d${value.getTime()}`;
  if (value instanceof Binary) return `b${value.sub_type}:${Buffer.from(value.buffer).toString('base64')}`;
  if (value === null || value === undefined) return 'z';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return `x${EJSON.stringify(value as Document, { relaxed: false })}`;
}
