import type { Config } from '../config.js';
import type { PrismaClient } from '../db/prisma.js';
import type { Logger } from '../logger.js';

export interface AuthPruneResult {
  /** Sessions deleted because they were revoked or expired before the retention period. */
  readonly sessions: number;
  /** Rate-limit rows deleted because they are older than their window and no longer count. */
  readonly attempts: number;
}

/**
 * Deletes what accounts no longer need: sessions that ended (revoked or expired) longer ago
 * than the retention period, and rate-limit attempts older than their window. Set-based and
 * idempotent, so any number of instances may run it at once: a row one of them deleted is
 * simply not there for the others.
 */
export async function pruneAuthRecords(
  prisma: PrismaClient,
  config: Pick<Config, 'housekeeping' | 'loginRateLimit' | 'registerRateLimit'> & Partial<Pick<Config, 'idempotencyWindowSeconds'>>,
  now: Date = new Date(),
): Promise<AuthPruneResult> {
  const endedBefore = new Date(now.getTime() - config.housekeeping.sessionRetentionMs);
  const windowStart = (seconds: number) => new Date(now.getTime() - seconds * 1000);
  const [sessions, attempts] = await Promise.all([
    prisma.authSession.deleteMany({ where: { OR: [{ revokedAt: { lt: endedBefore } }, { expiresAt: { lt: endedBefore } }] } }),
    prisma.loginAttempt.deleteMany({
      where: {
        OR: [
          { kind: 'login', attemptedAt: { lt: windowStart(config.loginRateLimit.windowSeconds) } },
          { kind: 'register', attemptedAt: { lt: windowStart(config.registerRateLimit.windowSeconds) } },
        ],
      },
    }),
  ]);
  // Outcomes of idempotent requests past their window: a retry that late runs anew anyway.
  if (config.idempotencyWindowSeconds !== undefined) {
    await prisma.idempotencyKey.deleteMany({ where: { createdAt: { lt: windowStart(config.idempotencyWindowSeconds) } } });
  }
  return { sessions: sessions.count, attempts: attempts.count };
}

export interface AuthHousekeeping {
  /** Stops the timer and waits for a run in progress, so the database can be closed after it. */
  stop(): Promise<void>;
}

/**
 * Runs `pruneAuthRecords` once at start and then every `config.housekeeping.intervalSeconds`
 * on this instance. The timer is unref'd: it never keeps the process alive on its own.
 * A failed run is logged and retried at the next tick.
 */
export function startAuthHousekeeping(deps: {
  prisma: PrismaClient;
  config: Config;
  logger: Logger;
  /** Told when each run has finished, with what it deleted. */
  onRun?: (result: AuthPruneResult) => void;
}): AuthHousekeeping {
  const log = deps.logger.child({ component: 'auth-housekeeping' });
  let running: Promise<void> | null = null;
  let stopped = false;

  const run = () => {
    if (stopped || running) return;
    running = pruneAuthRecords(deps.prisma, deps.config)
      .then((result) => {
        if (result.sessions > 0 || result.attempts > 0) log.info(result, 'deleted ended sessions and expired rate-limit attempts');
        deps.onRun?.(result);
      })
      .catch((error: Error) => log.warn({ err: { message: error.message } }, 'auth housekeeping failed; retrying at the next interval'))
      .finally(() => {
        running = null;
      });
  };

  const timer = setInterval(run, deps.config.housekeeping.intervalSeconds * 1000);
  timer.unref();
  run();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
