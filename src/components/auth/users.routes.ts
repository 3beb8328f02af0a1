import { Router } from 'express';
import { json, problemResponse, type OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { principalOf } from './auth.principal';
import { BEARER_SECURITY } from './auth.routes';
import { userViewSchema } from './auth.schemas';
import { createUserBodySchema, listUsersQuerySchema, updateUserBodySchema, userIdParamsSchema, userPageSchema } from './users.schemas';
import type { UsersService } from './users.service';

export function usersRoutes(service: UsersService): Router {
  const router = Router();
  router.post('/users', async (req, res) => {
    res.status(201).json(await service.create(principalOf(req), createUserBodySchema.parse(req.body)));
  });
  router.get('/users', async (req, res) => {
    res.json(await service.list(principalOf(req), listUsersQuerySchema.parse(req.query)));
  });
  router.get('/users/:id', async (req, res) => {
    res.json(await service.get(principalOf(req), userIdParamsSchema.parse(req.params).id));
  });
  router.patch('/users/:id', async (req, res) => {
    const principal = principalOf(req);
    const { id } = userIdParamsSchema.parse(req.params);
    res.json(await service.update(principal, id, updateUserBodySchema.parse(req.body)));
  });
  router.post('/users/:id/deactivate', async (req, res) => {
    res.json(await service.deactivate(principalOf(req), userIdParamsSchema.parse(req.params).id));
  });
  return router;
}

const common = {
  400: problemResponse('VALIDATION_FAILED, INVALID_CURSOR'),
  401: problemResponse('UNAUTHORIZED, INVALID_TOKEN, TOKEN_EXPIRED, ACCOUNT_INACTIVE'),
  403: problemResponse('FORBIDDEN: the role may not do this; PASSWORD_CHANGE_REQUIRED: the caller must first change its password'),
};
const notFound = { 404: problemResponse('NOT_FOUND: no such user in your scope') };

export function registerUsersOpenApi(registry: OpenAPIRegistry): void {
  const base = { tags: ['users'], security: BEARER_SECURITY };
  const idParams = { params: userIdParamsSchema };
  registry.registerPath({
    ...base,
    method: 'post',
    path: '/api/v1/users',
    summary: 'Create an account (city regulator: any role; enterprise administrator: its own enterprise’s administrators, operators and workers)',
    request: { body: { ...json(createUserBodySchema), required: true } },
    responses: {
      201: { description: 'Created', ...json(userViewSchema) },
      ...common,
      409: problemResponse('USERNAME_TAKEN'),
      [400]: problemResponse('VALIDATION_FAILED, WEAK_PASSWORD'),
    },
  });
  registry.registerPath({
    ...base,
    method: 'get',
    path: '/api/v1/users',
    summary: 'List the accounts in your scope, in creation order, a page at a time',
    request: { query: listUsersQuerySchema },
    responses: { 200: { description: 'A page', ...json(userPageSchema) }, ...common },
  });
  registry.registerPath({
    ...base,
    method: 'get',
    path: '/api/v1/users/{id}',
    summary: 'Read an account',
    request: idParams,
    responses: { 200: { description: 'The account', ...json(userViewSchema) }, ...common, ...notFound },
  });
  registry.registerPath({
    ...base,
    method: 'patch',
    path: '/api/v1/users/{id}',
    summary: 'Rename, reset the password (ends its sessions), re-activate or unlock an account',
    description:
      "A password set here is another account's reset: it ends that account's sessions and sets mustChangePassword, so its owner must replace it " +
      'at the next login. Your own password is changed only through POST /api/v1/auth/password, with the current one. ' +
      'A deactivation is lifted only by the role that made it or a higher one (city regulator above district regulator above enterprise administrator).',
    request: { ...idParams, body: { ...json(updateUserBodySchema), required: true } },
    responses: {
      200: { description: 'Updated', ...json(userViewSchema) },
      ...common,
      ...notFound,
      [400]: problemResponse('VALIDATION_FAILED, WEAK_PASSWORD'),
      [403]: problemResponse(
        'FORBIDDEN; OWN_PASSWORD_NEEDS_CURRENT (your own password: use POST /api/v1/auth/password); DEACTIVATED_BY_HIGHER_AUTHORITY (re-activation by a lower rank than the deactivator); PASSWORD_CHANGE_REQUIRED',
      ),
    },
  });
  registry.registerPath({
    ...base,
    method: 'post',
    path: '/api/v1/users/{id}/deactivate',
    summary: 'Deactivate an account (never deleted); its tokens stop working at once',
    description: 'Records who deactivated it and in which role (deactivatedByRole); deactivating again never lowers that authority.',
    request: idParams,
    responses: { 200: { description: 'Deactivated', ...json(userViewSchema) }, ...common, ...notFound, 409: problemResponse('CANNOT_DEACTIVATE_SELF') },
  });
}
