import { MongoServerError, type Document } from 'mongodb';
import {
  expectServerError,
  failureOf,
  openConformance,
  recordCommands,
  type ConformanceContext,
  type Doc,
} from './conformance.support';

let ctx: ConformanceContext;

const sales: Doc[] = [
  { _id: 1, item: 'abc', price: 10, qty: 2, date: new Date('2024-03-01T08:00:00Z'), tags: ['a', 'b'], region: 'n' },
  { _id: 2, item: 'jkl', price: 20, qty: 1, date: new Date('2024-03-01T09:00:00Z'), tags: ['b'], region: 's' },
  { _id: 3, item: 'xyz', price: 5, qty: 10, date: new Date('2024-03-15T09:00:00Z'), tags: [], region: 'n' },
  { _id: 4, item: 'xyz', price: 5, qty: 20, date: new Date('2024-04-04T11:21:39Z'), region: 's' },
  { _id: 5, item: 'abc', price: 10, qty: 10, date: new Date('2024-04-04T21:23:13Z'), tags: null, region: 'n' },
  { _id: 6, item: 'def', price: 7.5, qty: 5, date: new Date('2024-04-10T10:00:00Z'), tags: 'c', region: 'e' },
];

beforeAll(async () => {
  ctx = await openConformance('aggregation');
  await ctx.collection('sales').insertMany(sales);
  await ctx.collection('inventory').insertMany([
    { _id: 1, sku: 'abc', instock: 120 },
    { _id: 2, sku: 'def', instock: 80 },
    { _id: 3, sku: 'abc', warehouse: 'B', instock: 60 },
    { _id: 4, sku: null },
    { _id: 5 },
  ]);
  await ctx.collection('orders').insertMany([
    { _id: 1, item: 'abc', qty: 100 },
    { _id: 2, item: 'jkl', qty: 1 },
    { _id: 3 },
    { _id: 4, item: ['abc', 'def'], qty: 70 },
  ]);
});

afterAll(async () => {
  await ctx?.close();
});

function run(pipeline: Document[], collection = 'sales'): Promise<Doc[]> {
  return ctx.collection(collection).aggregate<Doc>(pipeline).toArray();
}

describe('$match, $sort, $skip, $limit', () => {
  it('filter, order and page the documents', async () => {
    const docs = await run([
      { $match: { region: { $in: ['n', 's'] } } },
      { $sort: { qty: -1, _id: 1 } },
      { $skip: 1 },
      { $limit: 2 },
      { $project: { _id: 1 } },
    ]);
    expect(docs).toEqual([{ _id: 3 }, { _id: 5 }]);
  });
});

describe('$group', () => {
  it('computes every accumulator per group key', async () => {
    const groups = await run([
      { $sort: { _id: 1 } },
      {
        $group: {
          _id: '$item',
          totalQty: { $sum: '$qty' },
          revenue: { $sum: { $multiply: ['$price', '$qty'] } },
          avgPrice: { $avg: '$price' },
          minQty: { $min: '$qty' },
          maxQty: { $max: '$qty' },
          quantities: { $push: '$qty' },
          regions: { $addToSet: '$region' },
          firstId: { $first: '$_id' },
          lastId: { $last: '$_id' },
          n: { $count: {} },
          docs: { $sum: 1 },
        },
      },
      { $sort: { _id: 1 } },
    ]);
    const normalised = groups.map((g) => ({ ...g, regions: [...(g.regions as string[])].sort() }));
    expect(normalised).toEqual([
      {
        _id: 'abc',
        totalQty: 12,
        revenue: 120,
        avgPrice: 10,
        minQty: 2,
        maxQty: 10,
        quantities: [2, 10],
        regions: ['n'],
        firstId: 1,
        lastId: 5,
        n: 2,
        docs: 2,
      },
      {
        _id: 'def',
        totalQty: 5,
        revenue: 37.5,
        avgPrice: 7.5,
        minQty: 5,
        maxQty: 5,
        quantities: [5],
        regions: ['e'],
        firstId: 6,
        lastId: 6,
        n: 1,
        docs: 1,
      },
      {
        _id: 'jkl',
        totalQty: 1,
        revenue: 20,
        avgPrice: 20,
        minQty: 1,
        maxQty: 1,
        quantities: [1],
        regions: ['s'],
        firstId: 2,
        lastId: 2,
        n: 1,
        docs: 1,
      },
      {
        _id: 'xyz',
        totalQty: 30,
        revenue: 150,
        avgPrice: 5,
        minQty: 10,
        maxQty: 20,
        quantities: [10, 20],
        regions: ['n', 's'],
        firstId: 3,
        lastId: 4,
        n: 2,
        docs: 2,
      },
    ]);
  });

  it('groups everything under _id null; $sum ignores non-numbers and $avg of nothing is null', async () => {
    expect(
      await run([
        {
          $group: {
            _id: null,
            qty: { $sum: '$qty' },
            names: { $sum: '$item' },
            nothing: { $avg: '$missing' },
            count: { $sum: 1 },
          },
        },
      ]),
    ).toEqual([{ _id: null, qty: 48, names: 0, nothing: null, count: 6 }]);
  });

  it('groups by a compound key computed from expressions', async () => {
    const groups = await run([
      { $group: { _id: { month: { $month: '$date' }, region: '$region' }, n: { $sum: 1 } } },
      { $match: { n: { $gt: 1 } } },
    ]);
    expect(groups).toEqual([{ _id: { month: 3, region: 'n' }, n: 2 }]);
  });

  it('refuses a $group without _id', async () => {
    await expectServerError(run([{ $group: { total: { $sum: 1 } } }]), 15955);
  });
});

