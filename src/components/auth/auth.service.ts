import { createHash, randomBytes } from 'node:crypto';
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken } from './auth.tokens';
import type { Principal } from './auth.principal';
import { authErrors } from './auth.errors';
import type { ChangePasswordBody, LoginBody, TokenResponse, UserView } from './auth.schemas';
import type { ActiveAccountCheck } from './active-account.check';
import type { LoginThrottle } from './login.throttle';
import type { PasswordHasher } from './password.hasher';
import { accountSnapshot, type AccountAudit } from './account.audit';
import type { UnitOfWork } from '../../shared/db/unit-of-work';
import { passwordProblems } from './password.policy';
import type { SessionRepository } from './session.repository';
import type { UserRecord, UserRepository } from './user.repository';
import { isLocked, principalFor, toUserView } from './user.view';

export interface SessionPolicy {
  refreshTokenTtlDays: number;
  /** However often it rotates, a session ends this long after the login. */
  sessionMaxDays: number;
  /**
   * A token presented again this soon after its exchange is a retry whose answer was lost (a
   * phone on a poor network) or a second tab refreshing at the same moment: it gets a fresh pair
   * of the same session. Later, a second presentation is reuse and ends the session.
   */
  retryGraceSeconds: number;
}

export interface AuthServiceDeps {
  users: UserRepository;
  sessions: SessionRepository;
  hasher: PasswordHasher;
  activeCheck: ActiveAccountCheck;
  jwtSecret: string;
  throttle: LoginThrottle;
  sessionPolicy: SessionPolicy;
  audit: AccountAudit;
  transaction: UnitOfWork;
  now: () => Date;
}

const DAY_MS = 86_400_000;

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export type AuthService = ReturnType<typeof createAuthService>;

/** Login, token refresh with rotation and reuse detection, logout, password change, me. */
export function createAuthService(deps: AuthServiceDeps) {
  const { users, sessions, hasher, activeCheck } = deps;

  async function issueTokens(user: UserRecord, sessionId: string, sessionEnds: Date, now: Date): Promise<TokenResponse> {
    // 256 bits from the CSPRNG; only its hash is stored.
    const refreshToken = randomBytes(32).toString('base64url');
    const refreshExpiresAt = new Date(Math.min(now.getTime() + deps.sessionPolicy.refreshTokenTtlDays * DAY_MS, sessionEnds.getTime()));
    await sessions.addRefreshToken({ tokenHash: hashRefreshToken(refreshToken), sessionId, userId: user.id, expiresAt: refreshExpiresAt }, now);
    return {
      accessToken: signAccessToken(deps.jwtSecret, principalFor(user, sessionId)),
      tokenType: 'Bearer',
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
      refreshToken,
      refreshExpiresAt: refreshExpiresAt.toISOString(),
      mustChangePassword: user.mustChangePassword,
      user: toUserView(user, now),
    };
  }

  return {
    /**
     * An unknown username and a wrong password take the same steps (a bcrypt comparison, the same
     * throttle bookkeeping) and get the same answer. Only someone who gave the right password
     * learns that the account is deactivated or locked.
     */
    async login(body: LoginBody, clientAddress: string): Promise<TokenResponse> {
      await deps.throttle.admit(body.username, clientAddress);
      const now = deps.now();
      const user = await users.findByUsername(body.username);
      const ok = user ? await hasher.verify(body.password, user.passwordHash) : await hasher.verifyAgainstDummy(body.password);
      if (!user || !ok) {
        await deps.throttle.failed(body.username, clientAddress);
        throw authErrors.invalidCredentials();
      }
      if (!user.active) throw authErrors.accountInactive();
      if (isLocked(user, now) && user.lockedUntil) throw authErrors.accountLocked(user.lockedUntil);
      await deps.throttle.succeeded(body.username, clientAddress);
      await users.recordLogin(user.id, now);
      const session = await sessions.createSession(user.id, now, new Date(now.getTime() + deps.sessionPolicy.sessionMaxDays * DAY_MS));
      return issueTokens(user, session.id, session.expiresAt, now);
    },

    async refresh(refreshToken: string): Promise<TokenResponse> {
      const now = deps.now();
      const token = await sessions.findRefreshToken(hashRefreshToken(refreshToken));
      if (!token) throw authErrors.invalidRefreshToken();
      const session = await sessions.findSession(token.sessionId);
      if (!session || session.revoked) throw authErrors.sessionRevoked();
      // A rotated token presented again means two parties hold the family: end it for both, unless
      // it comes within the retry grace (a request racing this one has just used it: usedAt is now).
      const firstUse = token.usedAt === null && (await sessions.markUsed(token.id, now));
      const usedAt = token.usedAt ?? now;
      if (!firstUse && now.getTime() - usedAt.getTime() > deps.sessionPolicy.retryGraceSeconds * 1000) {
        await sessions.revokeSession(session.id, 'reuse', now);
        activeCheck.forgetUser(token.userId);
        throw authErrors.refreshTokenReused();
      }
      if (token.expiresAt <= now || session.expiresAt <= now) throw authErrors.refreshTokenExpired();
      const user = await users.findById(token.userId);
      if (!user || !user.active || isLocked(user, now)) {
        await sessions.revokeSession(session.id, 'deactivated', now);
        throw authErrors.accountInactive();
      }
      return issueTokens(user, session.id, session.expiresAt, now);
    },

    /** Ends the session of the access token and/or of the refresh token presented. */
    async logout(principal: Principal | undefined, refreshToken: string | undefined): Promise<void> {
      const now = deps.now();
      if (principal?.sessionId) await sessions.revokeSession(principal.sessionId, 'logout', now);
      if (refreshToken) {
        const token = await sessions.findRefreshToken(hashRefreshToken(refreshToken));
        if (token && (!principal || token.userId === principal.userId)) await sessions.revokeSession(token.sessionId, 'logout', now);
        if (token) activeCheck.forgetUser(token.userId);
      }
      if (principal) activeCheck.forgetUser(principal.userId);
    },

    /**
     * Guessing the current password with a stolen token is throttled like a login from the
     * token holder's address; it never locks the account, so the owner is not shut out.
     */
    async changePassword(principal: Principal, body: ChangePasswordBody, clientAddress: string): Promise<void> {
      const now = deps.now();
      const user = await users.findById(principal.userId);
      if (!user) throw authErrors.accountInactive();
      await deps.throttle.admit(user.username, clientAddress);
      if (!(await hasher.verify(body.currentPassword, user.passwordHash))) {
        await deps.throttle.failed(user.username, clientAddress);
        throw authErrors.currentPasswordIncorrect();
      }
      const problems = passwordProblems(body.newPassword, user.username);
      if (body.newPassword === body.currentPassword) problems.push('must differ from the current password');
      if (problems.length > 0) throw authErrors.weakPassword(problems, 'newPassword');
      const passwordHash = await hasher.hash(body.newPassword);
      await deps.transaction(async (session) => {
        const after = await users.update(user.id, {}, { passwordHash, passwordChangedAt: now, failedLoginCount: 0, mustChangePassword: false }, session);
        if (after) await deps.audit.record({ actor: principal, action: 'password_change', resource: 'users', recordId: user.id, before: accountSnapshot(user, now), after: accountSnapshot(after, now) }, session);
      });
      await sessions.revokeUserSessions(user.id, 'password_change', now, principal.sessionId);
      activeCheck.forgetUser(user.id);
    },

    async me(principal: Principal): Promise<UserView> {
      const user = await users.findById(principal.userId);
      if (!user) throw authErrors.accountInactive();
      return toUserView(user, deps.now());
    },
  };
}
