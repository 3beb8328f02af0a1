import { signedHeaders } from '../../components/devices';

/**
 * The simulator's HTTP side: it talks to a running platform exactly as its users do — a bearer
 * token for the enterprise's own API calls, the signed device protocol (docs/device-protocol.md)
 * for the scales. Nothing here reaches into the platform's code but the signing function a vendor
 * would write from the document.
 */
export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    readonly body: unknown,
  ) {
    super(`${path}: HTTP ${status} ${JSON.stringify(body).slice(0, 300)}`);
  }
}

async function send<T>(baseUrl: string, method: string, path: string, headers: Record<string, string>, text: string | undefined, timeoutMs: number): Promise<ApiAnswer<T>> {
  const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(text !== undefined ? { body: text } : {}), signal: AbortSignal.timeout(timeoutMs) });
  const raw = await res.text();
  let body: unknown = {};
  if (raw) {
    try {
      body = JSON.parse(raw) as unknown;
    } catch {
      body = { raw };
    }
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

/** A user of the platform's API: a bearer token, from a login or given. */
export class UserClient {
  constructor(
    readonly baseUrl: string,
    private token: string,
    private readonly timeoutMs = 30_000,
  ) {}

  static async login(baseUrl: string, username: string, password: string): Promise<UserClient> {
    const res = await send<{ accessToken?: string }>(baseUrl, 'POST', '/api/v1/auth/login', { 'content-type': 'application/json' }, JSON.stringify({ username, password }), 30_000);
    if (res.status !== 200 || !res.body.accessToken) throw new SimHttpError(res.status, '/api/v1/auth/login', res.body);
    return new UserClient(baseUrl, res.body.accessToken);
  }

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, 'accept-language': 'zh-CN' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return send<T>(this.baseUrl, method, path, headers, body === undefined ? undefined : JSON.stringify(body), this.timeoutMs);
  }

  /** The call, which must answer one of `ok` (else it throws with the problem document). */
  async expect<T = Record<string, unknown>>(method: string, path: string, body: unknown, ok: readonly number[] = [200, 201]): Promise<T> {
    const res = await this.call<T>(method, path, body);
    if (!ok.includes(res.status)) throw new SimHttpError(res.status, path, res.body);
    return res.body;
  }

  /** Every item of a listing, page after page. */
  async all<T>(path: string, max = 10_000): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page: { items: T[]; nextCursor: string | null } = await this.expect('GET', `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, undefined, [200]);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && items.length < max);
    return items;
  }
}

export interface DeviceCredentials {
  id: string;
  secret: string;
}

/** A scale's side of the protocol: every request signed with its clock (which may be off). */
export class DeviceClient {
  constructor(
    readonly baseUrl: string,
    readonly credentials: DeviceCredentials,
    private readonly clock: () => number,
    private readonly timeoutMs = 30_000,
  ) {}

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string> = { ...signedHeaders(this.credentials, { method, path, body: text, timestampMs: this.clock() }), 'accept-language': 'zh-CN' };
    if (text) headers['content-type'] = 'application/json';
    return send<T>(this.baseUrl, method, path, headers, text || undefined, this.timeoutMs);
  }
}
