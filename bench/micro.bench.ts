/**
 * Micro-benchmarks behind two speed-ups claimed in commit messages (issue 10: a claim should be
 * reproducible from bench/):
 * - 9dc383c "own access-log middleware instead of pino-http (about 85 µs less per request)":
 *   a bare Express route, the same route behind our `accessLog`, and behind pino-http configured
 *   as the app had it before that commit (pino-http 11.0.0, a devDependency for this file only).
 *   16 keep-alive clients in the same process for 1 s per variant; per-request time is the inverse
 *   of the rate, so what a middleware adds is its time minus the bare route's. With logging off
 *   (as the claim says) and on (JSON lines to /dev/null).
 * - 935fbd9 "canonical JSON built by concatenation (about 10 % less per event hash)": SHA-256 of
 *   our `canonicalJson` against the obvious JSON.stringify of a key-sorted copy, and against the
 *   map/join version that commit replaced, on a realistic fill event. All three must give the same
 *   bytes, or the comparison means nothing.
 * Variants run in a rotated order in each round; figures are medians over the rounds.
 * Run: npm run bench:micro
 */
import { createHash } from 'node:crypto';
import { Agent, get, type IncomingMessage, type ServerResponse } from 'node:http';
import express, { type RequestHandler } from 'express';
import pino, { type Logger } from 'pino';
import { canonicalJson, eventHash, type HashedEvent } from '../src/components/ledger';
import { REDACT_PATHS } from '../src/shared/logger/logger.factory';
import { accessLog } from '../src/shared/http/access-log.middleware';
import { REQUEST_ID_HEADER, resolveRequestId } from '../src/shared/http/request-id.resolver';
import { listenOnFreePort } from '../test/foundation/app.harness';
import { median, report, type Check } from './lib/bench';

const ROUNDS = 7;
const CLIENTS = 16;
const WINDOW_MS = 1000;
const HASHES = 20_000;

// ---- access log --------------------------------------------------------------------------

/** The options the app passed to pino-http; its own types are not imported (see below). */
interface PinoHttpOptions {
  logger: Logger;
  genReqId(req: IncomingMessage, res: ServerResponse): string;
  customAttributeKeys: { reqId: string };
  quietReqLogger: boolean;
  customLogLevel(req: IncomingMessage, res: ServerResponse, error?: Error): 'error' | 'warn' | 'info';
  autoLogging: { ignore(req: IncomingMessage): boolean };
  serializers: Record<string, (value: never) => unknown>;
}
// Required, not imported: pino-http's type declarations augment IncomingMessage with `id` and
// `log` of their own, which clash with the app's (access-log.middleware.ts) across the whole program.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const { pinoHttp } = require('pino-http') as { pinoHttp(options: PinoHttpOptions): RequestHandler };

/** The app's pino-http configuration before 9dc383c, verbatim. */
function formerPinoHttp(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const id = resolveRequestId(req.headers[REQUEST_ID_HEADER.toLowerCase()]);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    customAttributeKeys: { reqId: 'requestId' },
    quietReqLogger: true,
    customLogLevel: (_req, res, error) => {
      if (error || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return 'info';
    },
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    serializers: {
      req: (req: { id: unknown; method: unknown; url: unknown; remoteAddress: unknown }) => ({ id: req.id, method: req.method, url: req.url, remoteAddress: req.remoteAddress }),
      res: (res: { statusCode: unknown }) => ({ statusCode: res.statusCode }),
    },
  });
}

/** The app's logger options (createLogger), writing to `dest`. */
function appLogger(level: 'silent' | 'info'): Logger {
  return pino(
    { level, base: { service: 'lpg-trace' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label: string) => ({ level: label }) } },
    pino.destination({ dest: '/dev/null', sync: false }),
  );
}

type Variant = 'bare' | 'ours' | 'pino-http';

async function serve(variant: Variant, logger: Logger) {
  const app = express();
  if (variant === 'ours') app.use(accessLog(logger));
  if (variant === 'pino-http') app.use(formerPinoHttp(logger));
  app.get('/hello', (_req, res) => {
    res.json({ hello: 'world' });
  });
  return listenOnFreePort(app);
}

