import { AppError } from '../../shared/errors/app.error';

/** The stable codes of the accounts API, made in one place so each reads the same everywhere. */
export const authErrors = {
  // One answer for an unknown user, a wrong password and a deactivated account with a wrong password.
  invalidCredentials: () => new AppError('INVALID_CREDENTIALS', 401, 'Unauthorized', { detail: 'Username or password is incorrect' }),
  accountLocked: (until: Date) =>
    new AppError('ACCOUNT_LOCKED', 401, 'Unauthorized', {
      detail: `Too many failed logins; the account is locked until ${until.toISOString()}`,
    }),
  accountInactive: () => new AppError('ACCOUNT_INACTIVE', 401, 'Unauthorized', { detail: 'The account is deactivated or locked' }),
  invalidRefreshToken: () => new AppError('INVALID_TOKEN', 401, 'Unauthorized', { detail: 'The refresh token is not valid' }),
  refreshTokenExpired: () => new AppError('TOKEN_EXPIRED', 401, 'Unauthorized', { detail: 'The refresh token has expired; log in again' }),
  refreshTokenReused: () =>
    new AppError('REFRESH_TOKEN_REUSED', 401, 'Unauthorized', {
      detail: 'This refresh token was already used; the session has been ended for safety. Log in again',
    }),
  sessionRevoked: () => new AppError('SESSION_REVOKED', 401, 'Unauthorized', { detail: 'The session has ended; log in again' }),
  currentPasswordIncorrect: () => new AppError('CURRENT_PASSWORD_INCORRECT', 403, 'Forbidden', { detail: 'The current password is incorrect' }),
  weakPassword: (problems: readonly string[], path = 'password') =>
    new AppError('WEAK_PASSWORD', 400, 'Weak password', {
      detail: 'The password does not meet the password policy',
      errors: problems.map((message) => ({ path, message })),
    }),
  usernameTaken: () =>
    new AppError('USERNAME_TAKEN', 409, 'Conflict', { detail: 'The username is taken', errors: [{ path: 'username', message: 'must be unique' }] }),
  userNotFound: () => AppError.notFound('No such user'),
  // A token alone must not set a new password: a stolen one would become a permanent takeover.
  ownPasswordNeedsCurrent: () =>
    new AppError('OWN_PASSWORD_NEEDS_CURRENT', 403, 'Forbidden', {
      detail: 'Change your own password with POST /api/v1/auth/password, giving the current one',
      errors: [{ path: 'password', message: 'may not be set on your own account here' }],
    }),
  deactivatedByHigherAuthority: (role: string) =>
    new AppError('DEACTIVATED_BY_HIGHER_AUTHORITY', 403, 'Forbidden', {
      detail: `The account was deactivated by a ${role}; only a ${role} or a higher authority may re-activate it`,
    }),
};
