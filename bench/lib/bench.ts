import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Operations per second of `op`, run `count` times one after another. */
export async function rate(count: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await op(i);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return count / seconds;
}

/** Median of `runs` measurements, after one warm-up. */
export async function medianOf(runs: number, measure: () => Promise<number>): Promise<number> {
  await measure();
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await measure());
  return median(values);
}

export interface Figure {
  value: number;
  unit: string;
}

export interface Check {
  name: string;
  /** The judged figure: a ratio against `baseline` where there is one. */
  value: number;
  unit: string;
  target: string;
  met: boolean;
  /** The absolute figure behind the ratio (median), kept so runs on one machine can be compared. */
  absolute?: Figure;
  /** What the absolute figure was divided by, measured in the same run (median). */
  baseline?: Figure & { name: string };
}

/**
 * Prints the checks and writes them to bench/results/<name>.json; exits non-zero if one is missed.
 * The load average goes in too: the machines here are shared, and it says how noisy the run was.
 */
export function report(name: string, checks: Check[], extra: Record<string, unknown> = {}): void {
  for (const c of checks) {
    const behind = c.absolute && c.baseline ? ` — ${round(c.absolute.value)} ${c.absolute.unit} vs ${c.baseline.name} ${round(c.baseline.value)} ${c.baseline.unit}` : '';
    process.stdout.write(`${c.met ? 'MET   ' : 'MISSED'} ${c.name}: ${round(c.value)} ${c.unit} (target ${c.target})${behind}\n`);
  }
  const [load1m, load5m] = loadavg();
  process.stdout.write(`load average: ${load1m?.toFixed(2)} (1 min), ${load5m?.toFixed(2)} (5 min)\n`);
  const dir = join(__dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ name, at: new Date().toISOString(), checks, ...extra, loadAverage: { '1m': load1m, '5m': load5m } }, null, 2)}\n`);
  process.stdout.write(`results written to ${file}\n`);
  if (checks.some((c) => !c.met)) process.exitCode = 1;
}

export function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
