import { readFileSync } from 'node:fs';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

/**
 * Rows of every kind the original Behflow writes (every value of its four enum types, chat
 * roles `user`, `assistant` and `system`, NULL and empty columns, inactive sessions), written
 * with plain SQL as its backend writes them, then read back through the API: each value must
 * come back as what it is, never as a neighbour (a `system` message is not the user's).
 */
const ORIGINAL_SQL = readFileSync(new URL('../fixtures/behflow-original.sql', import.meta.url), 'utf8');
const USER = '6f1c1d7e-2b8a-4c57-9d3e-8a4b5c6d7e01';
const PRIORITIES = ['low', 'medium', 'high'];
const STATUSES = ['pending', 'in_progress', 'completed', 'cancelled'];
const TRIGGERS = ['manual', 'time_based', 'event_based'];
const EXECUTION_STATUSES = ['pending', 'running', 'completed', 'failed', 'disabled'];
const ROLES = ['user', 'assistant', 'system'];

const UPSTREAM_ROWS = `
DELETE FROM tasks; DELETE FROM chat_sessions;
INSERT INTO tasks (user_id, name, description, due_date_gregorian, due_date_jalali, date_added_jalali, priority, status, tags)
SELECT '${USER}', 'Task ' || p || ' ' || s, NULL, NULL, NULL, '1404-09-19T09:00:00', p::priority_enum, s::status_enum,
       CASE WHEN s = 'pending' THEN NULL WHEN s = 'cancelled' THEN ARRAY[]::text[] ELSE ARRAY['Work', p] END
  FROM unnest(ARRAY[${PRIORITIES.map((p) => `'${p}'`).join(',')}]) AS p, unnest(ARRAY[${STATUSES.map((s) => `'${s}'`).join(',')}]) AS s;
INSERT INTO automated_processes (name, description, trigger_type, schedule_config, process_config, is_enabled)
SELECT 'upstream_' || t, NULL, t::trigger_type_enum,
       CASE WHEN t = 'time_based' THEN '{"hour": 6, "minute": 0, "timezone": "Asia/Tehran"}'::jsonb ELSE NULL END, NULL, t <> 'manual'
  FROM unnest(ARRAY[${TRIGGERS.map((t) => `'${t}'`).join(',')}]) AS t;
INSERT INTO automated_process_executions (process_id, status, started_at, completed_at, result, error_message)
SELECT (SELECT process_id FROM automated_processes WHERE name = 'reschedule_remaining_tasks'), s::process_status_enum,
       CASE WHEN s = 'pending' THEN NULL ELSE now() - interval '1 hour' END,
       CASE WHEN s IN ('completed', 'failed') THEN now() ELSE NULL END,
       CASE WHEN s = 'completed' THEN '{"updated_count": 3}'::jsonb ELSE NULL END,
       CASE WHEN s = 'failed' THEN 'database is locked' ELSE NULL END
  FROM unnest(ARRAY[${EXECUTION_STATUSES.map((s) => `'${s}'`).join(',')}]) AS s;
INSERT INTO chat_sessions (session_id, user_id, title, is_active)
VALUES ('5e5e5e5e-0000-4000-8000-00000000000a', '${USER}', 'Roles', true),
       ('5e5e5e5e-0000-4000-8000-00000000000b', '${USER}', NULL, false);
INSERT INTO chat_messages (session_id, role, content, created_at, tokens_used)
SELECT '5e5e5e5e-0000-4000-8000-00000000000a', r, 'said by ' || r, now() - (4 - o) * interval '1 minute',
       CASE WHEN r = 'assistant' THEN 42 ELSE NULL END
  FROM unnest(ARRAY[${ROLES.map((r) => `'${r}'`).join(',')}]) WITH ORDINALITY AS roles(r, o);
`;

