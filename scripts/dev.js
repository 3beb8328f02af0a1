#!/usr/bin/env node
/**
 * `npm run dev`: the platform in watch mode (tsx) and the consoles' Vite dev server with hot reload,
 * which passes /api, /assets and the public pages through to the platform. Open the Vite URL.
 * Ctrl-C stops both.
 */
const { spawn } = require('node:child_process');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const children = [
  spawn('npx', ['tsx', 'watch', 'src/main.ts'], { cwd: ROOT, stdio: 'inherit' }),
  spawn('npx', ['vite', '-c', 'web/vite.config.mts'], { cwd: ROOT, stdio: 'inherit' }),
];
let stopping = false;
const stop = (code) => {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
};
for (const child of children) child.on('exit', (code) => stop(code ?? 0));
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
