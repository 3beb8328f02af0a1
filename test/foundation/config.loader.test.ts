import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, SECRET_KEYS, SECRETS_FILE } from '../../src/config';
import { envSchema } from '../../src/config/env.schema';

const strongSecret = 'x'.repeat(40);

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'lpg-config-'));
}

function issuesOf(fn: () => unknown): { key: string; message: string }[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('starts a fresh clone with defaults: development, port 3000, auto database mode, ./data', () => {
    const cwd = tempDir();
    const config = loadConfig({}, cwd);
    expect(config.env).toBe('development');
    expect(config.http.port).toBe(3000);
    expect(config.db.mode).toBe('auto');
    expect(config.db.uri).toBeUndefined();
    expect(config.dataDir).toBe(join(cwd, 'data'));
  });

  it('names every bad key at once', () => {
    const issues = issuesOf(() =>
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', MONGODB_URI: 'postgres://x', DB_MODE: 'cloud' }, tempDir()),
    );
    expect(issues.map((i) => i.key).sort()).toEqual(['DB_MODE', 'LOG_LEVEL', 'MONGODB_URI', 'PORT']);
  });

  it('puts each bad key in the error message printed at start', () => {
    expect(() => loadConfig({ PORT: '70000' }, tempDir())).toThrow(/PORT: /);
  });

  it('treats KEY= as not set', () => {
    const config = loadConfig({ PORT: '', MONGODB_URI: '  ' }, tempDir());
    expect(config.http.port).toBe(3000);
    expect(config.db.uri).toBeUndefined();
  });

  it('parses numbers, trims a trailing slash from the public URL and resolves DATA_DIR', () => {
    const config = loadConfig(
      { PORT: '8080', PUBLIC_BASE_URL: 'https://lpg.example.cn/', DATA_DIR: '/var/lib/lpg', SHUTDOWN_TIMEOUT_MS: '2500' },
      tempDir(),
    );
    expect(config.http.port).toBe(8080);
    expect(config.http.publicBaseUrl).toBe('https://lpg.example.cn');
    expect(config.dataDir).toBe('/var/lib/lpg');
    expect(config.shutdownTimeoutMs).toBe(2500);
  });

  it('is frozen all the way down', () => {
    const config = loadConfig({}, tempDir());
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.http)).toBe(true);
    expect(Object.isFrozen(config.secrets)).toBe(true);
  });

  it('reports a missing MONGODB_URI together with the other bad keys', () => {
    const keys = issuesOf(() => loadConfig({ DB_MODE: 'external', PORT: 'x' }, tempDir())).map((i) => i.key);
    expect(keys.sort()).toEqual(['MONGODB_URI', 'PORT']);
  });

  it('requires MONGODB_URI when DB_MODE=external', () => {
    expect(issuesOf(() => loadConfig({ DB_MODE: 'external' }, tempDir()))).toEqual([
      { key: 'MONGODB_URI', message: 'is required when DB_MODE=external' },
    ]);
  });

  it('refuses an embedded mode together with a MONGODB_URI rather than silently ignoring one', () => {
    const issues = issuesOf(() => loadConfig({ DB_MODE: 'embedded', MONGODB_URI: 'mongodb://db:27017' }, tempDir()));
    expect(issues.map((i) => i.key)).toEqual(['DB_MODE']);
  });

  describe('secrets', () => {
    it('are required in production, each missing one named', () => {
      const issues = issuesOf(() => loadConfig({ NODE_ENV: 'production' }, tempDir()));
      expect(issues).toEqual([
        { key: 'JWT_SECRET', message: 'is required in production' },
        { key: 'QR_SIGNING_SECRET', message: 'is required in production' },
        { key: 'PII_HASH_SECRET', message: 'is required in production' },
        { key: 'LEDGER_SIGNING_KEY', message: 'is required in production' },
      ]);
    });

    it('must be long enough to resist guessing', () => {
      const issues = issuesOf(() => loadConfig({ JWT_SECRET: 'short' }, tempDir()));
      expect(issues.map((i) => i.key)).toEqual(['JWT_SECRET']);
    });

    it('are generated in development, kept in DATA_DIR readable by the owner only, and reused on restart', () => {
      const cwd = tempDir();
      const first = loadConfig({}, cwd);
      const file = join(cwd, 'data', SECRETS_FILE);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(first.secrets.JWT_SECRET.length).toBeGreaterThanOrEqual(32);
      expect(first.secrets.JWT_SECRET).not.toBe(first.secrets.QR_SIGNING_SECRET);
      const second = loadConfig({}, cwd);
      expect(second.secrets).toEqual(first.secrets);
    });

    it('given in the environment win over stored ones and are not written to disk', () => {
      const cwd = tempDir();
      const config = loadConfig({ JWT_SECRET: strongSecret }, cwd);
      expect(config.secrets.JWT_SECRET).toBe(strongSecret);
      expect(readFileSync(join(cwd, 'data', SECRETS_FILE), 'utf8')).not.toContain(strongSecret);
    });

    it('in production come only from the environment and touch no file', () => {
      const cwd = tempDir();
      const config = loadConfig(
        { NODE_ENV: 'production', JWT_SECRET: strongSecret, QR_SIGNING_SECRET: `${strongSecret}y`, PII_HASH_SECRET: `${strongSecret}z`, LEDGER_SIGNING_KEY: `${strongSecret}l` },
        cwd,
      );
      expect(config.secrets.QR_SIGNING_SECRET).toBe(`${strongSecret}y`);
      expect(() => statSync(join(cwd, 'data', SECRETS_FILE))).toThrow();
    });

    it('reports a corrupted secrets file instead of replacing it', () => {
      const cwd = tempDir();
      loadConfig({}, cwd);
      writeFileSync(join(cwd, 'data', SECRETS_FILE), JSON.stringify({ JWT_SECRET: 'short' }));
      expect(issuesOf(() => loadConfig({}, cwd)).map((i) => i.key)).toEqual(['DATA_DIR']);
    });
  });
});

describe('configuration documentation', () => {
  const root = join(__dirname, '..', '..');
  const schemaKeys = Object.keys(envSchema.shape).sort();

  it('.env.example documents exactly the keys the service reads', () => {
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const keys = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]).sort();
    expect(keys).toEqual(schemaKeys);
  });

  it("the README's configuration table lists every key", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]).sort();
    expect(rows).toEqual(schemaKeys);
  });

  it('docker-compose.yml hands the app every secret production refuses to start without', () => {
    const compose = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
    const required = [...compose.matchAll(/^\s+([A-Z][A-Z0-9_]*): \$\{\1:\?/gm)].map((m) => m[1]).sort();
    expect(required).toEqual([...SECRET_KEYS].sort());
  });
});
