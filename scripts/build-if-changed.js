#!/usr/bin/env node
/**
 * Builds what `npm start` runs — the server (tsc → dist/) and the web consoles (Vite → web/dist/) —
 * only when their sources changed since the last build: each output keeps a stamp, the SHA-256 of
 * its inputs' paths and contents, so an unchanged checkout starts at once.
 *
 *   node scripts/build-if-changed.js            both, when changed
 *   node scripts/build-if-changed.js web        only the consoles
 *   node scripts/build-if-changed.js mobile     only the delivery worker's phone app (/m/)
 *   node scripts/build-if-changed.js --force    rebuild whatever is named (or both)
 */
const { createHash } = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const { reportMobileBundle, reportWebBundle } = require('./web-bundle-report');

const ROOT = join(__dirname, '..');

const TARGETS = {
  server: {
    inputs: ['src', 'seed', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'],
    output: 'dist/src/main.js',
    stamp: 'dist/.build-stamp',
    build: () => run('npx', ['tsc', '-p', 'tsconfig.build.json']),
  },
  web: {
    inputs: ['web/src', 'web/index.html', 'web/vite.config.mts', 'web/tsconfig.json', 'package-lock.json'],
    output: 'web/dist/index.html',
    stamp: 'web/dist/.build-stamp',
    build: async () => {
      const { build } = await import('vite');
      await build({ configFile: join(ROOT, 'web/vite.config.mts'), logLevel: 'warn', build: { manifest: true } });
      return reportWebBundle(join(ROOT, 'web/dist'));
    },
  },
  mobile: {
    // The phone app imports the consoles' API client and the platform's pure tables (reasons, checklist, GRAI).
    inputs: ['mobile/src', 'mobile/index.html', 'mobile/vite.config.mts', 'mobile/pwa.plugin.ts', 'mobile/tsconfig.json', 'web/src/api', 'src/components/ledger/ledger.reasons.ts', 'src/components/deliveries/safety-check.items.ts', 'src/components/qr/grai.code.ts', 'src/components/qr/qr.uri.ts', 'package-lock.json'],
    output: 'mobile/dist/index.html',
    stamp: 'mobile/dist/.build-stamp',
    build: async () => {
      const { build } = await import('vite');
      await build({ configFile: join(ROOT, 'mobile/vite.config.mts'), logLevel: 'warn', build: { manifest: true } });
      return reportMobileBundle(join(ROOT, 'mobile/dist'));
    },
  },
};

function run(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  return result.status === 0;
}

function filesUnder(path) {
  const full = join(ROOT, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [full];
  return readdirSync(full).sort().flatMap((name) => filesUnder(join(path, name)));
}

function fingerprint(inputs) {
  const hash = createHash('sha256');
  for (const file of inputs.flatMap(filesUnder)) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

async function main() {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const named = args.filter((a) => !a.startsWith('--'));
  for (const name of named.length ? named : Object.keys(TARGETS)) {
    const target = TARGETS[name];
    if (!target) throw new Error(`unknown target ${name} (server, web, mobile)`);
    const sum = fingerprint(target.inputs);
    const stamp = join(ROOT, target.stamp);
    if (!force && existsSync(join(ROOT, target.output)) && existsSync(stamp) && readFileSync(stamp, 'utf8') === sum) {
      console.log(`${name}: up to date`);
      continue;
    }
    console.log(`${name}: building…`);
    const started = Date.now();
    if (!(await target.build())) {
      process.exitCode = 1;
      return;
    }
    writeFileSync(stamp, sum);
    console.log(`${name}: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
