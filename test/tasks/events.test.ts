import { afterAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/prisma.js';
import { createLogger } from '../../src/logger.js';
import { createEventLog } from '../../src/events/log.js';
import { createPubSubSystem } from '../../src/pubsub/index.js';
import { createTaskService, type TaskDomainEvent } from '../../src/tasks/service.js';
import { createTestDatabase } from '../helpers/database.js';
import { startTestServer } from '../helpers/server.js';
import { seed } from '../helpers/seed.js';
import { graphql } from '../helpers/graphql.js';

const databaseUrl = await createTestDatabase();
const server = await startTestServer({ databaseUrl });

// A second process on the same database, the way the chat assistant or a scheduled job runs
// its TaskService: its events must reach subscribers connected to the server above.
const logger = createLogger('silent');
const otherInstance = connectDatabase({ connectionString: databaseUrl, poolSize: 2, logger });
const otherEvents = createPubSubSystem({ connectionString: databaseUrl, pool: otherInstance.pool, logger });
await otherEvents.ready();
const otherTasks = createTaskService({
  prisma: otherInstance.prisma,
  sql: otherInstance.sql,
  events: createEventLog({ transport: otherEvents.transport, logger }),
  logger,
  timeZone: 'Asia/Tehran',
});
afterAll(async () => {
  await otherEvents.close();
  await otherInstance.close();
});

const SUBSCRIPTION = graphql(
  `subscription EventsSubscription { taskEvents { type taskId task { id name status completedAt dueAt owner { username } } } }`,
);
const globalId = (rawId: string) => Buffer.from(`Task:${rawId}`).toString('base64');

/** Subscribes and waits until the server has started the subscription's source. */
async function subscribed(token: string) {
  const subscription = server.subscribe(SUBSCRIPTION, { token });
  await subscription.live;
  return subscription;
}

describe('taskEvents', () => {
  it('streams created, updated, completed and deleted events of mutations to the owner', async () => {
    const { token } = await seed(server).user().create();
    const events = await subscribed(token);

    const created = await server.data(graphql(`mutation EventsCreateTask2 { createTask(input: { name: "Live one" }) { task { id } } }`), {
      token,
    });
    const id = created.createTask!.task.id;
    const onCreate = await events.next();
    expect(onCreate.data?.taskEvents).toMatchObject({ type: 'CREATED', taskId: id, task: { id, name: 'Live one', status: 'PENDING' } });

    await server.data(graphql(`mutation EventsUpdateTask($id: ID!) { updateTask(input: { id: $id, name: "Renamed" }) { task { id } } }`), {
      token,
      variables: { id },
    });
    expect((await events.next()).data?.taskEvents).toMatchObject({ type: 'UPDATED', taskId: id, task: { name: 'Renamed' } });

    await server.data(graphql(`mutation EventsCompleteTask($id: ID!) { completeTask(input: { id: $id }) { task { id } } }`), {
      token,
      variables: { id },
    });
    const completed = (await events.next()).data?.taskEvents;
    expect(completed).toMatchObject({ type: 'COMPLETED', taskId: id, task: { status: 'COMPLETED' } });
    expect(completed?.task?.completedAt).not.toBeNull();

    await server.data(graphql(`mutation EventsReopenTask($id: ID!) { reopenTask(input: { id: $id }) { task { id } } }`), {
      token,
      variables: { id },
    });
    expect((await events.next()).data?.taskEvents).toMatchObject({ type: 'UPDATED', task: { status: 'PENDING', completedAt: null } });

    await server.data(graphql(`mutation EventsDeleteTask($id: ID!) { deleteTask(input: { id: $id }) { deletedTaskId } }`), {
      token,
      variables: { id },
    });
    expect((await events.next()).data?.taskEvents).toEqual({ type: 'DELETED', taskId: id, task: null });
    events.close();
  });

  it('delivers changes made by another TaskService instance (the assistant, a process) and only to their owner', async () => {
    const alice = await seed(server).user().create();
    const bob = await seed(server).user().create();
    const aliceEvents = await subscribed(alice.token);
    const bobEvents = await subscribed(bob.token);

    const actor = { id: alice.user.id, timeZone: 'Asia/Tehran' };
    const task = await otherTasks.create(actor, {
      name: 'From the assistant',
      tags: ['chat'],
      dueAt: new Date(Date.now() - 3 * 86_400_000),
    });
    expect((await aliceEvents.next()).data?.taskEvents).toMatchObject({
      type: 'CREATED',
      taskId: globalId(task.id),
      task: { name: 'From the assistant' },
    });

    // A process's set-based update (the morning reschedule moves the overdue task to today).
    const outcome = await otherTasks.rescheduleOverdue({
      now: new Date(),
      serviceTimeZone: 'Asia/Tehran',
      includeStatuses: ['pending'],
      updateToToday: true,
      timeoutMs: 10_000,
    });
    expect(outcome.details.map((detail) => detail.task_id)).toContain(task.id);
    const moved = (await aliceEvents.next()).data?.taskEvents;
    expect(moved).toMatchObject({ type: 'UPDATED', taskId: globalId(task.id), task: { name: 'From the assistant' } });
    expect(new Date(moved!.task!.dueAt!).getTime()).toBeGreaterThan(Date.now() - 86_400_000);

    // Bob's stream then carries Bob's own change first: none of Alice's events reached it.
    await server.data(graphql(`mutation EventsCreateTask3 { createTask(input: { name: "Bob's" }) { task { id } } }`), { token: bob.token });
    expect((await bobEvents.next()).data?.taskEvents).toMatchObject({ type: 'CREATED', task: { name: "Bob's" } });
    expect(bobEvents.pending).toHaveLength(0);
    aliceEvents.close();
    bobEvents.close();
  });

  it('calls local listeners after commit with the changed task', async () => {
    const { user } = await seed(server).user().create();
    const seen: TaskDomainEvent[] = [];
    const stop = otherTasks.onEvent((event) => {
      seen.push(event);
    });
    const actor = { id: user.id, timeZone: 'Asia/Tehran' };
    const task = await otherTasks.create(actor, { name: 'Listen' });
    await otherTasks.complete(actor, task.id);
    await otherTasks.delete(actor, task.id);
    stop();
    await otherTasks.create(actor, { name: 'After stop' });
    expect(seen.map((event) => [event.type, event.task.name, event.userId])).toEqual([
      ['CREATED', 'Listen', user.id],
      ['COMPLETED', 'Listen', user.id],
      ['DELETED', 'Listen', user.id],
    ]);
    // When the listener ran, the change was already committed and visible to everyone.
    expect(await server.prisma.task.findUnique({ where: { id: task.id } })).toBeNull();
  });

  it('refuses to stream to an anonymous client', async () => {
    const subscription = server.subscribe(SUBSCRIPTION);
    await subscription.ended;
    expect(subscription.pending[0]?.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(subscription.pending[0]?.data ?? null).toBeNull();
  });
});
