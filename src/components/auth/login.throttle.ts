import type { Connection } from 'mongoose';
import { AppError } from '../../shared/errors/app.error';
import { ensureCounterIndexes, sharedCounters } from '../../shared/rate-limit/shared.limiter';

export interface LoginThrottleOptions {
  /** Login attempts an address may make (any usernames) per window of capacity / refillPerMinute minutes. */
  capacity: number;
  refillPerMinute: number;
  /** Failures of one (username, address) pair answered at once before the delays begin. */
  freeFailures?: number;
  /** The first delay; each further failure of the pair doubles it, up to maxDelaySeconds. */
  baseDelaySeconds?: number;
  maxDelaySeconds?: number;
  /**
   * Failures of one username from all addresses per hour (ASVS 2.2.1: at most 100). Past it, only
   * addresses that have logged in to the account before may still try, so the owner is not locked out.
   */
  accountFailuresPerHour?: number;
}

export const DEFAULT_LOGIN_THROTTLE: Required<LoginThrottleOptions> = {
  capacity: 10,
  refillPerMinute: 10,
  freeFailures: 5,
  baseDelaySeconds: 2,
  maxDelaySeconds: 15 * 60,
  accountFailuresPerHour: 100,
};

/** The collection the counters live in, shared by every app process. */
export const LOGIN_THROTTLE_COLLECTION = 'login_throttle';

const HOUR = 3_600;
const DAY = 24 * HOUR;
/** How long an address that logged in stays known to the account. */
const KNOWN_ADDRESS_SECONDS = 30 * DAY;

/** 429 with how long to wait; the login route turns it into Retry-After. */
export class LoginThrottled extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('TOO_MANY_LOGIN_ATTEMPTS', 429, 'Too many requests', { detail: `Too many login attempts; retry in ${retryAfterSeconds} s` });
  }
}

export interface LoginThrottle {
  /** Before the password is checked; throws LoginThrottled. Answers alike for existing and unknown usernames. */
  admit(username: string, address: string): Promise<void>;
  /** A wrong password or an unknown username: the same bookkeeping for both. */
  failed(username: string, address: string): Promise<void>;
  succeeded(username: string, address: string): Promise<void>;
  /** An administrator's unlock: the account-wide ceiling starts again. */
  clearAccount(username: string): Promise<void>;
}

/**
 * Throttles by (username, client address) with doubling delays (OWASP ASVS 4 V2.2.1, "ever
 * increasing delays"), never by locking the account: a guesser slows down only itself, and the
 * owner with the password logs in from any other address. The counters are in MongoDB, so every
 * process of a deployment shares them and a restart forgets nothing.
 */
export async function createLoginThrottle(connection: Connection, given: LoginThrottleOptions): Promise<LoginThrottle> {
  const options = { ...DEFAULT_LOGIN_THROTTLE, ...given };
  await ensureCounterIndexes(connection, LOGIN_THROTTLE_COLLECTION);
  const counters = (prefix: string, windowSeconds: number) => sharedCounters({ connection, collection: LOGIN_THROTTLE_COLLECTION, prefix, windowSeconds });
  const perAddress = counters('addr', Math.max(1, Math.ceil((options.capacity / options.refillPerMinute) * 60)));
  const pairFailures = counters('pairfail', DAY);
  const pairBlocks = counters('pairwait', DAY);
  const accountFailures = counters('userfail', HOUR);
  const knownAddresses = counters('known', KNOWN_ADDRESS_SECONDS);
  // An address holds no '|', so the pair key is unambiguous whatever the username contains.
  const pair = (username: string, address: string) => `${address}|${username}`;
  const wait = (msLeft: number) => new LoginThrottled(Math.max(1, Math.ceil(msLeft / 1000)));

  return {
    async admit(username, address) {
      const burst = await perAddress.add(address);
      if (burst.count > options.capacity) throw wait(burst.msLeft);
      const blocked = await pairBlocks.read(pair(username, address));
      if (blocked) throw wait(blocked.msLeft);
      const account = await accountFailures.read(username);
      if (account && account.count >= options.accountFailuresPerHour && !(await knownAddresses.read(pair(username, address)))) {
        throw wait(account.msLeft);
      }
    },
    async failed(username, address) {
      const key = pair(username, address);
      const [failures] = await Promise.all([pairFailures.add(key), accountFailures.add(username)]);
      const beyond = failures.count - options.freeFailures;
      if (beyond >= 0) await pairBlocks.set(key, 1, Math.min(options.baseDelaySeconds * 2 ** beyond, options.maxDelaySeconds));
    },
    async succeeded(username, address) {
      const key = pair(username, address);
      await Promise.all([pairFailures.delete(key), pairBlocks.delete(key), knownAddresses.set(key, 1, KNOWN_ADDRESS_SECONDS)]);
    },
    async clearAccount(username) {
      await accountFailures.delete(username);
    },
  };
}
