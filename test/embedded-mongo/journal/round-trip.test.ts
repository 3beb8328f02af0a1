import { Binary, Long, ObjectId } from 'bson';
import { Journal } from '../../../src/embedded-mongo/storage/journal';
import { StorageError } from '../../../src/embedded-mongo/storage/storage-error';
import { framedSize, openJournal, reopen, useTempDirs } from './journal-fixtures';

const tempDir = useTempDirs();

describe('journal round trip', () => {
  it('gives back every appended record, in append order, after a reopen', async () => {
    const dir = await tempDir();
    const id = new ObjectId();
    const records = [
      { op: 'insert', ns: 'lpg.cylinders', d: { _id: id, serial: 'CYL-1', filledAt: new Date(0) } },
      { op: 'update', ns: 'lpg.cylinders', d: { _id: id, weight: Long.fromString('9007199254740993') } },
      { op: 'delete', ns: 'lpg.cylinders', x: id, raw: new Binary(Buffer.from([1, 2, 3])) },
    ];
    const { journal, snapshot, records: before } = await openJournal(dir);
    expect(snapshot).toEqual([]);
    expect(before).toEqual([]);
    for (const record of records) await journal.append(record);
    await journal.close();

    const { snapshot: after, records: replayed, warnings } = await reopen(dir);
    expect(after).toEqual([]);
    expect(replayed).toEqual(records);
    expect(warnings).toEqual([]);
  });

  it('keeps append order across several opens of the same directory', async () => {
    const dir = await tempDir();
    for (let session = 0; session < 3; session += 1) {
      const { journal, records } = await openJournal(dir);
      expect(records.map((record) => record.n)).toEqual(Array.from({ length: session * 2 }, (_, i) => i));
      await journal.append({ n: session * 2 });
      await journal.append({ n: session * 2 + 1 });
      await journal.close();
    }
  });

  it('stores a record larger than bson’s 17 MB default serialization buffer', async () => {
    const dir = await tempDir();
    const big = { blob: new Binary(Buffer.alloc(20 * 1024 * 1024, 0xab)) };
    const { journal } = await openJournal(dir);
    await journal.append(big);
    await journal.append({ after: true });
    await journal.close();

    const { records } = await reopen(dir);
    expect(records).toHaveLength(2);
    // Buffer.equals, not toEqual: jest compares 20 MB element by element for most of a minute.
    expect(Buffer.from((records[0]?.blob as Binary).buffer).equals(big.blob.buffer)).toBe(true);
    expect(records[1]).toEqual({ after: true });
  });

  it('counts the bytes appended since the last checkpoint, including those recovered on open', async () => {
    const dir = await tempDir();
    const record = { n: 1, text: 'twelve bytes' };
    const { journal } = await openJournal(dir);
    await journal.append(record);
    await journal.append(record);
    expect(journal.bytesSinceCheckpoint).toBe(2 * framedSize(record));
    await journal.close();

    const { journal: reopened } = await openJournal(dir);
    expect(reopened.bytesSinceCheckpoint).toBe(2 * framedSize(record));
    const checkpointed = reopened.checkpoint([record]);
    expect(reopened.bytesSinceCheckpoint).toBe(0);
    await checkpointed;
    await reopened.close();
  });

  it('refuses a record bson cannot serialize without stopping the journal', async () => {
    const dir = await tempDir();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const { journal } = await openJournal(dir);
    await expect(journal.append(circular)).rejects.toThrow();
    await journal.append({ fine: true });
    await journal.close();
    expect((await reopen(dir)).records).toEqual([{ fine: true }]);
  });

  it('refuses a record over the 64 MiB limit without stopping the journal', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    const huge = { blob: new Binary(Buffer.alloc(65 * 1024 * 1024)) };
    await expect(journal.append(huge)).rejects.toMatchObject({ code: 'RECORD_TOO_LARGE' });
    await journal.append({ fine: true });
    await journal.close();
    expect((await reopen(dir)).records).toEqual([{ fine: true }]);
  });

  it('refuses appends and checkpoints after close', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    const pending = journal.append({ last: true });
    await journal.close();
    await expect(pending).resolves.toBeUndefined();
    await expect(journal.append({ late: true })).rejects.toMatchObject({ code: 'JOURNAL_CLOSED' });
    await expect(journal.checkpoint([])).rejects.toBeInstanceOf(StorageError);
    expect((await reopen(dir)).records).toEqual([{ last: true }]);
  });

  it('rejects a negative group delay', async () => {
    const dir = await tempDir();
    await expect(Journal.open(dir, { maxGroupDelayMs: -1 })).rejects.toThrow(RangeError);
  });
});
