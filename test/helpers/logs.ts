import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logger.js';

export interface CapturedLogs {
  /** The server's own logger (same redaction), writing here instead of stdout. */
  readonly logger: Logger;
  /** Every line written, as pino wrote it. */
  readonly lines: string[];
  /** The lines parsed, one entry per log call. */
  entries(): Array<{ msg?: string; [key: string]: unknown }>;
}

/** A logger whose output a test can read back. */
export function captureLogs(level = 'debug'): CapturedLogs {
  const lines: string[] = [];
  const logger = createLogger(
    level,
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    }),
  );
  return { logger, lines, entries: () => lines.map((line) => JSON.parse(line) as { msg?: string; [key: string]: unknown }) };
}
