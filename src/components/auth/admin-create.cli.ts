/**
 * npm run admin:create -- --username NAME [--display-name NAME] [--password-stdin]
 *
 * Creates a city regulator account in the database the platform uses (same config, same .env,
 * same DATA_DIR). Run it while the platform is stopped: the embedded database locks its data
 * directory, and this command says so if `npm start` holds it. The password is read from stdin
 * when piped (or with --password-stdin), otherwise prompted twice without echo.
 */
import { config as loadDotenv } from 'dotenv';
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../../config';
import { AppError } from '../../shared/errors/app.error';
import { startDatabase } from '../../shared/db/database.starter';
import { unitOfWork } from '../../shared/db/unit-of-work';
import { createLogger } from '../../shared/logger/logger.factory';
import { createAudit } from '../audit';
import { createPageCursors } from '../../shared/http/page.cursor';
import { checkFirstAdmin, createCityRegulator } from './admin.bootstrap';
import { createUserRepository } from './user.repository';

const USAGE = 'usage: npm run admin:create -- --username NAME [--display-name NAME] [--password-stdin]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { username: { type: 'string' }, 'display-name': { type: 'string' }, 'password-stdin': { type: 'boolean' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help || !values.username) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  loadDotenv({ quiet: true });
  const config = loadConfig(process.env);
  const password = values['password-stdin'] || !process.stdin.isTTY ? await readStdin() : await promptTwice();
  const input = { username: values.username.toLowerCase(), displayName: values['display-name'] ?? values.username, password };
  checkFirstAdmin(input);

  const logger = createLogger({ level: 'warn', format: 'json', env: config.env });
  let db;
  try {
    db = await startDatabase(config, logger);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'DATA_DIR_LOCKED') {
      process.stderr.write(
        `The database in ${config.dataDir} is in use — is the platform running (npm start / npm run dev)?\n` +
          'Stop it, run this command again, then start the platform.\n',
      );
      return 3;
    }
    throw error;
  }
  try {
    const { connection } = db.database;
    const audit = (await createAudit({ connection, cursors: createPageCursors(config.secrets.JWT_SECRET) })).service;
    const id = await createCityRegulator({ users: createUserRepository(connection), transaction: unitOfWork(connection), audit }, input);
    process.stdout.write(`Created city regulator "${input.username}" (id ${id}). Log in at POST /api/v1/auth/login.\n`);
    return 0;
  } finally {
    await db.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // Only the line ending a pipe adds is dropped; spaces inside the password are kept.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let answer = '';
    const onData = (chars: string) => {
      for (const ch of chars) {
        if (ch === '\r' || ch === '\n') {
          cleanup();
          process.stderr.write('\n');
          return resolve(answer);
        }
        if (ch === '\u0003') {
          cleanup();
          return reject(new Error('cancelled'));
        }
        answer = ch === '\u007f' || ch === '\b' ? answer.slice(0, -1) : answer + ch;
      }
    };
    const cleanup = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
    };
    stdin.on('data', onData);
  });
}

async function promptTwice(): Promise<string> {
  const first = await promptHidden('Password: ');
  const second = await promptHidden('Repeat password: ');
  if (first !== second) throw new AppError('PASSWORDS_DIFFER', 400, 'Bad request', { detail: 'The two passwords differ' });
  return first;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof AppError || error instanceof ConfigError) {
      const reasons = error instanceof AppError ? (error.errors ?? []).map((e) => `\n  ${e.path}: ${e.message}`).join('') : '';
      process.stderr.write(`admin:create: ${error.message}${reasons}\n`);
      process.exit(error instanceof AppError && error.status === 409 ? 4 : 2);
    }
    process.stderr.write(`admin:create failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
