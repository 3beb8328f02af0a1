/**
 * The consoles' one way to the API. It keeps the access token in memory only (the refresh token is
 * an httpOnly cookie the page never sees: a cookie-mode login), refreshes it before it expires and
 * after a 401 that says it expired, one refresh at a time however many requests wait for it, and
 * retries a request whose answer was lost (a network error) when repeating it is harmless: reads,
 * the refresh itself (the platform answers a refresh retried within 30 s with a fresh pair of the
 * same session), and writes the caller marks idempotent. Every request names the console's language
 * in Accept-Language, so problems come back in it.
 *
 * It uses only fetch, so it runs (and is tested) outside a browser too.
 */

export interface FieldError {
  path: string;
  message: string;
}

/** An RFC 9457 problem as the platform writes it; extension members (an import report) ride along. */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  requestId?: string;
  errors?: FieldError[];
  reasons?: { code: string; detail: string }[];
  [extension: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
  }
  get code(): string {
    return this.problem.code;
  }
  /** The field errors by path, for a form to show next to each field. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) if (typeof e.path === 'string' && !(e.path in out)) out[e.path] = e.message;
    return out;
  }
}

/** The platform could not be reached, or its answer was lost, after every retry. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('network error', { cause });
    this.name = 'NetworkError';
  }
}

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: string;
  enterpriseId?: string;
  districtCode?: string;
  mustChangePassword: boolean;
  [key: string]: unknown;
}

export interface Session {
  accessToken: string;
  /** Epoch ms when the access token expires. */
  expiresAt: number;
  user: UserView;
  mustChangePassword: boolean;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** A raw body (a CSV file) with its content type, instead of JSON. */
  raw?: { data: Blob | ArrayBuffer | Uint8Array | string; type: string };
  /** A write that may be repeated without harm (its effect is the same): retried after a lost answer. */
  idempotent?: boolean;
  /** What the answer is read as; JSON by default. */
  as?: 'json' | 'text' | 'blob';
  /** Sent without the access token (login). */
  anonymous?: boolean;
}

export interface ApiClientOptions {
  baseUrl?: string;
  fetch?: typeof fetch;
  /** The console's language, e.g. 'zh-CN', sent as Accept-Language. */
  language: () => string;
  /** Waits before each retry of a request whose answer was lost; its length is the number of retries. */
  retryDelaysMs?: readonly number[];
  /** Refresh this long before the access token expires. */
  refreshAheadMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Whether a refresh cookie may exist (the browser: the readable `lpg_session` hint cookie the
   * login sets beside it); without one a reload does not ask the refresh route. Always, if not given.
   */
  sessionHint?: () => boolean;
  /** Told when the session starts, changes or ends (undefined), e.g. to send the user to the login. */
  onSession?: (session: Session | undefined) => void;
}

interface TokenAnswer {
  accessToken: string;
  expiresIn: number;
  mustChangePassword: boolean;
  user: UserView;
}

