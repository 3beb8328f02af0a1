import { Router } from 'express';
import type { Connection } from 'mongoose';
import type { ApiModule } from '../../shared/http/api-module';
import { createPageCursors } from '../../shared/http/page.cursor';
import type { OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { unitOfWork } from '../../shared/db/unit-of-work';
import type { AccountAudit } from './account.audit';
import { createActiveAccountCheck, type ActiveAccountCheck } from './active-account.check';
import { authRoutes, registerAuthOpenApi } from './auth.routes';
import { createAuthService, type SessionPolicy } from './auth.service';
import { createLoginThrottle, DEFAULT_LOGIN_THROTTLE, type LoginThrottleOptions } from './login.throttle';
import { createPasswordHasher, DEFAULT_BCRYPT_COST } from './password.hasher';
import type { AccountRegistryLookups } from './auth.ports';
import { createSessionRepository } from './session.repository';
import { createUserRepository, type UserRepository } from './user.repository';
import { createUsersService, type UsersService } from './users.service';
import { registerUsersOpenApi, usersRoutes } from './users.routes';

export { ROLES, RESOURCES, ACTIONS, PERMISSIONS, can, type Role, type Resource, type Action } from './auth.permissions';
export { principalOf, authorize, refuseWiderFilter, scopeFilter, type Principal } from './auth.principal';
export { signAccessToken, verifyAccessToken, accessTokenExpiresAt, authenticate, ACCESS_TOKEN_TTL_SECONDS } from './auth.tokens';
export { DEFAULT_LOGIN_THROTTLE, type LoginThrottleOptions } from './login.throttle';
export type { AccountRegistryLookups } from './auth.ports';
export { BEARER_SECURITY, BEARER_SCHEME, REFRESH_COOKIE, REFRESH_COOKIE_PATH } from './auth.routes';
export { DEFAULT_BCRYPT_COST } from './password.hasher';
export { passwordProblems } from './password.policy';
export { objectIdSchema } from './auth.schemas';

/** Tunables with production defaults; tests lower the bcrypt cost and raise the throttle here. */
export interface AuthOptions {
  bcryptCost?: number;
  sessions?: Partial<SessionPolicy>;
  loginThrottle?: LoginThrottleOptions;
  /** How long a process trusts its last answer to "is this account still active?". */
  activeCacheMs?: number;
  now?: () => Date;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { refreshTokenTtlDays: 14, sessionMaxDays: 30, retryGraceSeconds: 30 };

export interface AuthDeps {
  connection: Connection;
  jwtSecret: string;
  registry?: Partial<AccountRegistryLookups>;
  /** The audit trail: every account change is written to it in the change's transaction. */
  audit: AccountAudit;
  options?: AuthOptions;
  /** Production: the console's refresh cookie is Secure (sent over TLS only). */
  secureCookies?: boolean;
}

export interface AuthComponent {
  module: ApiModule;
  /** For the authenticate middleware: user exists, active, not locked, session not ended. */
  isActive: ActiveAccountCheck['isActive'];
  users: UsersService;
  userRepository: UserRepository;
}

/** Accounts, sessions and tokens: builds its repositories and their indexes, then the services and routes. */
export async function createAuth(deps: AuthDeps): Promise<AuthComponent> {
  const options = deps.options ?? {};
  const now = options.now ?? (() => new Date());
  const users = createUserRepository(deps.connection);
  const sessions = createSessionRepository(deps.connection);
  await Promise.all([users.ensureIndexes(), sessions.ensureIndexes()]);
  const hasher = createPasswordHasher(options.bcryptCost ?? DEFAULT_BCRYPT_COST);
  const transaction = unitOfWork(deps.connection);
  const throttle = await createLoginThrottle(deps.connection, options.loginThrottle ?? DEFAULT_LOGIN_THROTTLE);
  const activeCheck = createActiveAccountCheck({ users, sessions, ttlMs: options.activeCacheMs ?? 5_000, now });
  const authService = createAuthService({
    users,
    sessions,
    hasher,
    activeCheck,
    jwtSecret: deps.jwtSecret,
    throttle,
    sessionPolicy: { ...DEFAULT_SESSION_POLICY, ...options.sessions },
    audit: deps.audit,
    transaction,
    now,
  });
  const usersService = createUsersService({ users, sessions, hasher, activeCheck, throttle, registry: deps.registry ?? {}, audit: deps.audit, transaction, cursors: createPageCursors(deps.jwtSecret), now });
  const router = Router()
    .use(authRoutes(authService, { secureCookies: deps.secureCookies ?? false }))
    .use(usersRoutes(usersService));
  return {
    module: {
      name: 'auth',
      router,
      registerOpenApi: (registry: OpenAPIRegistry) => {
        registerAuthOpenApi(registry);
        registerUsersOpenApi(registry);
      },
    },
    isActive: activeCheck.isActive,
    users: usersService,
    userRepository: users,
  };
}
