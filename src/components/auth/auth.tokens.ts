import { createSecretKey, type KeyObject } from 'node:crypto';
import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { AppError } from '../../shared/errors/app.error';
import { ROLES } from './auth.permissions';
import type { Principal } from './auth.principal';

const ISSUER = 'lpg-trace';
const AUDIENCE = 'lpg-trace-api';
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

const objectIdHex = z.string().regex(/^[0-9a-f]{24}$/);

const keys = new Map<string, KeyObject>();
/**
 * The secret as a KeyObject, made once: given a string, jsonwebtoken first tries to parse it as a
 * public key on every call, which cost more than the rest of a request.
 */
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  return key;
}

/** The claims of an access token; anything else in a token is refused. */
const accessClaims = z.object({
  typ: z.literal('access'),
  sub: objectIdHex,
  name: z.string().min(1),
  role: z.enum(ROLES),
  ent: objectIdHex.optional(),
  dist: z.string().optional(),
  wrk: objectIdHex.optional(),
  sid: objectIdHex.optional(),
  pwc: z.literal(true).optional(),
  iss: z.literal(ISSUER),
  aud: z.literal(AUDIENCE),
  iat: z.number(),
  exp: z.number(),
  jti: z.string().optional(),
});

/** A short-lived HS256 access token carrying the principal. */
export function signAccessToken(secret: string, principal: Principal, ttlSeconds = ACCESS_TOKEN_TTL_SECONDS): string {
  const claims = {
    typ: 'access',
    name: principal.username,
    role: principal.role,
    ...(principal.enterpriseId ? { ent: principal.enterpriseId } : {}),
    ...(principal.districtCode ? { dist: principal.districtCode } : {}),
    ...(principal.workerId ? { wrk: principal.workerId } : {}),
    ...(principal.sessionId ? { sid: principal.sessionId } : {}),
    ...(principal.mustChangePassword ? { pwc: true } : {}),
  };
  return jwt.sign(claims, keyOf(secret), {
    algorithm: 'HS256',
    subject: principal.userId,
    issuer: ISSUER,
    audience: AUDIENCE,
    expiresIn: ttlSeconds,
  });
}

/** The principal of a valid access token; 401 INVALID_TOKEN for a tampered, expired or foreign one. */
export function verifyAccessToken(secret: string, token: string): Principal {
  let payload: unknown;
  try {
    // The algorithm is pinned: a token claiming "none" or RS256 is refused.
    payload = jwt.verify(token, keyOf(secret), { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
  } catch (err) {
    const expired = err instanceof jwt.TokenExpiredError;
    throw new AppError(expired ? 'TOKEN_EXPIRED' : 'INVALID_TOKEN', 401, 'Unauthorized', {
      detail: expired ? 'The access token has expired' : 'The access token is not valid',
    });
  }
  const claims = accessClaims.safeParse(payload);
  if (!claims.success) throw new AppError('INVALID_TOKEN', 401, 'Unauthorized', { detail: 'The access token is not valid' });
  const c = claims.data;
  return {
    kind: 'user',
    userId: c.sub,
    username: c.name,
    role: c.role,
    ...(c.ent ? { enterpriseId: c.ent } : {}),
    ...(c.dist ? { districtCode: c.dist } : {}),
    ...(c.wrk ? { workerId: c.wrk } : {}),
    ...(c.sid ? { sessionId: c.sid } : {}),
    ...(c.pwc ? { mustChangePassword: true as const } : {}),
  };
}

/** When a token verified by verifyAccessToken expires (its `exp`), for connections that outlive a request. */
export function accessTokenExpiresAt(token: string): Date | undefined {
  const claims = jwt.decode(token, { json: true });
  return typeof claims?.exp === 'number' ? new Date(claims.exp * 1000) : undefined;
}

/**
 * What a token that must change its password may still reach (paths below /api/v1): enough to
 * see who it is, change the password, refresh into an unrestricted token, or leave.
 */
const PASSWORD_CHANGE_ROUTES = new Set(['POST /auth/password', 'GET /auth/me', 'POST /auth/logout', 'POST /auth/refresh']);

function passwordChangeRequired(): AppError {
  return new AppError('PASSWORD_CHANGE_REQUIRED', 403, 'Forbidden', {
    detail: 'An administrator set this password: change it with POST /api/v1/auth/password, then refresh the tokens',
  });
}

/**
 * Sets req.principal from an `Authorization: Bearer` access token. No header leaves the request
 * anonymous (routes that need a caller answer 401 through principalOf); a bad token is a 401 here.
 * `isActive` lets the auth component refuse tokens of deactivated or locked accounts at once.
 */
export function authenticate(secret: string, isActive?: (principal: Principal) => Promise<boolean>): RequestHandler {
  return (req, _res, next) => {
    const header = req.headers.authorization;
    if (!header) return next();
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header);
    if (!match?.[1]) return next(new AppError('INVALID_TOKEN', 401, 'Unauthorized', { detail: 'Authorization must be "Bearer <token>"' }));
    let principal: Principal;
    try {
      principal = verifyAccessToken(secret, match[1]);
    } catch (err) {
      return next(err);
    }
    const admit = () => {
      if (principal.mustChangePassword && !PASSWORD_CHANGE_ROUTES.has(`${req.method} ${req.path}`)) return next(passwordChangeRequired());
      req.principal = principal;
      next();
    };
    if (!isActive) return admit();
    isActive(principal).then(
      (active) => {
        if (!active) return next(new AppError('ACCOUNT_INACTIVE', 401, 'Unauthorized', { detail: 'The account is deactivated or locked' }));
        admit();
      },
      (err: unknown) => next(err),
    );
  };
}
