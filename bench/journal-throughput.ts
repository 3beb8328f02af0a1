/**
 * Journal throughput and checkpoint cost.
 *   node --expose-gc --import tsx bench/journal-throughput.ts [--docs 1000000] [--runs 3] [--seconds 3]
 * Prints its figures and writes bench/results/journal-throughput.json.
 *
 * Baselines, measured in the same run on the same disk, next to what they judge:
 * - appends/s against one 300-byte write + fdatasync at a time (the ceiling for a journal that
 *   fsyncs once per record), measured right before each run of the writers;
 * - a checkpoint's seconds against writing the same number of bytes raw (1 MiB writes, one
 *   fdatasync), and a reopen's against reading the snapshot file raw.
 */
import { ObjectId, type Document } from 'bson';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Journal } from '../src/embedded-mongo/storage/journal';
import { snapshotName } from '../src/embedded-mongo/storage/data-files';
import { median, report } from './lib/bench';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '3' },
    writers: { type: 'string', default: '16' },
  },
});
const DOCS = Number(values.docs);
const RUNS = Number(values.runs);
const SECONDS = Number(values.seconds);
const WRITERS = Number(values.writers);
// From what this 2-core shared machine measured (bench/README.md): group commit should at least
// double what one record per fdatasync allows.
const GROUP_COMMIT_VS_RAW = 2;

function aDocument(i: number): Document {
  return {
    _id: new ObjectId(),
    serial: `CYL-${String(i).padStart(9, '0')}`,
    station: 'Hangzhou Xiaoshan filling station No. 3',
    owner: { name: 'Zhejiang Gas Distribution Co.', licence: `ZJ-${i % 9973}` },
    status: i % 3 === 0 ? 'filled' : 'empty',
    capacityKg: 14.5,
    tareKg: 16.2 + (i % 10) / 10,
    filledAt: new Date(1_700_000_000_000 + i * 1000),
    nextInspection: new Date(1_800_000_000_000 + i * 1000),
    tags: ['lpg', 'ys-15', 'residential'],
  };
}

const mib = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

async function rawFsyncsPerSecond(dir: string, seconds: number): Promise<number> {
  const handle = await open(join(dir, 'baseline.bin'), 'w');
  const record = Buffer.alloc(300, 7);
  let count = 0;
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    await handle.write(record);
    await handle.datasync();
    count += 1;
  }
  await handle.close();
  return count / seconds;
}

async function appendsPerSecond(dir: string, writers: number, seconds: number): Promise<{ rate: number; perFlush: number }> {
  const { journal } = await Journal.open(dir);
  let next = 0;
  const until = performance.now() + seconds * 1000;
  const writer = async (): Promise<void> => {
    while (performance.now() < until) await journal.append(aDocument(next++));
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: writers }, writer));
  const elapsed = (performance.now() - started) / 1000;
  const { appends, flushes } = journal.stats;
  await journal.close();
  return { rate: appends / elapsed, perFlush: appends / flushes };
}

/** Seconds to write `bytes` raw in 1 MiB writes and fdatasync them once. */
async function rawWriteSeconds(file: string, bytes: number): Promise<number> {
  const chunk = Buffer.alloc(2 ** 20, 7);
  const started = performance.now();
  const handle = await open(file, 'w');
  for (let written = 0; written < bytes; written += chunk.length) await handle.write(chunk, 0, Math.min(chunk.length, bytes - written));
  await handle.datasync();
  await handle.close();
  return (performance.now() - started) / 1000;
}

