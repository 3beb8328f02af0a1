import pino, { type Logger, type LevelWithSilent, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: LevelWithSilent;
  format: 'auto' | 'json' | 'pretty';
  env: 'development' | 'production' | 'test';
}

/** Never let credentials reach a log line, wherever they appear in a logged object. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-device-signature"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.secret',
  '*.idNumber',
];

export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level,
    base: { service: 'lpg-trace' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // "level":"error" rather than 50: log shippers and people grep for words.
    formatters: { level: (label: string) => ({ level: label }) },
  };
  const wantPretty = options.format === 'pretty' || (options.format === 'auto' && options.env === 'development');
  const pretty = wantPretty ? prettyStream() : undefined;
  // Synchronous JSON to stdout, like the pretty stream: pino's default stream writes later, so a line
  // logged just before process.exit was lost, and text written straight to stdout after a line (the
  // demo accounts after the ready line) could reach the terminal before it.
  return pino(base, pretty ?? pino.destination({ dest: 1, sync: true }));
}

/**
 * pino-pretty is a devDependency: the production image has no copy, so fall back to JSON.
 * It runs as a synchronous stream, not a worker transport, so the last lines before
 * process.exit are not lost.
 */
function prettyStream(): DestinationStream | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional dependency, resolved at run time
    const pinoPretty = require('pino-pretty') as (opts: Record<string, unknown>) => DestinationStream;
    return pinoPretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
  } catch {
    return undefined;
  }
}
