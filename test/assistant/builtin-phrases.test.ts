// The built-in assistant against a table of plain English commands: for each, what it does to
// the database (through the real task service) and what it answers. The clock is fixed.
import { describe, expect, it } from 'vitest';
import { createBuiltinProvider } from '../../src/assistant/builtin/provider.js';
import { createToolRunner } from '../../src/assistant/tools.js';
import type { Task } from '../../src/db/prisma.js';
import { createLogger } from '../../src/logger.js';
import { createTaskService, type CreateTaskData } from '../../src/tasks/service.js';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer();
const ZONE = 'Asia/Tehran';
/** Wednesday 2026-03-11, 10:00 in Tehran (+03:30). */
const NOW = new Date('2026-03-11T06:30:00Z');
const logger = createLogger('silent');
const tasks = createTaskService({
  prisma: server.prisma,
  sql: server.running.database.sql,
  events: server.running.eventLog,
  logger,
  timeZone: ZONE,
  now: () => NOW,
});
const provider = createBuiltinProvider();

const at = (iso: string) => new Date(iso);
const YESTERDAY_NOON = at('2026-03-10T08:30:00Z');
const TODAY_6PM = at('2026-03-11T14:30:00Z');
const TOMORROW_NOON = at('2026-03-12T08:30:00Z');

interface Row {
  readonly say: string;
  readonly given?: CreateTaskData[];
  /** The reply must match. */
  readonly reply: RegExp;
  /** The reply must not match (e.g. tasks that were filtered out). */
  readonly notInReply?: RegExp;
  /** The tools called, in order. */
  readonly tools: string[];
  /** The user's tasks afterwards. */
  readonly then?: (after: Task[], before: Task[]) => void;
}

const byName = (list: Task[], name: string) => list.find((task) => task.name === name);
const unchanged = (after: Task[], before: Task[]) =>
  expect(after.map((task) => [task.name, task.status, task.priority, task.updatedAt.getTime()]).sort()).toEqual(
    before.map((task) => [task.name, task.status, task.priority, task.updatedAt.getTime()]).sort(),
  );

const REPORT: CreateTaskData = { name: 'Write report' };
const GYM: CreateTaskData = { name: 'Gym', tags: ['health'] };
const MILK: CreateTaskData = { name: 'Buy milk', priority: 'low' };
const DENTIST: CreateTaskData = { name: 'Dentist appointment', dueAt: TOMORROW_NOON };

