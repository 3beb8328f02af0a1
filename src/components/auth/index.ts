export { ROLES, RESOURCES, ACTIONS, PERMISSIONS, can, type Role, type Resource, type Action } from './auth.permissions';
export { principalOf, authorize, scopeFilter, type Principal } from './auth.principal';
export { signAccessToken, verifyAccessToken, authenticate, ACCESS_TOKEN_TTL_SECONDS } from './auth.tokens';
