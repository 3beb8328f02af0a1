export { ROLES, RESOURCES, ACTIONS, PERMISSIONS, can, type Role, type Resource, type Action } from './auth.permissions';
export { principalOf, authorize, scopeFilter, type Principal } from './auth.principal';
export { signAccessToken, verifyAccessToken, authenticate, ACCESS_TOKEN_TTL_SECONDS } from './auth.tokens';
export { createAuthComponent, DEFAULT_LOCKOUT, DEFAULT_SESSION_POLICY, type AuthComponent, type AuthOptions } from './auth.module';
export type { AccountRegistryLookups } from './registry.port';
export { BEARER_SECURITY, BEARER_SCHEME } from './auth.routes';
export { DEFAULT_BCRYPT_COST } from './password.hasher';
export { passwordProblems } from './password.policy';
export { objectIdSchema } from './auth.schemas';
