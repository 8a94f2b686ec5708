// Reading accounts on the request path: only the columns asked for, never the password hash
// (only sign-in and password change read it, through Prisma).
import type { SqlStatement } from '../db/sql.js';
import type { User } from '../db/prisma.js';

/** An account as the API shows it: everything but the password hash. */
export type Account = Omit<User, 'passwordHash'>;

const ACCOUNT_COLUMN_SQL = {
  id: 'user_id',
  username: 'username',
  name: 'name',
  lastname: 'lastname',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  isActive: 'is_active',
  timeZone: 'time_zone',
  role: 'role',
  calendar: 'calendar',
} as const satisfies Record<keyof Account, string>;

export type AccountColumn = keyof typeof ACCOUNT_COLUMN_SQL;

/** For Prisma reads and writes that return an account: every column but the password hash. */
export const ACCOUNT_SELECT = Object.fromEntries(Object.keys(ACCOUNT_COLUMN_SQL).map((key) => [key, true])) as {
  [K in AccountColumn]: true;
};

/** The accounts among `ids`, limited to the one the viewer may see (their own). */
export function accountsStatement(viewerId: string, ids: readonly string[], columns: readonly AccountColumn[]): SqlStatement {
  const select = columns
    .map((column) => `${ACCOUNT_COLUMN_SQL[column]}${column === 'role' || column === 'calendar' ? '::text' : ''} AS "${column}"`)
    .join(', ');
  return { text: `SELECT ${select} FROM users WHERE user_id = ANY($1::uuid[]) AND user_id = $2::uuid`, values: [ids, viewerId] };
}
