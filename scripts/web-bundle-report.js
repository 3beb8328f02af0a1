/**
 * The consoles' bundle report, from Vite's manifest: every JavaScript chunk with its gzip size, and
 * the JavaScript the login page at `/` loads before it shows (the entry, the login page's chunk and
 * every chunk they import statically). That figure must stay within LOGIN_BUDGET_KB; every other
 * page is a lazily loaded chunk.
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { gzipSync } = require('node:zlib');

const LOGIN_BUDGET_KB = 300;
const LOGIN_PAGE = 'src/views/LoginView.vue';

function reportWebBundle(distDir) {
  const manifest = JSON.parse(readFileSync(join(distDir, '.vite/manifest.json'), 'utf8'));
  const gzipKb = (file) => gzipSync(readFileSync(join(distDir, file))).length / 1024;
  const initial = new Set();
  const visit = (key) => {
    const chunk = manifest[key];
    if (!chunk || initial.has(chunk.file)) return;
    initial.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit('index.html');
  visit(LOGIN_PAGE);

  const chunks = Object.values(manifest)
    .filter((c) => c.file.endsWith('.js'))
    .map((c) => ({ file: c.file, kb: gzipKb(c.file), initial: initial.has(c.file) }))
    .sort((a, b) => b.kb - a.kb);
  console.log('web bundle (gzip):');
  for (const c of chunks.slice(0, 12)) console.log(`  ${c.kb.toFixed(1).padStart(7)} kB  ${c.file}${c.initial ? '  (login page)' : ''}`);
  if (chunks.length > 12) console.log(`  … and ${chunks.length - 12} smaller lazy chunks`);
  const loginKb = chunks.filter((c) => c.initial).reduce((sum, c) => sum + c.kb, 0);
  const totalKb = chunks.reduce((sum, c) => sum + c.kb, 0);
  console.log(`  initial JavaScript of the login page: ${loginKb.toFixed(1)} kB gzip (budget ${LOGIN_BUDGET_KB} kB); all JavaScript: ${totalKb.toFixed(1)} kB gzip in ${chunks.length} chunks`);
  if (loginKb > LOGIN_BUDGET_KB) {
    console.error(`the login page's initial JavaScript exceeds its budget of ${LOGIN_BUDGET_KB} kB gzip`);
    return false;
  }
  return true;
}

const SHELL_BUDGET_KB = 250;

/**
 * The phone app's shell: every file the service worker pre-caches, gzip, but the scanner's .wasm
 * (1 MB, fetched once and cached; reported on its own). Must stay within SHELL_BUDGET_KB.
 */
function reportMobileBundle(distDir) {
  const { readdirSync, statSync } = require('node:fs');
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(join(distDir, dir))) {
      const rel = dir ? `${dir}/${name}` : name;
      if (rel.startsWith('.vite') || name === '.build-stamp') continue;
      if (statSync(join(distDir, rel)).isDirectory()) walk(rel);
      else files.push(rel);
    }
  };
  walk('');
  const sized = files.map((file) => ({ file, kb: gzipSync(readFileSync(join(distDir, file))).length / 1024 })).sort((a, b) => b.kb - a.kb);
  const wasm = sized.filter((f) => f.file.endsWith('.wasm'));
  const shell = sized.filter((f) => !f.file.endsWith('.wasm'));
  const shellKb = shell.reduce((sum, f) => sum + f.kb, 0);
  console.log('phone app (gzip):');
  for (const f of sized.slice(0, 8)) console.log(`  ${f.kb.toFixed(1).padStart(7)} kB  ${f.file}`);
  console.log(`  app shell before the scanner's wasm: ${shellKb.toFixed(1)} kB gzip (budget ${SHELL_BUDGET_KB} kB); wasm: ${wasm.reduce((s, f) => s + f.kb, 0).toFixed(1)} kB gzip`);
  if (shellKb > SHELL_BUDGET_KB) {
    console.error(`the phone app's shell exceeds its budget of ${SHELL_BUDGET_KB} kB gzip`);
    return false;
  }
  return true;
}

module.exports = { reportWebBundle, reportMobileBundle, LOGIN_BUDGET_KB, SHELL_BUDGET_KB };
