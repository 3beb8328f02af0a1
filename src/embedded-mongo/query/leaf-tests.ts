/**
 * Tests on a single value reached by a path (MISSING when the path reached nothing). Each builder
 * validates its argument once, at compile time, and returns a closure for the per-document loop.
 */
import { RANK, bsonTag, bsonTypeName, binaryParts, isDocument, normaliseRegexOptions, regexParts, typeRank, isArray } from './bson-types';
import { compareStrings, compareValues, hashKey, valuesEqual } from './compare';
import { badValue, located } from './errors';
import { compareDoubles, liftNumber } from './numeric';
import { MISSING } from './path';

export type ValueTest = (v: unknown) => boolean;

/** Most operators match when the value itself or any element of an array value matches. */
export function expand(test: ValueTest): ValueTest {
  return (v) => test(v) || (isArray(v) && v.some(test));
}

const DateClass = Date;
const isNullish = (v: unknown): boolean => v === MISSING || v === null || v === undefined;

export function equalityTest(x: unknown): ValueTest {
  if (x === null || x === undefined) return (v) => isNullish(v) || (isArray(v) && v.some(isNullish));
  if (typeof x === 'string') return (v) => v === x || (isArray(v) && v.includes(x));
  if (typeof x === 'boolean') return (v) => v === x || (isArray(v) && v.includes(x));
  if (typeof x === 'number' && x === x) {
    const one = (e: unknown): boolean =>
      typeof e === 'number' ? e === x : typeof e === 'object' && e !== null && typeRank(e) === RANK.number && compareValues(e, x) === 0;
    return (v) => one(v) || (isArray(v) && v.some(one));
  }
  const one = (e: unknown): boolean => e !== MISSING && valuesEqual(e, x);
  return (v) => one(v) || (isArray(v) && v.some(one));
}

export type RangeOp = '$gt' | '$gte' | '$lt' | '$lte';

/**
 * Range comparisons only match values of the same canonical type as the operand ("type
 * bracketing"), except against MinKey/MaxKey; NaN only ever satisfies $gte/$lte against NaN.
 */
export function rangeTest(op: RangeOp, x: unknown): ValueTest {
  const rank = typeRank(x);
  const crossType = rank === RANK.minKey || rank === RANK.maxKey;
  const accepts = (c: number): boolean => (op === '$gt' ? c > 0 : op === '$gte' ? c >= 0 : op === '$lt' ? c < 0 : c <= 0);
  const xIsNaN = rank === RANK.number && Number.isNaN(Number(x));
  const general = (raw: unknown): boolean => {
    const e = raw === MISSING ? null : raw;
    const er = typeRank(e);
    if (er !== rank) return crossType && accepts(er < rank ? -1 : 1);
    if (rank === RANK.number) {
      const eIsNaN = Number.isNaN(Number(e));
      if (eIsNaN || xIsNaN) return eIsNaN && xIsNaN && (op === '$gte' || op === '$lte');
    }
    return accepts(compareValues(e, x));
  };
  let one = general;
  // Plain numbers, strings and Dates against an operand of the same kind skip the generic path.
  if (typeof x === 'number' && !xIsNaN) {
    one = (e) => (typeof e === 'number' ? e === e && accepts(e < x ? -1 : e > x ? 1 : 0) : general(e));
  } else if (typeof x === 'string') {
    one = (e) => (typeof e === 'string' ? accepts(compareStrings(e, x)) : general(e));
  } else if (x instanceof Date) {
    const t = x.getTime();
    one = (e) => (e instanceof DateClass ? accepts(compareDoubles(e.getTime(), t)) : general(e));
  }
  return (v) => one(v) || (isArray(v) && v.some(one));
}

const isOperatorDoc = (v: unknown): boolean => isDocument(v) && (Object.keys(v)[0] ?? '').startsWith('$');

export function inTest(list: unknown, op = '$in'): ValueTest {
  if (!isArray(list)) throw badValue(`${op} needs an array`);
  const keys = new Set<string>();
  const patterns: RegExp[] = [];
  for (const item of list) {
    if (isOperatorDoc(item)) throw badValue(`cannot nest $ under ${op}`);
    if (isRegexValue(item)) patterns.push(toJsRegExp(item));
    else keys.add(hashKey(item === undefined ? null : item));
  }
  const hasNull = keys.has('z');
  const one = (e: unknown): boolean => {
    if (e === MISSING) return hasNull;
    if (typeof e === 'string') return keys.has(`s${e}`) || patterns.some((re) => re.test(e));
    return keys.has(hashKey(e));
  };
  return (v) => one(v) || (isArray(v) && v.some(one));
}

export function isRegexValue(v: unknown): v is RegExp | object {
  return v instanceof RegExp || (typeof v === 'object' && v !== null && bsonTag(v) === 'BSONRegExp');
}

