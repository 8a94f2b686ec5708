// The built-in assistant against everyday English, family by family, each tried by a user with
// five ordinary tasks (ORDINARY). The phrasings are a user's own, not the README's examples.
import { describe, expect, it } from 'vitest';
import type { Task } from '../../src/db/prisma.js';
import type { CreateTaskData } from '../../src/tasks/service.js';
import { startTestServer } from '../helpers/server.js';
import { assistantKit, at, ORDINARY, snapshot, wrote, type Said } from './builtin-kit.js';

const server = await startTestServer();
const kit = assistantKit({ ...server.running.database, eventLog: server.running.eventLog });

interface Case {
  /** One message, or a conversation. */
  readonly say: string | string[];
  readonly given?: CreateTaskData[];
  /** The last reply must match. */
  readonly reply?: RegExp;
  /** The user's tasks afterwards (and before the conversation). */
  readonly then: (after: Task[], before: Task[], said: Said[]) => void;
}

const named = (list: Task[], name: string) => {
  const task = list.find((candidate) => candidate.name === name);
  expect(task, `a task named ${name}`).toBeDefined();
  return task!;
};
const statuses = (list: Task[]) => Object.fromEntries(list.map((task) => [task.name, task.status]));
/** The task names a reply listed, in its order (`1. **Name** · …`). */
const offered = (said: Said) => [...said.content.matchAll(/^\d+\. \*\*(.+?)\*\*/gm)].map((match) => match[1]!);
/** The three report tasks with only `name` in `status`. */
const only = (name: string, status: string) => ({ Gym: 'pending', 'Read report': 'pending', 'Write report': 'pending', [name]: status });
const nothingChanged = (after: Task[], before: Task[], said: Said[]) => {
  expect(snapshot(after)).toEqual(snapshot(before));
  expect(said.flatMap(wrote)).toEqual([]);
};

function run(cases: Case[]) {
  it.each(cases.map((entry) => ({ ...entry, title: ([] as string[]).concat(entry.say).join(' → ') })))('$title', async (entry) => {
    const chat = await kit.conversation(entry.given ?? ORDINARY);
    const before = await chat.tasks();
    const said: Said[] = [];
    for (const line of ([] as string[]).concat(entry.say)) said.push(await chat.say(line));
    if (entry.reply) expect(said.at(-1)!.content).toMatch(entry.reply);
    entry.then(await chat.tasks(), before, said);
  });
}

describe('dates', () => {
  run([
    {
      say: 'add renew the insurance on the 22nd',
      then: (after) => expect(named(after, 'Renew the insurance').dueDateJalali).toBe('1405-01-02T23:59:00'),
    },
    // The 3rd has passed this month: the next one.
    {
      say: 'add water the plants by the 3rd',
      then: (after) => expect(named(after, 'Water the plants').dueDateGregorian).toEqual(at('2026-04-03T20:29:00Z')),
    },
    {
      say: 'remind me to call grandma on the 12th at 7pm',
      then: (after) => expect(named(after, 'Call grandma').dueDateGregorian).toEqual(at('2026-03-12T15:30:00Z')),
    },
    // A new day keeps the task's time of day (09:00 and 14:30 in Tehran).
    {
      say: 'push the flight to next tuesday',
      reply: /is now due \*\*2026-03-17 09:00\*\*/,
      then: (after) => expect(named(after, 'Flight to Berlin').dueDateGregorian).toEqual(at('2026-03-17T05:30:00Z')),
    },
    {
      say: 'reschedule the slides for saturday',
      then: (after) => expect(named(after, 'Prepare slides for Monday').dueDateGregorian).toEqual(at('2026-03-14T11:00:00Z')),
    },
    // A time alone keeps the day; a day and a time replace both.
    {
      say: 'move the flight to 6pm',
      then: (after) => expect(named(after, 'Flight to Berlin').dueDateGregorian).toEqual(at('2026-03-20T14:30:00Z')),
    },
    {
      say: 'change the due date of the slides to sunday at 9am',
      then: (after) => expect(named(after, 'Prepare slides for Monday').dueDateGregorian).toEqual(at('2026-03-15T05:30:00Z')),
    },
    // Shifts by a duration, later and earlier.
    {
      say: 'delay the flight by two days',
      then: (after) => expect(named(after, 'Flight to Berlin').dueDateGregorian).toEqual(at('2026-03-22T05:30:00Z')),
    },
    {
      say: 'push the slides back 3 hours',
      then: (after) => expect(named(after, 'Prepare slides for Monday').dueDateGregorian).toEqual(at('2026-03-12T14:00:00Z')),
    },
    {
      say: 'bring the flight forward a day',
      then: (after) => expect(named(after, 'Flight to Berlin').dueDateGregorian).toEqual(at('2026-03-19T05:30:00Z')),
    },
    {
      say: 'move the slides half an hour later',
      then: (after) => expect(named(after, 'Prepare slides for Monday').dueDateGregorian).toEqual(at('2026-03-12T11:30:00Z')),
    },
    {
      say: 'snooze the slides',
      then: (after) => expect(named(after, 'Prepare slides for Monday').dueDateGregorian).toEqual(at('2026-03-13T11:00:00Z')),
    },
    // Without a due date, a shift by days starts today and means by the end of that day.
    {
      say: 'postpone the groceries by a week',
      then: (after) => expect(named(after, 'Buy groceries').dueDateJalali).toBe('1404-12-27T23:59:00'),
    },
    {
      say: 'the report is due next monday',
      then: (after) => expect(named(after, 'Quarterly report').dueDateGregorian).toEqual(at('2026-03-16T14:30:00Z')),
    },
    { say: 'clear the deadline on the flight', then: (after) => expect(named(after, 'Flight to Berlin').dueDateGregorian).toBeNull() },
  ]);
});

