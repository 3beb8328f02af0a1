import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import type { ZodType } from 'zod';
import { problemSchema, PROBLEM_CONTENT_TYPE } from '../errors/problem.schema';

export { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';

/** One registry per app instance; each component adds its paths through its register function. */
export function createOpenApiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.register('Problem', problemSchema);
  return registry;
}

/**
 * The `content` of a JSON request body or response for registerPath, spread beside the rest:
 * `{ description: 'Created', ...json(viewSchema) }`, `body: { ...json(bodySchema), required: true }`.
 */
export function json<T extends ZodType>(schema: T) {
  return { content: { 'application/json': { schema } } };
}

/** A response entry for registerPath: an RFC 9457 problem with the given meaning. */
export function problemResponse(description: string) {
  return { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } } };
}

export function generateOpenApiDocument(registry: OpenAPIRegistry, version: string) {
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'LPG Trace API (液化气瓶追溯监管平台)',
      version,
      description:
        'Errors are RFC 9457 problem details (application/problem+json) with a stable `code` and the `requestId` to quote.\n\n' +
        '**Language.** A problem is written in the language the request\'s `Accept-Language` asks for: `zh-CN` (any `zh`) gives ' +
        'Chinese, anything else — or no header — English, the default for clients that name none (scales, scripts, integrations). ' +
        '`title`, `detail`, each field error\'s `message`, each import line\'s `reason` and each refusal reason\'s `detail` are ' +
        'translated from one message table; `code`, `type`, `status`, field paths and every other member never change with the ' +
        'language, so branch on `code`. The answer carries `Content-Language` and `Vary: Accept-Language`. ' +
        '问题详情按 Accept-Language 返回中文或英文；code 等字段与语言无关。',
    },
    servers: [{ url: '/' }],
  });
}