async function checkpointCost(dir: string, docs: number): Promise<Record<string, number>> {
  const entries = Array.from({ length: docs }, (_, i) => aDocument(i));
  const { journal } = await Journal.open(dir);
  gc();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed + before.external;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed + now.external);
  }, 5);
  // The longest gap between event-loop turns is what a request arriving mid-checkpoint would wait.
  let longestGap = 0;
  let lastTurn = performance.now();
  let ticking = true;
  const tick = (): void => {
    const now = performance.now();
    longestGap = Math.max(longestGap, now - lastTurn);
    lastTurn = now;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const started = performance.now();
  await journal.checkpoint(entries);
  const seconds = (performance.now() - started) / 1000;
  delay.disable();
  ticking = false;
  clearInterval(sampler);
  await journal.close();
  const { size } = await stat(join(dir, snapshotName(2)));

  entries.length = 0;
  gc();
  const reopenStarted = performance.now();
  const reopened = await Journal.open(dir);
  const reopenSeconds = (performance.now() - reopenStarted) / 1000;
  const recovered = reopened.snapshot.length;
  await reopened.journal.close();
  if (recovered !== docs) throw new Error(`reopened ${recovered} entries, wrote ${docs}`);
  const rawReadStarted = performance.now();
  await readFile(join(dir, snapshotName(2)));
  const rawReadSeconds = (performance.now() - rawReadStarted) / 1000;
  const rawWrite = await rawWriteSeconds(join(dir, 'baseline.bin'), size);
  return {
    rawWriteSeconds: Math.round(rawWrite * 1000) / 1000,
    rawReadSeconds: Math.round(rawReadSeconds * 1000) / 1000,
    docs,
    snapshotMiB: mib(size),
    seconds: Math.round(seconds * 1000) / 1000,
    longestEventLoopGapMs: Math.round(longestGap * 10) / 10,
    eventLoopDelayP99Ms: Math.round((delay.percentile(99) / 1e6) * 10) / 10,
    peakExtraRssMiB: mib(peakRss - before.rss),
    peakExtraHeapAndExternalMiB: mib(peakHeap - (before.heapUsed + before.external)),
    entriesHeapMiB: mib(before.heapUsed),
    reopenSeconds: Math.round(reopenSeconds * 1000) / 1000,
  };
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'journal-bench-'));
  try {
    const baselineSingle = await rawFsyncsPerSecond(root, 1);
    const single = await appendsPerSecond(join(root, 'single'), 1, 1);
    const concurrent: { rate: number; perFlush: number; raw: number }[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const raw = await rawFsyncsPerSecond(root, 1);
      concurrent.push({ ...(await appendsPerSecond(join(root, `concurrent-${run}`), WRITERS, SECONDS)), raw });
      process.stdout.write(`run ${run + 1}: ${WRITERS} writers ${concurrent[run]?.rate.toFixed(0)} appends/s, raw write + fdatasync ${raw.toFixed(0)}/s\n`);
    }
    const rate = median(concurrent.map((run) => run.rate));
    const raw = median(concurrent.map((run) => run.raw));
    const ratio = median(concurrent.map((run) => run.rate / run.raw));
    const checkpoint = DOCS > 0 ? await checkpointCost(join(root, 'checkpoint'), DOCS) : undefined;
    const rawFsync = { name: 'one 300-byte write + fdatasync at a time', value: raw, unit: '/s' };
    report(
      'journal-throughput',
      [
        { name: `${WRITERS} concurrent appenders (group commit) / one write + fdatasync at a time`, value: ratio, unit: '×', target: `≥ ${GROUP_COMMIT_VS_RAW}`, met: ratio >= GROUP_COMMIT_VS_RAW,
          absolute: { value: rate, unit: 'appends/s' }, baseline: rawFsync },
        { name: 'one appender / one write + fdatasync at a time', value: single.rate / baselineSingle, unit: '×', target: 'reported', met: true,
          absolute: { value: single.rate, unit: 'appends/s' }, baseline: { ...rawFsync, value: baselineSingle } },
        ...(checkpoint
          ? [
              { name: `checkpoint of ${DOCS} documents / raw write of as many bytes`, value: (checkpoint.seconds as number) / (checkpoint.rawWriteSeconds as number), unit: '×', target: 'reported', met: true,
                absolute: { value: checkpoint.seconds as number, unit: 's' }, baseline: { name: `raw 1 MiB writes of ${checkpoint.snapshotMiB} MiB + one fdatasync`, value: checkpoint.rawWriteSeconds as number, unit: 's' } },
              { name: `reopen from that snapshot / raw read of the snapshot file`, value: (checkpoint.reopenSeconds as number) / (checkpoint.rawReadSeconds as number), unit: '×', target: 'reported', met: true,
                absolute: { value: checkpoint.reopenSeconds as number, unit: 's' }, baseline: { name: 'readFile of the snapshot', value: checkpoint.rawReadSeconds as number, unit: 's' } },
            ]
          : []),
      ],
      {
        writers: WRITERS,
        appendsPerSecondRuns: concurrent.map((run) => Math.round(run.rate)),
        rawFsyncsPerSecondRuns: concurrent.map((run) => Math.round(run.raw)),
        appendsPerFlushMedian: Math.round(median(concurrent.map((run) => run.perFlush)) * 10) / 10,
        checkpoint,
      },
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
