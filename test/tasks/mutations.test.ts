import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { toJalali } from '../../src/tasks/calendar.js';
import { isOverdue } from '../../src/tasks/rules.js';
import { createTaskService } from '../../src/tasks/service.js';
import { startTestServer } from '../helpers/server.js';
import { seed } from '../helpers/seed.js';
import type { CreateTaskInput, UpdateTaskInput } from '../gql/graphql.js';
import { expectError, graphql } from '../helpers/graphql.js';

const server = await startTestServer();

graphql(`
  fragment MutationsTaskFields on Task {
    id name description priority status tags dueAt dueAtJalali createdAt createdAtJalali updatedAt updatedAtJalali
    completedAt completedAtJalali isOverdue owner { id username }
  }
`);

const CREATE = graphql(`
  mutation MutationsCreate($input: CreateTaskInput!) { createTask(input: $input) { task { ...MutationsTaskFields } } }
`);

const UPDATE = graphql(`
  mutation MutationsUpdate($input: UpdateTaskInput!) { updateTask(input: $input) { task { ...MutationsTaskFields } } }
`);

async function createTask(token: string, input: CreateTaskInput) {
  const data = await server.data(CREATE, { token, variables: { input } });
  return data.createTask!.task;
}

async function updateTask(token: string, input: UpdateTaskInput) {
  return server.graphql(UPDATE, { token, variables: { input } });
}

/** The stored row's Jalali columns must be the rendering of its Gregorian ones in the service zone. */
async function expectJalaliColumnsAgree(rawId: string) {
  const row = await server.prisma.task.findUniqueOrThrow({ where: { id: rawId } });
  expect(row.dateAddedJalali).toBe(toJalali(row.dateAddedGregorian, 'Asia/Tehran'));
  expect(row.dueDateJalali).toBe(row.dueDateGregorian ? toJalali(row.dueDateGregorian, 'Asia/Tehran') : null);
  return row;
}

const rawIdOf = (globalId: string) => Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]!;

