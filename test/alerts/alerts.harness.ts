import { randomUUID } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import type { Principal } from '../../src/components/auth';
import { alertChangePayload, type AlertChangePayload } from '../../src/components/alerts';
import { anEnterpriseKit, anEvent, expectStatus, principal, type EnterpriseKit } from '../ledger/ledger.harness';
import type { World } from '../support/world';

export { anEnterpriseKit, anEvent, expectStatus, principal, type EnterpriseKit };

export interface Received {
  event: 'alert:new' | 'alert:update';
  payload: AlertChangePayload;
  at: number;
}

/** A real Socket.IO client of the /alerts namespace, keeping every alert it receives (validated with the server's own schema). */
export interface AlertsClient {
  socket: Socket;
  received: Received[];
  /** Resolves once `count` alerts have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): void;
}

export function alertsClient(url: string, auth: Record<string, unknown> | undefined): AlertsClient {
  const socket = connect(`${url}/alerts`, { transports: ['websocket'], reconnection: false, forceNew: true, ...(auth ? { auth } : {}) });
  const received: Received[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  const take = (event: Received['event']) => (raw: unknown) => {
    received.push({ event, payload: alertChangePayload.parse(raw), at: Date.now() });
    for (const w of waiting.filter((x) => received.length >= x.count)) w.resolve();
  };
  socket.on('alert:new', take('alert:new'));
  socket.on('alert:update', take('alert:update'));
  return {
    socket,
    received,
    waitFor(count, timeoutMs = 5_000) {
      if (received.length >= count) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${count} alerts arrived within ${timeoutMs} ms: ${JSON.stringify(received.map((r) => [r.payload.alert.rule, r.payload.alert.seq]))}`)), timeoutMs);
        waiting.push({ count, resolve: () => (clearTimeout(timer), resolve(received)) });
      });
    },
    close: () => socket.close(),
  };
}

/** Connects and waits for the server's answer: connected, or the refusal's `data.code`. */
export function connected(client: AlertsClient, timeoutMs = 15_000): Promise<'connected' | { code: string; message: string }> {
  // Already connected (a second client awaited after the first): its 'connect' has fired before this listener.
  if (client.socket.connected) return Promise.resolve('connected');
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ code: 'TIMEOUT', message: `not connected within ${timeoutMs} ms` }), timeoutMs);
    const settle = (outcome: 'connected' | { code: string; message: string }) => {
      clearTimeout(timer);
      resolve(outcome);
    };
    client.socket.once('connect', () => settle('connected'));
    client.socket.once('connect_error', (err: Error & { data?: { code?: string } }) => settle({ code: err.data?.code ?? 'NONE', message: err.message }));
  });
}

export async function openClient(world: World, who: Principal, since?: number): Promise<AlertsClient> {
  const client = alertsClient(world.url, { token: world.tokenFor(who), ...(since !== undefined ? { since } : {}) });
  const outcome = await connected(client);
  if (outcome !== 'connected') throw new Error(`connect refused: ${JSON.stringify(outcome)}`);
  return client;
}

/** A cylinder of the kit, commissioned, inspected and filled at its station: full and ready to sell. */
export async function fullCylinder(world: World, kit: EnterpriseKit): Promise<string> {
  const admin = world.as(kit.admin);
  const cylinderId = await kit.newCylinder();
  await expectStatus(admin.post(`/api/v1/cylinders/${cylinderId}/commission`), 201);
  await expectStatus(admin.post('/api/v1/events', anEvent('inspect', cylinderId).at(kit.station).with({ result: 'pass' }).build()), 201);
  await expectStatus(admin.post('/api/v1/events', anEvent('fill', cylinderId).at(kit.station).with({ tareKg: 14.5, grossKg: 29.4, netKg: 14.9, durationS: 42 }).build()), 201);
  return cylinderId;
}

/** A sale now at the kit's station (its licence suspended by the city first when `suspend`): answered 422 SITE_LICENCE_INVALID when unlicensed. */
export function saleNow(cylinderId: string, kit: EnterpriseKit) {
  return { eventId: randomUUID(), cylinderId, type: 'sell', occurredAt: new Date().toISOString(), where: { siteId: kit.station }, payload: { customerId: kit.customer, confirmedByCustomer: true } };
}

export async function suspendStation(world: World, kit: EnterpriseKit): Promise<void> {
  await expectStatus(world.as(principal('city_regulator')).post(`/api/v1/sites/${kit.station}/credentials/licence/suspend`, { reason: '无证经营调查' }), 200);
}

/** `count` events naming codes the city never issued (a batch): each is refused and is an OUT_OF_CITY_CYLINDER alert of its own. */
export function unknownCodes(count: number, tag = Math.random().toString(36).slice(2, 7).toUpperCase()) {
  return Array.from({ length: count }, (_, i) => ({ eventId: randomUUID(), grai: `06141410150009${tag}${i}`, type: 'report_lost', occurredAt: new Date().toISOString(), payload: {} }));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
