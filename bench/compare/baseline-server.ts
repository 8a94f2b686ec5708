// The limit: a plain node:http + pg server answering the benchmark's operations with one
// prepared SQL statement each (session check, rows and owner in one join) and the same JSON
// bytes as the GraphQL server. It knows only these operations; it is a yardstick, not an API.
//   DATABASE_URL=... PORT=0 node --import tsx bench/compare/baseline-server.ts
// Prints `listening <port>` once ready.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });

const SESSION = `FROM auth_sessions s JOIN users u ON u.user_id = s.user_id
  WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.is_active`;
const TASK_COLUMNS =
  't.task_id, t.name, t.description, t.status, t.priority, t.tags, t.due_date_gregorian, t.date_added_gregorian, t.updated_at';

const LIST = {
  name: 'task_page',
  text: `SELECT ${TASK_COLUMNS}, u.username ${SESSION.replace('WHERE', 'JOIN tasks t ON t.user_id = u.user_id WHERE')}
          ORDER BY t.date_added_gregorian DESC, t.task_id ASC LIMIT 50`,
};
const BY_ID = {
  name: 'task_by_id',
  text: `SELECT ${TASK_COLUMNS}, t.user_id ${SESSION.replace('WHERE', 'JOIN tasks t ON t.user_id = u.user_id WHERE')} AND t.task_id = $2`,
};
const SIGNED_IN = { name: 'session', text: `SELECT u.user_id ${SESSION}` };

interface TaskRow {
  task_id: string;
  name: string;
  description: string | null;
  status: string;
  priority: string;
  tags: string[] | null;
  due_date_gregorian: Date | null;
  date_added_gregorian: Date;
  updated_at: Date;
  username?: string;
  user_id?: string;
}

const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
const tokenHash = (req: IncomingMessage) => {
  const match = /^Bearer\s+([A-Za-z0-9_-]{20,200})\s*$/i.exec(req.headers.authorization ?? '');
  return match ? createHash('sha256').update(match[1]!).digest('hex') : null;
};

function task(row: TaskRow, owner: Record<string, string>) {
  return {
    id: globalId('Task', row.task_id),
    name: row.name,
    description: row.description,
    status: row.status.toUpperCase(),
    priority: row.priority.toUpperCase(),
    tags: row.tags ?? [],
    dueAt: row.due_date_gregorian ? row.due_date_gregorian.toISOString() : null,
    createdAt: row.date_added_gregorian.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    owner,
  };
}

async function answer(body: { operationName?: string; variables?: { id?: string } }, hash: string | null): Promise<unknown> {
  if (!hash) return { errors: [{ message: 'Sign in first.', extensions: { code: 'UNAUTHENTICATED' } }], data: null };
  switch (body.operationName) {
    case 'TaskPage': {
      const { rows } = await pool.query<TaskRow>({ ...LIST, values: [hash] });
      return { data: { tasks: { edges: rows.map((row) => ({ node: task(row, { username: row.username! }) })) } } };
    }
    case 'TaskById': {
      const decoded = Buffer.from(String(body.variables?.id ?? ''), 'base64').toString();
      const id = decoded.startsWith('Task:') ? decoded.slice(5) : '00000000-0000-0000-0000-000000000000';
      const { rows } = await pool.query<TaskRow>({ ...BY_ID, values: [hash, id] });
      const row = rows[0];
      return { data: { task: row ? task(row, { id: globalId('User', row.user_id!) }) : null } };
    }
    case 'SignedIn': {
      await pool.query({ ...SIGNED_IN, values: [hash] });
      return { data: { __typename: 'Query' } };
    }
    default:
      return { errors: [{ message: 'Unknown operation.' }] };
  }
}

function handle(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    answer(JSON.parse(Buffer.concat(chunks).toString()), tokenHash(req)).then(
      (result) => {
        const json = JSON.stringify(result);
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
        res.end(json);
      },
      (error: Error) => {
        res.writeHead(500);
        res.end(error.message);
      },
    );
  });
}

const server = createServer(handle);
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
