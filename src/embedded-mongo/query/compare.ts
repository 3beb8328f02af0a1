/**
 * MongoDB's total order over BSON values, equality derived from it, and a canonical key for
 * hashing (equal values ⇔ equal keys) so sets and groups need no pairwise comparisons.
 */
import {
  RANK,
  binaryParts,
  bsonTag,
  dbRefAsDocument,
  regexParts,
  typeRank,
  type BsonCode,
  type BsonDbRef,
  type BsonObjectId,
  type BsonTimestamp,
} from './bson-types';
import { compareDoubles, compareNums, liftNumber, numberKey } from './numeric';

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

/**
 * Strings compare by UTF-8 bytes in MongoDB. UTF-16 order only disagrees for surrogate pairs
 * against U+E000–U+FFFF, so that one case is remapped at the first differing unit.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length < b.length ? -1 : 1;
  let ca = a.charCodeAt(i);
  let cb = b.charCodeAt(i);
  if (ca >= 0xd800 && cb >= 0xd800) {
    ca = ca >= 0xe000 ? ca - 0x800 : ca + 0x2000;
    cb = cb >= 0xe000 ? cb - 0x800 : cb + 0x2000;
  }
  return ca < cb ? -1 : 1;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return sign(d);
  }
  return sign(a.length - b.length);
}

interface PackedObjectId {
  readonly i0: number;
  readonly i1: number;
  readonly i2: number;
  readonly i3: number;
}

/** bson 7 keeps an ObjectId as four 24-bit integers; compare those when both have them. */
function compareObjectIds(a: BsonObjectId, b: BsonObjectId): number {
  const pa = a as unknown as Partial<PackedObjectId>;
  const pb = b as unknown as Partial<PackedObjectId>;
  if (typeof pa.i0 === 'number' && typeof pb.i0 === 'number') {
    const x = a as unknown as PackedObjectId;
    const y = b as unknown as PackedObjectId;
    return sign(x.i0 - y.i0) || sign(x.i1 - y.i1) || sign(x.i2 - y.i2) || sign(x.i3 - y.i3);
  }
  return compareStrings(a.toHexString(), b.toHexString());
}

function asDocument(v: object): Record<string, unknown> {
  return bsonTag(v) === 'DBRef' ? dbRefAsDocument(v as BsonDbRef) : (v as Record<string, unknown>);
}

/** Like BSONObj::woCompare: per element, type rank first, then field name, then value. */
function compareDocuments(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const fa = ka[i] as string;
    const fb = kb[i] as string;
    const va = a[fa];
    const vb = b[fb];
    const byRank = typeRank(va) - typeRank(vb);
    if (byRank !== 0) return sign(byRank);
    const byName = compareStrings(fa, fb);
    if (byName !== 0) return byName;
    const byValue = compareValues(va, vb);
    if (byValue !== 0) return byValue;
  }
  return sign(ka.length - kb.length);
}

function compareArrays(a: readonly unknown[], b: readonly unknown[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return sign(a.length - b.length);
}

function compareSameRank(rank: number, a: unknown, b: unknown): number {
  switch (rank) {
    case RANK.nullish:
    case RANK.minKey:
    case RANK.maxKey:
      return 0;
    case RANK.number:
      if (typeof a === 'number' && typeof b === 'number') return compareDoubles(a, b);
      return compareNums(liftNumber(a) ?? NaN, liftNumber(b) ?? NaN);
    case RANK.string:
      return compareStrings(String(a), String(b));
    case RANK.bool:
      return a === b ? 0 : a ? 1 : -1;
    case RANK.date:
      return compareDoubles((a as Date).getTime(), (b as Date).getTime());
    case RANK.objectId:
      return compareObjectIds(a as BsonObjectId, b as BsonObjectId);
    case RANK.array:
      return compareArrays(a as unknown[], b as unknown[]);
    case RANK.object:
      return compareDocuments(asDocument(a as object), asDocument(b as object));
    case RANK.binData: {
      const pa = binaryParts(a as object);
      const pb = binaryParts(b as object);
      // MongoDB orders BinData by length, then subtype, then bytes.
      return sign(pa.bytes.length - pb.bytes.length) || sign(pa.subType - pb.subType) || compareBytes(pa.bytes, pb.bytes);
    }
    case RANK.timestamp: {
      const ta = a as BsonTimestamp;
      const tb = b as BsonTimestamp;
      return sign(ta.t - tb.t) || sign(ta.i - tb.i);
    }
    case RANK.regex: {
      const ra = regexParts(a as object);
      const rb = regexParts(b as object);
      return compareStrings(ra.pattern, rb.pattern) || compareStrings(ra.options, rb.options);
    }
    case RANK.code: {
      const ca = a as BsonCode;
      const cb = b as BsonCode;
      return compareStrings(ca.code, cb.code) || compareValues(ca.scope ?? {}, cb.scope ?? {});
    }
    default:
      return 0;
  }
}

/** MongoDB's total order over BSON values; missing (undefined) sorts as null. */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (typeof a === 'number' && typeof b === 'number') return compareDoubles(a, b);
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  return compareSameRank(ra, a, b);
}

/** True when MongoDB treats the values as equal (1, 1.0, Long(1), Decimal128("1") are all equal). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'string' && typeof b === 'string') return false;
  if (typeof a === 'number' && typeof b === 'number') return a !== a && b !== b;
  return compareValues(a, b) === 0;
}

/**
 * A string that is identical for two values exactly when `valuesEqual` holds for them; used as
 * a Map/Set key for `$in`, `$addToSet` and friends.
 */
export function hashKey(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return `s${v}`;
    case 'number':
      return Number.isSafeInteger(v) ? `n${v === 0 ? 0 : v}` : `n${numberKey(v)}`;
    case 'boolean':
      return v ? 'b1' : 'b0';
    case 'undefined':
      return 'z';
    default:
      break;
  }
  const rank = typeRank(v);
  switch (rank) {
    case RANK.nullish:
      return 'z';
    case RANK.minKey:
      return 'm';
    case RANK.maxKey:
      return 'M';
    case RANK.number:
      return `n${numberKey(liftNumber(v) ?? NaN)}`;
    case RANK.string:
      return `s${String(v)}`;
    case RANK.date:
      return `d${(v as Date).getTime()}`;
    case RANK.objectId:
      return `o${(v as BsonObjectId).toHexString()}`;
    case RANK.timestamp:
      return `t${(v as BsonTimestamp).t}:${(v as BsonTimestamp).i}`;
    case RANK.binData: {
      const { bytes, subType } = binaryParts(v as object);
      return `x${subType}:${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
    }
    case RANK.regex: {
      const { pattern, options } = regexParts(v as object);
      return `r${JSON.stringify([pattern, options])}`;
    }
    case RANK.array:
      return `a${JSON.stringify((v as unknown[]).map(hashKey))}`;
    case RANK.code:
      return `c${JSON.stringify([(v as BsonCode).code, hashKey((v as BsonCode).scope ?? {})])}`;
    default: {
      const doc = asDocument(v as object);
      return `O${JSON.stringify(Object.keys(doc).flatMap((k) => [k, hashKey(doc[k])]))}`;
    }
  }
}
