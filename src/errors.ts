// The failures a caller can act on, as the domain throws them: plain errors with a code (and,
// for bad input, the field concerned). They know nothing of GraphQL; the API turns them into
// GraphQL errors in one place (src/schema/errors.ts), and the assistant reads them as they are.

/** The error codes of the whole API (`extensions.code`). */
export const ErrorCode = {
  BadUserInput: 'BAD_USER_INPUT',
  NotFound: 'NOT_FOUND',
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  Conflict: 'CONFLICT',
  RateLimited: 'RATE_LIMITED',
  QueryTooComplex: 'QUERY_TOO_COMPLEX',
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An expected failure: its message is meant for the caller; anything else is a bug and is masked. */
export class BehflowError extends Error {
  readonly code: ErrorCode;
  /** Further facts for the caller (`field`, `retryAfterSeconds`, ...), sent as error extensions. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'BehflowError';
    this.code = code;
    this.details = details;
  }

  /** The input field concerned, when there is one. */
  get field(): string | undefined {
    return typeof this.details.field === 'string' ? this.details.field : undefined;
  }
}

/** Invalid input; `field` names the offending input field (a dotted path such as `input.name`). */
export class BadUserInputError extends BehflowError {
  constructor(message: string, field?: string) {
    super(ErrorCode.BadUserInput, message, field ? { field } : {});
  }
}

/** Missing, or not the viewer's: the two are deliberately indistinguishable. */
export class NotFoundError extends BehflowError {
  constructor(what: string) {
    super(ErrorCode.NotFound, `${what} not found.`);
  }
}

export class UnauthenticatedError extends BehflowError {
  constructor(message = 'You must be signed in to do this.') {
    super(ErrorCode.Unauthenticated, message);
  }
}

export class ForbiddenError extends BehflowError {
  constructor(message = 'You are not allowed to do this.') {
    super(ErrorCode.Forbidden, message);
  }
}

export class ConflictError extends BehflowError {
  constructor(message: string, field?: string) {
    super(ErrorCode.Conflict, message, field ? { field } : {});
  }
}

export class RateLimitedError extends BehflowError {
  constructor(message: string, retryAfterSeconds: number) {
    super(ErrorCode.RateLimited, message, { retryAfterSeconds });
  }
}

/** The server cannot reach what it needs (the database) right now; answered with HTTP 503. */
export class ServiceUnavailableError extends BehflowError {
  constructor() {
    super(ErrorCode.ServiceUnavailable, 'The service is temporarily unavailable. Try again shortly.');
  }
}
