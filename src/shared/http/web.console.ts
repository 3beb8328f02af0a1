import express, { Router } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderView } from './html.view';

/**
 * The web consoles, built by Vite into web/dist (scripts/build-if-changed.js): the login at `/`,
 * every console page under /console (one index.html; the router in the page picks the page), their
 * scripts and styles under /ui. Hashed file names never change content, so they are cached for a
 * year; index.html is revalidated, so a new build is picked up at once. Without a build, `/` says
 * how to make one.
 */
export function webConsole(distDir: string, info: { version: string; dbMode: string }): Router {
  const router = Router();
  const indexFile = join(distDir, 'index.html');
  if (!existsSync(indexFile)) {
    router.get('/', (_req, res) => {
      res.status(503).type('html').send(renderView('home', info));
    });
    return router;
  }
  const index = readFileSync(indexFile, 'utf8');
  router.use('/ui', express.static(join(distDir, 'ui'), { index: false, immutable: true, maxAge: '365d' }));
  const page: express.RequestHandler = (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('html').send(index);
  };
  router.get(['/', '/console', '/console/{*rest}'], page);
  return router;
}
