import { QueryError } from '../../../src/embedded-mongo/query';

/** Assert that `fn` throws a QueryError with MongoDB's code (and, optionally, wording). */
export function expectQueryError(fn: () => unknown, code: number, message?: string | RegExp): QueryError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(QueryError);
  const error = caught as QueryError;
  expect(error.code).toBe(code);
  if (message !== undefined) expect(error.message).toMatch(message);
  return error;
}

/** Freeze a document and everything plain inside it, so any in-place edit throws. */
export function deepFreeze<T>(value: T): T {
  if (Array.isArray(value)) {
    value.forEach(deepFreeze);
    Object.freeze(value);
  } else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

export const noCollections = { collection: (): never[] => [] };
