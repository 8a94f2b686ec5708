import pg from 'pg';

/**
 * Runs `run` and returns, per SQL statement that mentions `table`, how many rows PostgreSQL
 * sent back. Counted on the pg client the server's Prisma adapter uses, so it shows what a
 * request reads from the database, not what it returns.
 */
export async function rowsRead<T>(table: string, run: () => Promise<T>): Promise<{ result: T; rowsPerStatement: number[] }> {
  const watchedTable = new RegExp(`\\b${table}\\b`);
  const original = pg.Client.prototype.query;
  const rowsPerStatement: number[] = [];
  const count = (answer: { rows?: unknown[] } | undefined) => rowsPerStatement.push(answer?.rows?.length ?? 0);
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string } | undefined;
    const sql = typeof first === 'string' ? first : (first?.text ?? '');
    const watched = watchedTable.test(sql);
    // The pool calls its clients with a callback; a checked-out client returns a promise.
    const callback = args.at(-1);
    if (watched && typeof callback === 'function') {
      args[args.length - 1] = (error: unknown, answer: { rows?: unknown[] }) => {
        if (!error) count(answer);
        return (callback as (...a: unknown[]) => unknown)(error, answer);
      };
    }
    const result = (original as (...a: unknown[]) => unknown).apply(this, args);
    if (watched && typeof callback !== 'function' && result instanceof Promise) result.then(count, () => undefined);
    return result;
  } as typeof original;
  try {
    return { result: await run(), rowsPerStatement };
  } finally {
    pg.Client.prototype.query = original;
  }
}
