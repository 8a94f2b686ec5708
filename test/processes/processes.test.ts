import { describe, expect, it } from 'vitest';
import type { Task } from '../../src/db/prisma.js';
import type { RescheduleOptions } from '../../src/tasks/service.js';
import { toJalali } from '../../src/tasks/calendar.js';
import { seed, uniqueName } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { expectError, graphql } from '../helpers/graphql.js';

const server = await startTestServer({ env: { BEHFLOW_SCHEDULER_POLL_SECONDS: '0.5' } });
const admin = await seed(server).user().admin().create();
const member = await seed(server).user().create();

/** The task service's set-based reschedule, as the process runs it. */
const rescheduleOverdueTasks = (options: Omit<RescheduleOptions, 'timeoutMs'>) =>
  server.running.tasks.rescheduleOverdue({ timeoutMs: 30_000, ...options });

const RESCHEDULE =
  graphql(`query ProcessesReschedule { automatedProcess(name: "reschedule_remaining_tasks") { id name triggerType isEnabled nextRunAt processConfig
  schedule { hour minute timeZone expression } lastExecution { id } executions(first: 5) { totalCount edges { node { id status } } } } }`);

async function rescheduleProcessId(): Promise<string> {
  const data = await server.data(RESCHEDULE, { token: member.token });
  return data.automatedProcess!.id;
}

describe('reading processes', () => {
  it('answers a selection of only __typename', async () => {
    const data = await server.data(
      graphql(`query ProcessesAutomatedProcess2 { automatedProcess(name: "reschedule_remaining_tasks") { __typename } }`),
      { token: member.token },
    );
    expect(data.automatedProcess).toEqual({ __typename: 'AutomatedProcess' });
  });

  it('shows the default process to any signed-in user, and nothing to anonymous callers', async () => {
    const data = await server.data(RESCHEDULE, { token: member.token });
    expect(data.automatedProcess).toMatchObject({
      name: 'reschedule_remaining_tasks',
      triggerType: 'TIME_BASED',
      isEnabled: true,
      schedule: { hour: 7, minute: 30, timeZone: 'Asia/Tehran', expression: '30 7 * * *' },
      processConfig: { include_statuses: ['pending', 'in_progress'], update_to_today: true },
    });
    // 07:30 Tehran is 04:00 UTC.
    expect(new Date(data.automatedProcess!.nextRunAt!).toISOString()).toMatch(/T04:00:00\.000Z$/);
    const anonymous = await server.graphql(RESCHEDULE);
    expectError(anonymous, 'UNAUTHENTICATED');
    const list = await server.data(
      graphql(`query ProcessesAutomatedProcesses { automatedProcesses { totalCount edges { node { name } } } }`),
      { token: member.token },
    );
    expect(list.automatedProcesses.edges.map((edge) => edge.node.name)).toContain('reschedule_remaining_tasks');
  });
});

