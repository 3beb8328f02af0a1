import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository root, found by walking up to our package.json, so that views/ and public/
 * resolve the same from src/ under tsx and from dist/src/ after a build.
 */
export const PROJECT_ROOT = findRoot(__dirname);

export const PROJECT_VERSION = readVersion(PROJECT_ROOT);

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readName(manifest) === 'lpg-trace') return dir;
    if (dirname(dir) === dir) throw new Error(`package.json of lpg-trace not found above ${start}`);
  }
}

function readName(manifest: string): unknown {
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
}

function readVersion(root: string): string {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof version === 'string' ? version : '0.0.0';
}
