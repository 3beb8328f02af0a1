import { ZodError } from 'zod';
import { AppError, type FieldError } from './app.error';
import { problemType, type Problem } from './problem.schema';

export interface ProblemContext {
  instance: string;
  requestId: string | undefined;
  /** Outside production the message of an unexpected error helps the developer; never its stack. */
  exposeInternals: boolean;
}

/** Turns anything thrown into the problem a client sees. The single place statuses are chosen. */
export function toProblem(error: unknown, ctx: ProblemContext): Problem {
  const known = toAppError(error);
  const app = known ?? internal(error, ctx.exposeInternals);
  return {
    type: problemType(app.code),
    title: app.title,
    status: app.status,
    ...(app.detail === undefined ? {} : { detail: app.detail }),
    instance: ctx.instance,
    code: app.code,
    ...(ctx.requestId === undefined ? {} : { requestId: ctx.requestId }),
    ...(app.errors === undefined ? {} : { errors: [...app.errors] }),
    ...(app.reasons === undefined ? {} : { reasons: [...app.reasons] }),
    ...app.extensions,
  };
}

/** Errors we understand; undefined means "unexpected" and becomes a 500. */
export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) return AppError.validation(zodFieldErrors(error));
  if (!isRecord(error)) return undefined;
  return bodyParserError(error) ?? mongoError(error);
}

export function zodFieldErrors(error: ZodError): FieldError[] {
  return error.issues.flatMap((issue) =>
    // One entry per unknown key, so a client can point at each offending field.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: joinPath([...issue.path, key]), message: 'is not allowed' }))
      : [{ path: joinPath(issue.path), message: issue.message }],
  );
}

function joinPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.') || '(root)';
}

// body-parser marks its errors with `type`; `status` alone is not enough to trust them.
function bodyParserError(error: Record<string, unknown>): AppError | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return new AppError('MALFORMED_JSON', 400, 'Malformed JSON', {
        detail: 'The request body is not valid JSON',
      });
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', 413, 'Payload too large', {
        detail: `The request body exceeds the limit of ${String(error.limit)} bytes`,
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 415, 'Unsupported media type', {
        detail: 'The request body encoding or charset is not supported',
      });
    case 'request.aborted':
      return new AppError('REQUEST_ABORTED', 400, 'Request aborted', { detail: 'The client aborted the request' });
    default:
      return undefined;
  }
}

function mongoError(error: Record<string, unknown>): AppError | undefined {
  if (error.code === 11000 || error.code === 11001) {
    // Name the fields, not the values: a duplicate value may be an ID number.
    const fields = duplicateKeyFields(error);
    return AppError.conflict(
      'A record with the same unique value already exists',
      fields.map((path) => ({ path, message: 'must be unique' })),
    );
  }
  if (error.name === 'ValidationError' && isRecord(error.errors)) {
    return AppError.validation(
      Object.entries(error.errors).map(([path, e]) => ({
        path,
        message: isRecord(e) && typeof e.message === 'string' ? e.message : 'is invalid',
      })),
    );
  }
  if (error.name === 'CastError' && typeof error.path === 'string') {
    return AppError.validation([{ path: error.path, message: 'has the wrong type' }]);
  }
  return undefined;
}

/**
 * The fields of the unique index a write collided with. A single write carries `keyValue`; a bulk
 * write (an import) carries it per write error, or only the index name in its message
 * ("index: fillingLicence.number_1 dup key"), from which the fields are read, never the values.
 */
function duplicateKeyFields(error: Record<string, unknown>): string[] {
  const first = Array.isArray(error.writeErrors) ? (error.writeErrors[0] as unknown) : undefined;
  const nested = isRecord(first) && isRecord(first.err) ? first.err : first;
  for (const source of [error, nested]) {
    if (isRecord(source) && isRecord(source.keyValue)) return Object.keys(source.keyValue);
  }
  const message = isRecord(nested) && typeof nested.errmsg === 'string' ? nested.errmsg : String(error.message ?? '');
  const index = / index: (\S+) dup key/.exec(message)?.[1];
  return index ? index.split(/_(?:-?1|2dsphere|text|hashed)(?:_|$)/).filter(Boolean) : [];
}

function internal(error: unknown, exposeInternals: boolean): AppError {
  const detail =
    exposeInternals && error instanceof Error ? error.message : 'An unexpected error occurred; quote the request id';
  return new AppError('INTERNAL', 500, 'Internal server error', { detail });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
