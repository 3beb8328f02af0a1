import { cursorQuery, pageSchema } from '../../shared/http/page.cursor';
import { z } from '../../shared/openapi/zod.openapi';
import { ROLES } from './auth.permissions';
import { districtCodeSchema, objectIdSchema, usernameSchema, userViewSchema } from './auth.schemas';

export const createUserBodySchema = z
  .object({
    username: usernameSchema,
    displayName: z.string().trim().min(1).max(100),
    role: z.enum(ROLES),
    password: z.string().min(1).max(256),
    enterpriseId: objectIdSchema.optional(),
    districtCode: districtCodeSchema.optional(),
    workerId: objectIdSchema.optional(),
  })
  .strict()
  .openapi('CreateUserRequest');

export const updateUserBodySchema = z
  .object({
    displayName: z.string().trim().min(1).max(100).optional(),
    /** An administrator's reset of another account; ends its sessions and forces a change at its next login. */
    password: z.string().min(1).max(256).optional(),
    /** true re-activates a deactivated account (deactivation has its own route), if the caller ranks as high as the deactivator. */
    active: z.literal(true).optional(),
    /** false lifts a lockout. */
    locked: z.literal(false).optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'nothing to change' })
  .openapi('UpdateUserRequest');

export const listUsersQuerySchema = z
  .object({
    role: z.enum(ROLES).optional(),
    enterpriseId: objectIdSchema.optional(),
    districtCode: districtCodeSchema.optional(),
    active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    cursor: cursorQuery,
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const userIdParamsSchema = z.object({ id: objectIdSchema }).strict();

export const userPageSchema = pageSchema(userViewSchema, 'UserPage');

export type CreateUserBody = z.infer<typeof createUserBodySchema>;
export type UpdateUserBody = z.infer<typeof updateUserBodySchema>;
export type ListUsersQuery = z.infer<typeof listUsersQuerySchema>;
