import type { Document } from 'bson';
import { open, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { filesIn, framedSize, openJournal, reopen, useTempDirs } from './journal-fixtures';

const tempDir = useTempDirs();

const FIRST_SEGMENT = 'journal-0000000000000001.wal';
const SECOND_SEGMENT = 'journal-0000000000000002.wal';
const SEGMENT_HEADER_BYTES = 16;
const records: Document[] = Array.from({ length: 5 }, (_, n) => ({ n, text: `record ${n}`.repeat(n + 1) }));

/** One segment holding `records`, written one awaited append at a time. */
async function journalOfFiveRecords(): Promise<string> {
  const dir = await tempDir();
  const { journal } = await openJournal(dir);
  for (const record of records) await journal.append(record);
  await journal.close();
  return dir;
}

function offsetOf(index: number): number {
  return SEGMENT_HEADER_BYTES + records.slice(0, index).reduce((sum, record) => sum + framedSize(record), 0);
}

async function flipByte(path: string, offset: number): Promise<void> {
  const handle = await open(path, 'r+');
  const byte = Buffer.alloc(1);
  await handle.read(byte, 0, 1, offset);
  byte[0] = (byte[0] ?? 0) ^ 0x5a;
  await handle.write(byte, 0, 1, offset);
  await handle.close();
}

describe('torn or corrupt journal tail', () => {
  it('drops a last record cut short, keeps the ones before it and truncates the file there', async () => {
    const dir = await journalOfFiveRecords();
    const segment = join(dir, FIRST_SEGMENT);
    await truncate(segment, (await stat(segment)).size - 3);

    const { records: recovered, warnings } = await reopen(dir);
    expect(recovered).toEqual(records.slice(0, 4));
    expect(warnings).toEqual([expect.stringMatching(/journal-0000000000000001\.wal: record runs past the end of the file/)]);
    expect((await stat(segment)).size).toBe(offsetOf(4));
  });

  it('drops a last record whose checksum was flipped', async () => {
    const dir = await journalOfFiveRecords();
    await flipByte(join(dir, FIRST_SEGMENT), offsetOf(4) + 4);

    const { records: recovered, warnings } = await reopen(dir);
    expect(recovered).toEqual(records.slice(0, 4));
    expect(warnings).toEqual([expect.stringContaining('checksum mismatch')]);
  });

  it('stops at a corrupt record in the middle: nothing after it is applied', async () => {
    const dir = await journalOfFiveRecords();
    await flipByte(join(dir, FIRST_SEGMENT), offsetOf(2) + 8 + 10);

    const { records: recovered } = await reopen(dir);
    expect(recovered).toEqual(records.slice(0, 2));
    expect((await stat(join(dir, FIRST_SEGMENT))).size).toBe(offsetOf(2));
  });

  it('appends after the truncation point on the next run, and later opens are clean', async () => {
    const dir = await journalOfFiveRecords();
    const segment = join(dir, FIRST_SEGMENT);
    await truncate(segment, (await stat(segment)).size - 3);

    const { journal } = await openJournal(dir);
    await journal.append({ n: 'after restart' });
    await journal.close();
    const { records: recovered, warnings } = await reopen(dir);
    expect(recovered).toEqual([...records.slice(0, 4), { n: 'after restart' }]);
    expect(warnings).toEqual([]);
  });

  it('sets later segments aside rather than replay them past a gap', async () => {
    const dir = await journalOfFiveRecords();
    const second = await openJournal(dir);
    await second.journal.append({ n: 'second segment' });
    await second.journal.close();
    await flipByte(join(dir, FIRST_SEGMENT), offsetOf(3) + 4);

    const { records: recovered, warnings } = await reopen(dir);
    expect(recovered).toEqual(records.slice(0, 3));
    expect(warnings[1]).toContain(SECOND_SEGMENT);
    expect(await filesIn(dir)).toContain(`${SECOND_SEGMENT}.orphaned`);
    expect((await reopen(dir)).records).toEqual(records.slice(0, 3));
  });

  it('treats a segment whose header was cut short as empty', async () => {
    const dir = await journalOfFiveRecords();
    await writeFile(join(dir, SECOND_SEGMENT), 'LPGWA');

    const { records: recovered, warnings } = await reopen(dir);
    expect(recovered).toEqual(records);
    expect(warnings).toEqual([expect.stringContaining('file header is incomplete')]);
    expect((await stat(join(dir, SECOND_SEGMENT))).size).toBe(0);
    expect((await reopen(dir)).warnings).toEqual([]);
  });
});
