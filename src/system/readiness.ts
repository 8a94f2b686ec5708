import type pg from 'pg';
import type { Logger } from '../logger.js';

/** A readiness probe gives up after about a second; the answer comes before that. */
const CHECK_TIMEOUT_MS = 800;

export interface Readiness {
  readonly ready: boolean;
  readonly status: 'ready' | 'not ready';
  readonly draining: boolean;
  readonly database: { readonly reachable: boolean; readonly latencyMs: number };
  /** Migrations of this build not recorded as applied in the database (none when ready). */
  readonly migrations: { readonly applied: boolean; readonly missing: readonly string[] };
}

/**
 * Whether this instance should get traffic: not draining, the database answering within the
 * probe's time, and every migration this build knows recorded as applied (one missing means
 * the database was restored from an older backup, or another version rolled it back).
 */
export async function readiness(options: {
  pool: pg.Pool;
  migrations: readonly string[];
  draining: boolean;
  log: Logger;
}): Promise<Readiness> {
  const started = Date.now();
  let reachable = false;
  let missing: readonly string[] = options.migrations;
  let timer: NodeJS.Timeout | undefined;
  try {
    const query = options.pool.query<{ name: string }>(
      `SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
    });
    const { rows } = await Promise.race([query, timeout]);
    reachable = true;
    const applied = new Set(rows.map((row) => row.name));
    missing = options.migrations.filter((name) => !applied.has(name));
  } catch (error) {
    options.log.warn({ err: { message: (error as Error).message } }, 'readiness check: database unreachable');
  } finally {
    clearTimeout(timer);
  }
  const ready = reachable && missing.length === 0 && !options.draining;
  return {
    ready,
    status: ready ? 'ready' : 'not ready',
    draining: options.draining,
    database: { reachable, latencyMs: Date.now() - started },
    migrations: { applied: reachable && missing.length === 0, missing: reachable ? missing : [] },
  };
}
