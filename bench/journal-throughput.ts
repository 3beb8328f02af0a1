/**
 * Journal throughput and checkpoint cost.
 *   node --expose-gc --import tsx bench/journal-throughput.ts [--docs 1000000] [--runs 3] [--seconds 3]
 * Prints its figures and writes bench/results/journal-throughput.json.
 *
 * Baseline, measured in the same run on the same disk: one 300-byte write + fdatasync at a time, the
 * ceiling for a journal that fsyncs once per record. Appends/s are reported against it.
 */
import { ObjectId, type Document } from 'bson';
import { mkdir, mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Journal } from '../src/embedded-mongo/storage/journal';
import { snapshotName } from '../src/embedded-mongo/storage/data-files';

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

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
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
  return {
    docs,
    snapshotMiB: mib(size),
    seconds: Math.round(seconds * 100) / 100,
    longestEventLoopGapMs: Math.round(longestGap * 10) / 10,
    eventLoopDelayP99Ms: Math.round((delay.percentile(99) / 1e6) * 10) / 10,
    peakExtraRssMiB: mib(peakRss - before.rss),
    peakExtraHeapAndExternalMiB: mib(peakHeap - (before.heapUsed + before.external)),
    entriesHeapMiB: mib(before.heapUsed),
    reopenSeconds: Math.round(reopenSeconds * 100) / 100,
  };
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'journal-bench-'));
  try {
    const baseline = await rawFsyncsPerSecond(root, 1);
    const single = await appendsPerSecond(join(root, 'single'), 1, 1);
    const concurrent: { rate: number; perFlush: number }[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      concurrent.push(await appendsPerSecond(join(root, `concurrent-${run}`), WRITERS, SECONDS));
    }
    const rate = median(concurrent.map((run) => run.rate));
    const result = {
      baselineRawFsyncsPerSecond: Math.round(baseline),
      singleWriterAppendsPerSecond: Math.round(single.rate),
      writers: WRITERS,
      appendsPerSecondMedian: Math.round(rate),
      appendsPerSecondRuns: concurrent.map((run) => Math.round(run.rate)),
      appendsPerFlushMedian: Math.round(median(concurrent.map((run) => run.perFlush)) * 10) / 10,
      ratioToRawFsyncs: Math.round((rate / baseline) * 100) / 100,
      checkpoint: DOCS > 0 ? await checkpointCost(join(root, 'checkpoint'), DOCS) : undefined,
      // Other work on this 2-core machine shows up here and in every figure above.
      loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    };
    console.log(JSON.stringify(result, null, 2));
    await mkdir(join(__dirname, 'results'), { recursive: true });
    await writeFile(join(__dirname, 'results', 'journal-throughput.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

void main();