describe('rows of every kind written by the original Behflow', () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    const url = await createEmptyDatabase('behflow_upstream_rows');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(ORIGINAL_SQL);
    await client.query(UPSTREAM_ROWS);
    await client.end();
    server = await startTestServer({ databaseUrl: url });
    // Administrators read executions' results; the original has no roles of its own.
    await server.prisma.user.update({ where: { id: USER }, data: { role: 'admin' } });
    const login = await server.data(
      graphql(`mutation UpstreamRowsLogin { login(input: { username: "legacy_user", password: "behflow-legacy-pass" }) { token } }`),
    );
    token = login.login!.token;
  });

  it('reads every priority and status, and NULL, empty and mixed-case tags, as stored', async () => {
    const data = await server.data(
      graphql(`query UpstreamRowsTasks { tasks(first: 100) { totalCount nodes { name priority status tags dueAt } } }`),
      { token },
    );
    expect(data.tasks.totalCount).toBe(PRIORITIES.length * STATUSES.length);
    const read = Object.fromEntries(data.tasks.nodes.map((task) => [task.name, task]));
    for (const p of PRIORITIES) {
      for (const s of STATUSES) {
        expect(read[`Task ${p} ${s}`]).toEqual({
          name: `Task ${p} ${s}`,
          priority: p.toUpperCase(),
          status: s.toUpperCase(),
          tags: s === 'pending' || s === 'cancelled' ? [] : ['Work', p],
          dueAt: null,
        });
      }
    }
  });

  it('reads every trigger type and every execution status', async () => {
    const data = await server.data(
      graphql(
        `query UpstreamRowsAutomatedProcesses { automatedProcesses(first: 100) { nodes { name triggerType isEnabled } } processExecutions(first: 100) { nodes { status skipReason result errorMessage } } }`,
      ),
      { token },
    );
    const processes = Object.fromEntries(data.automatedProcesses.nodes.map((process) => [process.name, process]));
    for (const t of TRIGGERS)
      expect(processes[`upstream_${t}`]).toEqual({ name: `upstream_${t}`, triggerType: t.toUpperCase(), isEnabled: t !== 'manual' });
    expect(data.processExecutions.nodes.map((execution) => execution.status).sort()).toEqual(
      EXECUTION_STATUSES.map((s) => s.toUpperCase()).sort(),
    );
    const byStatus = Object.fromEntries(data.processExecutions.nodes.map((execution) => [execution.status, execution]));
    expect(byStatus.COMPLETED).toMatchObject({ result: { updated_count: 3 }, errorMessage: null, skipReason: null });
    expect(byStatus.FAILED).toMatchObject({ result: null, errorMessage: 'database is locked' });
    // An upstream `disabled` has no reason of ours: it stays DISABLED, not SKIPPED.
    expect(byStatus.DISABLED).toMatchObject({ skipReason: null });
  });

  it('reads every chat role as what it is, a `system` message included, and inactive sessions as archived (isActive false)', async () => {
    const data = await server.data<{
      chatSessions: {
        nodes: Array<{
          title: string | null;
          isActive: boolean;
          messages: { nodes: Array<{ role: string; roleName: string; content: string; tokensUsed: number | null }> };
        }>;
      };
    }>(
      '{ chatSessions(first: 10, filter: { includeArchived: true }) { nodes { title isActive messages(first: 10) { nodes { role roleName content tokensUsed } } } } }',
      { token },
    );
    const roles = data.chatSessions.nodes.find((session) => session.title === 'Roles')!;
    expect(roles.isActive).toBe(true);
    expect(roles.messages.nodes).toEqual([
      { role: 'USER', roleName: 'user', content: 'said by user', tokensUsed: null },
      { role: 'ASSISTANT', roleName: 'assistant', content: 'said by assistant', tokensUsed: 42 },
      { role: 'SYSTEM', roleName: 'system', content: 'said by system', tokensUsed: null },
    ]);
    expect(data.chatSessions.nodes.find((session) => session.title === null)).toMatchObject({ isActive: false, messages: { nodes: [] } });
  });

  it('reads a role no one here writes as OTHER, with the stored text', async () => {
    await server.prisma.chatMessage.create({
      data: { sessionId: '5e5e5e5e-0000-4000-8000-00000000000a', role: 'function', content: 'from elsewhere' },
    });
    const data = await server.data<{ chatSessions: { nodes: Array<{ messages: { nodes: Array<{ role: string; roleName: string }> } }> } }>(
      '{ chatSessions(first: 1) { nodes { messages(last: 1) { nodes { role roleName } } } } }',
      { token },
    );
    expect(data.chatSessions.nodes[0]!.messages.nodes).toEqual([{ role: 'OTHER', roleName: 'function' }]);
  });
});