describe('createTask', () => {
  it('creates a task with every field and renders its dates in both calendars', async () => {
    const { user, token } = await seed(server).user().inZone('Asia/Tehran').create();
    const task = await createTask(token, {
      name: '  Write the report ',
      description: 'Quarterly numbers',
      priority: 'HIGH',
      tags: ['work', ' work', 'report '],
      dueAt: '2025-12-18T04:00:00Z',
    });
    expect(task).toMatchObject({
      name: 'Write the report',
      description: 'Quarterly numbers',
      priority: 'HIGH',
      status: 'PENDING',
      tags: ['work', 'report'],
      dueAt: '2025-12-18T04:00:00.000Z',
      dueAtJalali: '1404-09-27T07:30:00',
      completedAt: null,
      completedAtJalali: null,
      isOverdue: true,
      owner: { username: user.username },
    });
    expect(task.createdAtJalali).toBe(toJalali(new Date(task.createdAt), 'Asia/Tehran'));
    const row = await expectJalaliColumnsAgree(rawIdOf(task.id));
    expect(row.dueDateJalali).toBe('1404-09-27T07:30:00');
  });

  it("renders Jalali fields in the viewer's zone while the stored columns stay in the service zone", async () => {
    const { token } = await seed(server).user().inZone('America/New_York').create();
    const task = await createTask(token, { name: 'Call', dueAt: '2025-12-17T22:30:00Z' });
    expect(task.dueAtJalali).toBe('1404-09-26T17:30:00');
    const row = await expectJalaliColumnsAgree(rawIdOf(task.id));
    expect(row.dueDateJalali).toBe('1404-09-27T02:00:00');
  });

  it("accepts the due date as a Jalali date-time or a local date-time in the viewer's zone", async () => {
    const { token } = await seed(server).user().inZone('America/New_York').create();
    const jalali = await createTask(token, { name: 'A', dueAtJalali: '1404-09-27T07:30' });
    expect(jalali.dueAt).toBe('2025-12-18T12:30:00.000Z');
    expect(jalali.dueAtJalali).toBe('1404-09-27T07:30:00');
    const local = await createTask(token, { name: 'B', dueDate: '2025-12-18T07:30' });
    expect(local.dueAt).toBe('2025-12-18T12:30:00.000Z');
    await expectJalaliColumnsAgree(rawIdOf(local.id));
  });

  it("reads a due date without a time (dueDate or dueAtJalali) as the end of that day, 23:59 in the viewer's zone", async () => {
    const { token } = await seed(server).user().inZone('America/New_York').create();
    const local = await createTask(token, { name: 'Local day', dueDate: '2025-12-18' });
    expect(local.dueAt).toBe('2025-12-19T04:59:00.000Z');
    expect(local.dueAtJalali).toBe('1404-09-27T23:59:00');
    const jalali = await createTask(token, { name: 'Jalali day', dueAtJalali: '1404-09-27' });
    expect(jalali.dueAt).toBe('2025-12-19T04:59:00.000Z');
    expect(jalali.dueAtJalali).toBe('1404-09-27T23:59:00');
    await expectJalaliColumnsAgree(rawIdOf(jalali.id));
    const moved = await updateTask(token, { id: local.id, dueAtJalali: '1404-09-28' });
    expect(moved.data?.updateTask?.task).toMatchObject({ dueAt: '2025-12-20T04:59:00.000Z', dueAtJalali: '1404-09-28T23:59:00' });
  });

  it('does not count a task due today without a time as overdue (or past due) before the day is out', async () => {
    const { user } = await seed(server).user().inZone('Asia/Tehran').create();
    const actor = { id: user.id, timeZone: 'Asia/Tehran' };
    const lateEvening = new Date('2026-03-11T20:00:00Z'); // 23:30 in Tehran
    const tasks = createTaskService({
      prisma: server.prisma,
      sql: server.running.database.sql,
      events: server.running.eventLog,
      logger: createLogger('silent'),
      timeZone: 'Asia/Tehran',
      now: () => lateEvening,
    });
    const task = await tasks.create(actor, { name: 'Due today', dueAt: tasks.parseDueDate(actor, '2026-03-11') });
    expect(task.dueDateGregorian).toEqual(new Date('2026-03-11T20:29:00Z'));
    expect(task.dueDateJalali).toBe('1404-12-20T23:59:00');
    expect(isOverdue(task, lateEvening)).toBe(false);
    expect(await tasks.stats(actor)).toMatchObject({ overdue: 0, dueToday: 1 });
    expect(await tasks.list(actor, { filter: { overdue: true } })).toEqual([]);
    expect(tasks.parseDueDate(actor, '1404-12-20')).toEqual(task.dueDateGregorian);
    expect(() => tasks.parseDueDate(actor, 'tomorrow', { calendar: 'jalali', field: 'dueAtJalali' })).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'dueAtJalali' }),
    );
  });

  it('sets completedAt when created completed; tags are never null', async () => {
    const { token } = await seed(server).user().create();
    const task = await createTask(token, { name: 'Done already', status: 'COMPLETED' });
    expect(task.completedAt).not.toBeNull();
    expect(task.tags).toEqual([]);
  });
});

