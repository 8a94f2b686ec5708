// The API's most common operations under load. Usage:
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:operations
// Prints a Markdown table (see bench/RESULTS.md).
import { createHash } from 'node:crypto';
import type { PrismaClient } from '../src/db/prisma.js';
import { runBenchmarks, seedViewer, type Scenario } from './run.js';

const TASKS_PER_USER = Number(process.env.BENCH_TASKS_PER_USER ?? 20_000);

/** A viewer with `count` tasks of varied names, tags, priorities and due dates, inserted set-based. */
async function viewerWithTasks(prisma: PrismaClient, count: number): Promise<string> {
  const { userId, token } = await seedViewer(prisma);
  await prisma.$executeRawUnsafe(
    `INSERT INTO tasks (user_id, name, description, due_date_gregorian, due_date_jalali, date_added_jalali, priority, status, tags)
     SELECT $1::uuid,
            (ARRAY['Write the report', 'Call mom', 'Pay the rent', 'Gym session', 'Review pull request'])[1 + i % 5] || ' #' || i,
            'Note ' || md5(i::text),
            now() + ((i % 60) - 30) * interval '1 day',
            behflow_jalali(now() + ((i % 60) - 30) * interval '1 day', 'Asia/Tehran'),
            behflow_jalali(now(), 'Asia/Tehran'),
            (ARRAY['low', 'medium', 'high'])[1 + i % 3]::priority_enum,
            (ARRAY['pending', 'in_progress', 'completed', 'cancelled'])[1 + i % 4]::status_enum,
            ARRAY[(ARRAY['work', 'home', 'family', 'health'])[1 + i % 4]]
       FROM generate_series(1, $2::int) AS i`,
    userId,
    count,
  );
  await prisma.$executeRawUnsafe('ANALYZE tasks');
  return token;
}

let token: string | undefined;
const sharedViewer = async (prisma: PrismaClient) => (token ??= await viewerWithTasks(prisma, TASKS_PER_USER));

const scenarios: Scenario[] = [
  { name: 'serverInfo (no database)', query: '{ serverInfo { version timeZone now } }' },
  { name: 'me', query: '{ me { id username timeZone role } }', seed: sharedViewer },
  {
    name: `tasks: first 100 of ${TASKS_PER_USER} with owner and Jalali dates`,
    query: `{ tasks(first: 100, orderBy: [{ field: DUE_AT, direction: ASC }]) {
      totalCount edges { cursor node { id name status priority tags dueAt dueAtJalali isOverdue owner { username } } } } }`,
    seed: sharedViewer,
  },
  {
    name: `tasks: search for a common word (1 in 5 of ${TASKS_PER_USER} match)`,
    query: '{ tasks(first: 20, filter: { search: "report" }) { totalCount edges { node { id name } } } }',
    seed: sharedViewer,
  },
  {
    name: `tasks: search for a rare word (1 of ${TASKS_PER_USER} matches)`,
    // A word of task 12345's note: unlike numbers, hex digests share few trigrams.
    query: `{ tasks(first: 20, filter: { search: "${createHash('md5').update('12345').digest('hex').slice(0, 12)}" }) { totalCount edges { node { id name } } } }`,
    seed: sharedViewer,
  },
  {
    name: 'taskStats',
    query: '{ taskStats { total overdue dueToday byStatus { status count } byPriority { priority count } } }',
    seed: sharedViewer,
  },
  {
    name: 'createTask (a write per request)',
    query: 'mutation { createTask(input: { name: "Benchmark task", priority: HIGH, tags: ["bench"] }) { task { id } } }',
    seed: sharedViewer,
  },
];

await runBenchmarks(scenarios);
