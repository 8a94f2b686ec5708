import { BadUserInputError } from './errors.js';

/**
 * PostgreSQL text cannot hold U+0000: a value containing it would fail at the database as an
 * unexpected error. Every free-text input goes through this first, so the client learns
 * which field to fix.
 */
export function refuseNul(text: string, field: string): void {
  if (text.includes('\u0000')) throw new BadUserInputError('Text may not contain the NUL character (U+0000).', field);
}
