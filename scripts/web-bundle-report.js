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

module.exports = { reportWebBundle, LOGIN_BUDGET_KB };
