import { Int32, Timestamp, type Document, type UpdateFilter, type UpdateOptions } from 'mongodb';
import { expectServerError, openConformance, type ConformanceContext, type Doc } from './conformance.support';

let ctx: ConformanceContext;
let nextId = 0;

beforeAll(async () => {
  ctx = await openConformance('update_ops');
});

afterAll(async () => {
  await ctx?.close();
});

const updates = () => ctx.collection('updates');

/** Inserts `initial` under a fresh _id, applies `update` to it, and returns the stored result without _id. */
async function applied(initial: Doc, update: Document | Document[], options: UpdateOptions = {}): Promise<Doc> {
  const _id = ++nextId;
  await updates().insertOne({ _id, ...initial });
  await updates().updateOne({ _id }, Array.isArray(update) ? update : loose(update), options);
  const stored = await updates().findOne({ _id }, { projection: { _id: 0 } });
  if (!stored) throw new Error(`document ${_id} vanished`);
  return stored;
}

/**
 * An update document as the server sees it. The driver's static update types reject many
 * valid updates on loosely typed documents (e.g. `$push` with modifiers), so tests spell them plainly.
 */
function loose(update: Document): UpdateFilter<Doc> {
  return update;
}

/** Inserts `initial` under a fresh _id and returns that _id. */
async function seeded(initial: Doc): Promise<number> {
  const _id = ++nextId;
  await updates().insertOne({ _id, ...initial });
  return _id;
}

