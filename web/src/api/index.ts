import { createApiClient, type ApiClient, type ApiClientOptions } from './client';

export { ApiError, NetworkError, type ApiClient, type Problem, type Session, type UserView, type FieldError } from './client';

let current: ApiClient | undefined;

/** The console's API client (installed once by main.ts; tests install their own). */
export function api(): ApiClient {
  if (!current) throw new Error('the API client is not installed');
  return current;
}

export function installApi(options: ApiClientOptions | ApiClient): ApiClient {
  current = 'request' in options ? options : createApiClient(options);
  return current;
}

/** A page of a listing: `{ items, nextCursor }` (shared/http/page.cursor.ts). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