const rows: Row[] = [
  {
    say: 'add a high priority task to call mom tomorrow at 6pm #family',
    reply: /^Added \*\*Call mom\*\* \(high priority, due 2026-03-12 18:00, #family\)\.$/,
    tools: ['add_task'],
    then: ([task]) =>
      expect(task).toMatchObject({
        name: 'Call mom',
        priority: 'high',
        tags: ['family'],
        status: 'pending',
        dueDateGregorian: at('2026-03-12T14:30:00Z'),
        dueDateJalali: '1404-12-21T18:00:00',
      }),
  },
  {
    say: 'add buy milk',
    reply: /Added \*\*Buy milk\*\* \(medium priority\)/,
    tools: ['add_task'],
    then: ([task]) => expect(task).toMatchObject({ name: 'Buy milk', dueDateGregorian: null, tags: [] }),
  },
  {
    say: 'create a task: write report by next friday',
    reply: /Added \*\*Write report\*\*.*due 2026-03-20 23:59/,
    tools: ['add_task'],
    then: ([task]) => expect(task).toMatchObject({ name: 'Write report', dueDateGregorian: at('2026-03-20T20:29:00Z') }),
  },
  {
    say: 'Remind me to pay rent on March 15 at 9am',
    reply: /Added \*\*Pay rent\*\*.*due 2026-03-15 09:00/,
    tools: ['add_task'],
    then: ([task]) => expect(task).toMatchObject({ name: 'Pay rent', dueDateGregorian: at('2026-03-15T05:30:00Z') }),
  },
  {
    say: 'add gym #health #daily with low priority',
    reply: /Added \*\*Gym\*\* \(low priority, #health #daily\)/,
    tools: ['add_task'],
    then: ([task]) => expect(task).toMatchObject({ name: 'Gym', priority: 'low', tags: ['health', 'daily'] }),
  },
  {
    say: 'add urgent: renew passport today',
    reply: /Added \*\*Renew passport\*\* \(high priority, due 2026-03-11 23:59\)/,
    tools: ['add_task'],
    then: ([task]) =>
      expect(task).toMatchObject({ name: 'Renew passport', priority: 'high', dueDateGregorian: at('2026-03-11T20:29:00Z') }),
  },
  { say: 'add a task', reply: /What should the new task be called\?/, tools: [], then: (after) => expect(after).toEqual([]) },
  {
    say: 'show my tasks',
    given: [REPORT, MILK],
    reply: /^Your tasks \(2\):\n(?=[^]*^\d\. \*\*Write report\*\*$)(?=[^]*^\d\. \*\*Buy milk\*\* · low$)/m,
    tools: ['list_tasks'],
  },
  {
    say: 'list pending tasks',
    given: [REPORT, { name: 'Old chore', status: 'completed' }],
    reply: /Your pending tasks \(1\):\n- \*\*Write report\*\*$/,
    tools: ['list_tasks'],
  },
  {
    say: 'show completed tasks',
    given: [REPORT, { name: 'Old chore', status: 'completed' }],
    reply: /completed tasks \(1\):\n- \*\*Old chore\*\*$/,
    tools: ['list_tasks'],
  },
  { say: 'show my in progress tasks', given: [REPORT], reply: /^You have no in progress tasks\.$/, tools: ['list_tasks'] },
  { say: 'show 2 tasks', given: [REPORT, MILK, GYM], reply: /Your tasks \(2\):/, tools: ['list_tasks'] },
  {
    say: 'show high priority tasks',
    given: [{ name: 'Taxes', priority: 'high' }, MILK],
    reply: /high priority tasks \(1\):\n- \*\*Taxes\*\* · high$/,
    tools: ['list_tasks'],
  },
  {
    say: 'show my overdue tasks',
    given: [{ name: 'Call bank', dueAt: YESTERDAY_NOON }, DENTIST],
    reply: /^Overdue \(1\):\n- \*\*Call bank\*\* · \*\*overdue\*\*, was due 2026-03-10 12:00$/,
    tools: ['overdue_tasks'],
  },
  { say: "what's overdue?", given: [DENTIST], reply: /^Nothing is overdue/, tools: ['overdue_tasks'] },
  {
    say: "what's due today",
    given: [{ name: 'Pick up parcel', dueAt: TODAY_6PM }, DENTIST],
    reply: /tasks due today \(1\):\n- \*\*Pick up parcel\*\* · due 2026-03-11 18:00$/,
    tools: ['list_tasks'],
  },
  {
    say: 'search for report',
    given: [REPORT, MILK],
    reply: /Tasks matching "report" \(1\):\n- \*\*Write report\*\*$/,
    tools: ['find_task'],
  },
  { say: 'find tasks about milk', given: [REPORT, MILK], reply: /matching "milk" \(1\)/, notInReply: /report/, tools: ['find_task'] },
  {
    say: 'mark the report task done',
    given: [REPORT, MILK],
    reply: /^Done: \*\*Write report\*\* is completed\.$/,
    tools: ['find_task', 'complete_task'],
    then: (after) => expect(byName(after, 'Write report')).toMatchObject({ status: 'completed', completedAt: NOW }),
  },
  {
    say: 'I finished the gym task',
    given: [GYM],
    reply: /\*\*Gym\*\* is completed/,
    tools: ['find_task', 'complete_task'],
    then: ([task]) => expect(task!.status).toBe('completed'),
  },
  {
    say: 'delete the gym task',
    given: [GYM, MILK],
    reply: /^Deleted \*\*Gym\*\*\.$/,
    tools: ['find_task', 'remove_task'],
    then: (after) => expect(after.map((task) => task.name)).toEqual(['Buy milk']),
  },
  {
    say: 'remove buy milk',
    given: [GYM, MILK],
    reply: /^Deleted \*\*Buy milk\*\*\.$/,
    tools: ['find_task', 'remove_task'],
    then: (after) => expect(after.map((task) => task.name)).toEqual(['Gym']),
  },
  {
    say: 'change the priority of the report task to high',
    given: [REPORT],
    reply: /^\*\*Write report\*\* is now \*\*high\*\* priority\.$/,
    tools: ['find_task', 'change_priority'],
    then: ([task]) => expect(task!.priority).toBe('high'),
  },
  {
    say: 'make the gym task low priority',
    given: [GYM],
    reply: /is now \*\*low\*\* priority/,
    tools: ['find_task', 'change_priority'],
    then: ([task]) => expect(task!.priority).toBe('low'),
  },
  {
    say: 'start the report task',
    given: [REPORT],
    reply: /is now \*\*in progress\*\*/,
    tools: ['find_task', 'update_task'],
    then: ([task]) => expect(task!.status).toBe('in_progress'),
  },
  {
    say: 'rename the gym task to evening run',
    given: [GYM],
    reply: /^Renamed \*\*Gym\*\* to \*\*Evening run\*\*\.$/,
    tools: ['find_task', 'update_task'],
    then: ([task]) => expect(task!.name).toBe('Evening run'),
  },
  {
    say: 'move the dentist task to next monday 10am',
    given: [DENTIST],
    reply: /is now due \*\*2026-03-16 10:00\*\*/,
    tools: ['find_task', 'update_task'],
    then: ([task]) => expect(task).toMatchObject({ dueDateGregorian: at('2026-03-16T06:30:00Z'), dueDateJalali: '1404-12-25T10:00:00' }),
  },
  {
    say: 'tag the report task #work',
    given: [{ ...REPORT, tags: ['q1'] }],
    reply: /is now tagged #q1 #work/,
    tools: ['find_task', 'update_task'],
    then: ([task]) => expect(task!.tags).toEqual(['q1', 'work']),
  },
  {
    say: 'how many tasks do I have',
    given: [{ name: 'Call bank', dueAt: YESTERDAY_NOON, priority: 'high' }, REPORT, { name: 'Old chore', status: 'completed' }],
    reply:
      /^You have \*\*3\*\* tasks: 2 pending, 0 in progress, 1 completed, 0 cancelled\.\n- By priority: 1 high, 2 medium, 0 low\n- Overdue: \*\*1\*\*/,
    tools: ['task_statistics'],
  },
  {
    say: 'show tasks tagged #health',
    given: [GYM, MILK],
    reply: /^Tasks tagged #health \(1\):\n- \*\*Gym\*\* · #health$/,
    tools: ['tasks_by_tag'],
  },
  {
    say: 'group my tasks by priority',
    given: [{ name: 'Taxes', priority: 'high' }, REPORT, MILK],
    reply:
      /^\*\*High priority\*\* \(1\)\n- \*\*Taxes\*\*\n\n\*\*Medium priority\*\* \(1\)\n- \*\*Write report\*\*\n\n\*\*Low priority\*\* \(1\)\n- \*\*Buy milk\*\*$/,
    tools: ['group_by_priority'],
  },
  {
    say: 'group by status',
    given: [REPORT, { name: 'Old chore', status: 'completed' }],
    reply: /\*\*Pending\*\* \(1\)\n- \*\*Write report\*\*\n\n\*\*Completed\*\* \(1\)\n- \*\*Old chore\*\*/,
    tools: ['group_by_status'],
  },
  {
    say: 'complete the report task',
    given: [REPORT, { name: 'Read report' }],
    reply:
      /^Several tasks match "report"\. Which one do you mean\?\n(?=[^]*^\d\. \*\*Write report\*\*$)(?=[^]*^\d\. \*\*Read report\*\*$)/m,
    tools: ['find_task'],
    then: unchanged,
  },
  {
    say: 'complete "Write report"',
    given: [REPORT, { name: 'Write report draft' }],
    reply: /\*\*Write report\*\* is completed/,
    tools: ['find_task', 'complete_task'],
  },
  {
    say: 'delete the unicorn task',
    given: [GYM],
    reply: /^I could not find a task matching "unicorn"/,
    tools: ['find_task'],
    then: unchanged,
  },
  {
    say: 'cancel the gym task',
    given: [GYM],
    reply: /is now \*\*cancelled\*\*/,
    tools: ['find_task', 'update_task'],
    then: ([task]) => expect(task!.status).toBe('cancelled'),
  },
  {
    say: 'reopen the report task',
    given: [{ ...REPORT, status: 'completed' }],
    reply: /is now \*\*pending\*\*/,
    tools: ['find_task', 'update_task'],
    then: ([task]) => expect(task).toMatchObject({ status: 'pending', completedAt: null }),
  },
  { say: 'hello', reply: /^Hello! I manage your tasks\.\n\nHere is what I can do:/, tools: [] },
  {
    say: 'sing me a song',
    given: [REPORT],
    reply: /^Sorry, I did not understand that, so I changed nothing\.\n\nHere is what I can do:\n- \*\*Add\*\*/,
    tools: [],
    then: unchanged,
  },
  {
    say: 'what should I do first?',
    given: [{ name: 'Call bank', dueAt: YESTERDAY_NOON }, { name: 'Taxes', priority: 'high' }, MILK],
    reply:
      /^I would start with these, most pressing first:\n1\. \*\*Call bank\*\*: overdue since 2026-03-10 12:00\n2\. \*\*Taxes\*\*: high priority$/,
    tools: ['suggest_next'],
  },
  {
    say: 'snooze the dentist task by a day',
    given: [DENTIST],
    reply: /is now due \*\*2026-03-13 12:00\*\*/,
    tools: ['find_task', 'update_task'],
    then: ([task]) => expect(task!.dueDateGregorian).toEqual(at('2026-03-13T08:30:00Z')),
  },
  {
    say: 'add the tag work to the report task',
    given: [REPORT],
    reply: /is now tagged #work/,
    tools: ['find_task', 'update_task'],
    then: (after) => expect(after.map((task) => [task.name, task.tags])).toEqual([['Write report', ['work']]]),
  },
  {
    say: 'remove the tag health from the gym task',
    given: [GYM],
    reply: /^Removed #health from \*\*Gym\*\*\.$/,
    tools: ['find_task', 'update_task'],
    then: (after) => expect(after.map((task) => [task.name, task.tags])).toEqual([['Gym', []]]),
  },
  {
    say: "add a note 'bring ID' to the dentist task",
    given: [DENTIST],
    reply: /^Noted on \*\*Dentist appointment\*\*:\n> bring ID$/,
    tools: ['find_task', 'update_task'],
    then: (after) => expect(after.map((task) => [task.name, task.description])).toEqual([['Dentist appointment', 'bring ID']]),
  },
  {
    say: 'یک کار اضافه کن: خرید نان فردا',
    reply: /^\*\*خرید نان\*\* اضافه شد \(اولویت متوسط، سررسید پنجشنبه ۲۱ اسفند ۱۴۰۴، ساعت ۲۳:۵۹\)\.$/,
    tools: ['add_task'],
    then: ([task]) => expect(task).toMatchObject({ name: 'خرید نان', dueDateJalali: '1404-12-21T23:59:00' }),
  },
];

describe('the built-in assistant', () => {
  it('has a table of at least 30 phrases', () => expect(rows.length).toBeGreaterThanOrEqual(30));

  it.each(rows)('"$say"', async (row) => {
    const { user } = await seed(server).user().inZone(ZONE).create();
    const actor = { id: user.id, timeZone: ZONE };
    for (const data of row.given ?? []) await tasks.create(actor, data);
    const before = await server.prisma.task.findMany({ where: { userId: user.id }, orderBy: { dateAddedGregorian: 'asc' } });

    const runner = createToolRunner({ tasks, actor, now: () => NOW, logger });
    const deltas: string[] = [];
    const result = await provider.reply({
      history: [{ role: 'user', content: row.say }],
      instructions: '',
      tools: runner,
      now: NOW,
      timeZone: ZONE,
      signal: new AbortController().signal,
      onDelta: (text) => deltas.push(text),
    });

    expect(result.content).toMatch(row.reply);
    if (row.notInReply) expect(result.content).not.toMatch(row.notInReply);
    expect(deltas.join('')).toBe(result.content);
    expect(runner.actions.map((action) => action.tool)).toEqual(row.tools);
    expect(runner.actions.every((action) => action.outcome === 'SUCCEEDED')).toBe(true);
    const after = await server.prisma.task.findMany({ where: { userId: user.id }, orderBy: { dateAddedGregorian: 'asc' } });
    row.then?.(after, before);
    if (!row.then && !row.tools.some((tool) => /add|remove|update|complete|change/.test(tool))) unchanged(after, before);
  });

  it("never touches another user's tasks, even when they match", async () => {
    const owner = await seed(server).user().inZone(ZONE).create();
    const stranger = await seed(server).user().inZone(ZONE).create();
    await tasks.create({ id: stranger.user.id, timeZone: ZONE }, { name: 'Secret report' });
    const runner = createToolRunner({ tasks, actor: { id: owner.user.id, timeZone: ZONE }, now: () => NOW, logger });
    const result = await provider.reply({
      history: [{ role: 'user', content: 'delete the secret report task' }],
      instructions: '',
      tools: runner,
      now: NOW,
      timeZone: ZONE,
      signal: new AbortController().signal,
      onDelta: () => {},
    });
    expect(result.content).toMatch(/could not find/);
    expect(runner.actions.map((action) => action.tool)).toEqual(['find_task']);
    expect(await server.prisma.task.count({ where: { userId: stranger.user.id } })).toBe(1);
    // A task id learnt elsewhere does not help either.
    const [secret] = await server.prisma.task.findMany({ where: { userId: stranger.user.id } });
    const outcome = await runner.run('remove_task', { task_id: secret!.id });
    expect(outcome).toEqual({ ok: false, error: expect.stringMatching(/not found/i) });
    expect(await server.prisma.task.count({ where: { userId: stranger.user.id } })).toBe(1);
  });
});
