import { pino, type DestinationStream, type Logger } from 'pino';
import { currentRequestId } from './request-context.js';

export type { Logger };

/** Keys whose values are secrets, at the top level or one object deep. */
const SECRET_KEYS = [
  'password',
  'currentPassword',
  'newPassword',
  'passwordHash',
  'token',
  'tokenHash',
  'authorization',
  'apiKey',
  'connectionString',
  'databaseUrl',
];

/**
 * Structured JSON logs. Anything that may carry a secret is redacted by path,
 * so a stray `logger.info({ req })` or `logger.info({ user })` cannot leak a token,
 * a password or its hash. `destination` defaults to standard output.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'behflow-graphql' },
      // Every line written while serving a request carries its id (also sent back as X-Request-Id).
      mixin: () => {
        const requestId = currentRequestId();
        return requestId === undefined ? {} : { requestId };
      },
      redact: {
        paths: [...SECRET_KEYS.flatMap((key) => [key, `*.${key}`]), 'headers.authorization', '*.headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination(1),
  );
}
