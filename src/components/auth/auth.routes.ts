import { Router, type CookieOptions, type Request, type Response } from 'express';
import { z } from '../../shared/openapi/zod.openapi';
import { json, problemResponse, type OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { AppError } from '../../shared/errors/app.error';
import { ACTIONS, PERMISSIONS } from './auth.permissions';
import { principalOf } from './auth.principal';
import { changePasswordBodySchema, loginBodySchema, refreshBodySchema, refreshTokenSchema, tokenResponseSchema, userViewSchema, type TokenResponse } from './auth.schemas';
import type { AuthService } from './auth.service';
import { LoginThrottled } from './login.throttle';
import { refuseCrossSite } from '../../shared/http/cross-site.guard';

export const BEARER_SCHEME = 'bearerAuth';
/** The `security` entry of every route that needs an access token. */
export const BEARER_SECURITY = [{ [BEARER_SCHEME]: [] }];

const logoutBodySchema = z
  .object({ refreshToken: refreshTokenSchema.optional() })
  .strict()
  .openapi('LogoutRequest');

const meViewSchema = userViewSchema
  .extend({ permissions: z.record(z.string(), z.array(z.enum(ACTIONS))).openapi({ description: 'The role\'s row of the permission table: resource → actions' }) })
  .openapi('Me');

/**
 * The web consoles' refresh token: httpOnly (no page script reads it), SameSite=Strict (no other
 * site's page makes the browser send it), Secure in production, and sent only to the refresh route.
 */
export const REFRESH_COOKIE = 'lpg_refresh';
export const REFRESH_COOKIE_PATH = '/api/v1/auth/refresh';
/**
 * Beside it, a hint the page may read: "a refresh cookie was set" (no secret in it), so a console
 * opened without a session does not ask the refresh route for one it knows is not there.
 */
export const SESSION_HINT_COOKIE = 'lpg_session';

export interface AuthRouteOptions {
  /** Secure cookies (production: the platform sits behind TLS). */
  secureCookies: boolean;
}

function refreshCookie(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === REFRESH_COOKIE) return value.join('=');
  }
  return undefined;
}

/** The client address the throttle keys on: the peer, or the trusted proxy's forwarded one. */
const clientAddress = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** Runs a throttled use case, turning its wait into the Retry-After header. */
async function throttled<T>(res: Response, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof LoginThrottled) res.set('Retry-After', String(err.retryAfterSeconds));
    throw err;
  }
}

export function authRoutes(service: AuthService, options: AuthRouteOptions): Router {
  const router = Router();
  const cookieOptions = (expires?: Date): CookieOptions => ({
    httpOnly: true,
    sameSite: 'strict',
    secure: options.secureCookies,
    path: REFRESH_COOKIE_PATH,
    ...(expires ? { expires } : {}),
  });
  /** Cookie mode: the refresh token goes into the cookie and out of the JSON answer. */
  const answer = (res: Response, tokens: TokenResponse, inCookie: boolean) => {
    res.set('Cache-Control', 'no-store');
    if (!inCookie) return res.json(tokens);
    const { refreshToken, ...rest } = tokens;
    const expires = new Date(tokens.refreshExpiresAt);
    res.cookie(REFRESH_COOKIE, refreshToken ?? '', cookieOptions(expires));
    res.cookie(SESSION_HINT_COOKIE, '1', { ...cookieOptions(expires), httpOnly: false, path: '/' });
    return res.json(rest);
  };
  const clearCookies = (res: Response) => {
    res.clearCookie(REFRESH_COOKIE, cookieOptions());
    res.clearCookie(SESSION_HINT_COOKIE, { ...cookieOptions(), httpOnly: false, path: '/' });
  };

  router.post('/auth/login', async (req, res) => {
    const { refreshTokenIn, ...body } = loginBodySchema.parse(req.body);
    const tokens = await throttled(res, () => service.login(body, clientAddress(req)));
    answer(res, tokens, refreshTokenIn === 'cookie');
  });
  router.post('/auth/refresh', async (req, res) => {
    const given = refreshBodySchema.parse(req.body ?? {}).refreshToken;
    const cookie = given === undefined ? refreshCookie(req) : undefined;
    if (cookie !== undefined) refuseCrossSite(req);
    if (given === undefined && cookie === undefined) {
      throw AppError.validation([{ path: 'refreshToken', message: 'is required' }]);
    }
    const parsedCookie = cookie === undefined ? undefined : refreshTokenSchema.safeParse(cookie);
    if (parsedCookie && !parsedCookie.success) {
      clearCookies(res);
      throw AppError.validation([{ path: 'refreshToken', message: 'is not a refresh token' }]);
    }
    try {
      answer(res, await service.refresh(given ?? parsedCookie?.data ?? ''), cookie !== undefined);
    } catch (error) {
      // A cookie that cannot refresh any more only makes every reload fail: drop it.
      if (cookie !== undefined) clearCookies(res);
      throw error;
    }
  });
  router.post('/auth/logout', async (req, res) => {
    const body = logoutBodySchema.parse(req.body ?? {});
    // Either credential identifies the session: an expired access token must not prevent logout.
    if (!req.principal && !body.refreshToken) principalOf(req);
    await service.logout(req.principal, body.refreshToken);
    clearCookies(res);
    res.status(204).end();
  });
  router.post('/auth/password', async (req, res) => {
    const principal = principalOf(req);
    const body = changePasswordBodySchema.parse(req.body);
    await throttled(res, () => service.changePassword(principal, body, clientAddress(req)));
    res.status(204).end();
  });
  router.get('/auth/me', async (req, res) => {
    const principal = principalOf(req);
    // What the role may do, from the one permission table: the consoles show only what it allows.
    res.set('Cache-Control', 'no-store').json({ ...(await service.me(principal)), permissions: PERMISSIONS[principal.role] });
  });
  return router;
}


