import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './config.error';
import { SECRET_KEYS, type SecretKey } from './env.schema';

export type Secrets = Readonly<Record<SecretKey, string>>;

export const SECRETS_FILE = 'secrets.json';

const storedSecrets = z.record(z.string(), z.string().min(32));

interface ResolveSecretsInput {
  given: Partial<Record<SecretKey, string | undefined>>;
  production: boolean;
  dataDir: string;
}

/**
 * Production must be given every secret: a generated one would silently differ between replicas
 * and invalidate tokens on redeploy. Elsewhere missing secrets are generated once and kept in
 * DATA_DIR/secrets.json so restarts keep issued tokens and QR signatures valid.
 */
export function resolveSecrets({ given, production, dataDir }: ResolveSecretsInput): Secrets {
  const missing = SECRET_KEYS.filter((key) => !given[key]);
  if (missing.length === 0) return pick(given);
  if (production) {
    throw new ConfigError(missing.map((key) => ({ key, message: 'is required in production' })));
  }
  const file = join(dataDir, SECRETS_FILE);
  const stored = readStored(file);
  let changed = false;
  for (const key of missing) {
    if (!stored[key]) {
      stored[key] = randomBytes(32).toString('base64url');
      changed = true;
    }
  }
  if (changed) writeStored(dataDir, file, stored);
  return pick({ ...stored, ...definedOnly(given) });
}

function readStored(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const parsed = storedSecrets.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new ConfigError([{ key: 'DATA_DIR', message: `${file} is not a valid secrets file` }]);
  }
  return { ...parsed.data };
}

function writeStored(dataDir: string, file: string, secrets: Record<string, string>): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  // writeFileSync's mode only applies when it creates the file.
  chmodSync(file, 0o600);
}

function definedOnly(given: ResolveSecretsInput['given']): Record<string, string> {
  return Object.fromEntries(Object.entries(given).filter((e): e is [string, string] => !!e[1]));
}

function pick(source: Partial<Record<string, string | undefined>>): Secrets {
  const out = {} as Record<SecretKey, string>;
  for (const key of SECRET_KEYS) {
    const value = source[key];
    if (!value) throw new Error(`secret ${key} was not resolved`);
    out[key] = value;
  }
  return Object.freeze(out);
}
