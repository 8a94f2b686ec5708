import { readFileSync } from 'node:fs';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

/**
 * An existing deployment of the original Behflow: its init SQL plus data. The server must
 * take it over as it is: no table re-created, the baseline recorded, the rows served.
 */
const ORIGINAL_SQL = readFileSync(new URL('../fixtures/behflow-original.sql', import.meta.url), 'utf8');

async function tableOids(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; oid: number }>(
      `SELECT relname AS name, oid::int AS oid FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND relname <> '_prisma_migrations'`,
    );
    return Object.fromEntries(rows.map((row) => [row.name, row.oid]));
  } finally {
    await client.end();
  }
}

describe('adopting a database made by the original Behflow', () => {
  let url: string;
  let before: Record<string, number>;
  let server: TestServer;

  beforeAll(async () => {
    url = await createEmptyDatabase('behflow_original');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(ORIGINAL_SQL);
    await client.end();
    before = await tableOids(url);
    server = await startTestServer({ databaseUrl: url });
  });

  it('keeps every original table (same objects, not re-created)', async () => {
    const after = await tableOids(url);
    for (const [table, oid] of Object.entries(before)) expect(after[table]).toBe(oid);
  });

  it('records the first migration as a baseline and applies the later ones', async () => {
    const rows = await server.prisma.$queryRaw<Array<{ migration_name: string; logs: string | null; applied_steps_count: number }>>`
      SELECT migration_name, logs, applied_steps_count FROM _prisma_migrations ORDER BY migration_name`;
    expect(rows[0]).toMatchObject({ migration_name: '0_init', applied_steps_count: 0 });
    expect(rows[0]!.logs).toMatch(/^Baseline/);
    expect(rows.slice(1).every((row) => row.applied_steps_count === 1)).toBe(true);
    expect(rows.length).toBeGreaterThan(1);
  });

  it('keeps the original rows and the single default process', async () => {
    const tasks = await server.prisma.task.findMany({ orderBy: { dateAddedGregorian: 'asc' } });
    expect(tasks.map((task) => [task.name, task.dueDateJalali, task.tags])).toEqual([
      ['Renew passport', '1404-08-10T12:00:00', ['admin']],
      ['Pay the rent', '1404-09-27T07:30:00', ['home', 'money']],
      ['Call the bank', null, []],
    ]);
    const user = await server.prisma.user.findUniqueOrThrow({ where: { username: 'legacy_user' } });
    expect(user.passwordHash).toMatch(/^\$2b\$/);
    expect(await server.prisma.automatedProcess.count({ where: { name: 'reschedule_remaining_tasks' } })).toBe(1);
    expect(await server.prisma.chatMessage.count()).toBe(2);
  });

  it('serves the adopted rows over GraphQL to their owner, who signs in with the original password', async () => {
    const login = await server.data(
      graphql(
        `mutation AdoptExistingLogin { login(input: { username: "legacy_user", password: "behflow-legacy-pass" }) { token user { username timeZone } } }`,
      ),
    );
    expect(login.login!.user).toEqual({ username: 'legacy_user', timeZone: 'Asia/Tehran' });
    const data = await server.data<{ tasks: { totalCount: number; edges: Array<{ node: Record<string, unknown> }> } }>(
      `{ tasks(orderBy: [{ field: CREATED_AT, direction: ASC }]) {
          totalCount edges { node { name status priority tags dueAt dueAtJalali completedAt } } } }`,
      { token: login.login!.token },
    );
    expect(data.tasks.totalCount).toBe(3);
    expect(data.tasks.edges.map((edge) => edge.node)).toEqual([
      {
        name: 'Renew passport',
        status: 'COMPLETED',
        priority: 'LOW',
        tags: ['admin'],
        dueAt: '2025-11-01T08:30:00.000Z',
        dueAtJalali: '1404-08-10T12:00:00',
        completedAt: '2025-10-30T12:30:00.000Z',
      },
      {
        name: 'Pay the rent',
        status: 'PENDING',
        priority: 'HIGH',
        tags: ['home', 'money'],
        dueAt: '2025-12-18T04:00:00.000Z',
        dueAtJalali: '1404-09-27T07:30:00',
        completedAt: null,
      },
      { name: 'Call the bank', status: 'IN_PROGRESS', priority: 'MEDIUM', tags: [], dueAt: null, dueAtJalali: null, completedAt: null },
    ]);
    const sessions = await server.data(
      graphql(`query AdoptExistingChatSessions { chatSessions { edges { node { title messageCount } } } }`),
      { token: login.login!.token },
    );
    expect(sessions.chatSessions.edges.map((edge) => edge.node)).toEqual([{ title: 'Planning', messageCount: 2 }]);
  });
});
