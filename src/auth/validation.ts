import { BadUserInputError } from '../errors.js';
import { refuseNul } from '../text.js';

const USERNAME = /^[A-Za-z0-9_.-]{3,50}$/;

/** Characters as a person counts them (code points), not UTF-16 units. */
function characterCount(value: string): number {
  return [...value].length;
}

export function validUsername(value: string, field: string): string {
  if (!USERNAME.test(value)) {
    throw new BadUserInputError('A username has 3 to 50 characters, each a letter, a digit, `_`, `.` or `-`.', field);
  }
  return value;
}

/**
 * A new password: 8 to 256 characters, and no more bytes than the hashing scheme reads
 * (bcrypt, kept for the original Behflow, reads 72; a longer password would be cut short there).
 */
export function validNewPassword(value: string, field: string, maxBytes: number | null = null): string {
  const length = characterCount(value);
  if (length < 8 || length > 256) {
    throw new BadUserInputError('A password has 8 to 256 characters.', field);
  }
  if (maxBytes !== null && Buffer.byteLength(value, 'utf8') > maxBytes) {
    throw new BadUserInputError(
      `A password has at most ${maxBytes} bytes here (about ${maxBytes} Latin letters or ${Math.floor(maxBytes / 2)} Persian ones): passwords are hashed with bcrypt, as the original Behflow does.`,
      field,
    );
  }
  return value;
}

/** A name or last name: trimmed, 1 to 100 characters, no control characters. */
export function validPersonName(value: string, field: string): string {
  const trimmed = value.trim();
  const length = characterCount(trimmed);
  if (length < 1 || length > 100 || /\p{Cc}/u.test(trimmed)) {
    throw new BadUserInputError('A name has 1 to 100 characters and no control characters.', field);
  }
  return trimmed;
}

/**
 * An IANA time zone name (`Europe/Berlin`, `UTC`), returned in its canonical spelling.
 * Raw offsets such as `+03:30` are refused: they do not follow daylight-saving rules.
 */
export function validTimeZone(value: string, field: string): string {
  const refuse = () => new BadUserInputError('Not an IANA time zone name such as `Asia/Tehran` or `UTC`.', field);
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value) || value.length > 64) throw refuse();
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    throw refuse();
  }
}

/**
 * Sign-in input is only bounded, not held to today's rules: accounts made by the original
 * Behflow may have names or passwords the registration rules would now refuse.
 */
export function boundedCredential(value: string, max: number, field: string): string {
  if (value.length < 1 || characterCount(value) > max) {
    throw new BadUserInputError(`Must have 1 to ${max} characters.`, field);
  }
  refuseNul(value, field);
  return value;
}
