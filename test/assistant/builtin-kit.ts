// A conversation with the built-in assistant for one fresh user, through the real task service
// on real PostgreSQL, with the clock fixed. Each reply's state is handed to the next message
// as the chat service does (the chat tests do it through the database, across instances).
import { expect } from 'vitest';
import { createBuiltinProvider } from '../../src/assistant/builtin/provider.js';
import { createToolRunner } from '../../src/assistant/tools.js';
import type { Sql } from '../../src/db/sql.js';
import type { EventLog } from '../../src/events/log.js';
import type { PrismaClient, Task } from '../../src/db/prisma.js';
import { createLogger } from '../../src/logger.js';
import { createTaskService, type CreateTaskData, type TaskService } from '../../src/tasks/service.js';
import { seed } from '../helpers/seed.js';

export const ZONE = 'Asia/Tehran';
/** Wednesday 2026-03-11, 10:00 in Tehran (+03:30); 1404-12-20 in the Jalali calendar. */
export const NOW = new Date('2026-03-11T06:30:00Z');
export const at = (iso: string) => new Date(iso);

const logger = createLogger('silent');
const provider = createBuiltinProvider();

export interface Said {
  readonly content: string;
  /** The tools the reply called, in order. */
  readonly tools: string[];
  readonly state: unknown;
}

export interface Conversation {
  readonly userId: string;
  say(text: string): Promise<Said>;
  tasks(): Promise<Task[]>;
  task(name: string): Promise<Task>;
}

export function assistantKit(
  database: { prisma: PrismaClient; sql: Sql; eventLog: EventLog },
  options: { now?: Date; zone?: string } = {},
) {
  const { prisma, sql, eventLog } = database;
  const now = options.now ?? NOW;
  const zone = options.zone ?? ZONE;
  const tasks: TaskService = createTaskService({ prisma, sql, events: eventLog, logger, timeZone: ZONE, now: () => now });

  /** A fresh user holding `given`, created in order. */
  async function conversation(given: CreateTaskData[] = []): Promise<Conversation> {
    const { user } = await seed({ prisma }).user().inZone(zone).create();
    const actor = { id: user.id, timeZone: zone };
    for (const data of given) await tasks.create(actor, data);
    let state: unknown = null;
    const list = () => prisma.task.findMany({ where: { userId: user.id }, orderBy: [{ dateAddedGregorian: 'asc' }, { name: 'asc' }] });
    return {
      userId: user.id,
      async say(text) {
        const runner = createToolRunner({ tasks, actor, now: () => now, logger });
        const deltas: string[] = [];
        const result = await provider.reply({
          history: [{ role: 'user', content: text }],
          instructions: '',
          tools: runner,
          now,
          timeZone: zone,
          signal: new AbortController().signal,
          onDelta: (piece) => deltas.push(piece),
          state,
        });
        expect(deltas.join('')).toBe(result.content);
        state = result.state ?? null;
        return { content: result.content, tools: runner.actions.map((action) => action.tool), state };
      },
      tasks: list,
      async task(name) {
        const found = (await list()).find((task) => task.name === name);
        if (!found) throw new Error(`no task named ${name}`);
        return found;
      },
    };
  }

  return { conversation, tasks };
}

const WRITING_TOOLS = new Set(['add_task', 'remove_task', 'update_task', 'change_priority', 'complete_task']);
export const wrote = (said: Said) => said.tools.filter((tool) => WRITING_TOOLS.has(tool));

/** The tasks as comparable rows: a reply that changed nothing leaves these exactly as they were. */
export const snapshot = (list: Task[]) =>
  list.map((task) => [
    task.id,
    task.name,
    task.status,
    task.priority,
    task.tags.join(','),
    task.description,
    task.dueDateGregorian?.getTime() ?? null,
    task.updatedAt.getTime(),
  ]);

/** Five ordinary tasks, as a user would have them. */
export const ORDINARY: CreateTaskData[] = [
  { name: 'Buy groceries', tags: ['errands'] },
  { name: 'Prepare slides for Monday', dueAt: at('2026-03-12T11:00:00Z') }, // Thursday 14:30 in Tehran
  { name: 'Gym session', tags: ['health'], priority: 'low' },
  { name: 'Flight to Berlin', dueAt: at('2026-03-20T05:30:00Z') }, // 09:00 in Tehran
  { name: 'Quarterly report', priority: 'medium', dueAt: at('2026-03-10T14:30:00Z') }, // yesterday 18:00: overdue
];
