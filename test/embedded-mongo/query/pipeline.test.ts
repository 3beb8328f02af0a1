import { Long, ObjectId } from 'bson';
import { runPipeline } from '../../../src/embedded-mongo/query';
import { expectQueryError, noCollections } from './helpers';

type Doc = Record<string, unknown>;
const run = (docs: Doc[], pipeline: Doc[]): Doc[] => runPipeline(docs, pipeline, noCollections);

const depotA = new ObjectId('64b0000000000000000000a1');
const depotB = new ObjectId('64b0000000000000000000b2');
const cylinders: Doc[] = [
  { _id: 1, depot: depotA, kg: 12, status: 'full', tags: ['x', 'y'] },
  { _id: 2, depot: new ObjectId(depotA.toHexString()), kg: 5, status: 'empty', tags: [] },
  { _id: 3, depot: depotB, kg: 11, status: 'full', tags: ['y'] },
  { _id: 4, kg: 0, status: 'empty' },
];

describe('runPipeline: filtering, shaping and ordering stages', () => {
  it('chains $match, $sort, $skip, $limit and $project', () => {
    const out = run(cylinders, [{ $match: { status: 'full' } }, { $sort: { kg: -1 } }, { $skip: 1 }, { $limit: 1 }, { $project: { kg: 1, _id: 0 } }]);
    expect(out).toEqual([{ kg: 11 }]);
  });

  it('$addFields / $set compute from the input document and merge nested documents', () => {
    const out = run([{ _id: 1, a: 2, sub: { x: 1 } }], [{ $set: { b: { $multiply: ['$a', 10] }, 'sub.y': '$a', c: { d: '$a' } } }]);
    expect(out).toEqual([{ _id: 1, a: 2, sub: { x: 1, y: 2 }, b: 20, c: { d: 2 } }]);
  });

  it('$unset removes fields, including _id', () => {
    expect(run([{ _id: 1, a: 1, b: 2 }], [{ $unset: ['_id', 'b'] }])).toEqual([{ a: 1 }]);
  });

  it('$unwind emits one document per element, with index and preservation options', () => {
    const out = run(cylinders, [{ $unwind: { path: '$tags', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true } }, { $project: { tags: 1, i: 1 } }]);
    expect(out).toEqual([
      { _id: 1, tags: 'x', i: 0 },
      { _id: 1, tags: 'y', i: 1 },
      { _id: 2, i: null },
      { _id: 3, tags: 'y', i: 0 },
      { _id: 4, i: null },
    ]);
    expect(run(cylinders, [{ $unwind: '$tags' }]).map((d) => d._id)).toEqual([1, 1, 3]);
  });

  it('$sort orders BSON types the MongoDB way and keeps ties stable', () => {
    const docs = [{ _id: 1, v: Long.fromString('10') }, { _id: 2, v: 9 }, { _id: 3, v: 'a' }, { _id: 4 }, { _id: 5, v: 9 }];
    expect(run(docs, [{ $sort: { v: 1 } }]).map((d) => d._id)).toEqual([4, 2, 5, 1, 3]);
  });

  it('$replaceRoot and $replaceWith promote a sub-document', () => {
    expect(run([{ _id: 1, inner: { a: 1 } }], [{ $replaceRoot: { newRoot: '$inner' } }])).toEqual([{ a: 1 }]);
    expect(run([{ _id: 1, inner: { a: 1 } }], [{ $replaceWith: { $mergeObjects: ['$inner', { b: 2 }] } }])).toEqual([{ a: 1, b: 2 }]);
  });
});

