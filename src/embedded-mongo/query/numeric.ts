/**
 * Exact comparison and arithmetic across MongoDB's numeric types. Doubles compare natively; Longs
 * go through bigint so values past 2^53 stay exact; Decimal128 goes through an exact decimal
 * (bigint coefficient, power-of-ten exponent) so `Decimal128("0.1")` is not equal to the double 0.1.
 */
import { Decimal128, Long } from 'bson';
import { bsonTag, type BsonDecimal, type BsonLong } from './bson-types';

/** A numeric value lifted out of its BSON wrapper. */
export type Num = number | bigint | Dec;
/** Exact decimal: finite values are coef × 10^exp; NaN and ±Infinity are kept apart. */
export type Dec = { kind: 'nan' } | { kind: 'inf'; sign: 1 | -1 } | { kind: 'fin'; coef: bigint; exp: number };

export function liftNumber(v: unknown): Num | undefined {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v !== 'object' || v === null) return undefined;
  switch (bsonTag(v)) {
    case 'Long':
      return (v as BsonLong).toBigInt();
    case 'Decimal128':
      return parseDecimal((v as BsonDecimal).toString());
    case 'Int32':
    case 'Double':
      return Number((v as { valueOf(): number }).valueOf());
    default:
      return undefined;
  }
}

const DECIMAL_RE = /^([+-]?)(\d+)(?:\.(\d*))?(?:E([+-]?\d+))?$/i;

export function parseDecimal(text: string): Dec {
  if (/nan/i.test(text)) return { kind: 'nan' };
  if (/inf/i.test(text)) return { kind: 'inf', sign: text.startsWith('-') ? -1 : 1 };
  const m = DECIMAL_RE.exec(text);
  if (!m) return { kind: 'nan' };
  const frac = m[3] ?? '';
  const coef = BigInt(`${m[2] ?? '0'}${frac}`);
  return { kind: 'fin', coef: m[1] === '-' ? -coef : coef, exp: Number(m[4] ?? '0') - frac.length };
}

const f64 = new DataView(new ArrayBuffer(8));

/** The exact decimal value of a double (every finite double is m·2^e, i.e. m·5^-e·10^e). */
export function doubleToDec(n: number): Dec {
  if (Number.isNaN(n)) return { kind: 'nan' };
  if (!Number.isFinite(n)) return { kind: 'inf', sign: n > 0 ? 1 : -1 };
  if (Number.isSafeInteger(n)) return { kind: 'fin', coef: BigInt(n), exp: 0 };
  f64.setFloat64(0, n);
  const hi = f64.getUint32(0);
  const lo = f64.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp2 = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    exp2 = biased - 1075;
  }
  if (hi >>> 31) mantissa = -mantissa;
  if (exp2 >= 0) return { kind: 'fin', coef: mantissa << BigInt(exp2), exp: 0 };
  return { kind: 'fin', coef: mantissa * 5n ** BigInt(-exp2), exp: exp2 };
}

function toDec(n: Num): Dec {
  if (typeof n === 'number') return doubleToDec(n);
  if (typeof n === 'bigint') return { kind: 'fin', coef: n, exp: 0 };
  return n;
}

const sign = (x: number | bigint): number => (x < 0 ? -1 : x > 0 ? 1 : 0);

