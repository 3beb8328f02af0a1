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
  // Made up front, so that even the first unknown-user login costs what a real comparison does.
  const dummy = bcrypt.hash(randomBytes(16).toString('hex'), cost);
  return {
    cost,
    hash: (password) => bcrypt.hash(password, cost),
    verify: (password, hash) => bcrypt.compare(password, hash),
    async verifyAgainstDummy(password) {
      await bcrypt.compare(password, await dummy);
      return false;
    },
  };
}
