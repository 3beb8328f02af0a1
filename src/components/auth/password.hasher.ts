import bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';

/** The production bcrypt cost. Tests may lower it only through AuthOptions.bcryptCost. */
export const DEFAULT_BCRYPT_COST = 12;

export interface PasswordHasher {
  readonly cost: number;
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
  /**
   * Spends the time a real comparison would when the account is missing, so the answer's timing
   * does not tell whether a username exists.
   */
  verifyAgainstDummy(password: string): Promise<false>;
}

export function createPasswordHasher(cost: number = DEFAULT_BCRYPT_COST): PasswordHasher {
  let dummy: Promise<string> | undefined;
  return {
    cost,
    hash: (password) => bcrypt.hash(password, cost),
    verify: (password, hash) => bcrypt.compare(password, hash),
    async verifyAgainstDummy(password) {
      dummy ??= bcrypt.hash(randomBytes(16).toString('hex'), cost);
      await bcrypt.compare(password, await dummy);
      return false;
    },
  };
}
