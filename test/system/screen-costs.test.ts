import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, validate } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { operationCost } from '../../src/schema/cost.js';
import { OPERATION_LIMITS } from '../../src/schema/operation-limits.js';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

/**
 * The cost model is judged on the screens a client really shows (test/fixtures/screens/: a
 * board of 100 tasks, a task's dialog, a chat sidebar of 20 sessions with their last 50
 * messages and actions, a conversation, the processes page), written as Apollo Client sends
 * them: each must be let through and answered in full, while documents that only amplify
 * stay refused before anything runs. The README's table of prices comes from this file's output.
 */
const dir = path.resolve(import.meta.dirname, '../fixtures/screens');
const variables = JSON.parse(readFileSync(path.join(dir, 'variables.json'), 'utf8')) as Record<string, Record<string, unknown>>;
const screens = readdirSync(dir)
  .filter((file) => file.endsWith('.graphql'))
  .map((file) => {
    const source = readFileSync(path.join(dir, file), 'utf8');
    const document = parse(source);
    const name = (document.definitions[0] as { name?: { value: string } }).name!.value;
    return { file, name, source, document };
  });

const ids = (count: number, make: (index: number) => string) => Array.from({ length: count }, (_, index) => make(index));
const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

/** Documents that only amplify: each is refused with QUERY_TOO_COMPLEX, and nothing is read. */
const HOSTILE: Record<string, string> = {
  'pages of 100 in pages of 100': '{ chatSessions(first: 100) { edges { node { messages(first: 100) { edges { node { content } } } } } } }',
  'the same through nodes': '{ chatSessions(first: 100) { nodes { messages(first: 100) { nodes { content } } } } }',
  'a cycle of pages':
    '{ chatSessions(first: 20) { nodes { messages(first: 20) { nodes { session { messages(first: 20) { nodes { content } } } } } } } }',
  'one page asked for sixty times': `{ ${ids(60, (index) => `t${index}: tasks(first: 100) { nodes { id } }`).join(' ')} }`,
  'executions of every process, a page each':
    '{ automatedProcesses(first: 100) { nodes { executions(first: 100) { nodes { id process { executions(first: 100) { nodes { id } } } } } } } }',
  'thousands of IDs': `{ nodes(ids: [${ids(6_000, (index) => `"${globalId('Task', String(index))}"`).join(', ')}]) { id } }`,
};

/** The parts of the screens' answers these checks read (the documents are the fixtures' text). */
interface ScreenData {
  tasks: { edges: Array<{ node: { owner: { username: string } } }> };
  task: { id: string };
  chatSessions: { edges: Array<{ node: { messages: { edges: Array<{ node: { actions: unknown[] } }> } } }> };
  chatSession: { messages: { nodes: unknown[] } };
  processExecutions: { edges: unknown[] };
  automatedProcesses: { nodes: unknown[] };
}