describe('field operators', () => {
  it('$set sets top-level fields and creates missing subdocuments along a dotted path', async () => {
    expect(await applied({ a: 1 }, { $set: { b: 2, 'c.d.e': 3 } })).toEqual({ a: 1, b: 2, c: { d: { e: 3 } } });
  });

  it('$set past the end of an array pads it with nulls', async () => {
    expect(await applied({ arr: [1] }, { $set: { 'arr.3': 9 } })).toEqual({ arr: [1, null, null, 9] });
  });

  it('$set on an existing field keeps its position; new fields are appended in lexicographic order', async () => {
    const _id = await seeded({ b: 1, a: 2 });
    await updates().updateOne({ _id }, { $set: { z: 1, b: 5, m: 1, c: 1 } });
    expect(Object.keys((await updates().findOne({ _id })) ?? {})).toEqual(['_id', 'b', 'a', 'c', 'm', 'z']);
  });

  it('$set into an element of an array of subdocuments by index', async () => {
    expect(
      await applied({ items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 1 }] }, { $set: { 'items.1.qty': 7 } }),
    ).toEqual({ items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 7 }] });
  });

  it('$unset removes fields and nested fields, and nulls an array element rather than shifting the array', async () => {
    expect(
      await applied({ a: 1, b: { c: 1, d: 2 }, arr: [1, 2, 3] }, { $unset: { a: '', 'b.c': '', 'arr.1': '' } }),
    ).toEqual({ b: { d: 2 }, arr: [1, null, 3] });
  });

  it('$unset of a missing field matches but modifies nothing', async () => {
    const _id = await seeded({ a: 1 });
    expect(await updates().updateOne({ _id }, { $unset: { nope: '' } })).toMatchObject({
      matchedCount: 1,
      modifiedCount: 0,
    });
  });

  it('$inc adds to a number, creates a missing field, and accepts negatives', async () => {
    expect(await applied({ a: 5, b: 1 }, { $inc: { a: 2, b: -3, c: 4 } })).toEqual({ a: 7, b: -2, c: 4 });
  });

  it('$inc on a 32-bit integer that overflows promotes it to a 64-bit integer', async () => {
    const _id = await seeded({ n: new Int32(2147483647) });
    await updates().updateOne({ _id }, { $inc: { n: 1 } });
    // The embedded server computes with JavaScript numbers, so the result is stored as a double
    // (exact up to 2^53; documented in src/embedded-mongo/README.md); MongoDB makes it a long.
    expect(await updates().countDocuments({ _id, n: { $type: ctx.external ? 'long' : 'double' } })).toBe(1);
    expect((await updates().findOne({ _id }))?.n).toBe(2147483648);
  });

  it('$inc of an integer by a fraction makes a double', async () => {
    const _id = await seeded({ n: new Int32(1) });
    await updates().updateOne({ _id }, { $inc: { n: 0.5 } });
    expect(await updates().countDocuments({ _id, n: 1.5, $and: [{ n: { $type: 'double' } }] })).toBe(1);
  });

  it('$inc on a non-numeric field is refused with TypeMismatch (14) and changes nothing', async () => {
    const _id = await seeded({ name: 'x' });
    await expectServerError(updates().updateOne({ _id }, { $inc: { name: 1 } }), 14);
    expect(await updates().findOne({ _id }, { projection: { _id: 0 } })).toEqual({ name: 'x' });
  });

  it('$mul multiplies, and sets a missing field to zero', async () => {
    expect(await applied({ price: 2.5 }, { $mul: { price: 4, qty: 3 } })).toEqual({ price: 10, qty: 0 });
  });

  it('$min and $max replace the value only when the new one is smaller / larger, and set missing fields', async () => {
    expect(await applied({ lo: 5, hi: 5 }, { $min: { lo: 3, hi: 9, fresh: 1 }, $max: { other: 2 } })).toEqual({
      lo: 3,
      hi: 5,
      fresh: 1,
      other: 2,
    });
    const early = new Date('2020-01-01T00:00:00Z');
    const late = new Date('2030-01-01T00:00:00Z');
    expect(await applied({ at: early }, { $max: { at: late } })).toEqual({ at: late });
  });

  it('$rename moves a field, including into a subdocument, and ignores a missing source', async () => {
    expect(await applied({ a: 1, b: 2 }, { $rename: { a: 'x.y', missing: 'z' } })).toEqual({ b: 2, x: { y: 1 } });
  });

  it('$setOnInsert applies only when an upsert inserts', async () => {
    const coll = ctx.collection('set_on_insert');
    await coll.updateOne({ _id: 'k' }, { $set: { seen: 1 }, $setOnInsert: { created: 'first' } }, { upsert: true });
    await coll.updateOne({ _id: 'k' }, { $set: { seen: 2 }, $setOnInsert: { created: 'second' } }, { upsert: true });
    expect(await coll.findOne({ _id: 'k' })).toEqual({ _id: 'k', seen: 2, created: 'first' });
  });

  it('$currentDate sets the server time as a Date or a Timestamp', async () => {
    const before = Date.now();
    const doc = await applied({}, { $currentDate: { a: true, b: { $type: 'timestamp' }, c: { $type: 'date' } } });
    const after = Date.now();
    expect(doc.a).toBeInstanceOf(Date);
    expect(doc.c).toBeInstanceOf(Date);
    expect(doc.b).toBeInstanceOf(Timestamp);
    // Allow for clock skew between this machine and a remote server.
    expect((doc.a as Date).getTime()).toBeGreaterThanOrEqual(before - 60_000);
    expect((doc.a as Date).getTime()).toBeLessThanOrEqual(after + 60_000);
    expect((doc.b as Timestamp).t * 1000).toBeGreaterThanOrEqual(before - 60_000);
  });
});

