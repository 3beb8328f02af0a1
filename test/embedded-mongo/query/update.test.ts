import { Decimal128, Long, ObjectId, Timestamp } from 'bson';
import { applyUpdate } from '../../../src/embedded-mongo/query';
import { expectQueryError } from './helpers';

type Doc = Record<string, unknown>;
const update = (doc: Doc, u: Doc | Doc[], opts = {}): Doc => applyUpdate(doc, u, opts);

describe('applyUpdate: field operators', () => {
  it('$set creates, replaces and builds nested documents', () => {
    expect(update({ _id: 1, a: 1 }, { $set: { a: 2, 'b.c': 3 } })).toEqual({ _id: 1, a: 2, b: { c: 3 } });
  });

  it('creates new fields in lexicographic order, whatever the operator order', () => {
    const out = update({ _id: 1 }, { $set: { z: 1 }, $inc: { m: 1 }, $min: { a: 1 } });
    expect(Object.keys(out)).toEqual(['_id', 'a', 'm', 'z']);
  });

  it('$unset removes fields and nulls array elements', () => {
    expect(update({ _id: 1, a: 1, b: [1, 2] }, { $unset: { a: '', 'b.0': '' } })).toEqual({ _id: 1, b: [null, 2] });
  });

  it('$inc adds, creating the field, and keeps Long arithmetic exact', () => {
    expect(update({ _id: 1, n: 1 }, { $inc: { n: 2, m: -1 } })).toEqual({ _id: 1, n: 3, m: -1 });
    const out = update({ _id: 1, n: Long.fromString('9007199254740993') }, { $inc: { n: 1 } });
    expect(out.n).toBeInstanceOf(Long);
    expect(String(out.n)).toBe('9007199254740994');
  });

  it('$inc on a Decimal128 stays a Decimal128', () => {
    const out = update({ _id: 1, n: Decimal128.fromString('1.1') }, { $inc: { n: 0.1 } });
    expect(out.n).toBeInstanceOf(Decimal128);
    expect(String(out.n)).toBe('1.200000000000000');
  });

  it('$inc refuses non-numeric fields and arguments with TypeMismatch', () => {
    expectQueryError(() => update({ _id: 1, s: 'x' }, { $inc: { s: 1 } }), 14, "Cannot apply $inc to a value of non-numeric type. { _id: 1 } has the field 's' of non-numeric type string");
    expectQueryError(() => update({ _id: 1 }, { $inc: { s: 'x' } }), 14, /Cannot increment with non-numeric argument/);
  });

  it('$mul multiplies and creates a missing field as zero', () => {
    expect(update({ _id: 1, p: 2.5 }, { $mul: { p: 2, q: 5 } })).toEqual({ _id: 1, p: 5, q: 0 });
  });

  it('$min and $max compare across types with BSON order', () => {
    const d1 = new Date(1000);
    const d2 = new Date(2000);
    expect(update({ _id: 1, lo: 5, hi: 5, at: d1 }, { $min: { lo: 3 }, $max: { hi: 3, at: d2 } })).toEqual({ _id: 1, lo: 3, hi: 5, at: d2 });
    expect(update({ _id: 1, v: 'str' }, { $min: { v: 1 } }).v).toBe(1);
  });

  it('$rename moves a field, creating the destination path', () => {
    expect(update({ _id: 1, a: { b: 1 }, c: 2 }, { $rename: { 'a.b': 'x.y' } })).toEqual({ _id: 1, a: {}, c: 2, x: { y: 1 } });
    const same = { _id: 1 };
    expect(update(same, { $rename: { nope: 'other' } })).toBe(same);
  });

  it('$currentDate sets a Date or a Timestamp', () => {
    const before = Date.now();
    const out = update({ _id: 1 }, { $currentDate: { d: true, t: { $type: 'timestamp' } } });
    expect((out.d as Date).getTime()).toBeGreaterThanOrEqual(before);
    expect(out.t).toBeInstanceOf(Timestamp);
  });

  it('$setOnInsert only writes when inserting', () => {
    expect(update({ _id: 1 }, { $setOnInsert: { created: 1 } })).toEqual({ _id: 1 });
    expect(update({ _id: 1 }, { $setOnInsert: { created: 1 } }, { isInsert: true })).toEqual({ _id: 1, created: 1 });
  });

  it('$bit applies and/or/xor', () => {
    expect(update({ _id: 1, f: 0b1100 }, { $bit: { f: { and: 0b1010 } } }).f).toBe(0b1000);
    expect(update({ _id: 1, f: 0b1100 }, { $bit: { f: { or: 0b0001, xor: 0b1000 } } }).f).toBe(0b0101);
  });

  it('returns the very same document when nothing changes', () => {
    const doc = { _id: 1, a: 1, b: 5, list: [1, 2] };
    expect(update(doc, { $set: { a: 1 }, $addToSet: { list: 2 }, $pull: { nope: 9 }, $max: { b: 0 } })).toBe(doc);
  });
});

