import { ObjectId } from 'bson';
import { runPipeline } from '../../../src/embedded-mongo/query';

type Doc = Record<string, unknown>;

const ann = new ObjectId('64b0000000000000000000a1');
const bob = new ObjectId('64b0000000000000000000b2');
const collections: Record<string, Doc[]> = {
  owners: [
    { _id: ann, name: 'ann', city: 'Oslo' },
    { _id: bob, name: 'bob', city: 'Rome' },
  ],
  events: [
    { _id: 1, cylinder: 'C-1', kind: 'fill' },
    { _id: 2, cylinder: 'C-1', kind: 'inspect' },
    { _id: 3, cylinder: 'C-2', kind: 'fill' },
  ],
  staff: [
    { _id: 'boss', reportsTo: null },
    { _id: 'mid', reportsTo: 'boss' },
    { _id: 'dev', reportsTo: 'mid' },
  ],
};
const ctx = { collection: (name: string): Doc[] => collections[name] ?? [] };

const cylinders: Doc[] = [
  { _id: 'C-1', owner: new ObjectId(ann.toHexString()) },
  { _id: 'C-2', owner: bob, coOwners: [ann, bob] },
  { _id: 'C-3' },
];

describe('$lookup with localField / foreignField', () => {
  it('joins on ObjectId values held by different instances', () => {
    const out = runPipeline(cylinders, [{ $lookup: { from: 'owners', localField: 'owner', foreignField: '_id', as: 'ownerDoc' } }], ctx);
    expect(out.map((d) => (d.ownerDoc as Doc[]).map((o) => o.name))).toEqual([['ann'], ['bob'], []]);
  });

  it('matches any element of an array local field, in foreign order', () => {
    const out = runPipeline(cylinders, [{ $lookup: { from: 'owners', localField: 'coOwners', foreignField: '_id', as: 'all' } }], ctx);
    expect((out[1]?.all as Doc[]).map((o) => o.name)).toEqual(['ann', 'bob']);
  });

  it('joins a missing local field with foreign documents whose field is null or missing', () => {
    const out = runPipeline([{ _id: 1 }], [{ $lookup: { from: 'staff', localField: 'boss', foreignField: 'reportsTo', as: 'top' } }], ctx);
    expect((out[0]?.top as Doc[]).map((s) => s._id)).toEqual(['boss']);
  });
});

describe('$lookup with let / pipeline', () => {
  it('binds let variables for $expr in the sub-pipeline', () => {
    const out = runPipeline(
      cylinders.slice(0, 2),
      [
        {
          $lookup: {
            from: 'events',
            let: { cyl: '$_id' },
            pipeline: [{ $match: { $expr: { $eq: ['$cylinder', '$$cyl'] } } }, { $project: { _id: 0, kind: 1 } }],
            as: 'events',
          },
        },
      ],
      ctx,
    );
    expect(out.map((d) => d.events)).toEqual([[{ kind: 'fill' }, { kind: 'inspect' }], [{ kind: 'fill' }]]);
  });

  it('combines localField/foreignField with a pipeline', () => {
    const out = runPipeline(
      [{ _id: 'C-1' }],
      [{ $lookup: { from: 'events', localField: '_id', foreignField: 'cylinder', pipeline: [{ $match: { kind: 'inspect' } }], as: 'inspections' } }],
      ctx,
    );
    expect((out[0]?.inspections as Doc[]).map((e) => e._id)).toEqual([2]);
  });
});

describe('other stages reading collections', () => {
  it('$unionWith appends another collection, optionally through a pipeline', () => {
    const out = runPipeline([{ _id: 'x' }], [{ $unionWith: { coll: 'owners', pipeline: [{ $project: { name: 1, _id: 0 } }] } }], ctx);
    expect(out).toEqual([{ _id: 'x' }, { name: 'ann' }, { name: 'bob' }]);
  });

  it('$graphLookup walks a hierarchy', () => {
    const out = runPipeline(
      [{ _id: 'dev', reportsTo: 'mid' }],
      [{ $graphLookup: { from: 'staff', startWith: '$reportsTo', connectFromField: 'reportsTo', connectToField: '_id', as: 'chain' } }],
      ctx,
    );
    expect((out[0]?.chain as Doc[]).map((s) => s._id).sort()).toEqual(['boss', 'mid']);
  });
});
