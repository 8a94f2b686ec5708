import { describe, expect, it } from 'vitest';
import { advance, nextDueDate } from '../../src/scheduler/repeat-recurring-tasks.js';
import { seed } from '../helpers/seed.js';
import { startTestServer, type GraphQLResponse } from '../helpers/server.js';
import { graphql, type ResultOf } from '../helpers/graphql.js';

const server = await startTestServer({ env: { BEHFLOW_SCHEDULER: 'false' } });
const admin = await seed(server).user().admin().create();

describe('next occurrence dates', () => {
  it("advances by a day, a week or a month in the owner's wall-clock time, across DST", () => {
    // 09:00 EST on 2025-03-08, next day is EDT: still 09:00 local.
    expect(advance(new Date('2025-03-08T14:00:00Z'), 'daily', 'America/New_York').toISOString()).toBe('2025-03-09T13:00:00.000Z');
    expect(advance(new Date('2025-12-18T04:00:00Z'), 'weekly', 'Asia/Tehran').toISOString()).toBe('2025-12-25T04:00:00.000Z');
    expect(advance(new Date('2025-01-31T04:00:00Z'), 'monthly', 'Asia/Tehran').toISOString()).toBe('2025-02-28T04:00:00.000Z');
    // A daily 02:30 skipped by the spring-forward jump runs at 03:30 that day, and at 02:30 again after.
    const skipped = advance(new Date('2025-03-08T07:30:00Z'), 'daily', 'America/New_York');
    expect(skipped.toISOString()).toBe('2025-03-09T07:30:00.000Z');
    expect(advance(skipped, 'daily', 'America/New_York').toISOString()).toBe('2025-03-10T06:30:00.000Z');
    expect(advance(new Date('2025-03-09T07:30:00Z'), 'weekly', 'America/New_York').toISOString()).toBe('2025-03-16T06:30:00.000Z');
    // A task really due at 03:30 on an ordinary day keeps 03:30.
    expect(advance(new Date('2025-03-10T07:30:00Z'), 'daily', 'America/New_York').toISOString()).toBe('2025-03-11T07:30:00.000Z');
    // Completed late: the next occurrence is the first one still ahead.
    const now = new Date('2025-12-20T10:00:00Z');
    expect(
      nextDueDate({ dueDateGregorian: new Date('2025-12-15T04:00:00Z'), completedAt: now }, 'daily', 'Asia/Tehran', now).toISOString(),
    ).toBe('2025-12-21T04:00:00.000Z');
  });
});

describe('repeat_recurring_tasks', () => {
  it('is installed and enabled by default, reacting to task completions', async () => {
    const data = await server.data(
      graphql(`query RecurringAutomatedProcess { automatedProcess(name: "repeat_recurring_tasks") { triggerType isEnabled events } }`),
      {
        token: admin.token,
      },
    );
    expect(data.automatedProcess).toEqual({ triggerType: 'EVENT_BASED', isEnabled: true, events: ['COMPLETED'] });
  });

  it('creates the next occurrence when a #weekly task is completed, and nothing for untagged tasks', async () => {
    const owner = await seed(server).user().inZone('Asia/Tehran').create();
    const due = new Date(Date.now() + 3_600_000);
    due.setUTCMilliseconds(0);
    const created = await server.data(
      graphql(`mutation RecurringCreateTask($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`),
      {
        token: owner.token,
        variables: { input: { name: 'Water the plants', tags: ['#weekly', 'home'], dueAt: due.toISOString(), priority: 'HIGH' } },
      },
    );
    const plain = await server.data(
      graphql(`mutation RecurringCreateTask2($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`),
      {
        token: owner.token,
        variables: { input: { name: 'One-off', dueAt: due.toISOString() } },
      },
    );
    const subscription = server.subscribe(
      graphql(`subscription RecurringProcessExecutionUpdated { processExecutionUpdated { status execution { triggeredBy result } } }`),
      {
        token: owner.token,
      },
    );
    await subscription.live;
    await server.data(
      graphql(`mutation RecurringCompleteTask($input: CompleteTaskInput!) { completeTask(input: $input) { task { id } } }`),
      {
        token: owner.token,
        variables: { input: { id: plain.createTask!.task.id } },
      },
    );
    await server.data(
      graphql(`mutation RecurringCompleteTask2($input: CompleteTaskInput!) { completeTask(input: $input) { task { id } } }`),
      {
        token: owner.token,
        variables: { input: { id: created.createTask!.task.id } },
      },
    );
    // The third update is the run's last.
    const updates = [await subscription.next(10_000), await subscription.next(10_000), await subscription.next(10_000)];
    const final = updates[2]!.data!.processExecutionUpdated;
    expect(final.status).toBe('COMPLETED');
    expect(final.execution!.triggeredBy).toBe('EVENT');
    subscription.close();

    const tasks = await server.prisma.task.findMany({ where: { userId: owner.user.id }, orderBy: { dateAddedGregorian: 'asc' } });
    const next = tasks.filter((task) => task.name === 'Water the plants' && task.status === 'pending');
    expect(next).toHaveLength(1);
    expect(next[0]!.dueDateGregorian?.toISOString()).toBe(new Date(due.getTime() + 7 * 86_400_000).toISOString());
    expect(next[0]!.tags).toEqual(['#weekly', 'home']);
    expect(next[0]!.priority).toBe('high');
    expect(next[0]!.dueDateJalali).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    // What the run reported is for administrators; the owner's stream shows the run only.
    expect(final!.execution!.result).toBeNull();
    const latest = await server.data(
      graphql(`query RecurringProcessExecutions { processExecutions(first: 1) { edges { node { result } } } }`),
      { token: admin.token },
    );
    expect(latest.processExecutions.edges[0]!.node.result).toMatchObject({ created: true, recurrence: 'weekly', new_task_id: next[0]!.id });
    expect(tasks.filter((task) => task.name === 'One-off')).toHaveLength(1);
    // Only the tagged completion produced an execution.
    expect(await server.prisma.automatedProcessExecution.count({ where: { triggeredBy: 'event' } })).toBe(1);
  });
});