/** Requests per second from CLIENTS keep-alive clients for WINDOW_MS. */
async function requestRate(url: string, agent: Agent): Promise<number> {
  const once = () =>
    new Promise<void>((resolve, reject) => {
      get(`${url}/hello`, { agent }, (res) => {
        res.resume();
        res.once('end', resolve);
      }).once('error', reject);
    });
  let done = 0;
  const deadline = Date.now() + WINDOW_MS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < deadline) {
        await once();
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

interface AccessLogFigures {
  usPerRequest: Record<Variant, number>;
  oursOverPino: number;
  savedUs: number;
  oursAddedUs: number;
  pinoAddedUs: number;
}

async function accessLogCost(level: 'silent' | 'info'): Promise<AccessLogFigures> {
  const logger = appLogger(level);
  const variants: Variant[] = ['bare', 'ours', 'pino-http'];
  const servers = Object.fromEntries(await Promise.all(variants.map(async (v) => [v, await serve(v, logger)] as const))) as Record<Variant, Awaited<ReturnType<typeof serve>>>;
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const rounds: Record<Variant, number>[] = [];
  try {
    for (const v of variants) await requestRate(servers[v].url, agent); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      const us = {} as Record<Variant, number>;
      for (let k = 0; k < variants.length; k++) {
        const v = variants[(round + k) % variants.length] as Variant;
        us[v] = 1e6 / (await requestRate(servers[v].url, agent));
      }
      rounds.push(us);
      process.stdout.write(`access log (${level === 'silent' ? 'logging off' : 'logging on'}) round ${round + 1}: bare ${us.bare.toFixed(1)} µs, ours ${us.ours.toFixed(1)} µs, pino-http ${us['pino-http'].toFixed(1)} µs per request\n`);
    }
  } finally {
    agent.destroy();
    for (const v of variants) await servers[v].close();
  }
  const of = (f: (r: Record<Variant, number>) => number) => median(rounds.map(f));
  return {
    usPerRequest: { bare: of((r) => r.bare), ours: of((r) => r.ours), 'pino-http': of((r) => r['pino-http']) },
    oursOverPino: of((r) => r.ours / r['pino-http']),
    savedUs: of((r) => r['pino-http'] - r.ours),
    oursAddedUs: of((r) => r.ours - r.bare),
    pinoAddedUs: of((r) => r['pino-http'] - r.bare),
  };
}

// ---- canonical JSON ----------------------------------------------------------------------

/** The obvious way: a key-sorted copy (dates as ISO strings, ObjectIds as hex), then JSON.stringify. */
function sortedCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(sortedCopy);
  const hex = (value as { toHexString?: unknown }).toHexString;
  if (typeof hex === 'function') return String(hex.call(value));
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) if (record[key] !== undefined) out[key] = sortedCopy(record[key]);
  return out;
}