describe('bad input is refused with a coded error naming the field, and nothing is written', () => {
  const cases: Array<[string, CreateTaskInput, string]> = [
    ['an empty name', { name: '   ' }, 'input.name'],
    ['a name of 256 characters', { name: 'x'.repeat(256) }, 'input.name'],
    ['a description over 20,000 characters', { name: 'ok', description: 'd'.repeat(20_001) }, 'input.description'],
    ['33 tags', { name: 'ok', tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }, 'input.tags'],
    ['a tag of 65 characters', { name: 'ok', tags: ['t'.repeat(65)] }, 'input.tags'],
    ['an empty tag', { name: 'ok', tags: ['  '] }, 'input.tags'],
    // PostgreSQL text cannot hold U+0000: refused up front instead of failing at the database.
    ['a NUL character in the name', { name: 'a\u0000b' }, 'input.name'],
    ['a NUL character in the description', { name: 'ok', description: 'a\u0000b' }, 'input.description'],
    ['a NUL character in a tag', { name: 'ok', tags: ['fine', 'a\u0000b'] }, 'input.tags'],
    ['Esfand 30 of a common year', { name: 'ok', dueAtJalali: '1404-12-30' }, 'input.dueAtJalali'],
    ['a malformed Jalali string', { name: 'ok', dueAtJalali: 'next tuesday' }, 'input.dueAtJalali'],
    ['a nonexistent local date', { name: 'ok', dueDate: '2025-02-30' }, 'input.dueDate'],
    ['two forms of the due date', { name: 'ok', dueAt: '2025-12-18T04:00:00Z', dueDate: '2025-12-18' }, 'input.dueDate'],
  ];
  for (const [what, input, field] of cases) {
    it(`refuses ${what}`, async () => {
      const { user, token } = await seed(server).user().create();
      const result = await server.graphql(
        graphql(`mutation MutationsCreateTask($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`),
        {
          token,
          variables: { input },
        },
      );
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(await server.prisma.task.count({ where: { userId: user.id } })).toBe(0);
    });
  }

  it('accepts the limits themselves (255-character name, 32 tags of 64 characters, 20,000-character description)', async () => {
    const { token } = await seed(server).user().create();
    const task = await createTask(token, {
      name: 'n'.repeat(255),
      description: 'd'.repeat(20_000),
      tags: Array.from({ length: 32 }, (_, i) => `${i}`.padEnd(64, 'x')),
    });
    expect(task.tags).toHaveLength(32);
  });

  it('refuses an invalid DateTime', async () => {
    const { user, token } = await seed(server).user().create();
    const result = await server.graphql(
      graphql(`mutation MutationsCreateTask2($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`),
      {
        token,
        variables: { input: { name: 'ok', dueAt: '2025-13-45T99:00:00Z' } },
      },
    );
    expect(result.errors?.length).toBeGreaterThan(0);
    expect(result.data ?? null).toBeNull();
    expect(await server.prisma.task.count({ where: { userId: user.id } })).toBe(0);
  });

  it('refuses an invalid update and leaves the task as it was', async () => {
    const { token } = await seed(server).user().create();
    const task = await createTask(token, { name: 'Keep me', tags: ['a'] });
    const result = await updateTask(token, { id: task.id, name: 'changed', tags: ['b', ''] });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.tags' });
    const nul = await updateTask(token, { id: task.id, description: 'x\u0000' });
    expect(nul.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.description' });
    const nullName = await updateTask(token, { id: task.id, name: null });
    expect(nullName.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
    const row = await server.prisma.task.findUniqueOrThrow({ where: { id: rawIdOf(task.id) } });
    expect(row).toMatchObject({ name: 'Keep me', tags: ['a'] });
  });

  it('reports unknown ids as not found', async () => {
    const { token } = await seed(server).user().create();
    for (const id of [
      'VGFzazowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA=',
      'garbage',
      Buffer.from('Task:not-a-uuid').toString('base64'),
    ]) {
      const result = await updateTask(token, { id, name: 'x' });
      expectError(result, 'NOT_FOUND');
    }
  });
});

describe('updateTask, completeTask, reopenTask, deleteTask', () => {
  it('changes only the fields given; null clears nullable ones', async () => {
    const { token } = await seed(server).user().create();
    const task = await createTask(token, {
      name: 'Plan',
      description: 'details',
      tags: ['a', 'b'],
      priority: 'LOW',
      dueDate: '2030-01-02',
    });

    const renamed = await updateTask(token, { id: task.id, name: 'Plan trip' });
    expect(renamed.data?.updateTask?.task).toMatchObject({
      name: 'Plan trip',
      description: 'details',
      tags: ['a', 'b'],
      priority: 'LOW',
      dueAt: task.dueAt,
    });

    const cleared = await updateTask(token, { id: task.id, description: null, tags: null, dueAt: null });
    expect(cleared.data?.updateTask?.task).toMatchObject({
      name: 'Plan trip',
      description: null,
      tags: [],
      dueAt: null,
      dueAtJalali: null,
    });
    const row = await expectJalaliColumnsAgree(rawIdOf(task.id));
    expect(row.dueDateJalali).toBeNull();

    const moved = await updateTask(token, { id: task.id, dueAtJalali: '1403-12-30T09:00' });
    expect(moved.data?.updateTask?.task.dueAt).toBe('2025-03-20T05:30:00.000Z');
    expect((await expectJalaliColumnsAgree(rawIdOf(task.id))).dueDateJalali).toBe('1403-12-30T09:00:00');
  });

  it('sets completedAt on completion, keeps it while completed, clears it when the task leaves that state', async () => {
    const { token } = await seed(server).user().create();
    const task = await createTask(token, { name: 'Finish' });
    const complete = await server.data(
      graphql(
        `mutation MutationsCompleteTask($id: ID!) { completeTask(input: { id: $id }) { task { status completedAt completedAtJalali } } }`,
      ),
      { token, variables: { id: task.id } },
    );
    expect(complete.completeTask!.task.status).toBe('COMPLETED');
    const completedAt = complete.completeTask!.task.completedAt;
    expect(completedAt).not.toBeNull();
    expect(complete.completeTask!.task.completedAtJalali).toMatch(/^14\d\d-\d\d-\d\dT\d\d:\d\d:\d\d$/);

    const renamed = await updateTask(token, { id: task.id, name: 'Finish it', status: 'COMPLETED' });
    expect(renamed.data?.updateTask?.task.completedAt).toBe(completedAt);

    const reopened = await server.data(
      graphql(`mutation MutationsReopenTask($id: ID!) { reopenTask(input: { id: $id }) { task { status completedAt } } }`),
      { token, variables: { id: task.id } },
    );
    expect(reopened.reopenTask!.task).toEqual({ status: 'PENDING', completedAt: null });

    await server.data(graphql(`mutation MutationsCompleteTask2($id: ID!) { completeTask(input: { id: $id }) { task { id } } }`), {
      token,
      variables: { id: task.id },
    });
    const cancelled = await updateTask(token, { id: task.id, status: 'CANCELLED' });
    expect(cancelled.data?.updateTask?.task).toMatchObject({ status: 'CANCELLED', completedAt: null });
  });

  it('deletes and returns the deleted ID; the task is gone afterwards', async () => {
    const { token } = await seed(server).user().create();
    const task = await createTask(token, { name: 'Temporary' });
    const deleted = await server.data(
      graphql(`mutation MutationsDeleteTask($id: ID!) { deleteTask(input: { id: $id }) { deletedTaskId } }`),
      { token, variables: { id: task.id } },
    );
    expect(deleted.deleteTask!.deletedTaskId).toBe(task.id);
    const again = await server.graphql(
      graphql(`mutation MutationsDeleteTask2($id: ID!) { deleteTask(input: { id: $id }) { deletedTaskId } }`),
      {
        token,
        variables: { id: task.id },
      },
    );
    expectError(again, 'NOT_FOUND');
    const read = await server.data(graphql(`query MutationsTask($id: ID!) { task(id: $id) { id } node(id: $id) { id } }`), {
      token,
      variables: { id: task.id },
    });
    expect(read).toEqual({ task: null, node: null });
  });

  it('requires a signed-in user', async () => {
    const result = await server.graphql(graphql(`mutation MutationsCreateTask3 { createTask(input: { name: "x" }) { task { id } } }`));
    expectError(result, 'UNAUTHENTICATED');
    const list = await server.graphql(graphql(`query MutationsTasks { tasks { totalCount } }`));
    expectError(list, 'UNAUTHENTICATED');
  });

  it('exposes a task stored by the original Behflow with NULL tags as an empty list', async () => {
    const { user, token } = await seed(server).user().create();
    const [inserted] = await server.prisma.$queryRaw<Array<{ task_id: string }>>`
      INSERT INTO tasks (user_id, name, date_added_jalali, tags) VALUES (${user.id}::uuid, 'legacy', '1404-01-01T00:00:00', NULL) RETURNING task_id`;
    const id = inserted!.task_id;
    const data = await server.data(graphql(`query MutationsTask2($id: ID!) { task(id: $id) { tags } }`), {
      token,
      variables: { id: Buffer.from(`Task:${id}`).toString('base64') },
    });
    expect(data.task!.tags).toEqual([]);
  });
});
