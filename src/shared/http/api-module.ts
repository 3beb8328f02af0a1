import type { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';

/** What a component contributes to the JSON API: routes under /api/v1 and their OpenAPI entries. */
export interface ApiModule {
  name: string;
  router: Router;
  registerOpenApi(registry: OpenAPIRegistry): void;
}
