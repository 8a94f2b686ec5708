// An automated process over GraphQL: the type and its queries, readable by any signed-in user
// (its mutations, for administrators: process-mutations.ts; its runs: execution.ts).
import type { AutomatedProcess } from '../../db/prisma.js';
import { windowOf } from '../../db/related-rows.js';
import { BadUserInputError } from '../../errors.js';
import { cronExpressionOf, isCronSchedule, type Schedule } from '../../scheduler/schedule.js';
import { builder } from '../../schema/builder.js';
import { documentedConnection } from '../../schema/connection.js';
import { TaskEventTypeEnum } from '../../tasks/schema/subscriptions.js';
import { uuidOrNoMatch } from '../../schema/global-ids.js';
import { ExecutionConnection, processIdOf } from './execution.js';

export const TriggerTypeEnum = builder.enumType('AutomatedProcessTriggerType', {
  description: 'What makes an automated process run.',
  values: {
    MANUAL: { value: 'manual', description: 'Only when an administrator runs it.' },
    TIME_BASED: { value: 'time_based', description: 'At the times of its schedule (and when run by hand).' },
    EVENT_BASED: { value: 'event_based', description: 'When one of its task events happens.' },
  } as const,
});

const ScheduleRef = builder.objectRef<Schedule>('ProcessSchedule').implement({
  description: 'When a time-based process runs: daily at `hour:minute`, or at the times of a cron expression, in a time zone.',
  fields: (t) => ({
    timeZone: t.string({
      description: 'The IANA time zone the times are read in (DST changes are followed).',
      resolve: (schedule) => schedule.timezone,
    }),
    hour: t.int({
      nullable: true,
      description: 'Hour of the day (0-23) for the daily form; null for a cron schedule.',
      resolve: (s) => (isCronSchedule(s) ? null : s.hour),
    }),
    minute: t.int({
      nullable: true,
      description: 'Minute (0-59) for the daily form; null for a cron schedule.',
      resolve: (s) => (isCronSchedule(s) ? null : s.minute),
    }),
    cron: t.string({
      nullable: true,
      description: 'The cron expression, when the schedule was given as one.',
      resolve: (s) => (isCronSchedule(s) ? s.cron : null),
    }),
    expression: t.string({
      description: 'The schedule as a cron expression, whichever form it was given in.',
      resolve: (s) => cronExpressionOf(s),
    }),
  }),
});

export const ProcessRef = builder.prismaNode('AutomatedProcess', {
  id: { field: 'id' },
  description: 'A unit of automated work (such as rescheduling overdue tasks) with its trigger, configuration and run history.',
  // node(id:) and nodes(ids:): a missing or malformed ID is null, not a database error.
  nullable: true,
  findUnique: (id) => ({ id: uuidOrNoMatch(id) }),
  authScopes: { authenticated: true },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Unique name; it is also the name of the implementation that runs it.' }),
    description: t.exposeString('description', { nullable: true, description: 'What the process does.' }),
    triggerType: t.expose('triggerType', { type: TriggerTypeEnum, description: 'What makes it run.' }),
    schedule: t.field({
      type: ScheduleRef,
      nullable: true,
      description: 'When it runs, for a time-based process.',
      select: { triggerType: true, scheduleConfig: true },
      resolve: (process, _args, context) => context.processes.scheduleOf(process),
    }),
    events: t.field({
      type: [TaskEventTypeEnum],
      description: 'The task events it reacts to, for an event-based process; empty otherwise.',
      select: { name: true, triggerType: true, scheduleConfig: true },
      resolve: (process, _args, context) => context.processes.eventsOf(process),
    }),
    processConfig: t.field({
      type: 'JSON',
      nullable: true,
      description:
        'Settings of its implementation, plus for every process `retries`, `retryDelaySeconds`, `timeoutSeconds` (per attempt, its database work included; default 300) and `catchUp` (`latest`, the default, or `none`: whether the latest of the slots missed while no scheduler was up runs once when one is back).',
      select: { processConfig: true },
      resolve: (process) => process.processConfig,
    }),
    isEnabled: t.exposeBoolean('isEnabled', { description: 'Whether its schedule and events start runs.' }),
    lastExecutedAt: t.expose('lastExecutedAt', { type: 'DateTime', nullable: true, description: 'When a run of it last ended.' }),
    nextRunAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'The next slot of its schedule, if it is enabled and time-based.',
      resolve: (process, _args, context) => context.processes.nextRunAt(process as AutomatedProcess),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it was last changed.' }),
    executions: t.prismaConnection(
      {
        type: 'AutomatedProcessExecution',
        cursor: 'id',
        description: 'Its runs, newest first.',
        // Read for all the processes of a list at once, one page per process: Prisma's relation
        // loading would read the whole (ever-growing) history of every process.
        resolve: (query, process, _args, context) =>
          context.processes.executionsOf(context.loaders.relations, process.id, windowOf(query), query),
        totalCount: (process, _args, context) => context.processes.executionCountOf(context.loaders.relations, process.id),
      },
      ExecutionConnection,
    ),
    lastExecution: t.prismaField({
      type: 'AutomatedProcessExecution',
      nullable: true,
      description: 'Its most recent run.',
      // One row per process, batched over a list (see db/related-rows.ts).
      resolve: (query, process, _args, context) => context.processes.lastExecutionOf(context.loaders.relations, process.id, query),
    }),
  }),
});

// ---- queries -------------------------------------------------------------------------------

const ProcessFilter = builder.inputType('AutomatedProcessFilter', {
  description: 'Narrows a list of automated processes.',
  fields: (t) => ({
    triggerType: t.field({ type: TriggerTypeEnum, description: 'Only processes with this trigger.' }),
    isEnabled: t.boolean({ description: 'Only enabled (true) or disabled (false) processes.' }),
  }),
});

const ProcessConnection = documentedConnection(
  ProcessRef,
  'AutomatedProcess',
  { one: 'automated process', many: 'automated processes' },
  'How many processes match, on all pages.',
);

builder.queryField('automatedProcesses', (t) =>
  t.prismaConnection(
    {
      type: 'AutomatedProcess',
      cursor: 'id',
      description: 'The automated processes, by name.',
      args: { filter: t.arg({ type: ProcessFilter, description: 'Which processes to list.' }) },
      totalCount: (_parent, args, context) => context.processes.count(args.filter),
      resolve: (query, _parent, args, context) => context.processes.list(args.filter, query),
    },
    ProcessConnection,
  ),
);

builder.queryField('automatedProcess', (t) =>
  t.prismaField({
    type: 'AutomatedProcess',
    nullable: true,
    description: 'One automated process, by its ID or by its name (give exactly one).',
    args: {
      id: t.arg.id({ description: 'The process ID.' }),
      name: t.arg.string({ description: 'The process name, e.g. `reschedule_remaining_tasks`.' }),
    },
    resolve: (query, _parent, args, context) => {
      if ((args.id != null ? 1 : 0) + (args.name ? 1 : 0) !== 1) throw new BadUserInputError('Give exactly one of `id` and `name`.', 'id');
      return context.processes.find(args.id != null ? { id: processIdOf(args.id) } : { name: args.name! }, query);
    },
  }),
);
