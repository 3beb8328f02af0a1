import { ProjectionMovedError } from './ledger.repository';

/** Most items one group-commit transaction takes (concurrent requests coalesced). */
export const MAX_GROUP = 2000;
const MAX_ATTEMPTS = 20;

interface Waiting<I, O> {
  items: readonly I[];
  resolve(outcomes: O[]): void;
  reject(error: unknown): void;
}

/**
 * Group commit: requests that arrive while a commit runs wait and go together in the next one
 * (up to `maxGroup` items; a larger request goes alone). Every append of a process would
 * otherwise conflict on the append counter and retry. `commit` gets the waiting requests' items
 * (one array per request, in arrival order) and answers each request's items in its order.
 */
export function createGroupCommit<I, O>(commit: (requests: readonly (readonly I[])[]) => Promise<O[][]>, maxGroup = MAX_GROUP) {
  const queue: Waiting<I, O>[] = [];
  let running = false;

  async function drain(): Promise<void> {
    running = true;
    while (queue.length > 0) {
      const group = [queue.shift() as Waiting<I, O>];
      let size = (group[0] as Waiting<I, O>).items.length;
      while (queue.length > 0 && size + (queue[0] as Waiting<I, O>).items.length <= maxGroup) {
        const next = queue.shift() as Waiting<I, O>;
        group.push(next);
        size += next.items.length;
      }
      try {
        const answers = await commit(group.map((w) => w.items));
        group.forEach((w, i) => w.resolve(answers[i] as O[]));
      } catch (error) {
        for (const w of group) w.reject(error);
      }
    }
    running = false;
  }

  return (items: readonly I[]): Promise<O[]> =>
    new Promise((resolve, reject) => {
      queue.push({ items, resolve, reject });
      if (!running) void drain();
    });
}

/** The optimistic attempt met a rejection and must run again with the check for stored copies. */
export class RecheckDuplicates extends Error {
  constructor() {
    super('an optimistic append met a rejection: check for stored copies first');
    this.name = 'RecheckDuplicates';
  }
}

/**
 * Runs `attempt` until it succeeds. A concurrent append may win a race the transaction's own
 * retries do not cover (a unique key: the same event id, a first projection, a chain position;
 * or a projection's version): start again, after a short random pause, and see the winner's
 * result. A RecheckDuplicates starts again at once.
 */
export async function withRetries<T>(attempt: (n: number) => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const recheck = error instanceof RecheckDuplicates;
      if (n >= MAX_ATTEMPTS || !(recheck || error instanceof ProjectionMovedError || isDuplicateKey(error))) throw error;
      if (!recheck) await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** n)));
    }
  }
}

function isDuplicateKey(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === 11000 || code === 11001;
}
