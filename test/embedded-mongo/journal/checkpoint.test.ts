import type { Document } from 'bson';
import { cp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { filesIn, openJournal, reopen, useTempDirs } from './journal-fixtures';

const tempDir = useTempDirs();

const a = [{ _id: 'a1' }, { _id: 'a2' }];
const b1 = { op: 'b1' };
const c1 = { op: 'c1' };
const stateAfterB: Document[] = [...a, { _id: 'b1' }];

describe('checkpoint', () => {
  it('reopens to the snapshot plus only the records appended after it', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    await journal.append({ op: 'a1' });
    await journal.append({ op: 'a2' });
    await journal.checkpoint(a);
    await journal.append(b1);
    await journal.close();

    const { snapshot, records } = await reopen(dir);
    expect(snapshot).toEqual(a);
    expect(records).toEqual([b1]);
    expect(await filesIn(dir)).toEqual(['journal-0000000000000002.wal', 'snapshot-0000000000000002.snap']);
  });

  it('switches segments at the moment of the call: earlier appends are covered, later ones are not', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    const before = journal.append({ op: 'before' }); // not yet written when checkpoint() is called
    const checkpointed = journal.checkpoint([{ _id: 'state including before' }]);
    const after = journal.append({ op: 'after' });
    await Promise.all([before, checkpointed, after]);
    await journal.close();

    const { snapshot, records } = await reopen(dir);
    expect(snapshot).toEqual([{ _id: 'state including before' }]);
    expect(records).toEqual([{ op: 'after' }]);
  });

  it('coalesces calls made while a snapshot is being written into one more snapshot of the newest state', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    const first = journal.checkpoint([{ v: 1 }]);
    const second = journal.checkpoint([{ v: 2 }]);
    const between = journal.append({ op: 'between' });
    const third = journal.checkpoint([{ v: 3 }]);
    const last = journal.append({ op: 'last' });
    await Promise.all([first, second, between, third, last]);
    expect(journal.stats.checkpoints).toBe(2);
    await journal.close();

    const { snapshot, records } = await reopen(dir);
    expect(snapshot).toEqual([{ v: 3 }]);
    expect(records).toEqual([{ op: 'last' }]);
  });

  it('yields to the event loop while writing a large snapshot', async () => {
    const dir = await tempDir();
    const entries = Array.from({ length: 30_000 }, (_, n) => ({ _id: n, text: 'x'.repeat(250) }));
    const { journal } = await openJournal(dir, { snapshotTuning: { chunkBytes: 64 * 1024, sliceMs: 1 } });
    let turns = 0;
    let counting = true;
    const count = (): void => {
      turns += 1;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    await journal.checkpoint(entries);
    counting = false;
    await journal.close();

    expect(turns).toBeGreaterThan(20);
    const { snapshot } = await reopen(dir);
    expect(snapshot).toHaveLength(entries.length);
    expect(snapshot[29_999]).toEqual(entries[29_999]);
  });

  it('refuses to open over a damaged snapshot, naming it, and leaves the directory unlocked', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    await journal.checkpoint(a);
    await journal.close();
    const path = join(dir, 'snapshot-0000000000000002.snap');
    const handle = await open(path, 'r+');
    await handle.write(Buffer.from('!'), 0, 1, 30);
    await handle.close();

    await expect(reopen(dir)).rejects.toMatchObject({ code: 'SNAPSHOT_CORRUPT', message: expect.stringContaining(path) });
    await expect(reopen(dir)).rejects.toMatchObject({ code: 'SNAPSHOT_CORRUPT' });
  });
});

/**
 * Directory states a crash can leave during the second of two checkpoints, built from the files a real
 * journal wrote: `before` holds snapshot 2 (state a) and segment 2 (b1); `after` holds snapshot 3
 * (state a + b1) and segment 3 (c1, appended after the second checkpoint was called).
 */
async function filesAroundACheckpoint(): Promise<{ before: string; after: string }> {
  const live = await tempDir();
  const before = await tempDir();
  const after = await tempDir();
  const { journal } = await openJournal(live);
  await journal.append({ op: 'a1' });
  await journal.append({ op: 'a2' });
  await journal.checkpoint(a);
  await journal.append(b1);
  await cp(live, before, { recursive: true });
  await journal.checkpoint(stateAfterB);
  await journal.append(c1);
  await cp(live, after, { recursive: true });
  await journal.close();
  expect(await filesIn(before)).toEqual(['LOCK', 'journal-0000000000000002.wal', 'snapshot-0000000000000002.snap']);
  expect(await filesIn(after)).toEqual(['LOCK', 'journal-0000000000000003.wal', 'snapshot-0000000000000003.snap']);
  return { before, after };
}

describe('crash in the middle of a checkpoint', () => {
  it('ignores and removes a half-written temporary snapshot', async () => {
    const { before, after } = await filesAroundACheckpoint();
    const newSnapshot = await readFile(join(after, 'snapshot-0000000000000003.snap'));
    await writeFile(join(before, 'snapshot-0000000000000003.snap.tmp'), newSnapshot.subarray(0, newSnapshot.length / 2));
    await cp(join(after, 'journal-0000000000000003.wal'), join(before, 'journal-0000000000000003.wal'));

    const { snapshot, records } = await reopen(before);
    expect(snapshot).toEqual(a);
    expect(records).toEqual([b1, c1]);
    expect((await filesIn(before)).some((name) => name.endsWith('.tmp'))).toBe(false);
  });

  it('ignores a complete temporary snapshot that was never renamed into place', async () => {
    const { before, after } = await filesAroundACheckpoint();
    await cp(join(after, 'snapshot-0000000000000003.snap'), join(before, 'snapshot-0000000000000003.snap.tmp'));
    await cp(join(after, 'journal-0000000000000003.wal'), join(before, 'journal-0000000000000003.wal'));

    const { snapshot, records } = await reopen(before);
    expect(snapshot).toEqual(a);
    expect(records).toEqual([b1, c1]);
  });

  it('uses the new snapshot once renamed, even if the old snapshot and segments were not yet deleted', async () => {
    const { before, after } = await filesAroundACheckpoint();
    await cp(after, before, { recursive: true, force: true });

    const { snapshot, records } = await reopen(before);
    expect(snapshot).toEqual(stateAfterB);
    expect(records).toEqual([c1]);
    expect(await filesIn(before)).toEqual(['journal-0000000000000003.wal', 'snapshot-0000000000000003.snap']);
  });

  it('uses the new snapshot when the old one is gone but a covered segment is still there', async () => {
    const { before, after } = await filesAroundACheckpoint();
    await rm(join(before, 'snapshot-0000000000000002.snap'));
    await cp(after, before, { recursive: true, force: true });

    const { snapshot, records } = await reopen(before);
    expect(snapshot).toEqual(stateAfterB);
    expect(records).toEqual([c1]);
  });

  it('takes over the lock a crashed process left in a copied directory', async () => {
    const { after } = await filesAroundACheckpoint();
    expect((await stat(join(after, 'LOCK'))).size).toBeGreaterThan(0);
    await expect(reopen(after)).resolves.toMatchObject({ records: [c1] });
  });
});
