import { GraphQLError } from 'graphql';

/**
 * The error codes of the whole API (`extensions.code`). Expected failures a client can act
 * on are thrown as one of the classes below; anything else is masked by Yoga as
 * "Unexpected error." so no stack, SQL or secret reaches a client.
 */
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

export class BehflowError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.name = 'BehflowError';
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
    super(ErrorCode.ServiceUnavailable, 'The service is temporarily unavailable. Try again shortly.', { http: { status: 503 } });
  }
}
