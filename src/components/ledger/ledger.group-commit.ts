import { ProjectionMovedError } from './ledger.repository';

export { createGroupCommit, MAX_GROUP } from '../../shared/db/group-commit';

const MAX_ATTEMPTS = 20;

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
