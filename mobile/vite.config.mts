import vue from '@vitejs/plugin-vue';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { phoneApp } from './pwa.plugin';

/**
 * The delivery worker's phone app, built into mobile/dist and served by Express at /m/
 * (src/shared/http/mobile.shell.ts). Like the consoles: scripts and styles are files (the
 * Content-Security-Policy allows scripts from 'self' only); the scanner's .wasm is a file of its
 * own under /m/assets, never inlined, pre-cached by the service worker.
 */
const platform = process.env.LPG_DEV_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: dirname(fileURLToPath(import.meta.url)),
  base: '/m/',
  plugins: [vue(), phoneApp()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 1200,
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
    modulePreload: { polyfill: false },
  },
  server: { port: 5174, strictPort: true, proxy: { '/api': platform } },
});
