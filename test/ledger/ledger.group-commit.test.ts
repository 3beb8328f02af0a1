import { createGroupCommit, RecheckDuplicates, withRetries } from '../../src/components/ledger/ledger.group-commit';
import { ProjectionMovedError } from '../../src/components/ledger/ledger.repository';

describe('group commit (no database)', () => {
  it('takes the requests that arrive while a commit runs together in the next one, and answers each its own items', async () => {
    const groups: number[][][] = [];
    const commit = createGroupCommit<number, string>(async (requests) => {
      groups.push(requests.map((r) => [...r]));
      await new Promise((r) => setImmediate(r));
      return requests.map((items) => items.map((n) => `#${n}`));
    });
    const answers = await Promise.all([commit([1]), commit([2, 3]), commit([4])]);
    expect(answers).toEqual([['#1'], ['#2', '#3'], ['#4']]);
    expect(groups).toEqual([[[1]], [[2, 3], [4]]]);
  });

  it('keeps a group within its size, but never leaves a larger request waiting', async () => {
    const sizes: number[] = [];
    const commit = createGroupCommit<number, number>(async (requests) => {
      sizes.push(requests.flat().length);
      return requests.map((items) => [...items]);
    }, 3);
    await Promise.all([commit([1]), commit([1, 2]), commit([1, 2]), commit([1, 2, 3, 4])]);
    expect(sizes).toEqual([1, 2, 2, 4]);
  });

  it('fails every request of a failed group, and goes on with the next', async () => {
    let calls = 0;
    const commit = createGroupCommit<number, number>(async (requests) => {
      calls++;
      await new Promise((r) => setImmediate(r));
      if (calls === 2) throw new Error('disk full');
      return requests.map((items) => [...items]);
    });
    const results = await Promise.allSettled([commit([1]), commit([2]), commit([3])]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    await expect(commit([4])).resolves.toEqual([4]);
  });
});

describe('retries of a commit (no database)', () => {
  it('starts again after a lost race (a moved projection, a duplicate key, a recheck) and not after anything else', async () => {
    const races = [new ProjectionMovedError(), Object.assign(new Error('E11000'), { code: 11000 }), new RecheckDuplicates()];
    let attempts = 0;
    await expect(withRetries(async (n) => {
      attempts = n;
      const race = races[n - 1];
      if (race) throw race;
      return 'committed';
    })).resolves.toBe('committed');
    expect(attempts).toBe(4);
    let failed = 0;
    await expect(withRetries(async () => {
      failed++;
      throw new Error('network');
    })).rejects.toThrow('network');
    expect(failed).toBe(1);
  });

  it('gives up after 20 attempts', async () => {
    let attempts = 0;
    await expect(withRetries(async () => {
      attempts++;
      throw new RecheckDuplicates();
    })).rejects.toBeInstanceOf(RecheckDuplicates);
    expect(attempts).toBe(20);
  });
});
