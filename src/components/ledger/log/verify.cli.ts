import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { verifyBundle } from './bundle.verifier';

/**
 * npm run ledger:verify -- --bundle export.json --public-key key.pem
 * Offline: reads two files, touches no database. Prints OK or the first failure; exit code 0 / 1.
 */
function main(argv: readonly string[]): number {
  let bundlePath: string | undefined;
  let keyPath: string | undefined;
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { bundle: { type: 'string' }, 'public-key': { type: 'string' } },
      strict: true,
    });
    bundlePath = values.bundle;
    keyPath = values['public-key'];
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  if (!bundlePath || !keyPath) return usage('both --bundle and --public-key are required');
  let bundle: unknown;
  let publicKeyPem: string;
  try {
    bundle = JSON.parse(readFileSync(bundlePath, 'utf8'));
    publicKeyPem = readPublicKey(readFileSync(keyPath, 'utf8'));
  } catch (error) {
    process.stderr.write(`FAIL: cannot read input: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const verdict = verifyBundle(bundle, publicKeyPem);
  if (!verdict.ok) {
    process.stdout.write(`FAIL: ${verdict.reason}\n`);
    return 1;
  }
  process.stdout.write(
    `OK: cylinder ${verdict.cylinderId}, ${verdict.events} event(s) chained and included in the log of ${verdict.treeSize} signed by key ${verdict.keyId}\n`,
  );
  return 0;
}

/** Accepts the PEM itself or the JSON of GET /api/v1/ledger/public-key. */
function readPublicKey(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  const parsed = JSON.parse(trimmed) as { publicKeyPem?: unknown };
  if (typeof parsed.publicKeyPem !== 'string') throw new Error('the key file has no publicKeyPem');
  return parsed.publicKeyPem;
}

function usage(problem: string): number {
  process.stderr.write(`${problem}\nusage: npm run ledger:verify -- --bundle export.json --public-key key.pem\n`);
  return 1;
}

process.exitCode = main(process.argv.slice(2));
