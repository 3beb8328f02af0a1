export interface FieldError {
  path: string;
  message: string;
}

/** One of several reasons a request is refused (a captured event can break several rules at once). */
export interface ProblemReason {
  code: string;
  detail: string;
}

export interface AppErrorOptions {
  /** Shown to the client as the problem's `detail`. */
  detail?: string;
  /** Field-level problems, shown as `errors`. */
  errors?: readonly FieldError[];
  /** Every reason of a refusal, shown as `reasons`; the first is the problem's `code` and `detail`. */
  reasons?: readonly ProblemReason[];
  /** RFC 9457 extension members added to the problem as they are (an import report's lines and counts). */
  extensions?: Readonly<Record<string, unknown>>;
  cause?: unknown;
}

/**
 * The one error type services throw. `code` is a stable UPPER_SNAKE identifier clients may
 * branch on; `status` is decided here, once, so services never touch HTTP.
 */
export class AppError extends Error {
  readonly detail: string | undefined;
  readonly errors: readonly FieldError[] | undefined;
  readonly reasons: readonly ProblemReason[] | undefined;
  readonly extensions: Readonly<Record<string, unknown>> | undefined;

  constructor(
    readonly code: string,
    readonly status: number,
    readonly title: string,
    options: AppErrorOptions = {},
  ) {
    super(options.detail ?? title, { cause: options.cause });
    this.name = 'AppError';
    this.detail = options.detail;
    this.errors = options.errors;
    this.reasons = options.reasons;
    this.extensions = options.extensions;
  }

  static badRequest(detail: string, errors?: readonly FieldError[]): AppError {
    return new AppError('BAD_REQUEST', 400, 'Bad request', { detail, errors });
  }

  static validation(errors: readonly FieldError[]): AppError {
    return new AppError('VALIDATION_FAILED', 400, 'Validation failed', {
      detail: `${errors.length} field(s) are invalid`,
      errors,
    });
  }

  static unauthorized(detail = 'Authentication is required'): AppError {
    return new AppError('UNAUTHORIZED', 401, 'Unauthorized', { detail });
  }

  static forbidden(detail = 'You may not do this'): AppError {
    return new AppError('FORBIDDEN', 403, 'Forbidden', { detail });
  }

  static notFound(detail = 'The resource does not exist'): AppError {
    return new AppError('NOT_FOUND', 404, 'Not found', { detail });
  }

  static conflict(detail: string, errors?: readonly FieldError[]): AppError {
    return new AppError('CONFLICT', 409, 'Conflict', { detail, errors });
  }

  static unavailable(detail: string): AppError {
    return new AppError('SERVICE_UNAVAILABLE', 503, 'Service unavailable', { detail });
  }
}