describe('runPipeline: grouping stages', () => {
  it('$group puts equal ObjectIds in one group', () => {
    const out = run(cylinders, [{ $group: { _id: '$depot', total: { $sum: '$kg' }, n: { $sum: 1 } } }]);
    expect(out).toEqual([
      { _id: depotA, total: 17, n: 2 },
      { _id: depotB, total: 11, n: 1 },
      { _id: null, total: 0, n: 1 },
    ]);
  });

  it('$group supports the usual accumulators', () => {
    const [out] = run(cylinders, [
      { $group: { _id: null, avg: { $avg: '$kg' }, max: { $max: '$kg' }, min: { $min: '$kg' }, kgs: { $push: '$kg' }, st: { $addToSet: '$status' }, first: { $first: '$_id' } } },
    ]);
    expect(out).toEqual({ _id: null, avg: 7, max: 12, min: 0, kgs: [12, 5, 11, 0], st: ['full', 'empty'], first: 1 });
  });

  it('$max/$min accumulators compare Longs by value', () => {
    const [out] = run([{ v: 9 }, { v: Long.fromString('10') }], [{ $group: { _id: null, hi: { $max: '$v' }, lo: { $min: '$v' } } }]);
    expect(String(out?.hi)).toBe('10');
    expect(out?.lo).toBe(9);
  });

  it('$count counts, and emits nothing at all for no input', () => {
    expect(run(cylinders, [{ $match: { status: 'full' } }, { $count: 'n' }])).toEqual([{ n: 2 }]);
    expect(run(cylinders, [{ $match: { status: 'lost' } }, { $count: 'n' }])).toEqual([]);
  });

  it('$sortByCount and $bucketAuto', () => {
    expect(run(cylinders, [{ $sortByCount: '$status' }])).toEqual([{ _id: 'full', count: 2 }, { _id: 'empty', count: 2 }]);
    expect(run(cylinders, [{ $bucketAuto: { groupBy: '$kg', buckets: 2 } }])).toHaveLength(2);
  });

  it('$bucket uses [lower, upper) ranges, a default bucket last, and custom output', () => {
    const docs = [{ _id: 1, p: 10 }, { _id: 2, p: 20 }, { _id: 3, p: 5 }, { _id: 4, p: 'x' }];
    expect(run(docs, [{ $bucket: { groupBy: '$p', boundaries: [0, 10, 20], default: 'other', output: { ids: { $push: '$_id' } } } }])).toEqual([
      { _id: 0, ids: [3] },
      { _id: 10, ids: [1] },
      { _id: 'other', ids: [2, 4] },
    ]);
    expectQueryError(() => run(docs, [{ $bucket: { groupBy: '$p', boundaries: [0, 10] } }]), 40066, /no default was specified/);
    expectQueryError(() => run(docs, [{ $bucket: { groupBy: '$p', boundaries: [10, 0] } }]), 40194);
  });

  it('$facet runs sub-pipelines over the same input', () => {
    const [out] = run(cylinders, [{ $facet: { total: [{ $count: 'n' }], heaviest: [{ $sort: { kg: -1 } }, { $limit: 1 }, { $project: { _id: 1 } }] } }]);
    expect(out).toEqual({ total: [{ n: 4 }], heaviest: [{ _id: 1 }] });
  });

  it('$sample returns the requested number of input documents', () => {
    const out = run(cylinders, [{ $sample: { size: 2 } }]);
    expect(out).toHaveLength(2);
    for (const d of out) expect(cylinders).toContainEqual(d);
  });

  it('$densify and $setWindowFields come from mingo', () => {
    expect(run([{ t: 1 }, { t: 3 }], [{ $densify: { field: 't', range: { step: 1, bounds: 'full' } } }]).map((d) => d.t)).toEqual([1, 2, 3]);
    const running = run([{ t: 1, v: 2 }, { t: 2, v: 3 }], [{ $setWindowFields: { sortBy: { t: 1 }, output: { sum: { $sum: '$v', window: { documents: ['unbounded', 'current'] } } } } }]);
    expect(running.map((d) => d.sum)).toEqual([2, 5]);
  });
});

describe('runPipeline: refusals', () => {
  it('names an unknown stage with code 40324', () => {
    expectQueryError(() => run([], [{ $foo: {} }]), 40324, "Unrecognized pipeline stage name: '$foo'");
    expectQueryError(() => run([], [{ $facet: { x: [{ $bar: 1 }] } }]), 40324, "Unrecognized pipeline stage name: '$bar'");
  });

  it('refuses $out and $merge as not implemented, naming them', () => {
    expectQueryError(() => run([], [{ $out: 'copy' }]), 238, /\$out/);
    expectQueryError(() => run([], [{ $merge: { into: 'copy' } }]), 238, /\$merge/);
  });

  it('refuses a $group without _id and a non-document new root, with mongod codes', () => {
    expectQueryError(() => run([{ a: 1 }], [{ $group: { n: { $sum: 1 } } }]), 15955);
    expectQueryError(() => run([{ a: 1 }], [{ $replaceRoot: { newRoot: '$nope' } }]), 40228, /must evaluate to an object/);
  });

  it('requires exactly one field per stage', () => {
    expectQueryError(() => run([], [{ $match: {}, $limit: 1 }]), 40323);
  });

  it('reports an unknown expression operator with code 168', () => {
    expectQueryError(() => run([{ a: 1 }], [{ $project: { x: { $nope: 1 } } }]), 168, "Unrecognized expression '$nope'");
  });

  it('refuses server-side JavaScript in expressions', () => {
    expectQueryError(() => run([{ a: 1 }], [{ $project: { x: { $function: { body: 'return 1', args: [], lang: 'js' } } } }]), 238, /\$function/);
  });

  it('validates $limit, $skip and $match arguments', () => {
    expectQueryError(() => run([], [{ $limit: 0 }]), 15958);
    expectQueryError(() => run([], [{ $skip: -1 }]), 15956);
    expectQueryError(() => run([], [{ $match: [] }]), 15959);
  });
});
