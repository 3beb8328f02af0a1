import vue from '@vitejs/plugin-vue';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The web consoles, built into web/dist and served by Express (src/shared/http/web.console.ts).
 * Scripts and styles are files under /ui/ (the Content-Security-Policy allows scripts from 'self'
 * only, so nothing is inlined); `npm run dev` serves the same with hot reload and passes /api,
 * the public pages and /assets through to the platform.
 */
const platform = process.env.LPG_DEV_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: dirname(fileURLToPath(import.meta.url)),
  base: '/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    assetsDir: 'ui',
    emptyOutDir: true,
    // The size report is the build's own: every chunk with its gzip size.
    reportCompressedSize: true,
    chunkSizeWarningLimit: 1200,
    modulePreload: { polyfill: false },
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': platform,
      '/assets': platform,
      '/8003': platform,
      '/healthz': platform,
      '/readyz': platform,
      // The regulator dashboard's live alerts (/alerts namespace).
      '/socket.io': { target: platform, ws: true },
    },
  },
});