/** src/components/ledger/ledger.canonical.ts as it was before 935fbd9 (map/join). */
function formerCanonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: numbers must be finite');
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
  }
  if (Array.isArray(value)) return `[${value.map(formerCanonical).join(',')}]`;
  const hex = (value as { toHexString?: unknown }).toHexString;
  if (typeof hex === 'function') return JSON.stringify(String(hex.call(value)));
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${formerCanonical(record[k])}`);
  return `{${members.join(',')}}`;
}

/** A fill event as capture hashes it: every hashed field, a payload from a filling scale. */
function aFillEvent(i: number): HashedEvent {
  return {
    eventId: `7f1c2a4e-9b3d-4c5e-8f6a-${String(i).padStart(12, '0')}`,
    logSeq: 1_000_000 + i,
    cylinderId: '665f1c2a4e9b3d4c5e8f6a01',
    grai: '06901234000014B0000123',
    enterpriseId: '665f1c2a4e9b3d4c5e8f6a02',
    districtCode: '441802',
    type: 'fill',
    occurredAt: new Date(1_760_000_000_000 + i * 1000),
    receivedAt: new Date(1_760_000_000_500 + i * 1000),
    actor: { kind: 'device', id: 'scale-S-01', role: 'filling_scale', enterpriseId: '665f1c2a4e9b3d4c5e8f6a02' },
    where: { siteId: '665f1c2a4e9b3d4c5e8f6a03', coordinates: [113.05, 23.68] },
    payload: { tareKg: 14.5, grossKg: 29.4, netKg: 14.9, durationS: 42, scaleId: 'S-01', operator: '王师傅', sealIntact: true, notes: undefined },
    bizStep: 'urn:lpg-trace:voc:bizstep:filling',
    disposition: 'urn:epcglobal:cbv:disp:active',
    fromState: 'inspected_at_station',
    toState: 'full_at_station',
    cylinderSeq: 2,
    prevHash: 'c062581aedb247db68b3f52c7666dd733439ccd687a1f8d15a95aca236655408',
  };
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const encoders = {
  concatenation: (e: HashedEvent) => canonicalJson(e),
  'sorted copy + JSON.stringify': (e: HashedEvent) => JSON.stringify(sortedCopy(e)),
  'former map/join': (e: HashedEvent) => formerCanonical(e),
} as const;
type Encoder = keyof typeof encoders;

/** Microseconds per call of `f` over HASHES events. */
function usPer(events: HashedEvent[], f: (e: HashedEvent) => string): number {
  let sink = 0;
  const started = performance.now();
  for (const e of events) sink += f(e).length;
  const us = ((performance.now() - started) * 1000) / events.length;
  if (sink === 0) throw new Error('nothing encoded');
  return us;
}

function canonicalCost() {
  const events = Array.from({ length: HASHES }, (_, i) => aFillEvent(i));
  const names = Object.keys(encoders) as Encoder[];
  for (const e of events.slice(0, 100)) {
    const expected = canonicalJson(e);
    if (sha256(expected) !== eventHash(e)) throw new Error('canonicalJson does not give eventHash');
    for (const name of names) if (encoders[name](e) !== expected) throw new Error(`${name} gives other bytes than canonicalJson`);
  }
  const hashRounds: Record<Encoder, number>[] = [];
  const jsonRounds: Record<Encoder, number>[] = [];
  for (const name of names) usPer(events, (e) => sha256(encoders[name](e))); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    const hash = {} as Record<Encoder, number>;
    const json = {} as Record<Encoder, number>;
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length] as Encoder;
      const encode = encoders[name];
      hash[name] = usPer(events, (e) => sha256(encode(e)));
      json[name] = usPer(events, encode);
    }
    hashRounds.push(hash);
    jsonRounds.push(json);
    process.stdout.write(`canonical JSON round ${round + 1}: per event hash ${names.map((n) => `${n} ${hash[n].toFixed(2)} µs`).join(', ')}\n`);
  }
  const of = (rounds: Record<Encoder, number>[], f: (r: Record<Encoder, number>) => number) => median(rounds.map(f));
  return {
    hashUs: Object.fromEntries(names.map((n) => [n, of(hashRounds, (r) => r[n])])) as Record<Encoder, number>,
    jsonUs: Object.fromEntries(names.map((n) => [n, of(jsonRounds, (r) => r[n])])) as Record<Encoder, number>,
    vsSortedCopy: of(hashRounds, (r) => r.concatenation / r['sorted copy + JSON.stringify']),
    vsFormer: of(hashRounds, (r) => r.concatenation / r['former map/join']),
  };
}

async function main(): Promise<void> {
  const off = await accessLogCost('silent');
  const on = await accessLogCost('info');
  const canonical = canonicalCost();
  const checks: Check[] = [];
  for (const [label, f] of [['logging off', off], ['logging on, JSON lines to /dev/null', on]] as const) {
    checks.push({ name: `access log (${label}): per-request time behind our middleware / behind pino-http`, value: f.oursOverPino, unit: '×', target: '≤ 1', met: f.oursOverPino <= 1,
      absolute: { value: f.usPerRequest.ours, unit: 'µs/request' }, baseline: { name: 'former pino-http', value: f.usPerRequest['pino-http'], unit: 'µs/request' } });
    checks.push({ name: `access log (${label}): time saved per request against pino-http (claim: about 85 µs, logging off)`, value: f.savedUs, unit: 'µs', target: 'reported', met: true,
      absolute: { value: f.oursAddedUs, unit: 'µs added by ours' }, baseline: { name: 'bare route, time added by pino-http', value: f.pinoAddedUs, unit: 'µs' } });
  }
  // Reported, not judged: the sorted copy writes other bytes for some inputs (integer-like keys,
  // NaN, toJSON), so it could not replace the canonical form without changing stored hashes.
  checks.push({ name: 'event hash: concatenation / JSON.stringify of a key-sorted copy (not byte-compatible)', value: canonical.vsSortedCopy, unit: '×', target: 'reported', met: true,
    absolute: { value: canonical.hashUs.concatenation, unit: 'µs/hash' }, baseline: { name: 'sorted copy + JSON.stringify', value: canonical.hashUs['sorted copy + JSON.stringify'], unit: 'µs/hash' } });
  checks.push({ name: 'event hash: concatenation / the former map/join (claim: about 10 % less)', value: canonical.vsFormer, unit: '×', target: 'reported', met: true,
    absolute: { value: canonical.hashUs.concatenation, unit: 'µs/hash' }, baseline: { name: 'former map/join', value: canonical.hashUs['former map/join'], unit: 'µs/hash' } });
  report('micro', checks, { rounds: ROUNDS, clients: CLIENTS, windowMs: WINDOW_MS, hashes: HASHES, accessLog: { loggingOff: off, loggingOn: on }, canonicalJsonOnlyUs: canonical.jsonUs, eventHashUs: canonical.hashUs });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
