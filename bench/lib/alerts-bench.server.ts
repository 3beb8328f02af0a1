/**
 * bench:alerts, the app's process: the real components, HTTP and Socket.IO server on the embedded
 * database whose URI it is given (argv[2]), alone in its process. Driven by its parent over IPC:
 * - `broadcast` {targets, rate}: the idle baseline, a bare emit of an alert-sized payload to the
 *   rooms an alert of each target's district and enterprise goes to (the same sockets the alerts
 *   reach), at `rate` per second, each carrying its absolute send time;
 * - `beside` {targets}: the baseline beside the run — for each event index listed, a bare emit of
 *   that payload to its alert's rooms at the moment its request (tagged `x-bench-ping` by the
 *   senders) has been answered, carrying the index: what pushing the event straight from the
 *   request, with no rules and nothing stored, would deliver under the very same load;
 * - `collect`: every pass's stage times (PassTiming) and, per alert subject, when the feed handed
 *   its first change to the sockets (absolute ms), since the last collect;
 * - `stop`.
 * Absolute times everywhere are performance.timeOrigin + performance.now(): one clock for every
 * process of the benchmark on this machine.
 */
import pino from 'pino';
import { createApp } from '../../src/app';
import { buildComponents } from '../../src/components';
import type { PassTiming } from '../../src/components/alerts';
import { roomsOfChange } from '../../src/components/alerts/alerts.scope';
import { connectDatabase } from '../../src/shared/db/database.connection';
import { createRealtime } from '../../src/shared/realtime/realtime.server';
import { listenOnFreePort } from '../../test/foundation/app.harness';
import { BENCH_SECRETS } from './alerts-bench.secrets';


/** `targets`: for each message, the district and enterprise whose rooms it goes to (as an alert's change would). */
type Target = { districtCode: string | null; enterpriseId: string | null };
export type ServerCommand = { cmd: 'broadcast'; targets: Target[]; rate: number } | { cmd: 'beside'; targets: [number, Target][] } | { cmd: 'collect' } | { cmd: 'stop' };
export type ServerAnswer =
  | { kind: 'ready'; url: string }
  | { kind: 'broadcast-done' }
  | { kind: 'beside-set' }
  | { kind: 'collected'; passes: PassTiming[]; delivered: [string, number][] }
  | { kind: 'stopped' };

const now = () => performance.timeOrigin + performance.now();
const send = (answer: ServerAnswer) => process.send?.(answer);

async function main(): Promise<void> {
  const uri = process.argv[2] as string;
  const database = await connectDatabase(uri, { mode: 'embedded', engine: 'lpg-embedded', name: 'bench_alerts' });
  const logger = pino({ level: 'silent' });
  const components = await buildComponents({ connection: database.connection, config: { secrets: BENCH_SECRETS, env: 'test' }, logger });
  const http = await listenOnFreePort(createApp({ config: { isProduction: false, http: { bodyLimit: '2mb' } }, logger, database, modules: components.modules }));
  const realtime = await createRealtime(http.server, logger);
  for (const m of components.modules) m.attachRealtime?.(realtime);
  const nsp = realtime.io.of('/alerts');
  const pad = 'x'.repeat(700);
  let beside = new Map<number, Target>();
  /** A bare emit of an alert-sized payload to the rooms an alert of `target` goes to, stamped with its send time. */
  const ping = (target: Target, tag: { i?: number } = {}) => nsp.local.to(roomsOfChange(target)).emit('bench:ping' as never, { ...tag, sentAt: now(), pad } as never);
  // Before the app's own listener: the bare emit is bound to the answer's end, whatever the route does.
  http.server.prependListener('request', (req, res) => {
    const tag = req.headers['x-bench-ping'];
    const target = typeof tag === 'string' ? beside.get(Number(tag)) : undefined;
    if (target) res.once('finish', () => ping(target, { i: Number(tag) }));
  });

  let passes: PassTiming[] = [];
  let delivered = new Map<string, number>();
  components.alerts.observePasses((t) => passes.push(t));
  // Subscribed after the namespace: its emit to the rooms has run when this listener is told.
  components.alerts.feed.subscribe((change) => {
    const subject = change.payload.alert.subject.id;
    if (!delivered.has(subject)) delivered.set(subject, now());
  });

  process.on('message', (raw: ServerCommand) => {
    void (async () => {
      if (raw.cmd === 'broadcast') {
        const started = now();
        for (let i = 0; i < raw.targets.length; i++) {
          const due = started + (i * 1000) / raw.rate;
          const wait = due - now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          ping(raw.targets[i]!);
        }
        send({ kind: 'broadcast-done' });
      } else if (raw.cmd === 'beside') {
        beside = new Map(raw.targets);
        send({ kind: 'beside-set' });
      } else if (raw.cmd === 'collect') {
        await components.alerts.settled();
        send({ kind: 'collected', passes, delivered: [...delivered] });
        passes = [];
        delivered = new Map();
      } else if (raw.cmd === 'stop') {
        for (const m of components.modules) await m.stop?.();
        await realtime.close();
        await http.close();
        await components.ledgerLog.stop();
        await database.close();
        send({ kind: 'stopped' });
        process.disconnect?.();
      }
    })().catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
  });
  send({ kind: 'ready', url: http.url });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
