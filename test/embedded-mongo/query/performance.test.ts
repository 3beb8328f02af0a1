import { ObjectId } from 'bson';
import { compileFilter } from '../../../src/embedded-mongo/query';

/** Docs per second of the median of several passes; machines here are noisy. */
function throughput(predicate: (d: Record<string, unknown>) => boolean, docs: Record<string, unknown>[]): { perSecond: number; hits: number } {
  const rates: number[] = [];
  let hits = 0;
  for (let pass = 0; pass < 5; pass++) {
    hits = 0;
    const start = process.hrtime.bigint();
    for (const doc of docs) if (predicate(doc)) hits++;
    rates.push(docs.length / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  rates.sort((a, b) => a - b);
  return { perSecond: rates[2] ?? 0, hits };
}

describe('compiled filter throughput', () => {
  const docs = Array.from({ length: 200_000 }, (_, i) => ({ _id: new ObjectId(), a: i % 10, s: `cyl-${i}`, nested: { n: i } }));

  it('runs a simple equality predicate at well over a million documents per second', () => {
    const { perSecond, hits } = throughput(compileFilter({ a: 5 }), docs);
    expect(hits).toBe(20_000);
    expect(perSecond).toBeGreaterThan(1_000_000);
  });

  it('keeps dotted range predicates above a million documents per second', () => {
    const { perSecond, hits } = throughput(compileFilter({ 'nested.n': { $gte: 100_000 } }), docs);
    expect(hits).toBe(100_000);
    expect(perSecond).toBeGreaterThan(1_000_000);
  });
});