describe('repeat_recurring_tasks creates one next occurrence per completed occurrence', () => {
  const COMPLETE = graphql(`mutation RecurringComplete($input: CompleteTaskInput!) { completeTask(input: $input) { task { id status } } }`);
  const REOPEN = graphql(`mutation RecurringReopen($input: ReopenTaskInput!) { reopenTask(input: $input) { task { id status } } }`);

  async function dailyTask(name: string) {
    const owner = await seed(server).user().inZone('Asia/Tehran').create();
    const due = new Date(Date.now() + 3_600_000);
    due.setUTCMilliseconds(0);
    const created = await server.data(
      graphql(`mutation RecurringCreateTask3($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`),
      {
        token: owner.token,
        variables: { input: { name, tags: ['#daily'], dueAt: due.toISOString() } },
      },
    );
    return { owner, taskId: created.createTask!.task.id as string };
  }

  const finishedEventRuns = () =>
    server.prisma.automatedProcessExecution.count({ where: { triggeredBy: 'event', status: { in: ['completed', 'failed'] } } });

  /**
   * Event runs start in the background once a mutation has returned: does `change`, then waits
   * (bounded) until the one event run it causes has finished.
   */
  async function withEventRun(change: () => Promise<unknown>) {
    const before = await finishedEventRuns();
    await change();
    await expect.poll(finishedEventRuns, { timeout: 10_000, interval: 25 }).toBe(before + 1);
  }

  const openOccurrences = (userId: string, name: string) => server.prisma.task.count({ where: { userId, name, status: 'pending' } });

  it('reports COMPLETED once and creates one occurrence when completions race', async () => {
    const name = `Stretch ${Date.now()}`;
    const { owner, taskId } = await dailyTask(name);
    const subscription = server.subscribe(graphql(`subscription RecurringTaskEvents { taskEvents { type taskId } }`), {
      token: owner.token,
    });
    await subscription.live;
    let results: Array<GraphQLResponse<ResultOf<typeof COMPLETE>>> = [];
    await withEventRun(async () => {
      results = await Promise.all(
        [1, 2, 3].map(() => server.graphql(COMPLETE, { token: owner.token, variables: { input: { id: taskId } } })),
      );
    });
    expect(results.every((result) => !result.errors && result.data?.completeTask?.task.status === 'COMPLETED')).toBe(true);
    expect(await openOccurrences(owner.user.id, name)).toBe(1);
    // The original's three changes (one COMPLETED, two UPDATED) and the new occurrence's CREATED.
    const types: string[] = [];
    for (let i = 0; i < 4; i += 1) types.push((await subscription.next(5_000)).data!.taskEvents.type);
    subscription.close();
    expect(types.filter((type) => type === 'COMPLETED')).toHaveLength(1);
    expect(types.filter((type) => type === 'CREATED')).toHaveLength(1);
  });

  it('does not create another when the same occurrence is reopened and completed again', async () => {
    const name = `Journal ${Date.now()}`;
    const { owner, taskId } = await dailyTask(name);
    await withEventRun(() => server.data(COMPLETE, { token: owner.token, variables: { input: { id: taskId } } }));
    expect(await openOccurrences(owner.user.id, name)).toBe(1);
    await server.data(REOPEN, { token: owner.token, variables: { input: { id: taskId } } });
    await withEventRun(() => server.data(COMPLETE, { token: owner.token, variables: { input: { id: taskId } } }));
    // The reopened original is completed again; its next occurrence is still the only one.
    expect(await openOccurrences(owner.user.id, name)).toBe(1);
    expect(await server.prisma.task.count({ where: { userId: owner.user.id, name } })).toBe(2);
  });
});
