import type { RequestHandler } from 'express';
import { AppError } from '../../shared/errors/app.error';

export interface LoginThrottleOptions {
  /** Attempts an address may make in a burst. */
  capacity: number;
  /** Attempts it earns back per minute. */
  refillPerMinute: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = { capacity: 10, refillPerMinute: 10 };

/**
 * A token bucket per client address in front of the login route. It lives in this process's
 * memory: behind several processes each keeps its own buckets, so the effective limit is
 * multiplied by their number (a shared store would be the next step).
 */
export function loginThrottle(options: LoginThrottleOptions, now: () => number = Date.now): RequestHandler {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = options.refillPerMinute / 60_000;
  return (req, res, next) => {
    const key = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const t = now();
    const bucket = buckets.get(key) ?? { tokens: options.capacity, at: t };
    bucket.tokens = Math.min(options.capacity, bucket.tokens + (t - bucket.at) * perMs);
    bucket.at = t;
    if (bucket.tokens < 1) {
      buckets.set(key, bucket);
      const waitSeconds = Math.ceil((1 - bucket.tokens) / perMs / 1000);
      res.set('Retry-After', String(waitSeconds));
      return next(new AppError('TOO_MANY_LOGIN_ATTEMPTS', 429, 'Too many requests', { detail: `Too many login attempts; retry in ${waitSeconds} s` }));
    }
    bucket.tokens -= 1;
    // Full buckets carry no information; dropping them keeps the map as small as the attack.
    if (bucket.tokens >= options.capacity - 1 && buckets.size > 10_000) buckets.clear();
    buckets.set(key, bucket);
    next();
  };
}
