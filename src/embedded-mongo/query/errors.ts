/**
 * The one error type of the query layer. `code`/`codeName` are MongoDB's, so the command layer can
 * put them on the wire unchanged and drivers react to them exactly as they would against mongod.
 */
export class QueryError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

export const badValue = (message: string): QueryError => new QueryError(2, 'BadValue', message);
export const failedToParse = (message: string): QueryError => new QueryError(9, 'FailedToParse', message);
export const typeMismatch = (message: string): QueryError => new QueryError(14, 'TypeMismatch', message);
export const pathNotViable = (message: string): QueryError => new QueryError(28, 'PathNotViable', message);
export const conflictingUpdate = (message: string): QueryError =>
  new QueryError(40, 'ConflictingUpdateOperators', message);
export const immutableField = (message: string): QueryError => new QueryError(66, 'ImmutableField', message);
export const notImplemented = (message: string): QueryError => new QueryError(238, 'NotImplemented', message);
export const invalidPipelineOperator = (message: string): QueryError =>
  new QueryError(168, 'InvalidPipelineOperator', message);

/** MongoDB reports location-coded errors (e.g. 40324, 31254) with the name "Location<code>". */
export const located = (code: number, message: string): QueryError => new QueryError(code, `Location${code}`, message);
