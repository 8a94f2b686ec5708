import type { Sql } from '../db/sql.js';
import type { Logger } from '../logger.js';
import type { PubSubSystem } from '../pubsub/index.js';
import { bearerToken, hashSessionToken } from './tokens.js';

export type Role = 'user' | 'admin';

/** Who is asking: the signed-in user behind the request's session token. */
export interface Viewer {
  readonly id: string;
  readonly username: string;
  readonly role: Role;
  /** IANA zone used for "today" and for calendar renderings of this viewer's dates. */
  readonly timeZone: string;
  /** The session the request was authenticated with. */
  readonly sessionId: string;
  readonly sessionExpiresAt: Date;
}

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
/** Sessions kept in memory per instance; the least recently used go first. */
const MAX_CACHED_SESSIONS = 10_000;

// The session and its user in one statement, looked up by the token's hash.
const SESSION_BY_TOKEN_HASH = `SELECT s.auth_session_id AS "sessionId", s.expires_at AS "expiresAt", s.last_used_at AS "lastUsedAt",
       s.revoked_at AS "revokedAt", u.user_id AS "userId", u.username, u.role::text AS role,
       u.time_zone AS "timeZone", u.is_active AS "isActive"
  FROM auth_sessions s JOIN users u ON u.user_id = s.user_id
 WHERE s.token_hash = $1`;
const TOUCH_SESSION = 'UPDATE auth_sessions SET last_used_at = $2 WHERE auth_session_id = $1';

interface Cached {
  readonly viewer: Viewer;
  readonly readAt: number;
  lastUsedAt: number;
}

/** Who is behind a request's credentials. */
export interface ViewerResolver {
  /**
   * The viewer while the session behind the `Authorization` value is neither revoked nor
   * expired and its user is active; null otherwise (or when no credentials were sent).
   */
  resolve(authorization: string | null): Promise<Viewer | null>;
  close(): void;
}

export interface ViewerResolverOptions {
  readonly sql: Sql;
  readonly events: Pick<PubSubSystem, 'listen' | 'isListening' | 'onListenerConnected'>;
  readonly serviceTimeZone: string;
  /** How long a session read from the database is answered from memory; 0 reads it every time. */
  readonly cacheMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

/**
 * Sessions are answered from a per-instance cache, so a signed-in request usually costs no
 * database round trip. The cache never outlives what it was read from: a revocation or an
 * account change on any instance is announced and drops the user's entries here before the
 * next request is answered; while the event listener is down nothing is answered from memory
 * (announcements could be missed), and when it reconnects the cache starts empty. `cacheMs`
 * bounds changes that are not announced (an operator editing the database).
 */
export function createViewerResolver(options: ViewerResolverOptions): ViewerResolver {
  const { sql, events, serviceTimeZone, cacheMs } = options;
  const now = options.now ?? (() => Date.now());
  const log = options.logger.child({ component: 'sessions' });
  const cache = new Map<string, Cached>();
  /** Counts invalidations: a read that an announcement overtook is not kept. */
  let generation = 0;

  const forgetUser = ({ userId }: { userId: string }) => {
    generation += 1;
    for (const [hash, entry] of cache) if (entry.viewer.id === userId) cache.delete(hash);
  };
  const stops = [
    events.listen('auth:sessions-revoked', forgetUser),
    events.listen('auth:user-changed', forgetUser),
    events.onListenerConnected(() => {
      generation += 1;
      cache.clear();
    }),
  ];

  const touch = (entry: Cached, at: number) => {
    if (at - entry.lastUsedAt <= LAST_USED_RESOLUTION_MS) return;
    entry.lastUsedAt = at;
    sql.rows({ text: TOUCH_SESSION, values: [entry.viewer.sessionId, new Date(at)] }).catch((error: Error) => {
      log.warn({ err: { message: error.message } }, 'could not record when a session was last used');
    });
  };

  return {
    async resolve(authorization) {
      const token = bearerToken(authorization);
      if (!token) return null;
      const hash = hashSessionToken(token);
      const at = now();
      const cached = cache.get(hash);
      if (cached && at - cached.readAt < cacheMs && cached.viewer.sessionExpiresAt.getTime() > at && events.isListening()) {
        // Least recently used last in line for eviction.
        cache.delete(hash);
        cache.set(hash, cached);
        touch(cached, at);
        return cached.viewer;
      }
      cache.delete(hash);
      const listening = events.isListening();
      const readGeneration = generation;
      const [session] = await sql.rows<SessionRow>({ text: SESSION_BY_TOKEN_HASH, values: [hash] });
      if (!session || session.revokedAt || session.expiresAt.getTime() <= at || !session.isActive) return null;
      const viewer: Viewer = {
        id: session.userId,
        username: session.username,
        role: session.role,
        timeZone: session.timeZone ?? serviceTimeZone,
        sessionId: session.sessionId,
        sessionExpiresAt: session.expiresAt,
      };
      const entry: Cached = { viewer, readAt: at, lastUsedAt: session.lastUsedAt.getTime() };
      // Read while announcements could not arrive, or overtaken by one: good for this request, not for the next.
      if (cacheMs > 0 && listening && events.isListening() && generation === readGeneration) {
        cache.set(hash, entry);
        if (cache.size > MAX_CACHED_SESSIONS) cache.delete(cache.keys().next().value!);
      }
      touch(entry, at);
      return viewer;
    },
    close() {
      for (const stop of stops) stop();
      cache.clear();
    },
  };
}
