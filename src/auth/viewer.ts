import type { PrismaClient } from '../db/prisma.js';
import type { Viewer } from '../schema/context.js';
import { bearerToken, hashSessionToken } from './tokens.js';

interface SessionRow {
  sessionId: string;
  expiresAt: Date;
  lastUsedAt: Date;
  revokedAt: Date | null;
  userId: string;
  username: string;
  role: 'user' | 'admin';
  timeZone: string | null;
  isActive: boolean;
}

/** Refreshing `last_used_at` on every request would turn each read into a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Looks up the session behind a bearer token: a viewer only while the session is neither
 * revoked nor expired and its user is active. One indexed query per operation.
 */
export async function resolveViewer(prisma: PrismaClient, serviceTimeZone: string, authorization: string | null): Promise<Viewer | null> {
  const token = bearerToken(authorization);
  if (!token) return null;
  // One statement: the session and its user joined (Prisma would send two for an include).
  const rows = await prisma.$queryRaw<SessionRow[]>`
    SELECT s.auth_session_id AS "sessionId", s.expires_at AS "expiresAt", s.last_used_at AS "lastUsedAt",
           s.revoked_at AS "revokedAt", u.user_id AS "userId", u.username, u.role::text AS role,
           u.time_zone AS "timeZone", u.is_active AS "isActive"
      FROM auth_sessions s JOIN users u ON u.user_id = s.user_id
     WHERE s.token_hash = ${hashSessionToken(token)}`;
  const session = rows[0];
  const now = Date.now();
  if (!session || session.revokedAt || session.expiresAt.getTime() <= now || !session.isActive) return null;
  if (now - session.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    void prisma.authSession.update({ where: { id: session.sessionId }, data: { lastUsedAt: new Date(now) } }).catch(() => {});
  }
  return {
    id: session.userId,
    username: session.username,
    role: session.role,
    timeZone: session.timeZone ?? serviceTimeZone,
    sessionId: session.sessionId,
    sessionExpiresAt: session.expiresAt,
  };
}
