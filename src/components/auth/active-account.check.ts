import type { Principal } from './auth.principal';
import type { UserRecord, UserRepository } from './user.repository';
import type { SessionRepository } from './session.repository';

export interface ActiveAccountCheck {
  /** The authenticate middleware's question: may this token still act? */
  isActive(principal: Principal): Promise<boolean>;
  /** Drops what this process remembers of a user, after it changed here. */
  forgetUser(userId: string): void;
}

/**
 * An access token stays valid for its 15 minutes by signature alone; this check makes a
 * deactivation, a lock, a logout or a changed role take effect at once. Answers are cached for a
 * few seconds per process, so other processes notice a change within `ttlMs`.
 */
export function createActiveAccountCheck(deps: {
  users: UserRepository;
  sessions: SessionRepository;
  ttlMs: number;
  now: () => Date;
  maxEntries?: number;
}): ActiveAccountCheck {
  const cache = new Map<string, { active: boolean; until: number }>();
  const maxEntries = deps.maxEntries ?? 10_000;

  async function check(principal: Principal): Promise<boolean> {
    const user = await deps.users.findById(principal.userId);
    if (!user || !stillMatches(user, principal, deps.now())) return false;
    if (!principal.sessionId) return true;
    const session = await deps.sessions.findSession(principal.sessionId);
    return !!session && !session.revoked && session.userId === user.id && session.expiresAt > deps.now();
  }

  return {
    async isActive(principal) {
      const key = `${principal.userId}|${principal.sessionId ?? ''}`;
      const now = deps.now().getTime();
      const hit = cache.get(key);
      if (hit && hit.until > now) return hit.active;
      const active = await check(principal);
      if (cache.size >= maxEntries) cache.clear();
      cache.set(key, { active, until: now + deps.ttlMs });
      return active;
    },
    forgetUser(userId) {
      for (const key of cache.keys()) if (key.startsWith(`${userId}|`)) cache.delete(key);
    },
  };
}

// A token minted before a change of role or enterprise must not keep the old rights.
function stillMatches(user: UserRecord, principal: Principal, now: Date): boolean {
  if (!user.active) return false;
  if (user.lockedUntil && user.lockedUntil > now) return false;
  // A reset by an administrator restricts every token, even one without a session to revoke.
  if (user.mustChangePassword && !principal.mustChangePassword) return false;
  return (
    user.role === principal.role &&
    user.enterpriseId === principal.enterpriseId &&
    user.workerId === principal.workerId &&
    (user.role !== 'district_regulator' || user.districtCode === principal.districtCode)
  );
}