/** MongoDB's "x" (extended) option: unescaped whitespace and #-comments are not part of the pattern. */
function stripExtended(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\') {
      out += c + (pattern[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '#') {
      while (i < pattern.length && pattern[i] !== '\n') i++;
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out;
}

export function compileRegex(pattern: string, options: string): RegExp {
  for (const flag of options) {
    if (!'imsxu'.includes(flag)) throw located(51108, `invalid flag in regex options: ${flag}`);
  }
  const source = options.includes('x') ? stripExtended(pattern) : pattern;
  const flags = normaliseRegexOptions(options).replace(/[xu]/g, '');
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw located(51091, `Regular expression is invalid: ${(err as Error).message}`);
  }
}

export function toJsRegExp(v: object): RegExp {
  const { pattern, options } = regexParts(v);
  return compileRegex(pattern, options);
}

/** A regex matches strings by pattern, and also a stored regex value that is the very same regex. */
export function regexTest(re: RegExp): ValueTest {
  const self = regexParts(re);
  const one = (e: unknown): boolean => {
    if (typeof e === 'string') return re.test(e);
    if (typeof e === 'object' && e !== null && bsonTag(e) === 'BSONSymbol') return re.test(String(e));
    if (!isRegexValue(e)) return false;
    const other = regexParts(e);
    return other.pattern === self.pattern && other.options === self.options;
  };
  return (v) => one(v) || (isArray(v) && v.some(one));
}

const TYPE_CODES: Record<number, string> = {
  1: 'double', 2: 'string', 3: 'object', 4: 'array', 5: 'binData', 6: 'undefined', 7: 'objectId', 8: 'bool',
  9: 'date', 10: 'null', 11: 'regex', 12: 'dbPointer', 13: 'javascript', 14: 'symbol', 15: 'javascriptWithScope',
  16: 'int', 17: 'timestamp', 18: 'long', 19: 'decimal', [-1]: 'minKey', 127: 'maxKey',
};
const TYPE_NAMES = new Set(Object.values(TYPE_CODES));

function typeNamesOf(spec: unknown): string[] {
  if (typeof spec === 'string') {
    if (spec === 'number') return ['int', 'long', 'double', 'decimal'];
    if (!TYPE_NAMES.has(spec)) throw badValue(`Unknown type name alias: ${spec}`);
    return [spec];
  }
  const code = liftNumber(spec);
  if (code !== undefined && typeof code !== 'object') {
    const name = TYPE_CODES[Number(code)];
    if (name) return [name];
    throw badValue(`Invalid numerical type code: ${Number(code)}`);
  }
  throw badValue('type must be represented as a number or a string');
}

export function typeTest(spec: unknown): ValueTest {
  const list = isArray(spec) ? spec : [spec];
  if (list.length === 0) throw badValue('$type must match at least one type');
  const names = new Set(list.flatMap(typeNamesOf));
  const one = (e: unknown): boolean => e !== MISSING && names.has(bsonTypeName(e));
  return (v) => one(v) || (isArray(v) && v.some(one));
}

export function sizeTest(spec: unknown): ValueTest {
  const n = liftNumber(spec);
  if (n === undefined || typeof n === 'object') throw badValue(`Failed to parse $size. Expected a number in: $size: ${String(spec)}`);
  const size = Number(n);
  if (!Number.isInteger(size)) throw badValue(`Failed to parse $size. Expected an integer in: $size: ${size}`);
  if (size < 0) throw badValue(`Failed to parse $size. Expected a non-negative number in: $size: ${size}`);
  return (v) => isArray(v) && v.length === size;
}

export function modTest(spec: unknown): ValueTest {
  if (!isArray(spec)) throw badValue('malformed mod, needs to be an array');
  if (spec.length < 2) throw badValue('malformed mod, not enough elements');
  if (spec.length > 2) throw badValue('malformed mod, too many elements');
  const [d, r] = spec.map((x: unknown) => Math.trunc(Number(liftNumber(x) ?? NaN)));
  if (d === undefined || r === undefined || !Number.isFinite(d) || !Number.isFinite(r)) throw badValue('malformed mod, divisor and remainder must be numbers');
  if (d === 0) throw badValue('divisor cannot be 0');
  const one = (e: unknown): boolean => {
    if (e === MISSING || typeRank(e) !== RANK.number) return false;
    const n = Number(liftNumber(e));
    return Number.isFinite(n) && Math.trunc(n) % d === r;
  };
  return (v) => one(v) || (isArray(v) && v.some(one));
}

function bitsOf(v: unknown): bigint | undefined {
  if (typeof v === 'object' && v !== null && typeRank(v) === RANK.binData) {
    let out = 0n;
    const { bytes } = binaryParts(v);
    for (let i = bytes.length - 1; i >= 0; i--) out = (out << 8n) | BigInt(bytes[i] ?? 0);
    return out;
  }
  const n = liftNumber(v);
  if (n === undefined || typeof n === 'object') return undefined;
  if (typeof n === 'number' && (!Number.isInteger(n) || Math.abs(n) >= 2 ** 63)) return undefined;
  return BigInt.asUintN(64, BigInt(n));
}

export function bitsTest(op: string, spec: unknown): ValueTest {
  let mask: bigint | undefined;
  if (isArray(spec)) {
    mask = 0n;
    for (const pos of spec) {
      if (typeof pos !== 'number' || !Number.isInteger(pos) || pos < 0) throw badValue(`bit positions must be non-negative integers: ${op}`);
      mask |= 1n << BigInt(pos);
    }
  } else {
    mask = bitsOf(spec);
    if (mask === undefined || (typeof spec === 'number' && spec < 0)) throw badValue(`${op} takes an Array, a number, or a BinData but received: ${String(spec)}`);
  }
  const m = mask;
  const check = (bits: bigint): boolean => {
    const hit = bits & m;
    if (op === '$bitsAllSet') return hit === m;
    if (op === '$bitsAnySet') return hit !== 0n;
    if (op === '$bitsAllClear') return hit === 0n;
    return hit !== m;
  };
  const one = (e: unknown): boolean => {
    const bits = e === MISSING ? undefined : bitsOf(e);
    return bits !== undefined && check(bits);
  };
  return (v) => one(v) || (isArray(v) && v.some(one));
}
