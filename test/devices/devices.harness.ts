import { signedHeaders } from '../../src/components/devices';
import type { Principal } from '../../src/components/auth';
import { expectStatus, type World } from '../support/world';

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
}

/** A request as a scale sends it: the body serialized once, signed over exactly those bytes. */
export async function signed(world: World, scale: Scale, method: string, path: string, body?: unknown, options: SignOptions = {}): Promise<SignedCall> {
  const text = body === undefined ? '' : JSON.stringify(body);
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
