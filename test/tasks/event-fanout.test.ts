// Delivering one change to many subscribers: each subscriber's answer comes from the event (and
// from one execution per event shared by subscribers that would compute the same answer), not
// from a read per subscriber.
import { describe, expect, it } from 'vitest';
import { seed } from '../helpers/seed.js';
import { startTestServer, type Subscription, type TypedDocument } from '../helpers/server.js';
import { graphql, type ResultOf } from '../helpers/graphql.js';

const server = await startTestServer();

const CREATE = graphql(`mutation EventFanoutCreate($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`);

/** Waits until the server has started every subscription's source. */
async function untilLive(subscriptions: ReadonlyArray<Subscription<unknown>>) {
  await Promise.all(subscriptions.map((subscription) => subscription.live));
}

describe('a change delivered to many subscribers', () => {
  it('reads nothing again for them, whatever their selections', async () => {
    const { user, token } = await seed(server).user().inZone('Asia/Tehran').create();
    const other = await seed(server).session(user.id);
    const documents: Array<TypedDocument<unknown, Record<string, never>>> = [
      graphql(`subscription EventFanoutStatus { taskEvents { type task { id name status updatedAt } } }`),
      graphql(`subscription EventFanoutDates { taskEvents { taskId task { name tags dueAt dueAtJalali isOverdue owner { username } } } }`),
    ];
    const subscriptions = [token, token, other.token, other.token].flatMap((session) =>
      documents.map((query) => server.subscribe(query, { token: session })),
    );
    await untilLive(subscriptions);

    const { statements } = await server.queries.record(async () => {
      await server.data(CREATE, { token, variables: { input: { name: 'Fan out', tags: ['a'], dueDate: '2031-01-02T10:00' } } });
      return Promise.all(subscriptions.map((subscription) => subscription.next(5_000)));
    });
    for (const subscription of subscriptions) subscription.close();
    const reads = statements.filter((sql) => /^\s*SELECT/i.test(sql) && /\b(tasks|stream_events)\b/.test(sql));
    expect(reads).toEqual([]);
  });

  it('gives each subscriber its own selection, and every one the same task', async () => {
    const { token } = await seed(server).user().inZone('Asia/Tehran').create();
    const narrow = server.subscribe(graphql(`subscription EventFanoutTaskEvents { taskEvents { type task { name } } }`), { token });
    const wide = server.subscribe(
      graphql(`subscription EventFanoutTaskEvents2 { taskEvents { taskId task { name dueAtJalali owner { username } } } }`),
      { token },
    );
    await untilLive([narrow, wide]);
    const created = await server.data(
      graphql(`mutation EventFanoutCreateTask($input: CreateTaskInput!) { createTask(input: $input) { task { id dueAtJalali } } }`),
      { token, variables: { input: { name: 'Shapes', dueDate: '2031-01-02T10:00' } } },
    );
    expect(created.createTask!.task.dueAtJalali).toMatch(/^1409-10-\d\dT10:00:00$/);
    expect((await narrow.next()).data).toEqual({ taskEvents: { type: 'CREATED', task: { name: 'Shapes' } } });
    const event = (await wide.next()).data!.taskEvents;
    expect(event).toEqual({
      taskId: created.createTask!.task.id,
      task: { name: 'Shapes', dueAtJalali: created.createTask!.task.dueAtJalali, owner: { username: expect.any(String) } },
    });
    narrow.close();
    wide.close();
  });

  it('reads once per event what could not travel with it, for all subscribers', async () => {
    const { token } = await seed(server).user().create();
    const subscriptions = Array.from({ length: 4 }, () =>
      server.subscribe(graphql(`subscription EventFanoutTaskEvents3 { taskEvents { task { name description } } }`), { token }),
    );
    await untilLive(subscriptions);
    const description = 'long '.repeat(3_000);
    const { result, statements } = await server.queries.record(async () => {
      await server.data(CREATE, { token, variables: { input: { name: 'Long one', description } } });
      return Promise.all(subscriptions.map((subscription) => subscription.next(5_000)));
    });
    for (const event of result) expect(event.data?.taskEvents.task).toEqual({ name: 'Long one', description });
    // The event is in the log whole; too large for the message, it is read from there once.
    expect(statements.filter((sql) => /^\s*SELECT/i.test(sql) && /\bstream_events\b/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /^\s*SELECT/i.test(sql) && /\btasks\b/.test(sql))).toEqual([]);
    for (const subscription of subscriptions) subscription.close();
  });

  it('answers subscribers who may see different things differently', async () => {
    const admin = await seed(server).user().admin().create();
    const member = await seed(server).user().create();
    const { id } = await server.prisma.automatedProcess.findUniqueOrThrow({ where: { name: 'reschedule_remaining_tasks' } });
    const processId = Buffer.from(`AutomatedProcess:${id}`).toString('base64');
    const query = graphql(
      `subscription EventFanoutExecutions($id: ID) { processExecutionUpdated(processId: $id) { status execution { result } } }`,
    );
    const [asAdmin, asMember] = [admin, member].map((user) => server.subscribe(query, { token: user.token, variables: { id: processId } }));
    const run = () =>
      server.data(
        graphql(
          `mutation EventFanoutRunAutomatedProcess($input: RunAutomatedProcessInput!) { runAutomatedProcess(input: $input) { execution { id } } }`,
        ),
        {
          token: admin.token,
          variables: { input: { id: processId } },
        },
      );
    const completed = async (subscription: Subscription<ResultOf<typeof query>>) => {
      for (;;) {
        const event = (await subscription.next(10_000)).data!.processExecutionUpdated;
        if (event.status === 'COMPLETED') return event;
      }
    };
    await untilLive([asAdmin!, asMember!]);
    await run();
    const [forAdmin, forMember] = await Promise.all([completed(asAdmin!), completed(asMember!)]);
    expect(forAdmin.execution!.result).toMatchObject({ success: true });
    expect(forMember.execution!.result).toBeNull();
    asAdmin!.close();
    asMember!.close();
  });
});
