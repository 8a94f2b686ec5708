import type { PrismaClient } from '../db/prisma.js';
import type { Logger } from '../logger.js';
import type { BehflowPubSub, PubSubSystem } from '../pubsub/index.js';

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
  /**
   * Ends this instance's watched sessions of the user that are no longer valid, then tells
   * every other instance to do the same. Call after the revocation committed.
   */
  announceRevocation(userId: string): Promise<void>;
  /**
   * Tells every instance that the account changed (time zone, role), so none answers a request
   * with what it remembered of it. Resolves once the announcement has reached them.
   */
  announceAccountChange(userId: string): Promise<void>;
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

export interface SessionWatchOptions {
  readonly prisma: PrismaClient;
  readonly pubsub: BehflowPubSub;
  readonly logger: Logger;
  /**
   * Registers a callback run whenever the pub/sub listener (re)connects; returns the
   * unregistering function. Revocations announced while it was down are never delivered,
   * so every watched session is re-read then.
   */
  readonly onListenerConnected?: (listener: () => void) => () => void;
  /**
   * How often every watched session is re-read regardless of events, bounding how long a
   * missed announcement (a lost notification, a revocation written by another tool) can go
   * unnoticed. 0 turns the periodic check off.
   */
  readonly recheckIntervalMs?: number;
  /**
   * Publishes an announcement and resolves once every listening instance has heard it; without
   * it, announcements are published and not waited for.
   */
  readonly announce?: PubSubSystem['announce'];
}

export function createSessionWatch(options: SessionWatchOptions): SessionWatch {
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

  /** Ends those of `watched` that are revoked, expired or belong to a disabled user: one query. */
  const recheck = async (watched: string[]) => {
    if (watched.length === 0) return;
    const alive = await prisma.authSession.findMany({
      where: { id: { in: watched }, revokedAt: null, expiresAt: { gt: new Date() }, user: { isActive: true } },
      select: { id: true },
    });
    const aliveIds = new Set(alive.map((session) => session.id));
    for (const id of watched) if (!aliveIds.has(id)) end(id);
  };

  /**
   * The event says only "sessions of this user changed": which of the watched ones ended is
   * read from the database, so nothing in the event has to be trusted or kept small.
   */
  const recheckUser = (userId: string) => recheck([...sessions].filter(([, entry]) => entry.userId === userId).map(([id]) => id));

  const recheckAll = (why: string) =>
    recheck([...sessions.keys()]).catch((error: Error) =>
      log.error({ err: { message: error.message }, why }, 'could not check watched sessions'),
    );

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

  const publishAnnouncement = async (topic: 'auth:sessions-revoked' | 'auth:user-changed', payload: { userId: string }) => {
    if (options.announce) await options.announce(topic, payload);
    else pubsub.publish(topic, payload);
  };

  const events = pubsub.subscribe('auth:sessions-revoked');
  const listening = (async () => {
    for await (const event of events) {
      await recheckUser(event.userId).catch((error: Error) =>
        log.error({ err: { message: error.message } }, 'could not check revoked sessions'),
      );
    }
  })();

  const stopReconnectChecks = options.onListenerConnected?.(() => void recheckAll('event listener reconnected'));
  const interval = options.recheckIntervalMs ?? 0;
  const periodic = interval > 0 ? setInterval(() => void recheckAll('periodic check'), interval) : undefined;
  periodic?.unref();

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
      // This instance's own connections do not wait for the notification's round trip, which
      // would never come back while the listener is down.
      await recheckUser(userId).catch((error: Error) => log.error({ err: { message: error.message } }, 'could not check revoked sessions'));
      // Instances answer sessions from memory until they hear of this: the revocation is only
      // done once they all have.
      await publishAnnouncement('auth:sessions-revoked', { userId });
    },
    async announceAccountChange(userId) {
      await publishAnnouncement('auth:user-changed', { userId });
    },
    async close() {
      clearInterval(periodic);
      stopReconnectChecks?.();
      for (const entry of sessions.values()) clearTimeout(entry.timer);
      sessions.clear();
      await events.return?.();
      await listening;
    },
  };
}
