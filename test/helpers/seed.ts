import { randomBytes } from 'node:crypto';
import { hashSessionToken, newSessionToken } from '../../src/auth/tokens.js';
import type { PrismaClient, User } from '../../src/db/prisma.js';

export interface SeededUser {
  readonly user: User;
  /** A valid bearer token for a fresh session of this user. */
  readonly token: string;
  readonly sessionId: string;
}

export interface SeedUserOptions {
  readonly username?: string;
  readonly role?: 'user' | 'admin';
  readonly timeZone?: string | null;
  readonly isActive?: boolean;
  /** Stored as is; seeds that must log in with a password use the auth API instead. */
  readonly passwordHash?: string;
  /** Session lifetime from now (default one day). */
  readonly sessionTtlMs?: number;
}

/** Unique per call, so concurrent tests never collide on usernames. */
export function uniqueName(prefix = 'user'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** A user with a signed-in session, written straight to the database. */
export async function seedUser(prisma: PrismaClient, options: SeedUserOptions = {}): Promise<SeededUser> {
  const username = options.username ?? uniqueName();
  const user = await prisma.user.create({
    data: {
      username,
      passwordHash: options.passwordHash ?? '!seeded-without-password',
      name: 'Test',
      lastname: username,
      role: options.role ?? 'user',
      timeZone: options.timeZone === undefined ? null : options.timeZone,
      isActive: options.isActive ?? true,
    },
  });
  const session = await seedSession(prisma, user.id, options);
  return { user, ...session };
}

/** Another signed-in session for an existing user. */
export async function seedSession(
  prisma: PrismaClient,
  userId: string,
  options: { sessionTtlMs?: number } = {},
): Promise<{ token: string; sessionId: string }> {
  const token = newSessionToken();
  const session = await prisma.authSession.create({
    data: {
      userId,
      tokenHash: hashSessionToken(token),
      expiresAt: new Date(Date.now() + (options.sessionTtlMs ?? 86_400_000)),
    },
  });
  return { token, sessionId: session.id };
}
