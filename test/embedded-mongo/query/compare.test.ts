import { Binary, BSONRegExp, Code, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, UUID } from 'bson';
import { compareValues, valuesEqual } from '../../../src/embedded-mongo/query';

const sorted = (values: unknown[]): unknown[] => values.slice().sort(compareValues);

describe('compareValues: MongoDB cross-type order', () => {
  it('orders one value of every BSON type as mongod does', () => {
    const inOrder = [
      new MinKey(),
      null,
      1,
      'a',
      { a: 1 },
      [1],
      new Binary(Buffer.from('x')),
      new ObjectId(),
      false,
      new Date(0),
      new Timestamp({ t: 1, i: 1 }),
      /a/,
      new MaxKey(),
    ];
    expect(sorted(inOrder.slice().reverse())).toEqual(inOrder);
  });

  it('treats a missing value (undefined) like null', () => {
    expect(compareValues(undefined, null)).toBe(0);
    expect(compareValues(undefined, 0)).toBe(-1);
  });
});

describe('compareValues: numbers of different BSON types', () => {
  it('compares int, double, Long and Decimal128 numerically', () => {
    const values = [Decimal128.fromString('2.5'), Long.fromNumber(10), 3, new Int32(1), new Double(-4.5), Long.fromString('-9')];
    expect(sorted(values).map(String)).toEqual(['-9', '-4.5', '1', '2.5', '3', '10']);
  });

  it('keeps Longs beyond 2^53 exact', () => {
    const big = Long.fromString('9007199254740993');
    expect(compareValues(big, 9007199254740992)).toBe(1);
    expect(compareValues(Long.fromString('9007199254740992'), 9007199254740992)).toBe(0);
    expect(compareValues(Long.fromString('10'), Long.fromString('9'))).toBe(1);
  });

  it('orders Decimal128 values by value, not by their text', () => {
    expect(compareValues(Decimal128.fromString('10'), Decimal128.fromString('9'))).toBe(1);
    expect(compareValues(Decimal128.fromString('1E+2'), 99.5)).toBe(1);
    expect(compareValues(Decimal128.fromString('-Infinity'), -1e308)).toBe(-1);
  });

  it('sorts NaN below every other number', () => {
    expect(sorted([1, Number.NaN, -Infinity])).toEqual([Number.NaN, -Infinity, 1]);
    expect(compareValues(Decimal128.fromString('NaN'), Number.NaN)).toBe(0);
  });
});

describe('compareValues within a type', () => {
  it('orders strings by UTF-8 bytes (astral characters after U+FFFF)', () => {
    expect(compareValues('\uffff', '😀')).toBe(-1);
    expect(compareValues('B', 'a')).toBe(-1);
    expect(compareValues('ab', 'abc')).toBe(-1);
  });

  it('orders ObjectIds by their bytes', () => {
    const a = new ObjectId('000000000000000000000001');
    const b = new ObjectId('0000000000000000000000ff');
    const c = new ObjectId('010000000000000000000000');
    expect(sorted([c, b, a])).toEqual([a, b, c]);
  });

  it('orders Binary by length, then subtype, then bytes', () => {
    const short = new Binary(Buffer.from([9]), 0);
    const longer = new Binary(Buffer.from([0, 0]), 0);
    const subtype4 = new Binary(Buffer.from([0, 0]), 4);
    expect(sorted([subtype4, longer, short])).toEqual([short, longer, subtype4]);
  });

  it('orders Timestamps by seconds then increment, unsigned', () => {
    const values = [new Timestamp({ t: 2, i: 0 }), new Timestamp({ t: 1, i: 7 }), new Timestamp({ t: 4294967295, i: 0 })];
    expect(sorted(values).map((v) => (v as Timestamp).t)).toEqual([1, 2, 4294967295]);
  });

  it('compares documents field by field: type, then name, then value', () => {
    expect(compareValues({ a: 1 }, { b: 1 })).toBe(-1);
    expect(compareValues({ a: 'x' }, { a: 1 })).toBe(1);
    expect(compareValues({ a: 1 }, { a: 1, b: 0 })).toBe(-1);
  });

  it('compares arrays element by element', () => {
    expect(compareValues([1, 2], [1, 3])).toBe(-1);
    expect(compareValues([1, 2], [1])).toBe(1);
  });

  it('compares Dates by time, including before 1970', () => {
    expect(compareValues(new Date(-1000), new Date(0))).toBe(-1);
  });
});

describe('valuesEqual', () => {
  it('equates 1, 1.0, Int32(1), Long(1) and Decimal128("1.00")', () => {
    for (const v of [1.0, new Int32(1), Long.fromNumber(1), Decimal128.fromString('1.00')]) expect(valuesEqual(1, v)).toBe(true);
  });

  it('distinguishes Decimal128("0.1") from the double 0.1, but not 0.5', () => {
    expect(valuesEqual(Decimal128.fromString('0.1'), 0.1)).toBe(false);
    expect(valuesEqual(Decimal128.fromString('0.5'), 0.5)).toBe(true);
  });

  it('compares ObjectIds, UUIDs and Dates by value, not identity', () => {
    expect(valuesEqual(new ObjectId('64b000000000000000000001'), new ObjectId('64b000000000000000000001'))).toBe(true);
    expect(valuesEqual(new UUID('00000000-0000-4000-8000-000000000001'), new UUID('00000000-0000-4000-8000-000000000001'))).toBe(true);
    expect(valuesEqual(new UUID('00000000-0000-4000-8000-000000000001'), new UUID('00000000-0000-4000-8000-000000000002'))).toBe(false);
    expect(valuesEqual(new Date(5), new Date(5))).toBe(true);
  });

  it('treats documents with reordered fields as different', () => {
    expect(valuesEqual({ a: 1, b: 2 }, { a: 1, b: 2 })).toBe(true);
    expect(valuesEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
  });

  it('equates a RegExp with the same BSONRegExp and Code by source', () => {
    expect(valuesEqual(/ab/i, new BSONRegExp('ab', 'i'))).toBe(true);
    expect(valuesEqual(new Code('x()'), new Code('x()'))).toBe(true);
  });

  it('does not equate values of different types', () => {
    expect(valuesEqual('1', 1)).toBe(false);
    expect(valuesEqual(new Date(0), 0)).toBe(false);
    expect(valuesEqual(false, 0)).toBe(false);
  });
});
