/** A command failure answered to the client as `{ ok: 0, errmsg, code, codeName, errorLabels? }`. */
export class MongoCommandError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly errorLabels: string[] = [],
  ) {
    super(message);
  }
}

export const badValue = (message: string): MongoCommandError => new MongoCommandError(2, 'BadValue', message);
export const failedToParse = (message: string): MongoCommandError =>
  new MongoCommandError(9, 'FailedToParse', message);
export const typeMismatch = (message: string): MongoCommandError => new MongoCommandError(14, 'TypeMismatch', message);
export const namespaceNotFound = (message: string): MongoCommandError =>
  new MongoCommandError(26, 'NamespaceNotFound', message);
export const notImplemented = (message: string): MongoCommandError =>
  new MongoCommandError(238, 'NotImplemented', message);
export const invalidOptions = (message: string): MongoCommandError =>
  new MongoCommandError(72, 'InvalidOptions', message);
export const writeConflict = (): MongoCommandError =>
  new MongoCommandError(
    112,
    'WriteConflict',
    'Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.',
    {},
    ['TransientTransactionError'],
  );
