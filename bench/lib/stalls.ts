import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

/** What one process's own stalls were since they were last taken: event-loop delay and garbage collections. */
export interface Stalls {
  loopDelay: { p50: number; p99: number; max: number; p999: number };
  gc: Record<string, { count: number; totalMs: number; maxMs: number }>;
  heapMb: number;
}

const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weak' };

/**
 * Starts watching this process's event loop (1 ms resolution) and its collections; `take()`
 * answers what happened since the previous take and starts over. Both benchmark processes of
 * bench:scales use it: the app (GET /api/v1/bench/loop) and the scales' own process, whose stalls
 * are in every latency it measures.
 */
export function watchStalls(): { take(): Stalls } {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  let gcs: { kind: number; ms: number }[] = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ kind: (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0, ms: e.duration });
  }).observe({ entryTypes: ['gc'] });
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  return {
    take(): Stalls {
      const taken = gcs;
      gcs = [];
      const gc: Stalls['gc'] = {};
      for (const g of taken) {
        const slot = (gc[GC_KINDS[g.kind] ?? String(g.kind)] ??= { count: 0, totalMs: 0, maxMs: 0 });
        slot.count += 1;
        slot.totalMs = Math.round((slot.totalMs + g.ms) * 100) / 100;
        slot.maxMs = Math.max(slot.maxMs, Math.round(g.ms * 100) / 100);
      }
      const stalls = { loopDelay: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max), p999: ms(loop.percentile(99.9)) }, gc, heapMb: Math.round(process.memoryUsage().heapUsed / 1048576) };
      loop.reset();
      return stalls;
    },
  };
}
