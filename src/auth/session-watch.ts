import type { PrismaClient } from '../db/prisma.js';
import type { Logger } from '../logger.js';
import type { BehflowPubSub } from '../pubsub/index.js';

/** The session a long-lived connection or stream was opened with. */
export interface WatchedSession {
  readonly sessionId: string;
  /** The user the session belongs to (revocations are announced per user). */
  readonly userId: string;
  readonly expiresAt: Date;
}

/**
 * Ends what outlives a single request (open subscriptions, WebSocket connections) when the
 * session it was opened with is revoked, on any instance, or expires.
 */
export interface SessionWatch {
  /** Calls `onEnd` once when the session ends; the returned function stops watching. */
  watch(session: WatchedSession, onEnd: () => void): () => void;
  /** Tells every instance that sessions of this user were revoked. Call after the revocation committed. */
  announceRevocation(userId: string): Promise<void>;
  close(): Promise<void>;
}

/** setTimeout takes at most 2^31-1 ms (~24.8 days); longer waits are taken in steps. */
const MAX_TIMER_MS = 2_147_483_647;

interface Entry {
  readonly userId: string;
  readonly expiresAt: Date;
  readonly listeners: Set<() => void>;
  timer?: NodeJS.Timeout;
}

export function createSessionWatch(options: { prisma: PrismaClient; pubsub: BehflowPubSub; logger: Logger }): SessionWatch {
  const { prisma, pubsub } = options;
  const log = options.logger.child({ component: 'session-watch' });
  const sessions = new Map<string, Entry>();

  const end = (sessionId: string) => {
    const entry = sessions.get(sessionId);
    if (!entry) return;
    sessions.delete(sessionId);
    clearTimeout(entry.timer);
    for (const listener of entry.listeners) {
      try {
        listener();
      } catch (error) {
        log.warn({ err: { message: (error as Error).message } }, 'a session-end listener failed');
      }
    }
  };

  const armExpiry = (sessionId: string, entry: Entry) => {
    const remaining = entry.expiresAt.getTime() - Date.now();
    if (remaining <= 0) {
      end(sessionId);
      return;
    }
    entry.timer = setTimeout(() => armExpiry(sessionId, entry), Math.min(remaining, MAX_TIMER_MS));
    entry.timer.unref();
  };

  /**
   * The event says only "sessions of this user changed": which of the watched ones ended is
   * read from the database, so nothing in the event has to be trusted or kept small.
   */
  const recheckUser = async (userId: string) => {
    const watched = [...sessions].filter(([, entry]) => entry.userId === userId).map(([id]) => id);
    if (watched.length === 0) return;
    const alive = await prisma.authSession.findMany({
      where: { id: { in: watched }, revokedAt: null, expiresAt: { gt: new Date() }, user: { isActive: true } },
      select: { id: true },
    });
    const aliveIds = new Set(alive.map((session) => session.id));
    for (const id of watched) if (!aliveIds.has(id)) end(id);
  };

  const recheckSession = async (sessionId: string) => {
    try {
      const alive = await prisma.authSession.count({
        where: { id: sessionId, revokedAt: null, expiresAt: { gt: new Date() }, user: { isActive: true } },
      });
      if (alive === 0) end(sessionId);
    } catch (error) {
      log.error({ err: { message: (error as Error).message } }, 'could not check a session');
    }
  };

  const events = pubsub.subscribe('auth:sessions-revoked');
  const listening = (async () => {
    for await (const event of events) {
      await recheckUser(event.userId).catch((error: Error) =>
        log.error({ err: { message: error.message } }, 'could not check revoked sessions'),
      );
    }
  })();

  return {
    watch(session, onEnd) {
      let entry = sessions.get(session.sessionId);
      if (!entry) {
        entry = { userId: session.userId, expiresAt: session.expiresAt, listeners: new Set() };
        sessions.set(session.sessionId, entry);
        armExpiry(session.sessionId, entry);
        // Already expired: `armExpiry` ended it, and the caller still has to hear about it.
        if (!sessions.has(session.sessionId)) {
          queueMicrotask(onEnd);
          return () => {};
        }
        // A revocation announced between the caller's session lookup and this call would be missed:
        // look once more, now that any later announcement will be heard.
        void recheckSession(session.sessionId);
      }
      const current = entry;
      const listener = () => onEnd();
      current.listeners.add(listener);
      return () => {
        current.listeners.delete(listener);
        if (current.listeners.size === 0 && sessions.get(session.sessionId) === current) {
          clearTimeout(current.timer);
          sessions.delete(session.sessionId);
        }
      };
    },
    async announceRevocation(userId) {
      pubsub.publish('auth:sessions-revoked', { userId });
    },
    async close() {
      for (const entry of sessions.values()) clearTimeout(entry.timer);
      sessions.clear();
      await events.return?.();
      await listening;
    },
  };
}
