import { hash, parseOptions, verify, type Algorithm, type Options } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';

/**
 * OWASP's minimum recommended Argon2id configuration (19 MiB, 2 passes, 1 lane).
 * `Algorithm` is a `const enum` in the package's types with no runtime value, hence the literal.
 */
const ARGON2ID = 2 as Algorithm;
const ARGON2_OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Hashes made by the original Behflow (bcrypt, any of its `$2a$`/`$2b$`/`$2y$` variants). */
const BCRYPT_HASH = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

/**
 * How new password hashes are made. `bcrypt` as the original Behflow makes them (`$2b$`, cost
 * 12, what Python's `bcrypt.gensalt()` gives), so its backend keeps signing everyone in on a
 * shared database; `argon2id` otherwise.
 */
export type PasswordScheme = 'bcrypt' | 'argon2id';

/** bcrypt's cost factor for new hashes: the original's (`bcrypt.gensalt()` defaults to 12 rounds). */
export const BCRYPT_COST = 12;
/** bcrypt reads no more of a password than this many bytes (and newer Python bcrypt refuses longer ones). */
export const BCRYPT_MAX_PASSWORD_BYTES = 72;

export interface PasswordCheck {
  readonly valid: boolean;
  /** The stored hash should be replaced by a fresh one of the configured scheme (another scheme, or outdated parameters). */
  readonly needsRehash: boolean;
}

/** How passwords are hashed and checked; the auth service takes it as a dependency. */
export interface Passwords {
  /** The scheme new hashes are made with. */
  readonly scheme: PasswordScheme;
  /** The most UTF-8 bytes a new password may have under this scheme; null for no limit of its own. */
  readonly maxPasswordBytes: number | null;
  hash(password: string): Promise<string>;
  check(stored: string, password: string): Promise<PasswordCheck>;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

function isCurrentArgon2(stored: string): boolean {
  try {
    const options = parseOptions(stored);
    return (
      options.algorithm === ARGON2ID &&
      options.memoryCost === ARGON2_OPTIONS.memoryCost &&
      options.timeCost === ARGON2_OPTIONS.timeCost &&
      options.parallelism === ARGON2_OPTIONS.parallelism
    );
  } catch {
    return false;
  }
}

/** A bcrypt hash as the original Behflow makes them. */
export function hashBcrypt(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

/**
 * Checks a password against a stored argon2 or bcrypt hash; anything else never matches. A
 * valid hash of another scheme than `scheme` asks to be re-hashed; a bcrypt hash under the
 * bcrypt scheme is kept exactly as it is, whatever its cost, so the original keeps reading it.
 */
export async function checkPassword(stored: string, password: string, scheme: PasswordScheme = 'argon2id'): Promise<PasswordCheck> {
  if (stored.startsWith('$argon2')) {
    const valid = await verify(stored, password).catch(() => false);
    return { valid, needsRehash: valid && (scheme !== 'argon2id' || !isCurrentArgon2(stored)) };
  }
  if (BCRYPT_HASH.test(stored)) {
    const valid = await bcrypt.compare(password, stored);
    return { valid, needsRehash: valid && scheme !== 'bcrypt' };
  }
  // Unusable hash (e.g. a placeholder): spend the same effort so the answer time tells nothing.
  await burnPasswordCheck(password);
  return { valid: false, needsRehash: false };
}

let dummyHash: Promise<string> | undefined;

/** Spends what a real check costs, so an unusable stored hash answers no faster than a wrong password. */
async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('behflow-dummy-password-for-timing');
  await verify(await dummyHash, password).catch(() => false);
}

/** Argon2id for new hashes; argon2 and the original Behflow's bcrypt for checks. */
export const argon2Passwords: Passwords = {
  scheme: 'argon2id',
  maxPasswordBytes: null,
  hash: hashPassword,
  check: (stored, password) => checkPassword(stored, password, 'argon2id'),
};

/** bcrypt for new hashes, legacy bcrypt hashes kept; argon2 hashes still checked (and moved to bcrypt). */
export const bcryptPasswords: Passwords = {
  scheme: 'bcrypt',
  maxPasswordBytes: BCRYPT_MAX_PASSWORD_BYTES,
  hash: hashBcrypt,
  check: (stored, password) => checkPassword(stored, password, 'bcrypt'),
};

export function passwordsFor(scheme: PasswordScheme): Passwords {
  return scheme === 'bcrypt' ? bcryptPasswords : argon2Passwords;
}
