/** Most items one group commit takes (concurrent requests coalesced). */
export const MAX_GROUP = 2000;

/**
 * Group commit: requests that arrive while a commit runs wait and go together in the next one
 * (up to `maxGroup` items; a larger request goes alone). Every append of a process would
 * otherwise conflict on a shared counter or document and retry. `commit` gets the waiting
 * requests' items (one array per request, in arrival order) and answers each request's items in
 * its order. Generic: the ledger's capture and the deliveries flows each run one.
 */
interface Waiting<I, O> {
  items: readonly I[];
  resolve(outcomes: O[]): void;
  reject(error: unknown): void;
}

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

