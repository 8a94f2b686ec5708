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

export interface PasswordCheck {
  readonly valid: boolean;
  /** The stored hash should be replaced by a fresh argon2id hash (legacy bcrypt, or outdated parameters). */
  readonly needsRehash: boolean;
}

/** How passwords are hashed and checked; the auth service takes it as a dependency. */
export interface Passwords {
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

/** Checks a password against a stored argon2 or legacy bcrypt hash; anything else never matches. */
export async function checkPassword(stored: string, password: string): Promise<PasswordCheck> {
  if (stored.startsWith('$argon2')) {
    const valid = await verify(stored, password).catch(() => false);
    return { valid, needsRehash: valid && !isCurrentArgon2(stored) };
  }
  if (BCRYPT_HASH.test(stored)) {
    const valid = await bcrypt.compare(password, stored);
    return { valid, needsRehash: valid };
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
export const argon2Passwords: Passwords = { hash: hashPassword, check: checkPassword };
