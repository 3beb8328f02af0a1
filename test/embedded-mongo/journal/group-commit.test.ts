import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { openJournal, reopen, useTempDirs } from './journal-fixtures';

const tempDir = useTempDirs();

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function fileHandlePrototype(dir: string): Promise<{ datasync: () => Promise<void> }> {
  const handle = await open(join(dir, 'probe'), 'w');
  await handle.close();
  return Object.getPrototypeOf(handle) as { datasync: () => Promise<void> };
}

afterEach(() => jest.restoreAllMocks());

describe('group commit', () => {
  it('makes 200 concurrent appends share a handful of fsyncs', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    await Promise.all(Array.from({ length: 200 }, (_, n) => journal.append({ n })));
    expect(journal.stats.appends).toBe(200);
    expect(journal.stats.flushes).toBeLessThanOrEqual(2);
    await journal.close();
    expect((await reopen(dir)).records.map((record) => record.n)).toEqual(Array.from({ length: 200 }, (_, n) => n));
  });

  it('batches every append made while an fsync is in flight into the next single write+fsync', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    const first = journal.append({ n: 0 });
    await nextTurn(); // the first batch is now being written
    const followers = Array.from({ length: 50 }, (_, i) => journal.append({ n: i + 1 }));
    await Promise.all([first, ...followers]);
    expect(journal.stats.flushes).toBe(2);
    await journal.close();
  });

  it('resolves appends in the order they were made', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    const resolved: number[] = [];
    const appends: Promise<void>[] = [];
    for (let n = 0; n < 100; n += 1) {
      appends.push(journal.append({ n, pad: 'x'.repeat((n * 37) % 5000) }).then(() => void resolved.push(n)));
      if (n % 10 === 0) await nextTurn();
    }
    await Promise.all(appends);
    expect(resolved).toEqual(Array.from({ length: 100 }, (_, n) => n));
    await journal.close();
  });

  it('waits up to maxGroupDelayMs for companions before writing', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir, { maxGroupDelayMs: 200 });
    const first = journal.append({ n: 0 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await Promise.all([first, journal.append({ n: 1 })]);
    expect(journal.stats.flushes).toBe(1);
    await journal.close();
  });

  it('resolves an append only after the fdatasync that covers it has finished', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    await journal.append({ n: 0 }); // creates the segment, so the next datasync is the record's own
    const prototype = await fileHandlePrototype(dir);
    let finishSync: (() => void) | undefined;
    const realDatasync = prototype.datasync;
    jest.spyOn(prototype, 'datasync').mockImplementationOnce(function (this: unknown) {
      return new Promise<void>((resolve, reject) => {
        finishSync = () => void realDatasync.call(this).then(resolve, reject);
      });
    });
    let resolved = false;
    const appended = journal.append({ n: 1 }).then(() => {
      resolved = true;
    });
    while (finishSync === undefined) await nextTurn(); // the record is written, its fdatasync held back
    for (let turn = 0; turn < 20; turn += 1) await nextTurn();
    expect(resolved).toBe(false);
    finishSync();
    await appended;
    expect(resolved).toBe(true);
    await journal.close();
  });

  it('stops for good when an fsync fails: the batch and everything after it is rejected', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    await journal.append({ n: 0 });
    const prototype = await fileHandlePrototype(dir);
    jest.spyOn(prototype, 'datasync').mockRejectedValueOnce(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));

    const failing = journal.append({ n: 1 });
    await nextTurn();
    const queuedBehind = journal.append({ n: 2 });
    await expect(failing).rejects.toMatchObject({ code: 'JOURNAL_FAILED', message: expect.stringContaining('EIO') });
    await expect(queuedBehind).rejects.toMatchObject({ code: 'JOURNAL_FAILED' });
    await expect(journal.append({ n: 3 })).rejects.toMatchObject({ code: 'JOURNAL_FAILED' });
    await expect(journal.checkpoint([])).rejects.toMatchObject({ code: 'JOURNAL_FAILED' });
    await journal.close();

    const { records } = await reopen(dir);
    expect(records[0]).toEqual({ n: 0 });
    expect(records.map((record) => record.n)).not.toContain(3);
  });
});
