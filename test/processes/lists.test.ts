import { describe, expect, it } from 'vitest';
import { rowsRead } from '../helpers/rows-read.js';
import { seed, uniqueName } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

const server = await startTestServer();
const member = await seed(server).user().create();

/**
 * `count` manual, disabled processes (the scheduler leaves them alone) with `runs` executions
 * each, one a minute, written straight to the database; the newest two share an instant.
 */
async function processesWithHistory(prefix: string, count: number, runs: number) {
  const start = Date.now() - 86_400_000;
  const names: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const name = `${prefix}-${index}`;
    const process = await server.prisma.automatedProcess.create({ data: { name, triggerType: 'manual', isEnabled: false } });
    await server.prisma.automatedProcessExecution.createMany({
      data: Array.from({ length: runs }, (_, run) => ({
        processId: process.id,
        status: 'completed' as const,
        triggeredBy: 'manual' as const,
        createdAt: new Date(start + Math.min(run, runs - 2) * 60_000),
      })),
    });
    names.push(name);
  }
  return names;
}

/** A process's executions newest first, as the API orders them (ties broken by id, descending). */
async function newestFirst(name: string) {
  const rows = await server.prisma.automatedProcessExecution.findMany({
    where: { process: { name } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: { id: true },
  });
  return rows.map((row) => Buffer.from(`AutomatedProcessExecution:${row.id}`).toString('base64'));
}

const LIST = graphql(`query ListsList { automatedProcesses(first: 100, filter: { triggerType: MANUAL }) { edges { node { id name
  lastExecution { id status queuedAt process { name } }
  executions(first: 2) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { id } } } } } } }`);

const listed = async (token: string, prefix: string) => {
  const { result, rowsPerStatement } = await rowsRead('automated_process_executions', () => server.data(LIST, { token }));
  const nodes = result.automatedProcesses.edges.map((edge) => edge.node).filter((node) => node.name.startsWith(prefix));
  return { nodes, rowsPerStatement };
};

describe('listing processes with their executions', () => {
  it('reads one execution per process for lastExecution and a page per process for executions', async () => {
    const prefix = uniqueName('history');
    const names = await processesWithHistory(prefix, 4, 25);
    const empty = `${prefix}-empty`;
    await server.prisma.automatedProcess.create({ data: { name: empty, triggerType: 'manual', isEnabled: false } });

    const { nodes, rowsPerStatement } = await listed(member.token, prefix);
    expect(nodes.map((node) => node.name)).toEqual([...names, empty]);
    for (const node of nodes.slice(0, 4)) {
      const expected = await newestFirst(node.name);
      expect(node.lastExecution).toMatchObject({ id: expected[0], status: 'COMPLETED', process: { name: node.name } });
      expect(node.executions.edges.map((edge) => edge.node.id)).toEqual(expected.slice(0, 2));
      expect(node.executions.totalCount).toBe(25);
      expect(node.executions.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    }
    expect(nodes[4]).toMatchObject({ lastExecution: null, executions: { totalCount: 0, edges: [], pageInfo: { hasNextPage: false } } });
    // 100 executions exist; no statement reads more than a page of two (plus one) per process.
    expect(rowsPerStatement.length).toBeGreaterThan(0);
    expect(Math.max(...rowsPerStatement)).toBeLessThanOrEqual(5 * 3);

    // lastExecution alone reads one row per process.
    const lastOnly = await rowsRead('automated_process_executions', () =>
      server.data(
        graphql(
          `query ListsAutomatedProcesses { automatedProcesses(first: 100, filter: { triggerType: MANUAL }) { edges { node { lastExecution { id } } } } }`,
        ),
        {
          token: member.token,
        },
      ),
    );
    expect(lastOnly.rowsPerStatement.length).toBeGreaterThan(0);
    expect(Math.max(...lastOnly.rowsPerStatement)).toBeLessThanOrEqual(5);

    // The connection pages on from its cursor, and backwards from the oldest end.
    const PAGE = graphql(`query ListsPage($id: ID!, $first: Int, $after: String, $last: Int) { node(id: $id) { ... on AutomatedProcess {
      executions(first: $first, after: $after, last: $last) { pageInfo { hasNextPage hasPreviousPage } edges { node { id } } } } } }`);
    const expected = await newestFirst(names[2]!);
    const next = await server.data(PAGE, {
      token: member.token,
      variables: { id: nodes[2]!.id, first: 3, after: nodes[2]!.executions.pageInfo.endCursor },
    });
    expect(next.node!.executions.edges.map((edge) => edge.node.id)).toEqual(expected.slice(2, 5));
    expect(next.node!.executions.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: true });
    const oldest = await server.data(PAGE, { token: member.token, variables: { id: nodes[2]!.id, last: 2 } });
    expect(oldest.node!.executions.edges.map((edge) => edge.node.id)).toEqual(expected.slice(-2));
  });

  it('uses the same number of statements however many processes are listed', async () => {
    const few = uniqueName('few');
    await processesWithHistory(few, 2, 5);
    const fewRun = await server.queries.record(() => server.data(LIST, { token: member.token }));
    const many = uniqueName('many');
    await processesWithHistory(many, 4, 5);
    const manyRun = await server.queries.record(() => server.data(LIST, { token: member.token }));
    expect(manyRun.result.automatedProcesses.edges.length).toBe(fewRun.result.automatedProcesses.edges.length + 4);
    const added = manyRun.result.automatedProcesses.edges.filter((edge) => edge.node.name.startsWith(many));
    expect(added).toHaveLength(4);
    expect(added.every((edge) => edge.node.lastExecution !== null && edge.node.executions.totalCount === 5)).toBe(true);
    const executionStatements = (statements: string[]) => statements.filter((sql) => /automated_process_executions/.test(sql));
    expect(executionStatements(manyRun.statements).length).toBeGreaterThan(0);
    expect(manyRun.statements.length).toBe(fewRun.statements.length);
  });
});