describe('managing processes', () => {
  const CREATE = graphql(
    `mutation ProcessesCreate($input: CreateAutomatedProcessInput!) { createAutomatedProcess(input: $input) { process { id name triggerType events isEnabled } } }`,
  );

  it('is for administrators only', async () => {
    const id = await rescheduleProcessId();
    const token = member.token;
    const attempts = [
      () => server.graphql(CREATE, { token, variables: { input: { name: 'repeat_recurring_tasks', triggerType: 'EVENT_BASED' } } }),
      () =>
        server.graphql(
          graphql(
            `mutation ProcessesRunAsMember($input: RunAutomatedProcessInput!) { runAutomatedProcess(input: $input) { execution { id } } }`,
          ),
          { token, variables: { input: { id } } },
        ),
      () =>
        server.graphql(
          graphql(
            `mutation ProcessesDisableAsMember($input: DisableAutomatedProcessInput!) { disableAutomatedProcess(input: $input) { process { id } } }`,
          ),
          { token, variables: { input: { id } } },
        ),
      () =>
        server.graphql(
          graphql(
            `mutation ProcessesDeleteAsMember($input: DeleteAutomatedProcessInput!) { deleteAutomatedProcess(input: $input) { deletedProcessId } }`,
          ),
          { token, variables: { input: { id } } },
        ),
    ];
    for (const attempt of attempts) {
      const result = await attempt();
      expectError(result, 'FORBIDDEN');
    }
    expect(await server.prisma.automatedProcessExecution.count()).toBe(0);
    // Nothing was created: the default recurring process is still the only one of its name, unchanged.
    expect(
      await server.prisma.automatedProcess.findMany({ where: { name: 'repeat_recurring_tasks' }, select: { isEnabled: true } }),
    ).toEqual([{ isEnabled: true }]);
  });

  it('refuses a process without an implementation, naming the field', async () => {
    const result = await server.graphql(CREATE, {
      token: admin.token,
      variables: { input: { name: uniqueName('nothing'), triggerType: 'MANUAL' } },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
    expect(result.errors?.[0]?.message).toMatch(/No process implementation/);
  });

  it('takes task events as TaskEventType values, refusing REFETCH, which is no task event', async () => {
    const before = await server.prisma.automatedProcess.count();
    const refused = await server.graphql(CREATE, {
      token: admin.token,
      variables: { input: { name: 'repeat_recurring_tasks', triggerType: 'EVENT_BASED', events: ['COMPLETED', 'REFETCH'] } },
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.events' });
    expect(refused.errors?.[0]?.message).toMatch(/REFETCH is not a task event/);
    expect(await server.prisma.automatedProcess.count()).toBe(before);
  });

  it('validates the config against the implementation and the schedule', async () => {
    const id = await rescheduleProcessId();
    const UPDATE = graphql(
      `mutation ProcessesUpdate($input: UpdateAutomatedProcessInput!) { updateAutomatedProcess(input: $input) { process { schedule { expression timeZone } nextRunAt } } }`,
    );
    const badConfig = await server.graphql(UPDATE, {
      token: admin.token,
      variables: { input: { id, processConfig: { include_statuses: ['someday'] } } },
    });
    expect(badConfig.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.processConfig.include_statuses.0' });
    const badCron = await server.graphql(UPDATE, {
      token: admin.token,
      variables: { input: { id, schedule: { cron: '0 25 * * *', timeZone: 'UTC' } } },
    });
    expectError(badCron, 'BAD_USER_INPUT');
    const unchanged = await server.data(RESCHEDULE, { token: admin.token });
    expect(unchanged.automatedProcess!.schedule!.expression).toBe('30 7 * * *');
  });

  it('creates, disables, enables and deletes an event-based process', async () => {
    // The default row stands in the way of creating one with the same (unique) name.
    const existing = await server.data(
      graphql(`query ProcessesAutomatedProcess { automatedProcess(name: "repeat_recurring_tasks") { id } }`),
      { token: admin.token },
    );
    await server.data(
      graphql(
        `mutation ProcessesDeleteAutomatedProcess($input: DeleteAutomatedProcessInput!) { deleteAutomatedProcess(input: $input) { deletedProcessId } }`,
      ),
      {
        token: admin.token,
        variables: { input: { id: existing.automatedProcess!.id } },
      },
    );
    const created = await server.data(CREATE, {
      token: admin.token,
      variables: { input: { name: 'repeat_recurring_tasks', triggerType: 'EVENT_BASED' } },
    });
    const process = created.createAutomatedProcess!.process;
    expect(process).toMatchObject({
      name: 'repeat_recurring_tasks',
      triggerType: 'EVENT_BASED',
      events: ['COMPLETED'],
      isEnabled: true,
    });
    const disabled = await server.data(
      graphql(
        `mutation ProcessesDisableAutomatedProcess($input: DisableAutomatedProcessInput!) { disableAutomatedProcess(input: $input) { process { isEnabled } } }`,
      ),
      { token: admin.token, variables: { input: { id: process.id } } },
    );
    expect(disabled.disableAutomatedProcess!.process.isEnabled).toBe(false);
    const enabled = await server.data(
      graphql(
        `mutation ProcessesEnableAutomatedProcess($input: EnableAutomatedProcessInput!) { enableAutomatedProcess(input: $input) { process { isEnabled } } }`,
      ),
      { token: admin.token, variables: { input: { id: process.id } } },
    );
    expect(enabled.enableAutomatedProcess!.process.isEnabled).toBe(true);
    const deleted = await server.data(
      graphql(
        `mutation ProcessesDeleteAutomatedProcess2($input: DeleteAutomatedProcessInput!) { deleteAutomatedProcess(input: $input) { deletedProcessId } }`,
      ),
      { token: admin.token, variables: { input: { id: process.id } } },
    );
    expect(deleted.deleteAutomatedProcess!.deletedProcessId).toBe(process.id);
    expect(await server.prisma.automatedProcess.count({ where: { name: 'repeat_recurring_tasks' } })).toBe(0);
  });
});

describe('running a process', () => {
  it('returns the pending execution at once and streams every status change to subscribers', async () => {
    const id = await rescheduleProcessId();
    const subscription = server.subscribe(
      graphql(
        `subscription ProcessesProcessExecutionUpdated($processId: ID) { processExecutionUpdated(processId: $processId) { status executionId execution { id triggeredBy } } }`,
      ),
      { token: member.token, variables: { processId: id } },
    );
    await subscription.live;
    const run = await server.data(
      graphql(
        `mutation ProcessesRunAutomatedProcess($input: RunAutomatedProcessInput!) { runAutomatedProcess(input: $input) { execution { id status triggeredBy } } }`,
      ),
      {
        token: admin.token,
        variables: { input: { id } },
      },
    );
    expect(run.runAutomatedProcess!.execution).toMatchObject({ status: 'PENDING', triggeredBy: 'MANUAL' });
    const statuses: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const event = await subscription.next(10_000);
      expect(event.errors).toBeUndefined();
      expect(event.data!.processExecutionUpdated.executionId).toBe(run.runAutomatedProcess!.execution.id);
      statuses.push(event.data!.processExecutionUpdated.status!);
    }
    expect(statuses).toEqual(['PENDING', 'RUNNING', 'COMPLETED']);
    subscription.close();

    const HISTORY = graphql(
      `query ProcessesHistory($filter: ProcessExecutionFilter) { processExecutions(filter: $filter) { edges { node { id status duration result errorMessage startedAt completedAt } } } }`,
    );
    const variables = { filter: { process: id, status: ['COMPLETED' as const] } };
    const history = await server.data(HISTORY, { token: admin.token, variables });
    const execution = history.processExecutions.edges[0]!.node;
    expect(execution.id).toBe(run.runAutomatedProcess!.execution.id);
    expect(execution.result).toMatchObject({
      success: true,
      tasks_found: expect.any(Number),
      tasks_rescheduled: expect.any(Number),
      task_details: expect.any(Array),
    });
    expect(execution.duration).toBeGreaterThanOrEqual(0);

    // The result names users' tasks: a member sees the run, not what it reported.
    const seenByMember = (await server.data(HISTORY, { token: member.token, variables })).processExecutions.edges[0]!.node;
    expect(seenByMember).toEqual({ ...execution, result: null, errorMessage: null });
  });
});

describe('reschedule_remaining_tasks', () => {
  /** A task due at `due` (its Jalali column left for the process to write). */
  const dueAt = (due: string, status: 'pending' | 'in_progress' | 'completed' = 'pending') => ({
    name: uniqueName('task'),
    dueDateGregorian: new Date(due),
    status,
  });

  it("moves tasks due before the start of their owner's today to today, at the same local time, with the Jalali column", async () => {
    const tehran = await seed(server)
      .user()
      .inZone('Asia/Tehran')
      .withTask(dueAt('2025-12-17T23:50:00+03:30'))
      .withTask(dueAt('2025-12-18T00:05:00+03:30'))
      .withTask(dueAt('2025-12-10T09:00:00+03:30', 'completed'))
      .create();
    const newYork = await seed(server)
      .user()
      .inZone('America/New_York')
      .withTask(dueAt('2025-12-17T08:00:00-05:00'))
      .withTask(dueAt('2025-12-16T21:15:00-05:00', 'in_progress'))
      .create();
    const serviceZone = await seed(server).user().inZone(null).withTask(dueAt('2025-12-01T07:30:00+03:30')).create();
    // 00:10 on 2025-12-18 in Tehran; still 2025-12-17 (15:40) in New York.
    const now = new Date('2025-12-17T20:40:00Z');
    const [lateYesterday, justToday, done] = tehran.tasks as [Task, Task, Task];
    const [nyToday, nyYesterday] = newYork.tasks as [Task, Task];
    const [viaService] = serviceZone.tasks as [Task];

    const outcome = await rescheduleOverdueTasks({
      now,
      serviceTimeZone: 'Asia/Tehran',
      includeStatuses: ['pending', 'in_progress'],
      updateToToday: true,
    });
    const byId = async (id: string) => server.prisma.task.findUniqueOrThrow({ where: { id } });
    expect((await byId(lateYesterday.id)).dueDateGregorian?.toISOString()).toBe(new Date('2025-12-18T23:50:00+03:30').toISOString());
    expect((await byId(justToday.id)).dueDateGregorian?.toISOString()).toBe(justToday.dueDateGregorian?.toISOString());
    expect((await byId(done.id)).dueDateGregorian?.toISOString()).toBe(done.dueDateGregorian?.toISOString());
    expect((await byId(nyToday.id)).dueDateGregorian?.toISOString()).toBe(nyToday.dueDateGregorian?.toISOString());
    expect((await byId(nyYesterday.id)).dueDateGregorian?.toISOString()).toBe(new Date('2025-12-17T21:15:00-05:00').toISOString());
    const moved = await byId(viaService.id);
    expect(moved.dueDateGregorian?.toISOString()).toBe(new Date('2025-12-18T07:30:00+03:30').toISOString());
    expect(moved.dueDateJalali).toBe('1404-09-27T07:30:00');
    const movedIds = outcome.details.map((detail) => detail.task_id);
    expect(movedIds).toEqual(expect.arrayContaining([lateYesterday.id, nyYesterday.id, viaService.id]));
    expect(movedIds).not.toContain(justToday.id);
    expect(outcome.details.find((detail) => detail.task_id === viaService.id)).toMatchObject({
      user_id: serviceZone.user.id,
      old_due_date: '2025-12-01T04:00:00.000Z',
      new_due_date: '2025-12-18T04:00:00.000Z',
    });
  });

  it("keeps the local time of day across a DST change of the owner's zone", async () => {
    const newYork = await seed(server).user().inZone('America/New_York').withTask(dueAt('2025-03-07T09:00:00-05:00')).create();
    const beforeDst = newYork.tasks[0]!;
    await rescheduleOverdueTasks({
      now: new Date('2025-03-10T16:00:00Z'),
      serviceTimeZone: 'Asia/Tehran',
      includeStatuses: ['pending'],
      updateToToday: true,
    });
    const after = await server.prisma.task.findUniqueOrThrow({ where: { id: beforeDst.id } });
    expect(after.dueDateGregorian?.toISOString()).toBe('2025-03-10T13:00:00.000Z'); // 09:00 EDT
  });

  it('formats the Jalali calendar in SQL as the known pairs say', async () => {
    const rows = await server.prisma.$queryRaw<Array<{ a: string; b: string; c: string }>>`
      SELECT behflow_jalali('2025-12-18T07:30:00+03:30', 'Asia/Tehran') AS a,
             behflow_jalali('2025-03-21T00:00:00+03:30', 'Asia/Tehran') AS b,
             behflow_jalali('2025-03-20T23:59:59+03:30', 'Asia/Tehran') AS c`;
    expect(rows[0]).toEqual({ a: '1404-09-27T07:30:00', b: '1404-01-01T00:00:00', c: '1403-12-30T23:59:59' });
  });

  it('formats the Jalali calendar in SQL as the server does, within the range its comment states', async () => {
    const rows = await server.prisma.$queryRaw<Array<{ day: string; jalali: string }>>`
      SELECT d::date::text AS day, behflow_jalali((d::date + time '12:00') AT TIME ZONE 'UTC', 'UTC') AS jalali
      FROM generate_series(date '1900-01-01', date '2124-03-20', interval '1 day') AS d`;
    const differing = rows.filter((row) => toJalali(new Date(`${row.day}T12:00:00Z`), 'UTC') !== row.jalali).map((row) => row.day);
    expect(differing).toEqual(['2124-03-20']);
    const [comment] = await server.prisma.$queryRaw<Array<{ text: string }>>`
      SELECT obj_description('behflow_jalali(timestamp with time zone, text)'::regprocedure, 'pg_proc') AS text`;
    expect(comment!.text).toMatch(/1700-01-01 to 2124-03-19 only/);
  });

  it('is set-based: one reschedule statement whatever the number of tasks, the events in the same transaction', async () => {
    const owner = await seed(server)
      .user()
      .inZone('Asia/Tehran')
      .withTasks(30, () => dueAt('2025-11-01T10:00:00Z'))
      .create();
    const { result, statements } = await server.queries.record(() =>
      rescheduleOverdueTasks({
        now: new Date('2025-12-18T10:00:00Z'),
        serviceTimeZone: 'Asia/Tehran',
        includeStatuses: ['pending'],
        updateToToday: true,
      }),
    );
    expect(result.tasksRescheduled).toBeGreaterThanOrEqual(30);
    expect(statements.filter((sql) => /UPDATE tasks/i.test(sql))).toHaveLength(1);
    // SET LOCAL, the statement, the moved tasks read back and their events written (one batch
    // each here), COMMIT: the events commit with the move.
    expect(statements).toHaveLength(5);
    expect(statements[3]).toMatch(/INSERT INTO stream_events/);
    expect(statements[4]).toMatch(/^COMMIT/);
    const [{ count }] = await server.prisma.$queryRaw<[{ count: number }]>`
      SELECT count(*)::int AS count FROM stream_events WHERE stream = ${`tasks:${owner.user.id}`} AND payload->>'type' = 'UPDATED'`;
    expect(count).toBe(30);
  });
});

describe('crash recovery', () => {
  it('marks failed an execution left running by an instance that is gone', async () => {
    const id = (await server.prisma.automatedProcess.findUniqueOrThrow({ where: { name: 'reschedule_remaining_tasks' } })).id;
    const orphan = await server.prisma.automatedProcessExecution.create({
      data: {
        processId: id,
        status: 'running',
        triggeredBy: 'schedule',
        startedAt: new Date(Date.now() - 600_000),
        leaseExpiresAt: new Date(Date.now() - 60_000),
      },
    });
    const alive = await server.prisma.automatedProcessExecution.create({
      data: {
        processId: id,
        status: 'running',
        triggeredBy: 'manual',
        startedAt: new Date(),
        leaseExpiresAt: new Date(Date.now() + 600_000),
      },
    });
    const subscription = server.subscribe(
      graphql(`subscription ProcessesProcessExecutionUpdated2 { processExecutionUpdated { status executionId } }`),
      { token: member.token },
    );
    await subscription.live;
    const recovered = await server.running.processes.failAbandonedExecutions();
    expect(recovered).toBe(1);
    const after = await server.prisma.automatedProcessExecution.findUniqueOrThrow({ where: { id: orphan.id } });
    expect(after.status).toBe('failed');
    expect(after.errorMessage).toMatch(/stopped responding/);
    expect(after.completedAt).not.toBeNull();
    expect((await server.prisma.automatedProcessExecution.findUniqueOrThrow({ where: { id: alive.id } })).status).toBe('running');
    const event = await subscription.next(5_000);
    expect(event.data!.processExecutionUpdated.status).toBe('FAILED');
    subscription.close();
    await server.prisma.automatedProcessExecution.delete({ where: { id: alive.id } });
  });
});