describe('the screens a client shows', () => {
  it('are valid and within every limit; the hostile documents are not', () => {
    const priced = screens.map(({ name, document }) => {
      expect(validate(schema, document), name).toEqual([]);
      return { name, ...operationCost(schema, document, variables[name]) };
    });
    process.stdout.write(
      `[screens] cost / depth / breadth (limits ${OPERATION_LIMITS.complexity} / ${OPERATION_LIMITS.depth} / ${OPERATION_LIMITS.breadth})\n`,
    );
    for (const screen of priced) process.stdout.write(`  ${screen.name}: ${screen.complexity} / ${screen.depth} / ${screen.breadth}\n`);
    expect(priced.map((screen) => screen.name).sort()).toEqual(['ChatSidebar', 'ChatThread', 'ProcessAdmin', 'TaskBoard', 'TaskDetail']);
    for (const screen of priced) {
      expect(screen.complexity, screen.name).toBeLessThanOrEqual(OPERATION_LIMITS.complexity);
      expect(screen.depth, screen.name).toBeLessThanOrEqual(OPERATION_LIMITS.depth);
      expect(screen.breadth, screen.name).toBeLessThanOrEqual(OPERATION_LIMITS.breadth);
    }
    for (const [name, query] of Object.entries(HOSTILE)) {
      const { complexity } = operationCost(schema, parse(query));
      process.stdout.write(`  hostile, ${name}: ${complexity}\n`);
      expect(complexity, name).toBeGreaterThan(OPERATION_LIMITS.complexity);
    }
  });

  describe('against the server, with full screens of data', () => {
    const state = { token: '', taskId: '', sessionId: '' };
    let server: Awaited<ReturnType<typeof startTestServer>>;

    beforeAll(async () => {
      server = await startTestServer();
      const action = {
        tool: 'add_task',
        arguments: { name: 'Buy milk', tags: ['home'] },
        outcome: 'SUCCEEDED',
        detail: 'Added "Buy milk".',
      };
      const admin = seed(server).user().admin();
      for (let session = 0; session < 25; session += 1) {
        admin.withChatSession({
          title: `Conversation ${session}`,
          messages: Array.from({ length: 110 }, (_, index) => index).map((index) => ({
            role: index % 2 === 0 ? 'user' : 'assistant',
            content: `Message ${index}`,
            createdAt: new Date(Date.now() - 1_000_000 + index * 1000),
            ...(index % 2 === 1 ? { actions: [action, action, action] } : {}),
          })),
        });
      }
      const { user, token, chatSessions } = await admin.create();
      state.token = token;
      state.sessionId = globalId('ChatSession', chatSessions[0]!.id);
      await server.prisma.$executeRawUnsafe(
        `INSERT INTO tasks (user_id, name, description, due_date_gregorian, due_date_jalali, date_added_jalali, priority, status, tags)
         SELECT $1::uuid, 'Task ' || i, 'Notes ' || i, now() + i * interval '1 hour', behflow_jalali(now() + i * interval '1 hour', 'Asia/Tehran'),
                behflow_jalali(now(), 'Asia/Tehran'), 'high', (ARRAY['pending', 'in_progress'])[1 + i % 2]::status_enum, ARRAY['work', 'home']
           FROM generate_series(1, 120) AS i`,
        user.id,
      );
      const task = await server.prisma.task.findFirstOrThrow({ where: { userId: user.id } });
      state.taskId = globalId('Task', task.id);
      const process = await server.prisma.automatedProcess.findFirstOrThrow({ where: { name: 'reschedule_remaining_tasks' } });
      await server.prisma.automatedProcessExecution.createMany({
        data: Array.from({ length: 60 }, () => ({
          processId: process.id,
          status: 'completed',
          startedAt: new Date(),
          completedAt: new Date(),
          result: { updated_count: 2 },
        })),
      });
    });

    const run = (name: string, extra: Record<string, unknown> = {}) => {
      const screen = screens.find((candidate) => candidate.name === name)!;
      return server.graphql<ScreenData>(screen.source, { token: state.token, variables: { ...variables[name], ...extra } });
    };

    it('answers the task board of 100 and a task’s dialog in full', async () => {
      const board = await run('TaskBoard');
      expect(board.errors).toBeUndefined();
      expect(board.data!.tasks.edges).toHaveLength(100);
      expect(board.data!.tasks.edges[0]!.node.owner.username).toBeTruthy();
      const detail = await run('TaskDetail', { id: state.taskId });
      expect(detail.errors).toBeUndefined();
      expect(detail.data!.task.id).toBe(state.taskId);
    });

    it('answers the chat sidebar of 20 sessions with their last 50 messages and actions, and a conversation of 100', async () => {
      const sidebar = await run('ChatSidebar');
      expect(sidebar.errors).toBeUndefined();
      expect(sidebar.data!.chatSessions.edges).toHaveLength(20);
      for (const { node } of sidebar.data!.chatSessions.edges) expect(node.messages.edges).toHaveLength(50);
      expect(sidebar.data!.chatSessions.edges[0]!.node.messages.edges[49]!.node.actions).toHaveLength(3);
      const thread = await run('ChatThread', { id: state.sessionId });
      expect(thread.errors).toBeUndefined();
      expect(thread.data!.chatSession.messages.nodes).toHaveLength(100);
    });

    it('answers the processes page', async () => {
      const admin = await run('ProcessAdmin');
      expect(admin.errors).toBeUndefined();
      expect(admin.data!.processExecutions.edges).toHaveLength(50);
      expect(admin.data!.automatedProcesses.nodes.length).toBeGreaterThanOrEqual(2);
    });

    it('refuses every hostile document before running a statement', async () => {
      await server.data(graphql(`query ScreenCostsTypename { __typename }`), { token: state.token });
      for (const [name, query] of Object.entries(HOSTILE)) {
        const { result, statements } = await server.queries.record(() => server.graphql(query, { token: state.token }));
        expect(result.errors?.[0]?.extensions?.code, name).toBe('QUERY_TOO_COMPLEX');
        expect(statements, name).toEqual([]);
      }
    });
  });
});
