import type { UnitOfWork } from '../../shared/db/unit-of-work';
import { AppError } from '../../shared/errors/app.error';
import { usernameSchema } from './auth.schemas';
import { authErrors } from './auth.errors';
import { createPasswordHasher, DEFAULT_BCRYPT_COST } from './password.hasher';
import { passwordProblems } from './password.policy';
import type { UserRepository } from './user.repository';
import { principalFor } from './user.view';
import { accountSnapshot, type AccountAudit } from './account.audit';

export interface FirstAdmin {
  username: string;
  displayName: string;
  password: string;
}

/** Throws WEAK_PASSWORD / VALIDATION_FAILED before anything touches the database. */
export function checkFirstAdmin(input: FirstAdmin): void {
  const name = usernameSchema.safeParse(input.username);
  if (!name.success) throw AppError.validation([{ path: 'username', message: name.error.issues[0]?.message ?? 'is invalid' }]);
  const problems = passwordProblems(input.password, input.username);
  if (problems.length > 0) throw authErrors.weakPassword(problems);
}

/**
 * Creates a city regulator account: how the first administrator comes to exist, since the
 * platform ships with no default credentials. Refuses a name that is already taken. The audit
 * trail records the account as created by itself (nobody is logged in to act), in one transaction.
 */
export interface BootstrapDeps {
  users: UserRepository;
  transaction: UnitOfWork;
  audit: AccountAudit;
}

export async function createCityRegulator(deps: BootstrapDeps, input: FirstAdmin, now = new Date()): Promise<string> {
  checkFirstAdmin(input);
  const { users, audit } = deps;
  await users.ensureIndexes();
  const existing = await users.findByUsername(input.username);
  if (existing?.role === 'city_regulator') {
    throw new AppError('ADMIN_EXISTS', 409, 'Conflict', { detail: `A city regulator named ${input.username} already exists; nothing was changed` });
  }
  if (existing) throw authErrors.usernameTaken();
  const hasher = createPasswordHasher(DEFAULT_BCRYPT_COST);
  const passwordHash = await hasher.hash(input.password);
  return deps.transaction(async (session) => {
    const user = await users.insert({ username: input.username, displayName: input.displayName, role: 'city_regulator', passwordHash }, now, session);
    await audit.record({ actor: principalFor(user), action: 'create', resource: 'users', recordId: user.id, before: null, after: accountSnapshot(user, now) }, session);
    return user.id;
  });
}
