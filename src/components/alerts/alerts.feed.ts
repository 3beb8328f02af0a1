import type { Logger } from '../../shared/logger/logger.factory';
import type { AlertRepository, StoredChange } from './alerts.repository';

/**
 * This process's view of the change feed, in global order with nothing skipped. Changes arrive
 * from this process's runner after commit, from other processes through the Socket.IO adapter,
 * and from the journal (`alert_changes`) when a position is missing or on a timer — the journal
 * is the truth, the other two are shortcuts. Listeners see every change exactly once, in seq order.
 */
export function createFeed(deps: { repo: AlertRepository; logger: Pick<Logger, 'error'>; pollMs: number; gapWaitMs?: number }) {
  let position = 0;
  const pending = new Map<number, StoredChange>();
  const listeners = new Set<(change: StoredChange) => void>();
  const waiters: { seq: number; resolve: () => void }[] = [];
  let reading: Promise<void> | undefined;
  let gapTimer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;

  function drain(): void {
    for (let next = pending.get(position + 1); next; next = pending.get(position + 1)) {
      pending.delete(next.seq);
      position = next.seq;
      for (const listener of listeners) {
        try {
          listener(next);
        } catch (error) {
          deps.logger.error({ err: error, seq: next.seq }, 'an alert feed listener failed');
        }
      }
    }
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i] as (typeof waiters)[number];
      if (w.seq <= position) {
        waiters.splice(i, 1);
        w.resolve();
      }
    }
    if (pending.size > 0 && !gapTimer) {
      // A later change came first (another process's, through the adapter): the missing one is committed, read it.
      gapTimer = setTimeout(() => {
        gapTimer = undefined;
        void catchUp();
      }, deps.gapWaitMs ?? 20);
    }
  }

  function offer(changes: readonly StoredChange[]): void {
    for (const change of changes) if (change.seq > position) pending.set(change.seq, change);
    drain();
  }

  /** Reads the journal after the position until it is exhausted (one reader at a time). */
  function catchUp(): Promise<void> {
    reading ??= (async () => {
      try {
        for (;;) {
          const page = await deps.repo.changesAfter(position, {}, 1_000);
          offer(page);
          if (page.length < 1_000) return;
        }
      } catch (error) {
        deps.logger.error({ err: error }, 'reading the alert journal failed; retried on the next poll');
      } finally {
        reading = undefined;
      }
    })();
    return reading;
  }

  return {
    /** Starts from the journal's end: changes before it are a socket's backlog, read from the journal. */
    async start(): Promise<void> {
      position = await deps.repo.lastChangeSeq();
      poll = setInterval(() => void catchUp(), deps.pollMs);
      poll.unref();
    },
    offer,
    catchUp,
    /** The last position delivered to listeners: every change up to it has been. */
    get position(): number {
      return position;
    },
    /** Resolves once the feed has delivered `seq` (or after `timeoutMs`). */
    async reach(seq: number, timeoutMs: number): Promise<void> {
      if (seq <= position) return;
      await catchUp();
      if (seq <= position) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        waiters.push({ seq, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    subscribe(listener: (change: StoredChange) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop(): void {
      if (poll) clearInterval(poll);
      if (gapTimer) clearTimeout(gapTimer);
      for (const w of waiters.splice(0)) w.resolve();
    },
  };
}

export type Feed = ReturnType<typeof createFeed>;
