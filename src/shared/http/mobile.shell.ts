import express, { Router } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the phone may check about a scanned code without the network: the city's QR domain and GS1 prefix. */
export interface MobileCityFacts {
  qrDomain: string;
  companyPrefix: string;
}

/**
 * The delivery worker's phone app (mobile/, built by Vite into mobile/dist) at /m/. Its shell
 * (index.html) is revalidated on every load and carries the city's facts in a meta tag, so the
 * service worker that pre-caches it keeps them for offline use; hashed files under /m/assets are
 * cached for a year; sw.js is never cached by HTTP, so a new build reaches the phone at its next
 * online start.
 *
 * The page's Content-Security-Policy is the platform's, plus 'wasm-unsafe-eval' in script-src:
 * the scanner's fallback (zxing-wasm) compiles WebAssembly, which a strict policy refuses. Only
 * the /m/ documents get it; no other page may compile WebAssembly. Nothing else is relaxed.
 */
export function mobileShell(distDir: string, city: MobileCityFacts | undefined): Router {
  const router = Router();
  const indexFile = join(distDir, 'index.html');
  if (!existsSync(indexFile)) {
    router.get(['/m', '/m/'], (_req, res) => {
      res.status(503).type('text/plain; charset=utf-8').send('手机端尚未构建：运行 npm run build:mobile（The phone app is not built: run npm run build:mobile）');
    });
    return router;
  }
  const facts = city ? `${city.qrDomain};${city.companyPrefix}` : '';
  const index = readFileSync(indexFile, 'utf8').replace('%LPG_CITY%', escapeAttribute(facts));
  const relaxCsp: express.RequestHandler = (_req, res, next) => {
    const policy = res.getHeader('Content-Security-Policy');
    if (typeof policy === 'string') res.setHeader('Content-Security-Policy', policy.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"));
    next();
  };
  // Express matches /m and /m/ alike: only the bare /m is sent on, so the app's relative scope holds.
  router.get('/m/', relaxCsp, (req, res) => {
    if (!req.originalUrl.split('?')[0]?.endsWith('/')) return res.redirect(301, '/m/');
    res.set('Cache-Control', 'no-cache').type('html').send(index);
  });
  router.get('/m/sw.js', (_req, res) => {
    res.set({ 'Cache-Control': 'no-cache', 'Service-Worker-Allowed': '/m/' }).type('text/javascript').sendFile(join(distDir, 'sw.js'));
  });
  router.use('/m/assets', express.static(join(distDir, 'assets'), { index: false, immutable: true, maxAge: '365d', fallthrough: false }));
  router.use('/m', express.static(distDir, { index: false, maxAge: '1h', fallthrough: true }));
  return router;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