const RETRY_DELAYS_MS = [300, 1_000, 3_000];
/** 401 codes a refresh cures; any other 401 (an ended session, a deactivated account) does not. */
const REFRESHABLE = new Set(['TOKEN_EXPIRED', 'INVALID_TOKEN', 'UNAUTHORIZED']);

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(options: ApiClientOptions) {
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input: string, init?: RequestInit) => fetch(input, init));
  const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const refreshAheadMs = options.refreshAheadMs ?? 30_000;
  let session: Session | undefined;
  let refreshing: Promise<Session | undefined> | undefined;

  const setSession = (next: Session | undefined) => {
    session = next;
    options.onSession?.(next);
  };
  const toSession = (answer: TokenAnswer): Session => ({
    accessToken: answer.accessToken,
    expiresAt: now() + answer.expiresIn * 1000,
    user: answer.user,
    mustChangePassword: answer.mustChangePassword,
  });

  /** One HTTP exchange, retried after a lost answer when `retry`; a problem answer throws ApiError. */
  async function exchange(method: string, path: string, opts: RequestOptions, token: string | undefined, retry: boolean): Promise<Response> {
    const url = new URL(baseUrl + path, baseUrl ? undefined : 'http://console.invalid');
    for (const [key, value] of Object.entries(opts.query ?? {})) if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    const target = baseUrl ? url.toString() : url.pathname + url.search;
    const headers: Record<string, string> = { 'Accept-Language': options.language(), Accept: 'application/json, application/problem+json, */*' };
    if (token) headers.Authorization = `Bearer ${token}`;
    let body: RequestInit['body'];
    if (opts.raw) {
      headers['Content-Type'] = opts.raw.type;
      body = opts.raw.data as RequestInit['body'];
    } else if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await doFetch(target, { method, headers, credentials: 'same-origin', ...(body === undefined ? {} : { body }) });
      } catch (error) {
        const delay = delays[attempt];
        if (!retry || delay === undefined) throw new NetworkError(error);
        await sleep(delay);
      }
    }
  }

  async function problemOf(res: Response): Promise<ApiError> {
    let problem: Problem;
    try {
      problem = (await res.json()) as Problem;
    } catch {
      problem = { title: res.statusText || `HTTP ${res.status}`, status: res.status, code: `HTTP_${res.status}` };
    }
    return new ApiError(res.status, problem);
  }

  async function read<T>(res: Response, as: RequestOptions['as']): Promise<T> {
    if (res.status === 204) return undefined as T;
    if (as === 'text') return (await res.text()) as T;
    if (as === 'blob') return (await res.blob()) as T;
    return (await res.json()) as T;
  }

  /** Refreshes from the cookie; concurrent callers share one refresh. Undefined: no session (any more). */
  function refresh(): Promise<Session | undefined> {
    refreshing ??= (async () => {
      try {
        const res = await exchange('POST', '/api/v1/auth/refresh', { body: {} }, undefined, true);
        if (!res.ok) {
          // 400 (no cookie) or 401 (expired, ended, reused): the session is over.
          setSession(undefined);
          return undefined;
        }
        const next = toSession((await res.json()) as TokenAnswer);
        setSession(next);
        return next;
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  }

  async function request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const retry = method === 'GET' || method === 'HEAD' || opts.idempotent === true;
    if (!opts.anonymous && session && session.expiresAt - now() < refreshAheadMs) await refresh();
    const token = opts.anonymous ? undefined : session?.accessToken;
    let res = await exchange(method, path, opts, token, retry);
    if (res.status === 401 && !opts.anonymous && session) {
      const problem = await problemOf(res);
      if (!REFRESHABLE.has(problem.code)) {
        setSession(undefined);
        throw problem;
      }
      const renewed = await refresh();
      if (!renewed) throw problem;
      res = await exchange(method, path, opts, renewed.accessToken, retry);
    }
    if (!res.ok) throw await problemOf(res);
    return read<T>(res, opts.as);
  }

  return {
    get session(): Session | undefined {
      return session;
    },
    /** Logs in; the refresh token goes into the httpOnly cookie only. */
    async login(username: string, password: string): Promise<Session> {
      const res = await exchange('POST', '/api/v1/auth/login', { body: { username, password, refreshTokenIn: 'cookie' } }, undefined, true);
      if (!res.ok) throw await problemOf(res);
      const next = toSession((await res.json()) as TokenAnswer);
      setSession(next);
      return next;
    },
    /** After a page reload: the session the refresh cookie still holds, if any. */
    restore(): Promise<Session | undefined> {
      if (options.sessionHint && !options.sessionHint()) return Promise.resolve(undefined);
      return refresh();
    },
    refresh,
    async logout(): Promise<void> {
      try {
        if (session) await exchange('POST', '/api/v1/auth/logout', { body: {} }, session.accessToken, true);
      } finally {
        setSession(undefined);
      }
    },
    request,
    get: <T = unknown>(path: string, opts: Omit<RequestOptions, 'body'> = {}) => request<T>('GET', path, opts),
    post: <T = unknown>(path: string, body?: unknown, opts: RequestOptions = {}) => request<T>('POST', path, { ...opts, body: body ?? {} }),
    patch: <T = unknown>(path: string, body: unknown, opts: RequestOptions = {}) => request<T>('PATCH', path, { ...opts, body }),
  };
}