describe('$project, $addFields / $set, $unset', () => {
  it('$project includes, excludes _id and computes fields with expressions', async () => {
    const docs = await run([
      { $match: { _id: { $in: [1, 4] } } },
      { $sort: { _id: 1 } },
      {
        $project: {
          _id: 0,
          item: 1,
          total: { $multiply: ['$price', '$qty'] },
          upper: { $toUpper: '$item' },
          tagCount: { $size: { $ifNull: ['$tags', []] } },
          big: { $cond: [{ $gte: ['$qty', 10] }, 'yes', 'no'] },
          day: { $dateToString: { format: '%Y-%m-%d', date: '$date' } },
        },
      },
    ]);
    expect(docs).toEqual([
      { item: 'abc', total: 20, upper: 'ABC', tagCount: 2, big: 'no', day: '2024-03-01' },
      { item: 'xyz', total: 100, upper: 'XYZ', tagCount: 0, big: 'yes', day: '2024-04-04' },
    ]);
  });

  it('$project with exclusions returns every other field', async () => {
    expect(await run([{ $match: { _id: 2 } }, { $project: { date: 0, tags: 0, price: 0 } }])).toEqual([
      { _id: 2, item: 'jkl', qty: 1, region: 's' },
    ]);
  });

  it('refuses a $project that mixes inclusion and exclusion', async () => {
    const error = await expectServerError(run([{ $project: { item: 1, qty: 0 } }]), 31254);
    expect(error.message).toContain('qty');
  });

  it('$addFields and $set add, overwrite and nest fields; $unset removes them', async () => {
    const docs = await run([
      { $match: { _id: 1 } },
      { $addFields: { revenue: { $multiply: ['$price', '$qty'] }, 'meta.source': 'agg' } },
      { $set: { qty: { $add: ['$qty', 1] } } },
      { $unset: ['date', 'tags', 'region'] },
    ]);
    expect(docs).toEqual([{ _id: 1, item: 'abc', price: 10, qty: 3, revenue: 20, meta: { source: 'agg' } }]);
  });
});

describe('$unwind', () => {
  it('emits one document per array element, treating a scalar as one element and skipping null, missing and empty', async () => {
    const docs = await run([{ $sort: { _id: 1 } }, { $unwind: '$tags' }, { $project: { tags: 1 } }]);
    expect(docs).toEqual([
      { _id: 1, tags: 'a' },
      { _id: 1, tags: 'b' },
      { _id: 2, tags: 'b' },
      { _id: 6, tags: 'c' },
    ]);
  });

  it('with preserveNullAndEmptyArrays and includeArrayIndex keeps every document and numbers the elements', async () => {
    const docs = await run([
      { $sort: { _id: 1 } },
      { $unwind: { path: '$tags', preserveNullAndEmptyArrays: true, includeArrayIndex: 'idx' } },
      { $project: { tags: 1, idx: 1 } },
    ]);
    expect(docs).toEqual([
      { _id: 1, tags: 'a', idx: 0 },
      { _id: 1, tags: 'b', idx: 1 },
      { _id: 2, tags: 'b', idx: 0 },
      { _id: 3, idx: null },
      { _id: 4, idx: null },
      { _id: 5, tags: null, idx: null },
      { _id: 6, tags: 'c', idx: null },
    ]);
  });
});

describe('$lookup', () => {
  it('joins on localField / foreignField, missing matching null or missing, arrays matching any element', async () => {
    const docs = await run(
      [{ $lookup: { from: 'inventory', localField: 'item', foreignField: 'sku', as: 'stock' } }, { $sort: { _id: 1 } }],
      'orders',
    );
    const joined = docs.map((d) => ({ _id: d._id, stock: (d.stock as Doc[]).map((s) => s._id).sort() }));
    expect(joined).toEqual([
      { _id: 1, stock: [1, 3] },
      { _id: 2, stock: [] },
      { _id: 3, stock: [4, 5] },
      { _id: 4, stock: [1, 2, 3] },
    ]);
  });

  it('joins with let and a correlated pipeline', async () => {
    const docs = await run(
      [
        { $match: { _id: 1 } },
        {
          $lookup: {
            from: 'inventory',
            let: { wanted: '$item', needed: '$qty' },
            pipeline: [
              { $match: { $expr: { $and: [{ $eq: ['$sku', '$$wanted'] }, { $gte: ['$instock', '$$needed'] }] } } },
              { $project: { _id: 0, instock: 1 } },
            ],
            as: 'enough',
          },
        },
      ],
      'orders',
    );
    expect(docs).toEqual([{ _id: 1, item: 'abc', qty: 100, enough: [{ instock: 120 }] }]);
  });
});

