import { randomBytes } from 'node:crypto';
import type { Config } from '../config.js';
import type { Calendar, Prisma, PrismaClient } from '../db/prisma.js';
import type { Sql } from '../db/sql.js';
import type { Logger } from '../logger.js';
import type { Viewer } from './viewer.js';
import { BadUserInputError, ConflictError, ForbiddenError, UnauthenticatedError } from '../errors.js';
import { ACCOUNT_SELECT, accountsStatement, type Account, type AccountColumn } from './accounts.js';
import { createLoginLimiter, createRegistrationLimiter } from './attempt-limiter.js';
import { argon2Passwords, type Passwords } from './passwords.js';
import type { SessionWatch } from './session-watch.js';
import { hashSessionToken, newSessionToken } from './tokens.js';
import { boundedCredential, validNewPassword, validPersonName, validTimeZone, validUsername } from './validation.js';

/** Who is on the other end of a request, as far as sessions and rate limits are concerned. */
export interface ClientInfo {
  readonly address: string | null;
  readonly userAgent: string | null;
}

export interface SignedIn {
  readonly user: Account;
  /** The bearer token: returned once, never stored (only its SHA-256 is). */
  readonly token: string;
  readonly expiresAt: Date;
}

export interface RegisterInput {
  readonly username: string;
  readonly password: string;
  readonly name: string;
  readonly lastname: string;
  readonly timeZone?: string | null;
}

export interface ProfileChanges {
  readonly name?: string | null;
  readonly lastname?: string | null;
  /** `null` returns the user to the service time zone; absent leaves it as it is. */
  readonly timeZone?: string | null;
  /** Absent leaves it as it is; `null` is refused (a user always has a calendar). */
  readonly calendar?: Calendar | null;
}

export interface AuthService {
  register(input: RegisterInput, client: ClientInfo): Promise<SignedIn>;
  login(input: { username: string; password: string }, client: ClientInfo): Promise<SignedIn>;
  /** Revokes the viewer's current session; resolves with how many sessions were revoked (0 or 1). */
  logout(viewer: Viewer): Promise<number>;
  /** Revokes every session of the viewer, the current one included. */
  logoutEverywhere(viewer: Viewer): Promise<number>;
  updateProfile(viewer: Viewer, changes: ProfileChanges): Promise<Account>;
  /** The accounts among `ids` the viewer may see (only their own), with the given columns. */
  accounts(
    viewer: Viewer,
    ids: readonly string[],
    columns: readonly AccountColumn[],
  ): Promise<Array<Pick<Account, 'id'> & Partial<Account>>>;
  /** Replaces the password and revokes every other session of the viewer. */
  changePassword(
    viewer: Viewer,
    input: { currentPassword: string; newPassword: string },
    client: ClientInfo,
  ): Promise<{ user: Account; revokedSessions: number }>;
  /** Makes the configured admin usernames administrators; resolves with how many accounts changed. */
  applyAdminUsernames(): Promise<number>;
}

/** One message for an unknown username and a wrong password, so neither reveals which names exist. */
const invalidCredentials = () => new UnauthenticatedError('Invalid username or password.');

/** The longest password a sign-in accepts: generous, since older accounts had no upper limit. */
const MAX_LOGIN_PASSWORD = 1024;

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

export interface AuthServiceDependencies {
  readonly prisma: PrismaClient;
  /** Prepared reads (the request path). */
  readonly sql: Sql;
  readonly config: Config;
  readonly logger: Logger;
  readonly sessionWatch: SessionWatch;
  /** Argon2id by default (the server picks by `BEHFLOW_PASSWORD_HASH`); tests wrap it to see which checks a sign-in performs. */
  readonly passwords?: Passwords;
}

