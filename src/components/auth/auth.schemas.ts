import { z } from '../../shared/openapi/zod.openapi';
import { objectId as objectIdSchema } from '../../shared/http/object-id.schema';
import { ROLES } from './auth.permissions';

export { objectIdSchema };

export const usernameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, '3-64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit')
  .openapi({ example: 'qc.regulator' });

export const districtCodeSchema = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, "_" or "-"').openapi({ example: '441802' });

/** Passwords are checked against the policy in the service, so the answer lists every reason. */
const passwordField = z.string().min(1).max(256);

export const loginBodySchema = z
  .object({
    // Lower-cased like stored usernames; only a string passes, so `{"$gt": ""}` is a 400.
    username: z.string().min(1).max(64).transform((s) => s.toLowerCase()),
    password: passwordField,
    refreshTokenIn: z
      .enum(['body', 'cookie'])
      .default('body')
      .openapi({
        description:
          'Where the refresh token goes: in the JSON answer (API clients, the default), or only in an httpOnly, SameSite=Strict cookie scoped to /api/v1/auth/refresh (the web consoles: page scripts never see it)',
      }),
  })
  .strict()
  .openapi('LoginRequest');

export const refreshTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'is not a refresh token');

/** Without a body token, the refresh cookie the login set (cookie mode) is the token. */
export const refreshBodySchema = z
  .object({ refreshToken: refreshTokenSchema.optional().openapi({ description: 'Required unless the refresh cookie is sent' }) })
  .strict()
  .openapi('RefreshRequest');

export const changePasswordBodySchema = z
  .object({ currentPassword: passwordField, newPassword: passwordField })
  .strict()
  .openapi('ChangePasswordRequest');

export const userViewSchema = z
  .object({
    id: objectIdSchema,
    username: z.string(),
    displayName: z.string(),
    role: z.enum(ROLES),
    enterpriseId: objectIdSchema.optional(),
    districtCode: z.string().optional(),
    workerId: objectIdSchema.optional(),
    active: z.boolean(),
    locked: z.boolean(),
    lockedUntil: z.string().optional().openapi({ format: 'date-time' }),
    mustChangePassword: z.boolean().openapi({ description: "Set by an administrator's password reset: the account's tokens may only change the password" }),
    deactivatedByRole: z.enum(ROLES).optional().openapi({ description: 'While deactivated: the role that did it; only that role or a higher one re-activates' }),
    lastLoginAt: z.string().optional().openapi({ format: 'date-time' }),
    passwordChangedAt: z.string().openapi({ format: 'date-time' }),
    createdAt: z.string().openapi({ format: 'date-time' }),
    updatedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('User');

export const tokenResponseSchema = z
  .object({
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    /** Seconds until the access token expires. */
    expiresIn: z.number().int(),
    refreshToken: z.string().optional().openapi({ description: 'Absent in cookie mode: the token is in the Set-Cookie header only' }),
    refreshExpiresAt: z.string().openapi({ format: 'date-time' }),
    /**
     * true after an administrator's reset: every route but /auth/password, /auth/me, /auth/logout
     * and /auth/refresh answers 403 PASSWORD_CHANGE_REQUIRED until the password is changed.
     */
    mustChangePassword: z.boolean(),
    user: userViewSchema,
  })
  .openapi('TokenResponse');

export type LoginBody = Omit<z.infer<typeof loginBodySchema>, 'refreshTokenIn'>;
export type ChangePasswordBody = z.infer<typeof changePasswordBodySchema>;
export type UserView = z.infer<typeof userViewSchema>;
export type TokenResponse = z.infer<typeof tokenResponseSchema>;