export function registerAuthOpenApi(registry: OpenAPIRegistry): void {
  // Declared once here; every protected route of every component refers to it by name.
  registry.registerComponent('securitySchemes', BEARER_SCHEME, { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  const tags = ['auth'];
  registry.registerPath({
    method: 'post',
    path: '/api/v1/auth/login',
    tags,
    summary: 'Log in with username and password; returns a 15-minute access token and a rotating refresh token',
    description:
      'mustChangePassword true (after an administrator reset the password): every route but /auth/password, /auth/me, /auth/logout and /auth/refresh ' +
      'answers 403 PASSWORD_CHANGE_REQUIRED until the password is changed; then /auth/refresh gives unrestricted tokens.',
    request: { body: { ...json(loginBodySchema), required: true } },
    responses: {
      200: {
        description: `Logged in. With refreshTokenIn "cookie" the refresh token is not in the body but in Set-Cookie: ${REFRESH_COOKIE}=…; HttpOnly; SameSite=Strict; Path=${REFRESH_COOKIE_PATH} (Secure in production)`,
        ...json(tokenResponseSchema),
      },
      400: problemResponse('VALIDATION_FAILED: the body is not {username, password} strings'),
      401: problemResponse(
        'INVALID_CREDENTIALS (unknown user or wrong password: same status, body and work); ACCOUNT_INACTIVE or ACCOUNT_LOCKED only after the right password',
      ),
      429: problemResponse(
        'TOO_MANY_LOGIN_ATTEMPTS: this address is making too many attempts, or this username failed too often from it (doubling delays), ' +
          'or too often from everywhere (then only addresses that logged in to it before may try); see Retry-After. The account itself is never locked',
      ),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/v1/auth/refresh',
    tags,
    summary: 'Exchange a refresh token for new tokens; the presented one is used up',
    description:
      'Presented again within 30 s (a retry whose answer was lost, or a second tab), a used token gets a fresh pair of the same session. ' +
      'Presented again later, it counts as stolen: REFRESH_TOKEN_REUSED, and the whole session is ended. ' +
      `The token is the body's refreshToken, or, without one, the ${REFRESH_COOKIE} cookie a cookie-mode login set; then the answer rotates the cookie ` +
      'and leaves refreshToken out of the body, and a refusal clears the cookie.',
    request: { body: { ...json(refreshBodySchema), required: false } },
    responses: {
      200: { description: 'New tokens', ...json(tokenResponseSchema) },
      400: problemResponse('VALIDATION_FAILED'),
      401: problemResponse('INVALID_TOKEN, TOKEN_EXPIRED, SESSION_REVOKED, ACCOUNT_INACTIVE, or REFRESH_TOKEN_REUSED (the whole session is ended)'),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/v1/auth/logout',
    tags,
    summary: 'End the session of the bearer token and/or of the refresh token given; clears the refresh cookie',
    security: BEARER_SECURITY,
    request: { body: { ...json(logoutBodySchema), required: false } },
    responses: { 204: { description: 'Logged out' }, 400: problemResponse('VALIDATION_FAILED'), 401: problemResponse('UNAUTHORIZED: neither credential given') },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/v1/auth/password',
    tags,
    summary: "Change one's own password (the only way to: it needs the current one); ends every other session",
    description: 'Clears mustChangePassword; refresh afterwards to get tokens without the restriction.',
    security: BEARER_SECURITY,
    request: { body: { ...json(changePasswordBodySchema), required: true } },
    responses: {
      204: { description: 'Changed' },
      400: problemResponse('VALIDATION_FAILED, WEAK_PASSWORD (every policy violation listed)'),
      401: problemResponse('UNAUTHORIZED, INVALID_TOKEN, TOKEN_EXPIRED, ACCOUNT_INACTIVE'),
      403: problemResponse('CURRENT_PASSWORD_INCORRECT (throttled like a failed login from this address; never locks the account)'),
      429: problemResponse('TOO_MANY_LOGIN_ATTEMPTS; see Retry-After'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/auth/me',
    tags,
    summary: 'The account of the bearer token, with what its role may do (resource → actions, from the permission table)',
    security: BEARER_SECURITY,
    responses: { 200: { description: 'The account', ...json(meViewSchema) }, 401: problemResponse('UNAUTHORIZED, INVALID_TOKEN, TOKEN_EXPIRED, ACCOUNT_INACTIVE') },
  });
}
