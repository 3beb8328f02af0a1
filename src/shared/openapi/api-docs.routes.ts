import { dirname } from 'node:path';
import { Router, static as serveStatic } from 'express';
import { renderView } from '../http/html.view';
import { generateOpenApiDocument, type OpenAPIRegistry } from './openapi.registry';

// swagger-ui-dist ships no types; its folder is all we need.
const SWAGGER_UI_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));

/**
 * GET /api/openapi.json and a Swagger UI at /api/docs served from node_modules, so the docs
 * work with no internet.
 */
export function apiDocsRoutes(registry: OpenAPIRegistry, version: string): Router {
  const router = Router();
  let document: unknown;
  router.get('/openapi.json', (_req, res) => {
    // Generated on first request: every component has registered its paths by then.
    document ??= generateOpenApiDocument(registry, version);
    res.json(document);
  });
  router.get('/docs', (req, res, next) => {
    // Relative asset URLs below need the trailing slash.
    if (!req.originalUrl.split('?')[0]?.endsWith('/')) {
      res.redirect(301, '/api/docs/');
      return;
    }
    next();
  });
  router.get('/docs/', (_req, res) => {
    res.type('html').send(renderView('api-docs', { specUrl: '/api/openapi.json' }));
  });
  router.use('/docs/vendor', serveStatic(SWAGGER_UI_DIR, { index: false, maxAge: '1d' }));
  return router;
}
