import { Decimal128, Long, ObjectId, Timestamp, UUID } from 'bson';
import {
  applyUpdate,
  compileFilter,
  compileProjection,
  compileSort,
  runPipeline,
  upsertSeed,
  valuesEqual,
  type UpdateOptions,
} from '../../../src/embedded-mongo/query';
import { deepFreeze } from './helpers';

type Doc = Record<string, unknown>;

/** Copies plain documents and arrays; BSON values are shared as the engine shares them. */
function copy<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copy) as T;
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)])) as T;
  }
  return v;
}

/** Equal values with identical field order at every level. */
function sameShape(a: unknown, b: unknown): boolean {
  return valuesEqual(a, b) && JSON.stringify(a) === JSON.stringify(b);
}

const makeDoc = (): Doc => ({
  _id: new ObjectId('64b000000000000000000001'),
  n: 1,
  long: Long.fromString('9007199254740993'),
  dec: Decimal128.fromString('1.5'),
  at: new Date(1000),
  ts: new Timestamp({ t: 1, i: 1 }),
  key: new UUID('00000000-0000-4000-8000-000000000001'),
  tags: ['b', 'a'],
  owner: { name: 'ann', city: { code: 'OSL' } },
  items: [
    { sku: 'x', qty: 1, parts: [1, 2] },
    { sku: 'y', qty: 5, parts: [] },
  ],
  empty: [],
});

/**
 * Runs `op` on a frozen document and on an unfrozen copy: the frozen run must not throw (our
 * code is strict mode, so any write throws), both runs must agree, and the copy must be intact
 * afterwards (catching sloppy-mode writes that a frozen object would silently swallow).
 */
function expectNoMutation(op: (doc: Doc, prepare: <T>(v: T) => T) => unknown): void {
  const loose = copy(makeDoc());
  const fromFrozen = op(deepFreeze(makeDoc()), deepFreeze);
  const fromLoose = op(loose, copy);
  expect(sameShape(fromFrozen, fromLoose)).toBe(true);
  expect(sameShape(loose, makeDoc())).toBe(true);
}