describe('finding the task', () => {
  run([
    { say: 'look up the berlin task', reply: /^Tasks matching "berlin" \(1\):\n- \*\*Flight to Berlin\*\*/, then: nothingChanged },
    { say: "where's my slides task?", reply: /\*\*Prepare slides for Monday\*\*/, then: nothingChanged },
    { say: 'get started with the report', then: (after) => expect(named(after, 'Quarterly report').status).toBe('in_progress') },
    { say: "I'm working on the grocery run now", reply: /Did you mean \*\*Buy groceries\*\*\?/, then: nothingChanged },
    { say: "I'm finished with the groceries", then: (after) => expect(named(after, 'Buy groceries').status).toBe('completed') },
    { say: "we're through with the quarterly report", then: (after) => expect(named(after, 'Quarterly report').status).toBe('completed') },
    { say: 'done with the gym', then: (after) => expect(named(after, 'Gym session').status).toBe('completed') },
    { say: 'tick off the berlin flight', then: (after) => expect(named(after, 'Flight to Berlin').status).toBe('completed') },
    // A typo is not acted on without asking.
    { say: ['complete the quartrly report', 'yes'], then: (after) => expect(named(after, 'Quarterly report').status).toBe('completed') },
  ]);
});

describe('edits never become new tasks', () => {
  const sameTasks = (after: Task[], before: Task[]) => expect(after.map((task) => task.id)).toEqual(before.map((task) => task.id));
  run([
    {
      say: 'bump up the priority of the groceries',
      then: (after, before) => (sameTasks(after, before), expect(named(after, 'Buy groceries').priority).toBe('high')),
    },
    { say: "lower the report's priority", then: (after) => expect(named(after, 'Quarterly report').priority).toBe('low') },
    { say: 'make the slides more important', then: (after) => expect(named(after, 'Prepare slides for Monday').priority).toBe('high') },
    {
      say: 'put a note on the gym session: bring a towel',
      then: (after, before) => (sameTasks(after, before), expect(named(after, 'Gym session').description).toBe('bring a towel')),
    },
    {
      say: "attach a comment 'gate B12' to the flight",
      then: (after, before) => (sameTasks(after, before), expect(named(after, 'Flight to Berlin').description).toBe('gate B12')),
    },
    {
      say: 'label the slides task as Work',
      then: (after, before) => (sameTasks(after, before), expect(named(after, 'Prepare slides for Monday').tags).toEqual(['Work'])),
    },
    { say: 'add #travel to the flight', then: (after) => expect(named(after, 'Flight to Berlin').tags).toEqual(['travel']) },
    {
      say: 'add the label urgent-ish to the gym task',
      then: (after, before) => (
        sameTasks(after, before), expect(named(after, 'Gym session')).toMatchObject({ tags: ['health', 'urgent-ish'], priority: 'low' })
      ),
    },
    {
      say: 'take the health tag off the gym session',
      then: (after, before) => (sameTasks(after, before), expect(named(after, 'Gym session').tags).toEqual([])),
    },
    {
      say: 'strip the errands label from the groceries',
      then: (after) => expect(named(after, 'Buy groceries')).toMatchObject({ tags: [], status: 'pending' }),
    },
    { say: 'remove #ERRANDS from buy groceries', then: (after) => expect(named(after, 'Buy groceries').tags).toEqual([]) },
    { say: 'the groceries are done', then: (after) => expect(named(after, 'Buy groceries').status).toBe('completed') },
    { say: 'the flight should be high priority', then: (after) => expect(named(after, 'Flight to Berlin').priority).toBe('high') },
    { say: 'the gym session is not important', reply: /already \*\*low\*\* priority/, then: nothingChanged },
    { say: 'the slides are underway', then: (after) => expect(named(after, 'Prepare slides for Monday').status).toBe('in_progress') },
    // Names that match nothing: said so, nothing written, nothing created.
    { say: 'add the label chores to the laundry task', reply: /could not find a task matching "laundry"/, then: nothingChanged },
    { say: "add a comment 'bring cash' to the dentist task", reply: /could not find a task matching "dentist"/, then: nothingChanged },
    { say: 'remove the tag work from the slides', reply: /is not tagged #work/, then: nothingChanged },
    // Sentences it cannot act on write nothing.
    ...['what a lovely day', 'the weather is nice today', 'tell me a joke', 'can you believe it?', 'blah blah', 'I love pizza'].map(
      (say) => ({ say, then: nothingChanged }),
    ),
  ]);
});

describe('an edit of a task that does not exist writes nothing', () => {
  const templates = [
    'add the tag work to the {}',
    'add a note "call first" to the {}',
    'remove the tag errands from the {}',
    'tag the {} with home',
    'move the {} to friday',
    'snooze the {} by a day',
    'rename the {} to something else',
    'raise the priority of the {}',
    'the {} is done',
    'the {} can be low priority',
    'mark the {} done',
    'start the {}',
    'delete the {}',
    'postpone the {} 2 hours',
    'put a note on the {}: bring cash',
    "I'm done with the {}",
    'the {} should be high priority',
    'make the {} urgent',
    'label the {} as work',
    'take the work tag off the {}',
    'schedule the {} for monday',
    'add #urgent to the {}',
  ];
  it.each(templates)('"%s"', async (template) => {
    for (const ref of ['laundry', 'dentist appointment task', 'car wash']) {
      const chat = await kit.conversation(ORDINARY);
      const before = await chat.tasks();
      const said = await chat.say(template.replace('{}', ref));
      expect(said.tools, said.content).not.toContain('add_task');
      expect(snapshot(await chat.tasks())).toEqual(snapshot(before));
    }
  });
});

describe('priorities and names of new tasks', () => {
  run([
    {
      say: 'create a task: plan the offsite #work asap',
      then: (after) => expect(named(after, 'Plan the offsite')).toMatchObject({ priority: 'high', tags: ['work'] }),
    },
    { say: 'add call the plumber, high priority', then: (after) => expect(named(after, 'Call the plumber').priority).toBe('high') },
    {
      say: 'add "Renew passport", tomorrow',
      then: (after) => expect(named(after, 'Renew passport').dueDateJalali).toBe('1404-12-21T23:59:00'),
    },
    { say: "new task: 'Order the cake', low priority", then: (after) => expect(named(after, 'Order the cake').priority).toBe('low') },
    {
      say: 'add book flights #Travel important',
      then: (after) => expect(named(after, 'Book flights')).toMatchObject({ priority: 'high', tags: ['Travel'] }),
    },
    { say: 'i need to renew my library card p1', then: (after) => expect(named(after, 'Renew my library card').priority).toBe('high') },
  ]);
});

describe('ambiguity', () => {
  const reports: CreateTaskData[] = [{ name: 'Write report' }, { name: 'Read report' }, { name: 'Gym' }];
  run([
    { say: 'finish the task', reply: /^Which task do you mean\?\n1\. /, then: nothingChanged },
    { say: 'mark it as done', reply: /^Which task do you mean\?/, then: nothingChanged },
    { say: 'delete the report', given: reports, reply: /^Several tasks match "report"\. Which one do you mean\?/, then: nothingChanged },
  ]);
});

describe('follow-ups in the conversation', () => {
  const reports: CreateTaskData[] = [{ name: 'Write report' }, { name: 'Read report' }, { name: 'Gym' }];
  run([
    {
      say: ['complete the report', '2'],
      given: reports,
      then: (after, _, said) => expect(statuses(after)).toEqual(only(offered(said[0]!)[1]!, 'completed')),
    },
    {
      say: ['complete the report', 'the last one'],
      given: reports,
      then: (after, _, said) => expect(statuses(after)).toEqual(only(offered(said[0]!).at(-1)!, 'completed')),
    },
    {
      say: ['complete the report', 'the first'],
      given: reports,
      then: (after, _, said) => expect(statuses(after)).toEqual(only(offered(said[0]!)[0]!, 'completed')),
    },
    {
      say: ['delete the report', 'write report'],
      given: reports,
      then: (after) => expect(after.map((task) => task.name).sort()).toEqual(['Gym', 'Read report']),
    },
    {
      say: ['cancel the report', 'both'],
      given: reports,
      then: (after) => expect(statuses(after)).toEqual({ Gym: 'pending', 'Read report': 'cancelled', 'Write report': 'cancelled' }),
    },
    { say: ['delete the report', 'never mind'], given: reports, reply: /^OK, I changed nothing\.$/, then: nothingChanged },
    {
      say: ['move the report', 'friday 5pm'],
      given: [{ name: 'Write report' }],
      then: (after) => expect(after[0]!.dueDateGregorian).toEqual(at('2026-03-13T13:30:00Z')),
    },
    {
      say: ['rename the gym', 'evening run'],
      given: reports,
      then: (after) => expect(after.map((task) => task.name)).toContain('Evening run'),
    },
    { say: ['complete the quartrly report', 'no'], reply: /changed nothing/, then: nothingChanged },
    {
      say: ['add a task', 'water the plants on sunday'],
      then: (after) => expect(named(after, 'Water the plants').dueDateJalali).toBe('1404-12-24T23:59:00'),
    },
    { say: ['add a high priority task', 'call the bank'], then: (after) => expect(named(after, 'Call the bank').priority).toBe('high') },
    // A new command instead of an answer is read as a command; the question is dropped.
    { say: ['complete the report', 'show my tasks'], given: reports, reply: /^Your tasks \(3\)/, then: nothingChanged },
    // "it" and "the second one" refer to what the previous reply showed.
    {
      say: ['add call mom', 'make it high priority'],
      given: [],
      then: (after) => expect(after.map((task) => [task.name, task.priority])).toEqual([['Call mom', 'high']]),
    },
    {
      say: ['show my tasks', 'delete the second one'],
      given: reports,
      then: (after, before, said) =>
        expect(after.map((task) => task.name).sort()).toEqual(
          before
            .map((task) => task.name)
            .filter((name) => name !== offered(said[0]!)[1])
            .sort(),
        ),
    },
  ]);
});

describe('what to do first', () => {
  const mixed: CreateTaskData[] = [
    { name: 'Someday idea', priority: 'low' },
    { name: 'Pay the electricity bill', dueAt: at('2026-03-09T08:30:00Z') },
    { name: 'Book the venue', priority: 'high' },
    { name: 'Send the invoice', dueAt: at('2026-03-11T14:30:00Z') },
    { name: 'Old chore', status: 'completed' },
  ];
  run(
    ['what should I work on next?', 'where do I start', 'help me prioritise', 'which task should I tackle first'].map((say) => ({
      say,
      given: mixed,
      reply:
        /^I would start with these, most pressing first:\n1\. \*\*Pay the electricity bill\*\*: overdue since 2026-03-09 12:00\n2\. \*\*Send the invoice\*\*: due today at 18:00\n3\. \*\*Book the venue\*\*: high priority$/,
      then: nothingChanged,
    })),
  );
  run([
    { say: 'what should I do first?', given: [{ name: 'Old chore', status: 'completed' }], reply: /no open tasks/, then: nothingChanged },
  ]);
});