describe('array operators', () => {
  it('$push appends one value and creates the array when missing', async () => {
    expect(await applied({ a: [1] }, { $push: { a: 2, b: 'x' } })).toEqual({ a: [1, 2], b: ['x'] });
  });

  it('$push with $each appends several, $position inserts at an index', async () => {
    expect(await applied({ a: [1, 2] }, { $push: { a: { $each: [8, 9] } } })).toEqual({ a: [1, 2, 8, 9] });
    expect(await applied({ a: [1, 2] }, { $push: { a: { $each: [8, 9], $position: 0 } } })).toEqual({
      a: [8, 9, 1, 2],
    });
    expect(await applied({ a: [1, 2] }, { $push: { a: { $each: [8], $position: 1 } } })).toEqual({ a: [1, 8, 2] });
  });

  it('$push with $sort and $slice keeps the top entries in order', async () => {
    expect(
      await applied({ scores: [50, 90, 70] }, { $push: { scores: { $each: [80, 60], $sort: 1, $slice: -3 } } }),
    ).toEqual({ scores: [70, 80, 90] });
    expect(
      await applied(
        { top: [{ n: 'a', s: 5 }, { n: 'b', s: 9 }] },
        { $push: { top: { $each: [{ n: 'c', s: 7 }], $sort: { s: -1 }, $slice: 2 } } },
      ),
    ).toEqual({ top: [{ n: 'b', s: 9 }, { n: 'c', s: 7 }] });
  });

  it('$push onto a non-array field is refused and changes nothing', async () => {
    const _id = await seeded({ a: 'text' });
    await expectServerError(updates().updateOne({ _id }, loose({ $push: { a: 1 } })), 2);
    expect((await updates().findOne({ _id }))?.a).toBe('text');
  });

  it('$addToSet adds only values not already present, comparing documents field by field in order', async () => {
    expect(await applied({ t: ['a', 'b'] }, { $addToSet: { t: { $each: ['b', 'c', 'c'] } } })).toEqual({
      t: ['a', 'b', 'c'],
    });
    expect(await applied({ d: [{ x: 1, y: 2 }] }, { $addToSet: { d: { y: 2, x: 1 } } })).toEqual({
      d: [{ x: 1, y: 2 }, { y: 2, x: 1 }],
    });
    expect(await applied({ d: [{ x: 1, y: 2 }] }, { $addToSet: { d: { x: 1, y: 2 } } })).toEqual({
      d: [{ x: 1, y: 2 }],
    });
  });

  it('$pop removes the last element with 1 and the first with -1', async () => {
    expect(await applied({ a: [1, 2, 3], b: [1, 2, 3] }, { $pop: { a: 1, b: -1 } })).toEqual({ a: [1, 2], b: [2, 3] });
  });

  it('$pull removes every element matching a value or a condition', async () => {
    expect(await applied({ a: [1, 5, 6, 9, 5] }, { $pull: { a: { $gte: 6 } } })).toEqual({ a: [1, 5, 5] });
    expect(await applied({ a: [1, 5, 6, 5] }, { $pull: { a: 5 } })).toEqual({ a: [1, 6] });
  });

  it('$pull with a document removes subdocuments that match it as a query, ignoring their other fields', async () => {
    expect(
      await applied(
        { items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 2 }, { sku: 'a', qty: 3 }] },
        { $pull: { items: { sku: 'a' } } },
      ),
    ).toEqual({ items: [{ sku: 'b', qty: 2 }] });
  });

  it('$pullAll removes every occurrence of each listed value', async () => {
    expect(await applied({ a: [0, 1, 2, 1, 3, 0] }, { $pullAll: { a: [0, 1] } })).toEqual({ a: [2, 3] });
  });
});

describe('positional updates', () => {
  it('$ updates the first array element the query matched', async () => {
    const _id = await seeded({ grades: [80, 85, 80] });
    await updates().updateOne({ _id, grades: 80 }, { $set: { 'grades.$': 82 } });
    expect((await updates().findOne({ _id }))?.grades).toEqual([82, 85, 80]);
  });

  it('$ reaches a field of the matched subdocument', async () => {
    const _id = await seeded({ items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 1 }] });
    await updates().updateOne({ _id, 'items.sku': 'b' }, { $inc: { 'items.$.qty': 10 } });
    expect((await updates().findOne({ _id }))?.items).toEqual([
      { sku: 'a', qty: 1 },
      { sku: 'b', qty: 11 },
    ]);
  });

  it('$ without the array in the query is refused', async () => {
    const _id = await seeded({ grades: [1, 2] });
    await expectServerError(updates().updateOne({ _id }, { $set: { 'grades.$': 0 } }), 2);
  });

  it('$[] updates every element', async () => {
    expect(await applied({ g: [1, 2, 3] }, { $inc: { 'g.$[]': 10 } })).toEqual({ g: [11, 12, 13] });
    expect(
      await applied({ items: [{ qty: 1 }, { qty: 2 }] }, { $set: { 'items.$[].checked': true } }),
    ).toEqual({ items: [{ qty: 1, checked: true }, { qty: 2, checked: true }] });
  });

  it('$[id] updates the elements that arrayFilters select', async () => {
    expect(
      await applied({ g: [95, 102, 90, 150] }, { $set: { 'g.$[big]': 100 } }, { arrayFilters: [{ big: { $gte: 100 } }] }),
    ).toEqual({ g: [95, 100, 90, 100] });
    expect(
      await applied(
        { items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 1 }, { sku: 'b', qty: 4 }] },
        { $inc: { 'items.$[it].qty': 100 } },
        { arrayFilters: [{ 'it.sku': 'b' }] },
      ),
    ).toEqual({ items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 101 }, { sku: 'b', qty: 104 }] });
  });

  it('$[id] without a matching array filter is refused', async () => {
    const _id = await seeded({ g: [1] });
    await expectServerError(updates().updateOne({ _id }, { $set: { 'g.$[x]': 0 } }), 2);
  });

  it('updateMany applies a positional update to each matching document', async () => {
    const coll = ctx.collection('positional_many');
    await coll.insertMany([
      { _id: 1, tags: ['old', 'x'] },
      { _id: 2, tags: ['y', 'old'] },
      { _id: 3, tags: ['z'] },
    ]);
    const result = await coll.updateMany({ tags: 'old' }, { $set: { 'tags.$': 'new' } });
    expect(result).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, tags: ['new', 'x'] },
      { _id: 2, tags: ['y', 'new'] },
      { _id: 3, tags: ['z'] },
    ]);
  });
});