export function createAuthService(deps: AuthServiceDependencies): AuthService {
  const { prisma, sql, config, sessionWatch } = deps;
  const passwords = deps.passwords ?? argon2Passwords;
  /**
   * A hash no password matches, made like real ones: checking an unknown username's password
   * against it costs what a real check costs, so answer times do not reveal which names exist.
   */
  let dummyHash: Promise<string> | undefined;
  const checkAgainstDummy = async (password: string) => {
    dummyHash ??= passwords.hash(randomBytes(32).toString('base64url'));
    await passwords.check(await dummyHash, password);
  };
  const log = deps.logger.child({ component: 'auth' });
  const limiter = createLoginLimiter(prisma, config.loginRateLimit);
  const registrations = createRegistrationLimiter(prisma, config.registerRateLimit);
  const adminUsernames = new Set(config.adminUsernames);

  const openSession = async (tx: Prisma.TransactionClient, userId: string, client: ClientInfo) => {
    const token = newSessionToken();
    const expiresAt = new Date(Date.now() + config.sessionTtlMs);
    await tx.authSession.create({
      data: { userId, tokenHash: hashSessionToken(token), expiresAt, userAgent: client.userAgent?.slice(0, 512) ?? null },
      select: { id: true },
    });
    return { token, expiresAt };
  };

  return {
    async register(input, client) {
      const username = validUsername(input.username, 'username');
      const password = validNewPassword(input.password, 'password', passwords.maxPasswordBytes);
      const name = validPersonName(input.name, 'name');
      const lastname = validPersonName(input.lastname, 'lastname');
      const timeZone = input.timeZone == null ? null : validTimeZone(input.timeZone, 'timeZone');
      // After the input checks, so a typo costs nothing; before the name check, so probing
      // for taken names is limited as well.
      await registrations.admit(username, client.address);

      // Names differing only in case would let one user pass for another. Checked here first so
      // a taken name costs no password hash; checked again below where it cannot race.
      const isTaken = async (db: Prisma.TransactionClient) =>
        (await db.user.findFirst({ where: { username: { equals: username, mode: 'insensitive' } }, select: { id: true } })) !== null;
      if (await isTaken(prisma)) throw new ConflictError('This username is taken.', 'username');

      const passwordHash = await passwords.hash(password);
      try {
        const { user, session } = await prisma.$transaction(async (tx) => {
          // The unique index is case-sensitive (an adopted database may hold case variants, so
          // it cannot become case-insensitive): registrations of one lower-cased name take turns
          // instead, each seeing whether an earlier one committed.
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(lower(${username})))`;
          if (await isTaken(tx)) throw new ConflictError('This username is taken.', 'username');
          const user = await tx.user.create({
            data: { username, passwordHash, name, lastname, timeZone, role: adminUsernames.has(username) ? 'admin' : 'user' },
            select: ACCOUNT_SELECT,
          });
          return { user, session: await openSession(tx, user.id, client) };
        });
        log.info({ userId: user.id }, 'user registered');
        return { user, ...session };
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError('This username is taken.', 'username');
        throw error;
      }
    },

    async login(input, client) {
      const username = boundedCredential(input.username, 50, 'username');
      const password = boundedCredential(input.password, MAX_LOGIN_PASSWORD, 'password');
      const attempt = await limiter.begin(username, client.address);

      const user = await prisma.user.findUnique({ where: { username } });
      if (!user) {
        await checkAgainstDummy(password);
        throw invalidCredentials();
      }
      const check = await passwords.check(user.passwordHash, password);
      if (!check.valid) throw invalidCredentials();
      // Said only to someone who knows the password, so it reveals nothing to a guesser.
      if (!user.isActive) throw new ForbiddenError('This account is disabled.');
      await attempt.succeeded();

      // A hash of another scheme than the configured one is replaced (e.g. the original's bcrypt
      // by argon2id when the operator chose it); one of the configured scheme is left untouched.
      const newHash = check.needsRehash ? await passwords.hash(password) : null;
      const session = await prisma.$transaction(async (tx) => {
        if (newHash) await tx.user.update({ where: { id: user.id }, data: { passwordHash: newHash }, select: { id: true } });
        return openSession(tx, user.id, client);
      });
      if (newHash) log.info({ userId: user.id, scheme: passwords.scheme }, 'password re-hashed');
      const { passwordHash: _hash, ...account } = user;
      return { user: account, ...session };
    },

    async logout(viewer) {
      const { count } = await prisma.authSession.updateMany({
        where: { id: viewer.sessionId, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      await sessionWatch.announceRevocation(viewer.id);
      return count;
    },

    async logoutEverywhere(viewer) {
      const now = new Date();
      const { count } = await prisma.authSession.updateMany({
        where: { userId: viewer.id, revokedAt: null, expiresAt: { gt: now } },
        data: { revokedAt: now },
      });
      await sessionWatch.announceRevocation(viewer.id);
      return count;
    },

    async updateProfile(viewer, changes) {
      const data: Prisma.UserUpdateInput = {};
      if (changes.name != null) data.name = validPersonName(changes.name, 'name');
      if (changes.lastname != null) data.lastname = validPersonName(changes.lastname, 'lastname');
      if (changes.timeZone !== undefined) {
        data.timeZone = changes.timeZone === null ? null : validTimeZone(changes.timeZone, 'timeZone');
      }
      if (changes.calendar === null) throw new BadUserInputError('calendar cannot be null.', 'calendar');
      if (changes.calendar !== undefined) data.calendar = changes.calendar;
      if (Object.keys(data).length === 0) return prisma.user.findUniqueOrThrow({ where: { id: viewer.id }, select: ACCOUNT_SELECT });
      const account = await prisma.user.update({ where: { id: viewer.id }, data, select: ACCOUNT_SELECT });
      // Instances remember the viewer's time zone with the session.
      if (data.timeZone !== undefined) await sessionWatch.announceAccountChange(viewer.id);
      return account;
    },

    async accounts(viewer, ids, columns) {
      const wanted = ids.filter((id) => id === viewer.id);
      if (wanted.length === 0) return [];
      return sql.rows(accountsStatement(viewer.id, wanted, columns));
    },

    async changePassword(viewer, input, client) {
      const currentPassword = boundedCredential(input.currentPassword, MAX_LOGIN_PASSWORD, 'currentPassword');
      const newPassword = validNewPassword(input.newPassword, 'newPassword', passwords.maxPasswordBytes);
      // Someone holding a stolen token must not get unlimited guesses at the password either.
      const attempt = await limiter.begin(viewer.username, client.address);
      const user = await prisma.user.findUniqueOrThrow({ where: { id: viewer.id }, select: { passwordHash: true } });
      const check = await passwords.check(user.passwordHash, currentPassword);
      if (!check.valid) throw new BadUserInputError('The current password is not correct.', 'currentPassword');
      await attempt.succeeded();

      const passwordHash = await passwords.hash(newPassword);
      const now = new Date();
      const result = await prisma.$transaction(async (tx) => {
        const updated = await tx.user.update({ where: { id: viewer.id }, data: { passwordHash }, select: ACCOUNT_SELECT });
        const { count } = await tx.authSession.updateMany({
          where: { userId: viewer.id, id: { not: viewer.sessionId }, revokedAt: null, expiresAt: { gt: now } },
          data: { revokedAt: now },
        });
        return { user: updated, revokedSessions: count };
      });
      await sessionWatch.announceRevocation(viewer.id);
      log.info({ userId: viewer.id, revokedSessions: result.revokedSessions }, 'password changed');
      return result;
    },

    async applyAdminUsernames() {
      if (adminUsernames.size === 0) return 0;
      const { count } = await prisma.user.updateMany({
        where: { username: { in: [...adminUsernames] }, role: { not: 'admin' } },
        data: { role: 'admin' },
      });
      if (count > 0) log.info({ count }, 'administrators named by BEHFLOW_ADMIN_USERNAMES promoted');
      return count;
    },
  };
}