/** NaN sorts below every other number and equals itself, as in MongoDB. */
export function compareDoubles(a: number, b: number): number {
  if (a !== a) return b !== b ? 0 : -1;
  if (b !== b) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareDoubleBigint(a: number, b: bigint): number {
  if (a !== a) return -1;
  if (a === Infinity) return 1;
  if (a === -Infinity) return -1;
  const floor = Math.floor(a);
  const fb = BigInt(floor);
  if (fb !== b) return fb < b ? -1 : 1;
  return a > floor ? 1 : 0;
}

function compareDecs(a: Dec, b: Dec): number {
  if (a.kind === 'nan') return b.kind === 'nan' ? 0 : -1;
  if (b.kind === 'nan') return 1;
  if (a.kind === 'inf') return b.kind === 'inf' ? sign(a.sign - b.sign) : a.sign;
  if (b.kind === 'inf') return -b.sign;
  const sa = sign(a.coef);
  const sb = sign(b.coef);
  if (sa !== sb) return sign(sa - sb);
  const e = Math.min(a.exp, b.exp);
  const ca = a.coef * 10n ** BigInt(a.exp - e);
  const cb = b.coef * 10n ** BigInt(b.exp - e);
  return ca < cb ? -1 : ca > cb ? 1 : 0;
}

export function compareNums(a: Num, b: Num): number {
  if (typeof a === 'number') {
    if (typeof b === 'number') return compareDoubles(a, b);
    if (typeof b === 'bigint') return compareDoubleBigint(a, b);
  } else if (typeof a === 'bigint') {
    if (typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
    if (typeof b === 'number') return 0 - compareDoubleBigint(b, a) || 0;
  }
  return compareDecs(toDec(a), toDec(b));
}

/** A canonical text for a number such that equal numbers of any type get the same text. */
export function numberKey(n: Num): string {
  if (typeof n === 'number') {
    if (Number.isSafeInteger(n)) return String(n === 0 ? 0 : n);
    if (Number.isInteger(n)) return BigInt(n).toString();
    return n !== n ? 'NaN' : String(n);
  }
  if (typeof n === 'bigint') return Number.isSafeInteger(Number(n)) && BigInt(Number(n)) === n ? String(Number(n)) : n.toString();
  if (n.kind === 'nan') return 'NaN';
  if (n.kind === 'inf') return n.sign > 0 ? 'Infinity' : '-Infinity';
  let { coef, exp } = n;
  if (coef === 0n) return '0';
  while (exp < 0 && coef % 10n === 0n) {
    coef /= 10n;
    exp += 1;
  }
  if (exp >= 0) return numberKey(coef * 10n ** BigInt(exp));
  // A decimal that is exactly some double must share that double's key.
  const asDouble = Number(`${coef}e${exp}`);
  const back = doubleToDec(asDouble);
  if (back.kind === 'fin' && compareDecs(back, n) === 0) return String(asDouble);
  return `${coef}e${exp}`;
}

function decToString(d: Dec): string {
  if (d.kind === 'nan') return 'NaN';
  if (d.kind === 'inf') return d.sign > 0 ? 'Infinity' : '-Infinity';
  return `${d.coef}E${d.exp}`;
}

function decAdd(a: Dec, b: Dec): Dec {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'inf') return b.kind === 'inf' && b.sign !== a.sign ? { kind: 'nan' } : a;
  if (b.kind === 'inf') return b;
  const e = Math.min(a.exp, b.exp);
  return { kind: 'fin', coef: a.coef * 10n ** BigInt(a.exp - e) + b.coef * 10n ** BigInt(b.exp - e), exp: e };
}

function decMul(a: Dec, b: Dec): Dec {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'inf' || b.kind === 'inf') {
    const sa = a.kind === 'inf' ? a.sign : sign(a.coef);
    const sb = b.kind === 'inf' ? b.sign : sign(b.coef);
    return sa * sb === 0 ? { kind: 'nan' } : { kind: 'inf', sign: sa * sb > 0 ? 1 : -1 };
  }
  return { kind: 'fin', coef: a.coef * b.coef, exp: a.exp + b.exp };
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/**
 * `$inc` / `$mul` arithmetic with MongoDB's type promotion: any Decimal128 makes a Decimal128,
 * otherwise any double makes a double, otherwise integers stay exact (a Long when either side was
 * a Long or the result leaves the safe-integer range, a JS number otherwise).
 */
export function arithmetic(op: 'add' | 'mul', left: unknown, right: unknown): unknown {
  const a = liftNumber(left);
  const b = liftNumber(right);
  if (a === undefined || b === undefined) throw new Error('arithmetic on non-numeric value');
  if (typeof a === 'object' || typeof b === 'object') {
    // mongod converts a double operand to Decimal128 rounded to 15 significant digits; integral
    // JS numbers are taken as the int32/int64 they almost always were, exactly.
    const dec = (x: Num): Dec =>
      typeof x === 'number' && Number.isFinite(x) && !Number.isInteger(x) ? parseDecimal(x.toPrecision(15)) : toDec(x);
    const r = op === 'add' ? decAdd(dec(a), dec(b)) : decMul(dec(a), dec(b));
    return Decimal128.fromStringWithRounding(decToString(r));
  }
  if ((typeof a === 'number' && !Number.isInteger(a)) || (typeof b === 'number' && !Number.isInteger(b))) {
    return op === 'add' ? Number(a) + Number(b) : Number(a) * Number(b);
  }
  const ia = BigInt(a);
  const ib = BigInt(b);
  const r = op === 'add' ? ia + ib : ia * ib;
  const anyLong = typeof a === 'bigint' || typeof b === 'bigint';
  if (!anyLong && Number.isSafeInteger(Number(r))) return Number(r);
  if (r < LONG_MIN || r > LONG_MAX) return Number(r);
  return Long.fromBigInt(r);
}