describe('pipeline updates', () => {
  it('computes fields from the document with aggregation stages', async () => {
    expect(
      await applied({ a: 2, b: 3, c: 'x' }, [
        { $set: { total: { $add: ['$a', '$b'] }, label: { $concat: ['$c', '-', { $toString: '$a' }] } } },
        { $unset: ['a', 'c'] },
      ]),
    ).toEqual({ b: 3, total: 5, label: 'x-2' });
  });

  it('can upsert, computing the inserted document from the filter equalities', async () => {
    const coll = ctx.collection('pipeline_upsert');
    await coll.updateOne({ _id: 'p', base: 10 }, [{ $set: { doubled: { $multiply: ['$base', 2] } } }], {
      upsert: true,
    });
    expect(await coll.findOne({ _id: 'p' })).toEqual({ _id: 'p', base: 10, doubled: 20 });
  });
});

describe('refused updates', () => {
  it('changing _id with $set is refused with ImmutableField (66)', async () => {
    const _id = await seeded({ a: 1 });
    const error = await expectServerError(updates().updateOne({ _id }, { $set: { _id: 'other' } }), 66);
    expect(error.message).toContain("'_id'");
    expect(await updates().countDocuments({ _id })).toBe(1);
  });

  it('a replacement with a different _id is refused with ImmutableField (66)', async () => {
    const _id = await seeded({ a: 1 });
    await expectServerError(updates().replaceOne({ _id }, { _id: -1, a: 2 }), 66);
    expect(await updates().findOne({ _id }, { projection: { _id: 0 } })).toEqual({ a: 1 });
  });

  it('setting _id to its current value is allowed', async () => {
    const _id = await seeded({ a: 1 });
    expect(await updates().updateOne({ _id }, { $set: { _id, a: 2 } })).toMatchObject({ modifiedCount: 1 });
  });

  it('two operators on the same path are refused with ConflictingUpdateOperators (40)', async () => {
    const _id = await seeded({ a: 1 });
    await expectServerError(updates().updateOne({ _id }, { $set: { a: 5 }, $inc: { a: 1 } }), 40);
  });

  it('an unknown update operator is refused with FailedToParse (9) naming it', async () => {
    const _id = await seeded({ a: 1 });
    const error = await expectServerError(
      updates().updateOne({ _id }, loose({ $frobnicate: { a: 1 } })),
      9,
    );
    expect(error.message).toContain('$frobnicate');
  });

  it('creating a field inside a scalar is refused with PathNotViable (28)', async () => {
    const _id = await seeded({ a: 5 });
    await expectServerError(updates().updateOne({ _id }, { $set: { 'a.b': 1 } }), 28);
    expect(await updates().findOne({ _id }, { projection: { _id: 0 } })).toEqual({ a: 5 });
  });
});
