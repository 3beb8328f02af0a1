/**
 * A token bucket per client address, in this process's memory: with several processes behind a
 * balancer each allows the full rate (the limit is per process, not per deployment). Buckets
 * that have refilled are dropped, so memory follows the number of recently active clients.
 */
export interface RateLimiter {
  /** Takes one token; answers how many seconds to wait when there is none. */
  take(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number };
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const SWEEP_EVERY = 1_000;

export function createRateLimiter(options: { perMinute: number; burst?: number; now?: () => number }): RateLimiter {
  const capacity = options.burst ?? options.perMinute;
  const perMs = options.perMinute / 60_000;
  const now = options.now ?? Date.now;
  const buckets = new Map<string, Bucket>();
  let takes = 0;

  const refill = (bucket: Bucket, at: number) => {
    bucket.tokens = Math.min(capacity, bucket.tokens + (at - bucket.updatedAt) * perMs);
    bucket.updatedAt = at;
  };
  const sweep = (at: number) => {
    for (const [key, bucket] of buckets) {
      refill(bucket, at);
      if (bucket.tokens >= capacity) buckets.delete(key);
    }
  };

  return {
    take(key) {
      const at = now();
      takes += 1;
      if (takes % SWEEP_EVERY === 0) sweep(at);
      const bucket = buckets.get(key) ?? { tokens: capacity, updatedAt: at };
      refill(bucket, at);
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
    },
  };
}
