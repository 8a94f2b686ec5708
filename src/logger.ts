import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Anything that may carry a secret is redacted by path,
 * so a stray `logger.info({ req })` cannot leak a token or a password.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'behflow-graphql' },
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'authorization',
        '*.authorization',
        'headers.authorization',
        '*.headers.authorization',
        'connectionString',
        '*.connectionString',
        'databaseUrl',
        '*.databaseUrl',
      ],
      censor: '[redacted]',
    },
  });
}
