import type { PrismaClient } from '../db/prisma.js';
import type { Viewer } from '../schema/context.js';
import { bearerToken, hashSessionToken } from './tokens.js';

/** Refreshing `last_used_at` on every request would turn each read into a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Looks up the session behind a bearer token: a viewer only while the session is neither
 * revoked nor expired and its user is active. One indexed query per operation.
 */
export async function resolveViewer(prisma: PrismaClient, serviceTimeZone: string, authorization: string | null): Promise<Viewer | null> {
  const token = bearerToken(authorization);
  if (!token) return null;
  const session = await prisma.authSession.findUnique({
    where: { tokenHash: hashSessionToken(token) },
    include: { user: { select: { id: true, username: true, role: true, timeZone: true, isActive: true } } },
  });
  const now = Date.now();
  if (!session || session.revokedAt || session.expiresAt.getTime() <= now || !session.user.isActive) return null;
  if (now - session.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    void prisma.authSession.update({ where: { id: session.id }, data: { lastUsedAt: new Date(now) } }).catch(() => {});
  }
  return {
    id: session.user.id,
    username: session.user.username,
    role: session.user.role,
    timeZone: session.user.timeZone ?? serviceTimeZone,
    sessionId: session.id,
    sessionExpiresAt: session.expiresAt,
  };
}
