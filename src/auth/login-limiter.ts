import type { Config } from '../config.js';
import type { PrismaClient } from '../db/prisma.js';
import { RateLimitedError } from '../schema/errors.js';

/** Old rows are removed at most this often per instance; they no longer count anyway. */
const PRUNE_INTERVAL_MS = 60_000;

export interface LoginAttempt {
  /** Marks the attempt as successful: it and the username's earlier failures stop counting. */
  succeeded(): Promise<void>;
}

export interface LoginLimiter {
  /**
   * Records a sign-in attempt before the password is checked, and refuses it with
   * RATE_LIMITED when the username or the client address already failed too often within
   * the sliding window. Recording first means concurrent attempts (on any instance) all
   * count: a burst cannot slip past the limit between a check and a write.
   */
  begin(username: string, clientAddress: string | null): Promise<LoginAttempt>;
}

export function createLoginLimiter(prisma: PrismaClient, limits: Config['loginRateLimit']): LoginLimiter {
  const windowMs = limits.windowSeconds * 1000;
  let lastPrune = 0;

  const prune = (now: number) => {
    if (now - lastPrune < PRUNE_INTERVAL_MS) return;
    lastPrune = now;
    void prisma.loginAttempt.deleteMany({ where: { attemptedAt: { lt: new Date(now - windowMs) } } }).catch(() => {});
  };

  /**
   * Seconds until the key is below its limit again: once the oldest `count - max + 1` rows
   * of the window have aged out, `max - 1` remain and one more attempt fits.
   */
  const retryAfterSeconds = async (where: { username: string } | { clientAddress: string }, count: number, max: number, since: Date) => {
    const oldestToExpire = await prisma.loginAttempt.findFirst({
      where: { ...where, attemptedAt: { gt: since } },
      orderBy: { attemptedAt: 'asc' },
      skip: Math.max(0, count - max),
      select: { attemptedAt: true },
    });
    const freeAt = (oldestToExpire?.attemptedAt.getTime() ?? Date.now()) + windowMs;
    return Math.max(1, Math.ceil((freeAt - Date.now()) / 1000));
  };

  return {
    async begin(rawUsername, clientAddress) {
      const username = rawUsername.toLowerCase();
      const now = Date.now();
      prune(now);
      const since = new Date(now - windowMs);
      const attempt = await prisma.loginAttempt.create({ data: { username, clientAddress }, select: { id: true } });

      const [byUsername, byAddress] = await Promise.all([
        prisma.loginAttempt.count({ where: { username, attemptedAt: { gt: since } } }),
        clientAddress ? prisma.loginAttempt.count({ where: { clientAddress, attemptedAt: { gt: since } } }) : Promise.resolve(0),
      ]);
      // The attempt just written is part of each count: over the limit means more than `max`.
      const overUsername = byUsername > limits.maxFailuresPerUsername;
      const overAddress = clientAddress !== null && byAddress > limits.maxFailuresPerAddress;
      if (overUsername || overAddress) {
        // A refused attempt is not a failure: it must not push the end of the lockout further away.
        await prisma.loginAttempt.delete({ where: { id: attempt.id } }).catch(() => {});
        const waits = await Promise.all([
          overUsername ? retryAfterSeconds({ username }, byUsername - 1, limits.maxFailuresPerUsername, since) : 0,
          overAddress && clientAddress ? retryAfterSeconds({ clientAddress }, byAddress - 1, limits.maxFailuresPerAddress, since) : 0,
        ]);
        const wait = Math.max(...waits);
        throw new RateLimitedError(`Too many failed sign-in attempts. Try again in ${wait} seconds.`, wait);
      }

      return {
        async succeeded() {
          await prisma.loginAttempt.deleteMany({ where: { OR: [{ id: attempt.id }, { username }] } });
        },
      };
    },
  };
}