describe('no operation mutates its inputs', () => {
  it.each([
    [{ n: 1 }],
    [{ 'items.sku': 'x', 'items.qty': { $gte: 1 } }],
    [{ items: { $elemMatch: { qty: { $gt: 2 } } } }],
    [{ $expr: { $gt: ['$long', '$n'] } }],
    [{ tags: { $all: ['a'] }, owner: { $exists: true }, key: { $type: 'binData' } }],
  ])('compileFilter(%j)', (filter) => {
    expectNoMutation((doc) => compileFilter(deepFreeze(filter))(doc));
  });

  it('compileSort', () => {
    expectNoMutation((doc) => [doc, { ...doc, n: 0 }].sort(compileSort(deepFreeze({ tags: 1, 'items.qty': -1 }))).map((d) => d.n));
  });

  it.each([
    [{ 'owner.name': 1, 'items.sku': 1 }],
    [{ 'owner.city': 0, 'items.parts': 0 }],
    [{ tags: { $slice: 1 }, items: { $elemMatch: { qty: 5 } } }],
    [{ label: { $concat: ['$owner.name', '!'] } }],
  ])('compileProjection(%j)', (projection) => {
    expectNoMutation((doc) => compileProjection(deepFreeze(projection))(doc));
  });

  it.each<[Doc | Doc[], UpdateOptions?]>([
    [{ $set: { 'owner.city.code': 'BGO', 'items.0.qty': 9 }, $unset: { 'owner.name': '' } }],
    [{ $inc: { n: 1, long: 1, dec: 1, 'items.1.qty': 1 }, $mul: { 'items.0.qty': 2 } }],
    [{ $min: { at: new Date(0) }, $max: { n: 5 }, $setOnInsert: { never: 1 } }],
    [{ $push: { tags: { $each: ['c'], $sort: 1, $slice: 2 }, 'items.0.parts': 3 } }],
    [{ $addToSet: { 'owner.list': 'z' }, $pop: { 'items.0.parts': 1 }, $pull: { tags: 'a' } }],
    [{ $pull: { items: { sku: 'y' } }, $addToSet: { tags: { $each: ['z', 'b'] } } }],
    [{ $pullAll: { tags: ['a'] }, $rename: { 'owner.name': 'ownerName' }, $bit: { n: { or: 2 } } }],
    [{ $set: { 'items.$[].qty': 0, 'tags.$[t]': 'q' } }, { arrayFilters: [{ t: 'a' }] }],
    [{ $inc: { 'items.$.qty': 1 } }, { query: { 'items.sku': 'y' } }],
    [{ owner: 'replaced' }],
    [[{ $set: { 'owner.city.code': 'X', total: { $sum: '$items.qty' } } }, { $unset: 'tags' }]],
  ])('applyUpdate(%j)', (update, opts: UpdateOptions = {}) => {
    expectNoMutation((doc) => applyUpdate(doc, deepFreeze(update), deepFreeze(opts)));
  });

  it('upsertSeed', () => {
    const filter = deepFreeze({ 'a.b': 1, $and: [{ c: { d: 1 } }] });
    const seed = upsertSeed(filter);
    expect(seed).toEqual({ a: { b: 1 }, c: { d: 1 } });
    expect(() => applyUpdate(seed, { $set: { 'c.e': 2 } }, { isInsert: true })).not.toThrow();
  });

  const owners = (): Doc[] => [{ _id: 'ann', name: 'ann', city: { code: 'OSL' }, refs: [{ k: 1 }] }];

  it.each([
    [[{ $match: { n: 1 } }, { $sort: { n: -1 } }, { $skip: 0 }, { $limit: 5 }]],
    [[{ $project: { 'owner.name': 1, 'items.qty': 1 } }, { $project: { 'items.qty': 0 } }]],
    [[{ $addFields: { 'owner.city.zip': 1, 'items.flag': true } }, { $set: { owner: { extra: 1 } } }, { $unset: ['owner.city'] }]],
    [[{ $unwind: { path: '$items', includeArrayIndex: 'i' } }, { $set: { 'items.qty': 0 } }]],
    [[{ $group: { _id: '$owner.name', qty: { $sum: { $sum: '$items.qty' } }, docs: { $push: '$$ROOT' } } }]],
    [[{ $facet: { a: [{ $unwind: '$items' }, { $set: { 'items.sku': 'z' } }], b: [{ $count: 'n' }] } }]],
    [[{ $replaceRoot: { newRoot: '$owner' } }, { $set: { 'city.code': 'X' } }]],
    [[{ $lookup: { from: 'owners', localField: 'owner.name', foreignField: 'name', as: 'o' } }, { $unwind: '$o' }, { $set: { 'o.city.code': 'X' } }]],
    [[{ $lookup: { from: 'owners', let: { n: '$owner.name' }, pipeline: [{ $match: { $expr: { $eq: ['$name', '$$n'] } } }, { $set: { 'refs.k': 2 } }], as: 'o' } }]],
    [[{ $unionWith: 'owners' }, { $set: { 'city.code': 'X' } }]],
    [[{ $graphLookup: { from: 'owners', startWith: '$owner.name', connectFromField: 'name', connectToField: 'name', as: 'g' } }]],
    [[{ $fill: { output: { 'owner.city.code': { value: 'X' }, missing: { value: 0 } } } }]],
    [[{ $setWindowFields: { sortBy: { n: 1 }, output: { 'owner.rank': { $documentNumber: {} } } } }]],
    [[{ $sortByCount: '$owner.name' }, { $bucket: { groupBy: '$count', boundaries: [0, 5] } }]],
    [[{ $redact: '$$DESCEND' }, { $densify: { field: 'n', range: { step: 1, bounds: [0, 3] } } }]],
  ])('runPipeline(%j)', (pipeline) => {
    const looseOwners = copy(owners());
    expectNoMutation((doc, prepare) => {
      const foreign = prepare === copy ? looseOwners : deepFreeze(owners());
      return runPipeline([doc], prepare(pipeline), { collection: () => foreign });
    });
    expect(sameShape(looseOwners, owners())).toBe(true);
  });
});
