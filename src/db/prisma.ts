import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import { createSql, type Sql } from './sql.js';

export { PrismaClient };
export type * from '../generated/prisma/client.js';

export interface Database {
  readonly prisma: PrismaClient;
  /** The pool behind Prisma, for the few statements Prisma cannot express (health, advisory locks). */
  readonly pool: pg.Pool;
  /** Prepared reads on the same pool, for the request path. */
  readonly sql: Sql;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  readonly connectionString: string;
  readonly poolSize: number;
  readonly logger: Logger;
  /** Called with every SQL statement sent through Prisma or `sql`; tests count them. */
  readonly onQuery?: (query: { sql: string; durationMs: number }) => void;
}

export function connectDatabase(options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize,
    // The pg default waits forever for a free connection; a request should fail instead.
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection emits on the pool; unhandled, it would crash the process.
  pool.on('error', (error) => options.logger.warn({ err: { message: error.message } }, 'idle database connection lost'));

  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool),
    // The default "pretty" format quotes the call's arguments (a password hash, a token
    // hash) into the message, which would reach the logs.
    errorFormat: 'minimal',
    log: options.onQuery ? [{ emit: 'event', level: 'query' }] : [],
  });
  if (options.onQuery) {
    const onQuery = options.onQuery;
    prisma.$on(
      'query' as never,
      ((event: { query: string; duration: number }) => onQuery({ sql: event.query, durationMs: event.duration })) as never,
    );
  }

  return {
    prisma,
    pool,
    sql: createSql(pool, options.onQuery),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
