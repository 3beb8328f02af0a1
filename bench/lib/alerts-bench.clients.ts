/**
 * bench:alerts, a process of Socket.IO clients of /alerts (the parent starts several): connects
 * the sockets it is given, keeps when each alert and each baseline ping arrived (absolute ms), and
 * judges its sockets when asked — latency of every (event, receiving socket) pair, alerts lost,
 * duplicated, out of order or outside the socket's scope, and the pings sent beside the run (those
 * carrying an event's index) as latencies from that event's acceptance.
 */
import { io as connect, type Socket } from 'socket.io-client';

export type Scope = { kind: 'city' } | { kind: 'district'; code: string } | { kind: 'enterprise'; id: string };
export interface BenchEvent {
  subject: string;
  district: string | null;
  enterprise: string;
}
export type ClientsCommand =
  | { cmd: 'connect'; url: string; sockets: { token: string; scope: Scope }[] }
  | { cmd: 'resetPings' }
  /** Answers once each socket has its `expect` pings (in the order the sockets were given) since the reset, or after 15 s without a new one. */
  | { cmd: 'pings'; expect: number[] }
  | { cmd: 'progress' }
  /** `pinged`: the indexes of the events a bare ping was sent beside (their sockets are those of the event's alert). */
  | { cmd: 'judge'; events: BenchEvent[]; accepted: number[]; delivered: [string, number][]; pinged: number[] }
  | { cmd: 'close' };
export interface Judged {
  /** accepted (HTTP answer) → received, per (event, socket). */
  latencies: Float64Array;
  /** the server's feed handed the change to the sockets → received, per (event, socket). */
  transit: Float64Array;
  /** accepted (HTTP answer) → the bare ping sent beside it received, per (pinged event, socket). */
  beside: Float64Array;
  /** Pings beside the run a socket in their scope did not receive. */
  besideMissing: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  foreign: number;
}
export type ClientsAnswer =
  | { kind: 'connected'; count: number }
  | { kind: 'reset' }
  | { kind: 'pings'; latencies: Float64Array }
  | { kind: 'progress'; received: number[] }
  | ({ kind: 'judged' } & Judged)
  | { kind: 'closed' };

interface Client {
  socket: Socket;
  scope: Scope;
  /** subject id → receipt times (more than one: a duplicate). */
  got: Map<string, number[]>;
  seqs: number[];
  pings: number[];
  /** Pings beside the run: event index → receipt time. */
  beside: Map<number, number>;
}

const now = () => performance.timeOrigin + performance.now();
const send = (answer: ClientsAnswer) => process.send?.(answer);
const clients: Client[] = [];
/** Told of every ping while a `pings` command waits. */
let pinged: (() => void) | undefined;

function allPings(expect: readonly number[]): Promise<void> {
  return new Promise((resolve) => {
    let silence: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(silence);
      pinged = undefined;
      resolve();
    };
    const check = () => {
      if (clients.every((c, i) => c.pings.length >= (expect[i] ?? 0))) return done();
      clearTimeout(silence);
      silence = setTimeout(done, 15_000);
    };
    pinged = check;
    check();
  });
}

const inScope = (scope: Scope, e: BenchEvent) => scope.kind === 'city' || (scope.kind === 'district' && e.district === scope.code) || (scope.kind === 'enterprise' && e.enterprise === scope.id);

async function connectAll(url: string, sockets: { token: string; scope: Scope }[]): Promise<void> {
  for (let i = 0; i < sockets.length; i += 50) {
    await Promise.all(
      sockets.slice(i, i + 50).map(async ({ token, scope }, j) => {
        const socket = connect(`${url}/alerts`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } });
        const client: Client = { socket, scope, got: new Map(), seqs: [], pings: [], beside: new Map() };
        const take = (payload: { alert: { subject: { id: string }; seq: number } }) => {
          const at = now();
          const list = client.got.get(payload.alert.subject.id);
          if (list) list.push(at);
          else client.got.set(payload.alert.subject.id, [at]);
          client.seqs.push(payload.alert.seq);
        };
        socket.on('alert:new', take);
        socket.on('alert:update', take);
        socket.on('bench:ping', (p: { sentAt: number; i?: number }) => {
          if (p.i !== undefined) {
            client.beside.set(p.i, now());
            return;
          }
          client.pings.push(now() - p.sentAt);
          pinged?.();
        });
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        // Kept in the order given: the parent's expectations are per socket in that order.
        clients[i + j] = client;
      }),
    );
  }
}

function judge(events: BenchEvent[], accepted: number[], delivered: Map<string, number>, pinged: readonly number[]): Judged {
  const latencies: number[] = [];
  const transit: number[] = [];
  const beside: number[] = [];
  let besideMissing = 0;
  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  let foreign = 0;
  const subjects = new Set(events.map((e) => e.subject));
  for (const c of clients) {
    const mine = new Set<string>();
    events.forEach((e, i) => {
      if (!inScope(c.scope, e)) return;
      mine.add(e.subject);
      const times = c.got.get(e.subject);
      if (!times) {
        lost++;
        return;
      }
      if (times.length > 1) duplicated += times.length - 1;
      latencies.push((times[0] as number) - (accepted[i] as number));
      const handed = delivered.get(e.subject);
      if (handed !== undefined) transit.push((times[0] as number) - handed);
    });
    // Only this run's subjects are judged (a socket also holds earlier runs').
    for (const subject of c.got.keys()) if (subjects.has(subject) && !mine.has(subject)) foreign++;
    for (let i = 1; i < c.seqs.length; i++) if ((c.seqs[i] as number) <= (c.seqs[i - 1] as number)) outOfOrder++;
    for (const i of pinged) {
      if (!inScope(c.scope, events[i] as BenchEvent)) continue;
      const at = c.beside.get(i);
      if (at === undefined) besideMissing++;
      else beside.push(at - (accepted[i] as number));
    }
    c.got.clear();
    c.seqs = [];
    c.beside.clear();
  }
  return { latencies: Float64Array.from(latencies), transit: Float64Array.from(transit), beside: Float64Array.from(beside), besideMissing, lost, duplicated, outOfOrder, foreign };
}

process.on('message', (raw: ClientsCommand) => {
  void (async () => {
    if (raw.cmd === 'connect') {
      await connectAll(raw.url, raw.sockets);
      send({ kind: 'connected', count: clients.length });
    } else if (raw.cmd === 'resetPings') {
      for (const c of clients) c.pings = [];
      send({ kind: 'reset' });
    } else if (raw.cmd === 'pings') {
      await allPings(raw.expect);
      const latencies = Float64Array.from(clients.flatMap((c) => c.pings));
      for (const c of clients) c.pings = [];
      send({ kind: 'pings', latencies });
    } else if (raw.cmd === 'progress') {
      send({ kind: 'progress', received: clients.map((c) => c.got.size) });
    } else if (raw.cmd === 'judge') {
      send({ kind: 'judged', ...judge(raw.events, raw.accepted, new Map(raw.delivered), raw.pinged) });
    } else if (raw.cmd === 'close') {
      for (const c of clients) c.socket.close();
      send({ kind: 'closed' });
      process.disconnect?.();
    }
  })().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
});
