// Reads on the request path go straight to `pg` as prepared statements: PostgreSQL plans each
// statement shape once per connection, and a request costs one round trip per statement with
// nothing between the row parser and the resolver. Writes and the rarer reads go through
// Prisma (src/db/prisma.ts), on the same pool.
import { createHash } from 'node:crypto';
import type pg from 'pg';

/** A statement with `$1…` placeholders and its values. Statement texts are written in code, never from input. */
export interface SqlStatement {
  readonly text: string;
  readonly values: readonly unknown[];
}

export interface Sql {
  /** Runs a statement as a named prepared statement and returns its rows. */
  rows<Row>(statement: SqlStatement): Promise<Row[]>;
}

/**
 * How many distinct statement texts are prepared by name. Each named statement lives on every
 * pool connection until it closes, so shapes past this (an unusual mix of filters and fields)
 * run unnamed instead of growing the server's memory without bound.
 */
const MAX_NAMED_STATEMENTS = 500;

export function createSql(pool: pg.Pool, onQuery?: (query: { sql: string; durationMs: number }) => void): Sql {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_NAMED_STATEMENTS) {
      name = `b_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
      names.set(text, name);
    }
    return name;
  };
  return {
    async rows<Row>(statement: SqlStatement): Promise<Row[]> {
      const started = onQuery ? performance.now() : 0;
      const result = await pool.query({ name: nameOf(statement.text), text: statement.text, values: statement.values as unknown[] });
      onQuery?.({ sql: statement.text, durationMs: performance.now() - started });
      return result.rows as Row[];
    },
  };
}
