import type { ClientSession, Connection } from 'mongoose';

/**
 * Runs `work` in one transaction and commits it, or rolls it back when `work` throws. Transient
 * errors (a write conflict, a lost primary) and an unknown commit result are retried by the
 * driver, so `work` may run more than once: it must only read and write through `session`.
 */
export type UnitOfWork = <T>(work: (session: ClientSession) => Promise<T>) => Promise<T>;

/**
 * The one place that opens transactions; services receive a `UnitOfWork` and never see the
 * connection. It uses the driver's `withTransaction` rather than mongoose's wrapper: repositories
 * write through the driver's collections, and mongoose's per-document bookkeeping around a
 * transaction is work they never need.
 */
export function unitOfWork(connection: Connection): UnitOfWork {
  return async (work) => {
    const session = connection.getClient().startSession();
    try {
      return await session.withTransaction(() => work(session as unknown as ClientSession));
    } finally {
      await session.endSession();
    }
  };
}
