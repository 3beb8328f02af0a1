/**
 * Classifying the values `bson.deserialize` produces. BSON classes are recognised by their
 * `_bsontype` tag rather than `instanceof`, so values built by another copy of the bson package
 * (the driver may bundle its own) are handled the same way.
 */

/*
 * Builtins captured once. Inside a VM context (Jest's test environment) every global lookup goes
 * through an interceptor, which made a 50M docs/s predicate crawl at 1M docs/s under test.
 */
export const isArray: (v: unknown) => v is unknown[] = Array.isArray;
const DateClass = Date;
const RegExpClass = RegExp;
const ObjectClass = Object;
const OBJECT_PROTOTYPE: unknown = Object.prototype;
const getPrototypeOf = Object.getPrototypeOf;
const isView = ArrayBuffer.isView;

/** MongoDB's canonical type order: values of different ranks compare by rank alone. */
export const RANK = {
  minKey: 1,
  emptyArraySortKey: 3,
  nullish: 5,
  number: 10,
  string: 15,
  object: 20,
  array: 25,
  binData: 30,
  objectId: 35,
  bool: 40,
  date: 45,
  timestamp: 47,
  regex: 50,
  code: 60,
  maxKey: 127,
} as const;

export interface BsonLong {
  readonly _bsontype: 'Long';
  toBigInt(): bigint;
  toNumber(): number;
}
export interface BsonDecimal {
  readonly _bsontype: 'Decimal128';
  toString(): string;
}
export interface BsonBinary {
  readonly _bsontype: 'Binary';
  readonly buffer: Uint8Array;
  readonly sub_type: number;
  readonly position: number;
}
export interface BsonObjectId {
  readonly _bsontype: 'ObjectId';
  toHexString(): string;
}
export interface BsonTimestamp {
  readonly _bsontype: 'Timestamp';
  readonly t: number;
  readonly i: number;
}
export interface BsonRegExp {
  readonly _bsontype: 'BSONRegExp';
  readonly pattern: string;
  readonly options: string;
}
export interface BsonCode {
  readonly _bsontype: 'Code';
  readonly code: string;
  readonly scope: Record<string, unknown> | null;
}
export interface BsonDbRef {
  readonly _bsontype: 'DBRef';
  readonly collection: string;
  readonly oid: unknown;
  readonly db?: string;
  readonly fields: Record<string, unknown>;
}

export function bsonTag(v: object): string | undefined {
  const tag = (v as { _bsontype?: unknown })._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

/** A plain document (what BSON embedded documents deserialize to); excludes arrays and BSON classes. */
export function isDocument(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  // The constructor check is the fast path; a BSON field can never hold the Object function.
  if ((v as { constructor?: unknown }).constructor === ObjectClass) return true;
  const proto: unknown = getPrototypeOf(v);
  return proto === OBJECT_PROTOTYPE || proto === null;
}

export function typeRank(v: unknown): number {
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return RANK.number;
    case 'string':
      return RANK.string;
    case 'boolean':
      return RANK.bool;
    case 'undefined':
      return RANK.nullish;
    case 'object':
      break;
    default:
      return RANK.object;
  }
  if (v === null) return RANK.nullish;
  if (isArray(v)) return RANK.array;
  if (v instanceof DateClass) return RANK.date;
  if (v instanceof RegExpClass) return RANK.regex;
  switch (bsonTag(v)) {
    case 'ObjectId':
      return RANK.objectId;
    case 'Long':
    case 'Decimal128':
    case 'Int32':
    case 'Double':
      return RANK.number;
    case 'Binary':
      return RANK.binData;
    case 'Timestamp':
      return RANK.timestamp;
    case 'MinKey':
      return RANK.minKey;
    case 'MaxKey':
      return RANK.maxKey;
    case 'BSONRegExp':
      return RANK.regex;
    case 'BSONSymbol':
      return RANK.string;
    case 'Code':
      return RANK.code;
    default:
      return isView(v) ? RANK.binData : RANK.object;
  }
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * The `$type` alias of a value. A deserialized JS number has lost whether it was an int32, a
 * promoted int64 or a double; integers in int32 range report "int", everything else "double",
 * which is what the Node driver itself writes for such numbers.
 */
export function bsonTypeName(v: unknown): string {
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX ? 'int' : 'double';
    case 'bigint':
      return 'long';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'undefined':
      return 'undefined';
    case 'object':
      break;
    default:
      return 'object';
  }
  if (v === null) return 'null';
  if (isArray(v)) return 'array';
  if (v instanceof DateClass) return 'date';
  if (v instanceof RegExpClass) return 'regex';
  switch (bsonTag(v)) {
    case 'ObjectId':
      return 'objectId';
    case 'Long':
      return 'long';
    case 'Decimal128':
      return 'decimal';
    case 'Int32':
      return 'int';
    case 'Double':
      return 'double';
    case 'Binary':
      return 'binData';
    case 'Timestamp':
      return 'timestamp';
    case 'MinKey':
      return 'minKey';
    case 'MaxKey':
      return 'maxKey';
    case 'BSONRegExp':
      return 'regex';
    case 'BSONSymbol':
      return 'symbol';
    case 'Code':
      return (v as BsonCode).scope ? 'javascriptWithScope' : 'javascript';
    case 'DBRef':
      return 'object';
    default:
      return isView(v) ? 'binData' : 'object';
  }
}

export function isNumeric(v: unknown): boolean {
  return typeof v === 'number' || typeof v === 'bigint' || (typeof v === 'object' && v !== null && typeRank(v) === RANK.number);
}

/** The bytes of a Binary (or a raw typed array) and its subtype. */
export function binaryParts(v: object): { bytes: Uint8Array; subType: number } {
  if (bsonTag(v) === 'Binary') {
    const b = v as BsonBinary;
    return { bytes: b.buffer.subarray(0, b.position), subType: b.sub_type };
  }
  const view = v as ArrayBufferView;
  return { bytes: new Uint8Array(view.buffer, view.byteOffset, view.byteLength), subType: 0 };
}

/** A regular expression value as MongoDB sees it: pattern plus the sorted option letters it keeps. */
export function regexParts(v: object): { pattern: string; options: string } {
  if (v instanceof RegExpClass) return { pattern: v.source, options: normaliseRegexOptions(v.flags) };
  const r = v as BsonRegExp;
  return { pattern: r.pattern, options: normaliseRegexOptions(r.options) };
}

export function normaliseRegexOptions(flags: string): string {
  return [...new Set(flags.split('').filter((f) => 'imsux'.includes(f)))].sort().join('');
}

/** DBRefs are stored as ordinary sub-documents; compare and hash them in that shape. */
export function dbRefAsDocument(v: BsonDbRef): Record<string, unknown> {
  const doc: Record<string, unknown> = { $ref: v.collection, $id: v.oid };
  if (v.db) doc.$db = v.db;
  return Object.assign(doc, v.fields);
}