describe('applyUpdate: _id and path rules', () => {
  it('refuses to change _id but allows setting it to the same value', () => {
    const id = new ObjectId();
    expectQueryError(() => update({ _id: 1 }, { $set: { _id: 2 } }), 66, "Performing an update on the path '_id' would modify the immutable field '_id'");
    expectQueryError(() => update({ _id: 1 }, { $unset: { _id: '' } }), 66);
    expect(update({ _id: id, a: 1 }, { $set: { _id: new ObjectId(id.toHexString()), a: 2 } })).toEqual({ _id: id, a: 2 });
  });

  it('reports conflicting paths with code 40', () => {
    expectQueryError(() => update({ _id: 1 }, { $set: { a: 1 }, $inc: { a: 1 } }), 40, "Updating the path 'a' would create a conflict at 'a'");
    expectQueryError(() => update({ _id: 1 }, { $set: { 'a.b': 1, a: {} } }), 40, "Updating the path 'a.b' would create a conflict at 'a'");
  });

  it('cannot create a field inside a scalar', () => {
    expectQueryError(() => update({ _id: 1, a: 5 }, { $set: { 'a.b': 1 } }), 28, "Cannot create field 'b' in element {a: 5}");
  });

  it('pads arrays with null when setting past the end', () => {
    expect(update({ _id: 1, a: [1] }, { $set: { 'a.3': 4 } })).toEqual({ _id: 1, a: [1, null, null, 4] });
  });

  it('rejects unknown, malformed and empty modifiers with code 9', () => {
    expectQueryError(() => update({ _id: 1 }, { $foo: { a: 1 } }), 9, /^Unknown modifier: \$foo/);
    expectQueryError(() => update({ _id: 1 }, { $set: 5 }), 9, /Modifiers operate on fields/);
    expectQueryError(() => update({ _id: 1 }, { $set: {} }), 9, "'$set' is empty. You must specify a field like so: {$set: {<field>: ...}}");
  });

  it('rejects empty and $-prefixed field names', () => {
    expectQueryError(() => update({ _id: 1 }, { $set: { 'a..b': 1 } }), 56);
    expectQueryError(() => update({ _id: 1 }, { $set: { $x: 1 } }), 52);
  });
});

describe('applyUpdate: replacement documents', () => {
  it('replaces everything but _id, which comes first', () => {
    expect(update({ _id: 1, a: 1 }, { b: 2 })).toEqual({ _id: 1, b: 2 });
    expect(Object.keys(update({ _id: 1, a: 1 }, { b: 2, _id: 1 }))).toEqual(['_id', 'b']);
  });

  it('refuses a replacement that changes _id', () => {
    expectQueryError(() => update({ _id: 1 }, { _id: 2, b: 1 }), 66, /immutable/);
  });

  it('treats {} as a replacement that keeps only _id, as mongod does', () => {
    expect(update({ _id: 1, a: 1 }, {})).toEqual({ _id: 1 });
  });
});

describe('applyUpdate: pipeline updates', () => {
  it('runs $set/$unset/$replaceWith stages with expressions', () => {
    const out = update({ _id: 1, a: 2, b: 3 }, [{ $set: { sum: { $add: ['$a', '$b'] } } }, { $unset: 'b' }]);
    expect(out).toEqual({ _id: 1, a: 2, sum: 5 });
    expect(update({ _id: 1, inner: { x: 1 } }, [{ $replaceWith: '$inner' }])).toEqual({ _id: 1, x: 1 });
  });

  it('refuses stages other than the update stages', () => {
    expectQueryError(() => update({ _id: 1 }, [{ $group: { _id: null } }]), 72, '$group is not allowed to be used within an update');
  });

  it('refuses a pipeline that changes _id', () => {
    expectQueryError(() => update({ _id: 1 }, [{ $set: { _id: 2 } }]), 66);
  });
});
