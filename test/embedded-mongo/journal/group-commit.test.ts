import { constants } from 'node:fs';
import { open, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { openJournal, reopen, useTempDirs } from './journal-fixtures';

const tempDir = useTempDirs();

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

type Writev = (buffers: Buffer[], position: number) => Promise<{ bytesWritten: number }>;

/** FileHandle.prototype, reached through a handle since node does not export the class. */
async function fileHandlePrototype(dir: string): Promise<{ writev: Writev }> {
  const handle = await open(join(dir, 'probe'), 'w');
  await handle.close();
  return Object.getPrototypeOf(handle) as { writev: Writev };
}

/** The open-file flags of the descriptor this process holds on `path` (Linux /proc). */
async function openFlags(path: string): Promise<number | undefined> {
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target !== path) continue;
    const info = await readFile(`/proc/self/fdinfo/${fd}`, 'utf8');
    const flags = /^flags:\s+([0-7]+)$/m.exec(info)?.[1];
    return flags === undefined ? undefined : parseInt(flags, 8);
  }
  return undefined;
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

  (process.platform === 'linux' ? it : it.skip)('writes segments synchronously (O_DSYNC): a write returns once it is durable', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    await journal.append({ n: 0 });
    const flags = await openFlags(join(dir, 'journal-0000000000000001.wal'));
    expect(flags).toBeDefined();
    expect((flags ?? 0) & constants.O_DSYNC).toBe(constants.O_DSYNC);
    await journal.close();
  });

  it('resolves an append only after the synchronous write covering it has returned', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    await journal.append({ n: 0 }); // creates the segment, so the next write is the record's own
    const prototype = await fileHandlePrototype(dir);
    let finishWrite: (() => void) | undefined;
    const realWritev = prototype.writev;
    jest.spyOn(prototype, 'writev').mockImplementationOnce(function (this: unknown, buffers, position) {
      return new Promise((resolve, reject) => {
        finishWrite = () => void realWritev.call(this, buffers, position).then(resolve, reject);
      });
    });
    let resolved = false;
    const appended = journal.append({ n: 1 }).then(() => {
      resolved = true;
    });
    while (finishWrite === undefined) await nextTurn(); // the batch's write has been issued and is held
    for (let turn = 0; turn < 20; turn += 1) await nextTurn();
    expect(resolved).toBe(false);
    finishWrite();
    await appended;
    expect(resolved).toBe(true);
    await journal.close();
    expect((await reopen(dir)).records).toEqual([{ n: 0 }, { n: 1 }]);
  });

  it('stops for good when a journal write fails: the batch and everything after it is rejected', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    await journal.append({ n: 0 });
    const prototype = await fileHandlePrototype(dir);
    jest.spyOn(prototype, 'writev').mockRejectedValueOnce(Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' }));

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
