/**
 * A separate process for the journal tests, run as `node --import tsx journal-child.ts MODE DIR`.
 *   append DIR      recovers, then appends numbered records from 16 concurrent writers forever,
 *                   checkpointing as an engine would, printing each number once its append resolved
 *   open DIR        tries to open DIR and prints the outcome as JSON
 *   open-and-die DIR  opens DIR, prints "opened", then dies by SIGKILL holding the lock
 */
import type { Document } from 'bson';
import { Journal } from '../../../src/embedded-mongo/storage/journal';
import { StorageError } from '../../../src/embedded-mongo/storage/storage-error';

const WRITERS = 16;
const CHECKPOINT_BYTES = 256 * 1024;

async function appendForever(dir: string): Promise<void> {
  const { journal, snapshot, records } = await Journal.open(dir);
  // The state an engine would hold: one small entry per record, in record order.
  const state: Document[] = [...snapshot, ...records.map((record) => ({ n: record.n, note: record.note }))];
  let next = state.length;
  const writer = async (): Promise<void> => {
    for (;;) {
      const n = next++;
      const length = (n * 7919) % 20000;
      const record = { n, length, pad: 'x'.repeat(length), note: `entry ${n}`.padEnd(600, '.') };
      state.push({ n, note: record.note });
      const appended = journal.append(record);
      if (journal.bytesSinceCheckpoint > CHECKPOINT_BYTES) void journal.checkpoint([...state]);
      await appended;
      process.stdout.write(`${n}\n`);
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
}

async function tryOpen(dir: string): Promise<void> {
  try {
    const { journal } = await Journal.open(dir);
    await journal.close();
    console.log(JSON.stringify({ ok: true }));
  } catch (error) {
    const code = error instanceof StorageError ? error.code : undefined;
    console.log(JSON.stringify({ ok: false, code, message: error instanceof Error ? error.message : String(error) }));
  }
}

async function openAndDie(dir: string): Promise<void> {
  await Journal.open(dir);
  process.stdout.write('opened\n');
  process.kill(process.pid, 'SIGKILL');
}

const [mode, dir] = process.argv.slice(2);
const modes: Record<string, (dir: string) => Promise<void>> = {
  append: appendForever,
  open: tryOpen,
  'open-and-die': openAndDie,
};
const run = mode === undefined ? undefined : modes[mode];
if (run === undefined || dir === undefined) {
  console.error('usage: journal-child.ts append|open|open-and-die DIR');
  process.exit(2);
}
run(dir).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
