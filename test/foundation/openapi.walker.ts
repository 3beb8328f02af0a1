import { Types } from 'mongoose';

/**
 * The one walker over the OpenAPI document: every route the platform documents, with a URL whose
 * parameters hold values they accept, so that a probe can change one thing at a time. Tests that
 * attack every route (malformed ids, missing or bad tokens, hostile bodies, every role) build on
 * it, so a route added later is attacked without anyone remembering to.
 */
export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: { type?: string; pattern?: string; enum?: unknown[]; default?: unknown; format?: string };
}
export interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, unknown> };
  security?: Record<string, unknown>[];
}
export type Document = { paths: Record<string, Record<string, Operation>> };

export interface Route {
  method: string;
  /** The documented path template, e.g. /api/v1/cases/{id}. */
  path: string;
  op: Operation;
  params: Parameter[];
  /** The content types the documented body may have (empty: the route takes none). */
  bodyTypes: string[];
  /** How a caller authenticates: a user's bearer token, a device's signature, or nothing. */
  auth: 'bearer' | 'device' | 'public';
}

export const ID_LIKE = /(^id$|Ids?$|^before$)/;
// Ledger event ids and delivery visit ids are client-made UUIDs, looked up as strings and never cast: unknown is a 404.
export const LOOKED_UP_AS_TEXT = new Set(['eventId', 'visitId']);
export const isIdLike = (p: Parameter): boolean => ID_LIKE.test(p.name);
export const isObjectId = (p: Parameter): boolean => isIdLike(p) && !LOOKED_UP_AS_TEXT.has(p.name);

const newId = (): string => new Types.ObjectId().toHexString();

/** A value the parameter accepts, so that only the one parameter under test is wrong. */
export function validValue(p: Parameter): string {
  if (p.schema?.enum?.length) return String(p.schema.enum[0]);
  if (isIdLike(p)) return newId();
  if (p.name === 'sha256') return 'a'.repeat(64);
  if (p.schema?.type === 'integer' || p.schema?.type === 'number') return '1';
  return 'x';
}

export function routes(doc: Document): Route[] {
  const out: Route[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const security = op.security ?? [];
      const auth = security.some((s) => 'bearerAuth' in s) ? 'bearer' : security.some((s) => 'deviceSignature' in s) ? 'device' : 'public';
      out.push({ method: method.toUpperCase(), path, op, params: op.parameters ?? [], bodyTypes: Object.keys(op.requestBody?.content ?? {}), auth });
    }
  }
  return out;
}

/**
 * The route's URL with every path parameter and every required query parameter set to an
 * accepted value, except those `values` sets (a value of undefined leaves a query parameter out).
 */
export function urlOf(route: Route, values: Record<string, string | undefined> = {}): string {
  let url = route.path;
  for (const p of route.params.filter((q) => q.in === 'path')) url = url.replace(`{${p.name}}`, encodeURIComponent(p.name in values ? (values[p.name] ?? '') : validValue(p)));
  const query = new URLSearchParams();
  for (const p of route.params.filter((q) => q.in === 'query')) {
    const value = p.name in values ? values[p.name] : p.required ? validValue(p) : undefined;
    if (value !== undefined) query.set(p.name, value);
  }
  const qs = query.toString();
  return qs ? `${url}?${qs}` : url;
}

export interface Answer {
  status: number;
  contentType: string;
  /** The parsed JSON answer, or `{ text }` (the first 300 characters) when it is not JSON. */
  body: Record<string, unknown>;
  text: string;
}

export interface Send {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** Any answer, JSON or not (a page may answer HTML), with a deadline so that a hang fails the test. */
export async function send(base: string, request: Send): Promise<Answer> {
  const res = await fetch(`${base}${request.url}`, {
    method: request.method,
    headers: request.headers ?? {},
    ...(request.body === undefined ? {} : { body: request.body }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let body: Record<string, unknown> = { text: text.slice(0, 300) };
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    // not JSON: kept as text for the failure message
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body, text };
}

/** One line a failing probe prints: the request and the start of its answer. */
export function describeAnswer(request: Send, res: Answer): string {
  return `${request.method} ${request.url} → ${res.status} ${res.text.slice(0, 200)}`;
}

/** Whether a problem+json answer names `field` in its field list (or a field under it). */
export function namesField(res: Answer, field: string): boolean {
  const errors = res.body.errors;
  return Array.isArray(errors) && (errors as { path?: string }[]).some((e) => e.path === field || (e.path ?? '').startsWith(`${field}.`));
}