describe('$count, $facet, $sortByCount', () => {
  it('$count names the number of documents, and yields nothing for no input', async () => {
    expect(await run([{ $match: { region: 'n' } }, { $count: 'northern' }])).toEqual([{ northern: 3 }]);
    expect(await run([{ $match: { region: 'nowhere' } }, { $count: 'n' }])).toEqual([]);
  });

  it('$facet runs several pipelines over the same input into one document', async () => {
    const [result, ...rest] = await run([
      {
        $facet: {
          total: [{ $count: 'n' }],
          cheapest: [{ $sort: { price: 1, _id: 1 } }, { $limit: 1 }, { $project: { _id: 1 } }],
          regions: [{ $group: { _id: '$region' } }, { $sort: { _id: 1 } }],
        },
      },
    ]);
    expect(rest).toEqual([]);
    expect(result).toEqual({
      total: [{ n: 6 }],
      cheapest: [{ _id: 3 }],
      regions: [{ _id: 'e' }, { _id: 'n' }, { _id: 's' }],
    });
  });

  it('$sortByCount groups by a value and orders by descending count', async () => {
    expect(await run([{ $sortByCount: '$region' }])).toEqual([
      { _id: 'n', count: 3 },
      { _id: 's', count: 2 },
      { _id: 'e', count: 1 },
    ]);
  });
});

describe('$replaceRoot / $replaceWith', () => {
  it('promotes a subdocument or a computed document to the root', async () => {
    const coll = ctx.collection('nested');
    await coll.insertMany([
      { _id: 1, inner: { a: 1, b: 2 }, extra: 'x' },
      { _id: 2, inner: { a: 3 }, extra: 'y' },
    ]);
    expect(await run([{ $sort: { _id: 1 } }, { $replaceRoot: { newRoot: '$inner' } }], 'nested')).toEqual([
      { a: 1, b: 2 },
      { a: 3 },
    ]);
    expect(
      await run(
        [{ $sort: { _id: 1 } }, { $replaceWith: { $mergeObjects: [{ b: 0 }, '$inner', { from: '$extra' }] } }],
        'nested',
      ),
    ).toEqual([
      { b: 2, a: 1, from: 'x' },
      { b: 0, a: 3, from: 'y' },
    ]);
  });

  it('refuses a newRoot that is not a document', async () => {
    await expectServerError(run([{ $replaceRoot: { newRoot: '$missingField' } }]), 40228);
  });
});

describe('$bucket', () => {
  it('groups values into boundary ranges with a default bucket and custom output', async () => {
    const docs = await run([
      { $sort: { _id: 1 } },
      {
        $bucket: {
          groupBy: '$price',
          boundaries: [0, 10, 20],
          default: 'other',
          output: { count: { $sum: 1 }, ids: { $push: '$_id' } },
        },
      },
    ]);
    expect(docs).toEqual([
      { _id: 0, count: 3, ids: [3, 4, 6] },
      { _id: 10, count: 2, ids: [1, 5] },
      { _id: 'other', count: 1, ids: [2] },
    ]);
  });

  it('without a default, refuses a value outside every boundary', async () => {
    const error = await failureOf(run([{ $bucket: { groupBy: '$price', boundaries: [0, 10] } }]));
    expect(error).toBeInstanceOf(MongoServerError);
    // mongod words it as the $switch it rewrites $bucket into: 40066 from the classic engine,
    // 7158303 from the slot-based one that newer releases use for $group.
    expect([40066, 7158303]).toContain((error as MongoServerError).code);
    expect((error as MongoServerError).message).toContain('no default was specified');
  });
});

describe('aggregate cursors', () => {
  it('returns the first batch with the aggregate reply and the rest through getMore, honouring batchSize', async () => {
    const client = await ctx.connect({ monitorCommands: true });
    const coll = client.db(ctx.dbName).collection<Doc>('many');
    await coll.insertMany(Array.from({ length: 25 }, (_, n) => ({ _id: n, n })));
    const log = recordCommands(client);

    const docs = await coll.aggregate<Doc>([{ $sort: { n: 1 } }, { $project: { _id: 0, n: 1 } }], { batchSize: 4 }).toArray();

    expect(docs.map((d) => d.n)).toEqual(Array.from({ length: 25 }, (_, n) => n));
    const first = log.replies('aggregate')[0];
    expect(first?.cursor?.firstBatch).toHaveLength(4);
    const getMores = log.replies('getMore');
    expect(getMores.length).toBeGreaterThanOrEqual(6);
    for (const getMore of getMores) expect(getMore.cursor?.nextBatch?.length).toBeLessThanOrEqual(4);
    expect(String(getMores.at(-1)?.cursor?.id)).toBe('0');
  });

  it('refuses an unknown stage, naming it', async () => {
    const error = await expectServerError(run([{ $frobnicate: {} }]), 40324);
    expect(error.message).toContain('$frobnicate');
  });
});
