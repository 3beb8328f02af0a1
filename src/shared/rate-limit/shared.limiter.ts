import type { Connection } from 'mongoose';
import { RateLimiterMongo, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Counters that every process of the deployment shares, kept in one MongoDB collection through
 * rate-limiter-flexible. Each counter is a key with a point count and an expiry; the TTL index
 * drops expired ones, so the collection stays as small as the traffic it limits. The one
 * rate-limiting mechanism: the login throttle counts with it, the public scan limit is a
 * `sharedRateLimit` over it.
 */
export interface SharedCounters {
  /** Adds `points` (default 1) and answers the count since the key's window began. */
  add(key: string, points?: number): Promise<{ count: number; msLeft: number }>;
  /** The current count and how long its window still runs; undefined when the key is unused. */
  read(key: string): Promise<{ count: number; msLeft: number } | undefined>;
  /** Sets the count for `seconds` from now, whatever it was. */
  set(key: string, count: number, seconds: number): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface SharedCounterOptions {
  connection: Connection;
  /** All counters of a collection share its indexes; `prefix` keeps their keys apart. */
  collection: string;
  prefix: string;
  /** How long a key's window lasts from its first point. */
  windowSeconds: number;
}

const view = (res: RateLimiterRes) => ({ count: res.consumedPoints, msLeft: res.msBeforeNext });

/** The TTL and unique-key indexes the counters need; created once at start-up, not per limiter. */
export async function ensureCounterIndexes(connection: Connection, collection: string): Promise<void> {
  const coll = connection.collection(collection);
  await coll.createIndex({ expire: -1 }, { expireAfterSeconds: 0 });
  await coll.createIndex({ key: 1 }, { unique: true });
}

export function sharedCounters(options: SharedCounterOptions): SharedCounters {
  const db = options.connection.db;
  if (!db) throw new Error('shared counters need a connected database');
  const limiter = new RateLimiterMongo({
    storeClient: db,
    tableName: options.collection,
    keyPrefix: options.prefix,
    // The counters only count; callers decide what a count means, so nothing is ever rejected here.
    points: Number.MAX_SAFE_INTEGER,
    duration: options.windowSeconds,
    disableIndexesCreation: true,
  });
  return {
    async add(key, points = 1) {
      return view(await limiter.penalty(key, points));
    },
    async read(key) {
      const res = await limiter.get(key);
      return res && res.msBeforeNext !== 0 ? view(res) : undefined;
    },
    async set(key, count, seconds) {
      await limiter.set(key, count, seconds);
    },
    async delete(key) {
      await limiter.delete(key);
    },
  };
}

/** The answer to one request against a limit. */
export type RateVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimit {
  /** Counts one request of `key`; past the limit, answers how many seconds until its window ends. */
  take(key: string): Promise<RateVerdict>;
}

/**
 * At most `limit` requests per key per window of `windowSeconds` (a fixed window from the key's
 * first request), counted in the shared counters: every process of the deployment counts into the
 * same key, so the limit holds for the deployment, not per process. The collection's indexes are
 * created on first use (the factory stays synchronous), and again after a failed attempt.
 */
export function sharedRateLimit(options: SharedCounterOptions & { limit: number }): RateLimit {
  const counters = sharedCounters(options);
  let indexes: Promise<void> | undefined;
  const ready = () =>
    (indexes ??= ensureCounterIndexes(options.connection, options.collection).catch((error: unknown) => {
      indexes = undefined;
      throw error;
    }));
  return {
    async take(key) {
      await ready();
      const { count, msLeft } = await counters.add(key);
      return count <= options.limit ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(msLeft / 1000)) };
    },
  };
}
