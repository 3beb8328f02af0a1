import type { Server } from 'node:http';

export interface DrainResult {
  /** True when requests were still running at the deadline and their connections were cut. */
  timedOut: boolean;
}

/**
 * Stops accepting connections and waits for in-flight requests to finish, at most timeoutMs.
 * Keep-alive connections become idle only after their last response, so idle ones are closed
 * repeatedly while waiting rather than once.
 */
export function drainHttpServer(server: Server, timeoutMs: number): Promise<DrainResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearInterval(sweeper);
      clearTimeout(deadline);
      resolve({ timedOut });
    };
    const sweeper = setInterval(() => server.closeIdleConnections(), 50);
    const deadline = setTimeout(() => {
      server.closeAllConnections();
      finish(true);
    }, timeoutMs);
    server.close(() => finish(false));
    server.closeIdleConnections();
  });
}
