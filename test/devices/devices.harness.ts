import { aCylinder, aWorker } from '../../seed/builders';
import { signedHeaders } from '../../src/components/devices';
import type { Principal } from '../../src/components/auth';
import { anEnterpriseKit, anEvent, type EnterpriseKit } from '../ledger/ledger.harness';
import { expectStatus, principal, type World } from '../support/world';

export interface Scale {
  id: string;
  secret: string;
}

/** Registers a filling scale at `siteId` through POST /devices, as the enterprise's admin would: the secret as shown once. */
export async function aScale(world: World, admin: Principal, siteId: string, name = '1号灌装秤'): Promise<Scale> {
  const body = await expectStatus<{ deviceId: string; secret: string }>(world.as(admin).post('/api/v1/devices', { siteId, name }), 201);
  return { id: body.deviceId, secret: body.secret };
}

export interface SignedCall {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export interface SignOptions {
  /** The device clock, as an offset from the real one. */
  clockOffsetMs?: number;
  nonce?: string;
  /** Sends these headers instead of the computed ones (tampering). */
  override?: Record<string, string>;
  /** Sends this body text instead of the signed one (tampering). */
  sendBody?: string;
  /** Signs and sends this text as the body, whatever it is (a hostile scale). */
  rawBody?: string;
}

/** A request as a scale sends it: the body serialized once, signed over exactly those bytes. */
export async function signed(world: World, scale: Scale, method: string, path: string, body?: unknown, options: SignOptions = {}): Promise<SignedCall> {
  const text = options.rawBody ?? (body === undefined ? '' : JSON.stringify(body));
  const headers = {
    ...signedHeaders(scale, { method, path, body: text, timestampMs: Date.now() + (options.clockOffsetMs ?? 0), ...(options.nonce ? { nonce: options.nonce } : {}) }),
    ...(text ? { 'content-type': 'application/json' } : {}),
    ...options.override,
  };
  const sent = options.sendBody ?? text;
  const res = await fetch(`${world.url}${path}`, { method, headers, ...(sent ? { body: sent } : {}) });
  const raw = await res.text();
  return { status: res.status, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {}, headers: res.headers };
}

/** A filling station's scale and a certified filling operator of that station, registered by the city. */
export interface ScaleKit {
  kit: EnterpriseKit;
  scale: Scale;
  operator: { id: string; staffNumber: string };
}

let staff = 0;

export async function aScaleKit(world: World, districtCode = '441802'): Promise<ScaleKit> {
  const kit = await anEnterpriseKit(world, districtCode, { manualMode: false });
  const scale = await aScale(world, kit.admin, kit.station);
  const staffNumber = `FO${String(++staff).padStart(3, '0')}`;
  const worker = aWorker().forEnterprise(kit.enterpriseId).fillingOperator().atSite(kit.station).withStaffNumber(staffNumber).build();
  const { id } = await expectStatus<{ id: string }>(world.as(principal('city_regulator')).post('/api/v1/workers', worker), 201);
  return { kit, scale, operator: { id, staffNumber } };
}

export interface ReadyCylinder {
  id: string;
  grai: string;
  serial: string;
  /** The Digital Link URI its QR label carries. */
  uri: string;
}

/** A cylinder of the kit's station, commissioned (QR code bound) and, unless told otherwise, passed its pre-fill inspection. */
export async function aCylinderAtScale(world: World, kit: EnterpriseKit, options: { inspected?: boolean; cylinder?: object } = {}): Promise<ReadyCylinder> {
  const as = world.as(kit.admin);
  const { id } = await expectStatus<{ id: string }>(as.post('/api/v1/cylinders', { ...aCylinder().registeredTo(kit.station).build(), ...options.cylinder }), 201);
  const { code } = await expectStatus<{ code: { grai: string; uri: string; serial: string } }>(as.post(`/api/v1/cylinders/${id}/commission`, {}), 201);
  if (options.inspected ?? true) await expectStatus(as.post('/api/v1/events', anEvent('inspect', id).at(kit.station).with({ result: 'pass' }).build()), 201);
  return { id, grai: code.grai, serial: code.serial, uri: code.uri };
}

let request = 0;
/** A fresh requestId, as a scale numbers its requests. */
export const requestId = () => `req-${Date.now().toString(36)}-${++request}`;

let fills = 0;

/** A fill report of a cylinder the scale was allowed to fill, with YSP-15 weights unless told otherwise. */
export function aFillReport(authorizationId: string, code: string, operator: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  fills += 1;
  const endedAt = Date.now() - 1000;
  return {
    fillId: `fill-${Date.now().toString(36)}-${fills}`,
    sequence: fills,
    authorizationId,
    code,
    operator,
    tareKg: 14.5,
    grossKg: 29.4,
    netKg: 14.9,
    startedAt: new Date(endedAt - 75_000).toISOString(),
    endedAt: new Date(endedAt).toISOString(),
    ...overrides,
  };
}

/** Authorizes a cylinder at the kit's scale and answers the authorizationId (the allow must be given). */
export async function anAllow(world: World, kit: ScaleKit, code: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await signed(world, kit.scale, 'POST', '/api/v1/device/fills/authorize', { requestId: requestId(), operator: kit.operator.staffNumber, code, ...extra });
  if (res.status !== 200 || res.body.decision !== 'allow') throw new Error(`expected an allow: ${res.status} ${JSON.stringify(res.body)}`);
  return String(res.body.authorizationId);
}
