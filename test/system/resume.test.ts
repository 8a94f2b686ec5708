// A client that reconnects with the last cursor it saw gets what it missed, in order and
// once, then the live events; a cursor older than the log holds gets one REFETCH instead of
// a silent gap; a cursor of another stream is refused. The same for every subscription.
import { decodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, describe, expect, it } from 'vitest';
import { eventCursor } from '../../src/schema/event-cursor.js';
import { SEND } from '../chat/helpers.js';
import { seed } from '../helpers/seed.js';
import { startTestServer, type Subscription, type TestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

const server: TestServer = await startTestServer();
afterAll(() => server.stop());

interface Event {
  readonly type: string;
  readonly cursor: string;
}

/** One resumable subscription: how to subscribe to it, and a change that gives it events. */
interface Case {
  readonly name: string;
  readonly field: string;
  /** Sets up a user (and what the stream is about); returns what the rest needs. */
  prepare(): Promise<{
    stream: string;
    token: string;
    query: string;
    variables: Record<string, unknown>;
    /** Makes one change and waits until all its events are in the log. */
    change(): Promise<void>;
    /** A valid cursor of a stream this subscription is not about, seen by the same user. */
    foreignCursor(): Promise<string>;
  }>;
}

const logged = async (stream: string) =>
  (
    await server.prisma.$queryRaw<{ sequence: bigint }[]>`SELECT sequence FROM stream_events WHERE stream = ${stream} ORDER BY sequence`
  ).map((row) => eventCursor({ stream, sequence: Number(row.sequence) }));

const CREATE_TASK = graphql(`mutation ResumeCreateTask($name: String!) { createTask(input: { name: $name }) { task { id } } }`);

const cases: Case[] = [
  {
    name: 'task events',
    field: 'taskEvents',
    async prepare() {
      const { user, token } = await seed(server).user().create();
      let count = 0;
      return {
        stream: `tasks:${user.id}`,
        token,
        query: 'subscription($after: String) { taskEvents(after: $after) { type cursor taskId } }',
        variables: {},
        change: async () => void (await server.data(CREATE_TASK, { token, variables: { name: `task ${(count += 1)}` } })),
        foreignCursor: async () => {
          const other = await seed(server).user().create();
          await server.data(CREATE_TASK, { token: other.token, variables: { name: 'theirs' } });
          return (await logged(`tasks:${other.user.id}`))[0]!;
        },
      };
    },
  },
  {
    name: 'chat messages',
    field: 'chatMessageAdded',
    async prepare() {
      const { token } = await seed(server).user().create();
      const newSession = async () =>
        (await server.data(graphql(`mutation ResumeCreateChatSession { createChatSession(input: {}) { chatSession { id } } }`), { token }))
          .createChatSession!.chatSession.id as string;
      const sessionId = await newSession();
      const send = async (id: string) => {
        await server.data(SEND, { token, variables: { input: { content: 'list my tasks', sessionId: id } } });
        await server.running.chat.idle();
      };
      return {
        stream: `chat:${decodeGlobalID(sessionId).id}`,
        token,
        query: 'subscription($id: ID!, $after: String) { chatMessageAdded(sessionId: $id, after: $after) { type cursor message { id } } }',
        variables: { id: sessionId },
        change: () => send(sessionId),
        foreignCursor: async () => {
          const other = await newSession();
          await send(other);
          return (await logged(`chat:${decodeGlobalID(other).id}`))[0]!;
        },
      };
    },
  },
  {
    name: 'process executions',
    field: 'processExecutionUpdated',
    async prepare() {
      const { token } = await seed(server).user().admin().create();
      const { id } = await server.prisma.automatedProcess.findUniqueOrThrow({ where: { name: 'reschedule_remaining_tasks' } });
      const processId = Buffer.from(`AutomatedProcess:${id}`).toString('base64');
      return {
        stream: 'processes',
        token,
        query: 'subscription($after: String) { processExecutionUpdated(after: $after) { type cursor status } }',
        variables: {},
        change: async () => {
          const run = await server.data(
            graphql(
              `mutation ResumeRunAutomatedProcess($input: RunAutomatedProcessInput!) { runAutomatedProcess(input: $input) { execution { id } } }`,
            ),
            { token, variables: { input: { id: processId } } },
          );
          const executionId = decodeGlobalID(run.runAutomatedProcess!.execution.id).id;
          await expect
            .poll(async () => (await server.prisma.automatedProcessExecution.findUniqueOrThrow({ where: { id: executionId } })).status, {
              timeout: 10_000,
              interval: 50,
            })
            .toBe('completed');
          // The end of the run is written with it; wait for nothing else.
        },
        // The processes have one stream; a task stream's cursor is another's.
        foreignCursor: async () => {
          const other = await seed(server).user().create();
          await server.data(CREATE_TASK, { token: other.token, variables: { name: 'theirs' } });
          return (await logged(`tasks:${other.user.id}`))[0]!;
        },
      };
    },
  },
];

describe.each(cases)('resuming $name', ({ field, prepare }) => {
  const eventsOf = (subscription: Subscription<Record<string, Event>>) => ({
    async take(count: number): Promise<Event[]> {
      const taken: Event[] = [];
      while (taken.length < count) {
        const result = await subscription.next(10_000);
        expect(result.errors).toBeUndefined();
        taken.push(result.data![field]!);
      }
      return taken;
    },
  });

  it('gives what was missed since the cursor, once and in order, then the live events; REFETCH once they are gone', {
    timeout: 60_000,
  }, async () => {
    const { stream, token, query, variables, change } = await prepare();

    // A first connection: live once a change reaches it; it keeps the cursor of the last event.
    const first = server.subscribe<Record<string, Event>>(query, { token, variables });
    for (let attempt = 0; first.pending.length === 0; attempt += 1) {
      if (attempt === 40) throw new Error('the subscription never became live');
      await change();
      await first.next(250).then(
        (result) => first.pending.unshift(result),
        () => undefined,
      );
    }
    // Settled: it has had the event of everything in the log so far.
    let all = await logged(stream);
    await expect.poll(() => first.pending.at(-1)?.data?.[field]?.cursor, { timeout: 10_000 }).toBe(all.at(-1));
    const last = all.at(-1)!;
    first.close();

    // Changes while it is away.
    await change();
    await change();
    all = await logged(stream);
    const missed = all.slice(all.indexOf(last) + 1);
    expect(missed.length).toBeGreaterThanOrEqual(2);

    const resumed = server.subscribe<Record<string, Event>>(query, { token, variables: { ...variables, after: last } });
    const replayed = await eventsOf(resumed).take(missed.length);
    expect(replayed.map((event) => event.cursor)).toEqual(missed);
    expect(replayed.every((event) => event.type !== 'REFETCH')).toBe(true);
    // And then live, with nothing repeated.
    await change();
    all = await logged(stream);
    const live = await eventsOf(resumed).take(all.length - all.indexOf(missed.at(-1)!) - 1);
    expect(live.map((event) => event.cursor)).toEqual(all.slice(all.indexOf(missed.at(-1)!) + 1));
    resumed.close();

    // Older than the retention period: the log forgets them, the client is told to refetch.
    await change();
    await server.prisma.$executeRaw`UPDATE stream_events SET created_at = now() - interval '25 hours' WHERE stream = ${stream}`;
    expect(await server.running.streams.deleteExpired()).toBeGreaterThan(0);
    const late = server.subscribe<Record<string, Event>>(query, { token, variables: { ...variables, after: last } });
    const [refetch] = await eventsOf(late).take(1);
    expect(refetch!.type).toBe('REFETCH');
    await change();
    all = await logged(stream);
    // After the REFETCH, the events written since, from its cursor on: no gap, no repeat.
    const after = await eventsOf(late).take(all.length);
    expect(after.map((event) => event.cursor)).toEqual(all);
    expect(after.every((event) => event.type !== 'REFETCH')).toBe(true);
    late.close();
  });

  it('refuses a cursor it did not hand out', async () => {
    const { token, query, variables, foreignCursor } = await prepare();
    for (const after of [await foreignCursor(), 'not-a-cursor', '']) {
      const subscription = server.subscribe<Record<string, Event>>(query, { token, variables: { ...variables, after } });
      const result = await subscription.next(10_000);
      expect(result.errors?.[0]?.extensions?.code, `after: ${JSON.stringify(after)}`).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).not.toContain(after || '\u0000');
      subscription.close();
    }
  });
});
