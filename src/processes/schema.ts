// Automated processes over GraphQL: readable by any signed-in user, managed and run by
// administrators (their executions: execution-schema.ts). Resolvers translate; ProcessService decides.
import { uuidOrNoMatch } from '../schema/ownership.js';
import type { AutomatedProcess, AutomatedProcessExecution } from '../db/prisma.js';
import { builder } from '../schema/builder.js';
import { confinedCursor, documentedConnection } from '../schema/connection.js';
import { BadUserInputError } from '../errors.js';
import { relatedCount, relatedRows, windowOf } from '../db/related-rows.js';
import { cronExpressionOf, isCronSchedule, type Schedule } from '../scheduler/schedule.js';
import type { TaskEventType } from '../tasks/service.js';
import { ExecutionConnection, ExecutionRef, processExecutions, processIdOf } from './execution-schema.js';

const TriggerTypeEnum = builder.enumType('AutomatedProcessTriggerType', {
  description: 'What makes an automated process run.',
  values: {
    MANUAL: { value: 'manual', description: 'Only when an administrator runs it.' },
    TIME_BASED: { value: 'time_based', description: 'At the times of its schedule (and when run by hand).' },
    EVENT_BASED: { value: 'event_based', description: 'When one of its task events happens.' },
  } as const,
});

const TaskEventEnum = builder.enumType('ProcessTaskEvent', {
  description: 'A task event an event-based process can react to.',
  values: {
    TASK_CREATED: { value: 'CREATED', description: 'A task was created.' },
    TASK_UPDATED: { value: 'UPDATED', description: 'A task was changed.' },
    TASK_COMPLETED: { value: 'COMPLETED', description: 'A task was marked completed.' },
    TASK_DELETED: { value: 'DELETED', description: 'A task was deleted.' },
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
      type: [TaskEventEnum],
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
        resolve: (query, process, _args, context) => relatedRows(context, processExecutions, process.id, windowOf(query), query),
        totalCount: (process, _args, context) => relatedCount(context, processExecutions, process.id),
      },
      ExecutionConnection,
    ),
    lastExecution: t.prismaField({
      type: 'AutomatedProcessExecution',
      nullable: true,
      description: 'Its most recent run.',
      // One row per process, batched over a list (see related-rows.ts).
      resolve: async (query, process, _args, context) =>
        (await relatedRows(context, processExecutions, process.id, { take: 1 }, query))[0] ?? null,
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
      authScopes: { authenticated: true },
      description: 'The automated processes, by name.',
      args: { filter: t.arg({ type: ProcessFilter, description: 'Which processes to list.' }) },
      totalCount: (_parent, args, context) =>
        context.prisma.automatedProcess.count({
          where: { triggerType: args.filter?.triggerType ?? undefined, isEnabled: args.filter?.isEnabled ?? undefined },
        }),
      resolve: (query, _parent, args, context) =>
        context.prisma.automatedProcess.findMany({
          // Every signed-in user lists every process; only a malformed cursor needs care.
          ...confinedCursor(query),
          where: { triggerType: args.filter?.triggerType ?? undefined, isEnabled: args.filter?.isEnabled ?? undefined },
          orderBy: [{ name: 'asc' }, { id: 'asc' }],
        }),
    },
    ProcessConnection,
  ),
);

builder.queryField('automatedProcess', (t) =>
  t.prismaField({
    type: 'AutomatedProcess',
    nullable: true,
    authScopes: { authenticated: true },
    description: 'One automated process, by its ID or by its name (give exactly one).',
    args: {
      id: t.arg.id({ description: 'The process ID.' }),
      name: t.arg.string({ description: 'The process name, e.g. `reschedule_remaining_tasks`.' }),
    },
    resolve: (query, _parent, args, context) => {
      if ((args.id != null ? 1 : 0) + (args.name ? 1 : 0) !== 1) throw new BadUserInputError('Give exactly one of `id` and `name`.', 'id');
      const where = args.id != null ? { id: processIdOf(args.id) } : { name: args.name! };
      return context.prisma.automatedProcess.findUnique({ ...query, where });
    },
  }),
);

// ---- mutations -----------------------------------------------------------------------------

const ScheduleInput = builder.inputType('ProcessScheduleInput', {
  description: 'A schedule: give `hour` and `minute` (daily), or `cron`, with a time zone.',
  fields: (t) => ({
    timeZone: t.string({ required: true, description: 'IANA time zone the times are read in, e.g. `Asia/Tehran`.' }),
    hour: t.int({ description: 'Hour of the day, 0-23 (daily form).' }),
    minute: t.int({ description: 'Minute, 0-59 (daily form).' }),
    cron: t.string({ description: 'A cron expression: minute hour day-of-month month day-of-week (a sixth leading field is seconds).' }),
  }),
});

function scheduleFromInput(
  input: { timeZone: string; hour?: number | null; minute?: number | null; cron?: string | null } | null | undefined,
): Schedule | null | undefined {
  if (input === undefined) return undefined;
  if (input === null) return null;
  if (input.cron != null) {
    if (input.hour != null || input.minute != null)
      throw new BadUserInputError('Give either `cron` or `hour` and `minute`, not both.', 'input.schedule.cron');
    return { cron: input.cron, timezone: input.timeZone };
  }
  if (input.hour == null || input.minute == null)
    throw new BadUserInputError('A daily schedule needs both `hour` and `minute`.', 'input.schedule.hour');
  return { hour: input.hour, minute: input.minute, timezone: input.timeZone };
}

const CreateInput = builder.inputType('CreateAutomatedProcessInput', {
  description: 'A new automated process. Its name must be one the server has an implementation for.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'The implementation to run, e.g. `repeat_recurring_tasks`; unique.' }),
    description: t.string({ description: 'What it does.' }),
    triggerType: t.field({ type: TriggerTypeEnum, required: true, description: 'What makes it run.' }),
    schedule: t.field({ type: ScheduleInput, description: 'Required for a time-based process.' }),
    events: t.field({
      type: [TaskEventEnum],
      description: 'For an event-based process: the task events it reacts to (default: those of its implementation).',
    }),
    processConfig: t.field({ type: 'JSON', description: 'Settings, validated against the implementation.' }),
    isEnabled: t.boolean({ defaultValue: true, description: 'Whether it starts enabled (default true).' }),
  }),
});

const UpdateInput = builder.inputType('UpdateAutomatedProcessInput', {
  description: 'Changes to an automated process; absent fields stay as they are.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The process to change.' }),
    description: t.string({ description: 'What it does (null clears it).' }),
    triggerType: t.field({ type: TriggerTypeEnum, description: 'What makes it run.' }),
    schedule: t.field({ type: ScheduleInput, description: 'When it runs (time-based).' }),
    events: t.field({ type: [TaskEventEnum], description: 'The task events it reacts to (event-based).' }),
    processConfig: t.field({ type: 'JSON', description: 'Settings, validated against the implementation; replaces the whole config.' }),
    isEnabled: t.boolean({ description: 'Whether its schedule and events start runs.' }),
  }),
});

function idInput(name: string, description: string) {
  return builder.inputType(name, {
    description,
    fields: (t) => ({ id: t.id({ required: true, description: 'The automated process.' }) }),
  });
}

function processPayload(name: string, description: string) {
  return builder.objectRef<{ process: AutomatedProcess }>(name).implement({
    description,
    fields: (t) => ({
      process: t.field({ type: ProcessRef, description: 'The process as it is now.', resolve: (payload) => payload.process }),
    }),
  });
}

const CreatePayload = processPayload('CreateAutomatedProcessPayload', 'The result of createAutomatedProcess.');
const UpdatePayload = processPayload('UpdateAutomatedProcessPayload', 'The result of updateAutomatedProcess.');
const EnablePayload = processPayload('EnableAutomatedProcessPayload', 'The result of enableAutomatedProcess.');
const DisablePayload = processPayload('DisableAutomatedProcessPayload', 'The result of disableAutomatedProcess.');

const DeletePayload = builder.objectRef<{ processId: string }>('DeleteAutomatedProcessPayload').implement({
  description: 'The result of deleteAutomatedProcess.',
  fields: (t) => ({
    deletedProcessId: t.globalID({
      description: 'The ID the deleted process had (its executions are deleted with it).',
      resolve: (payload) => ({ type: 'AutomatedProcess', id: payload.processId }),
    }),
  }),
});

const RunPayload = builder.objectRef<{ execution: AutomatedProcessExecution }>('RunAutomatedProcessPayload').implement({
  description: 'The result of runAutomatedProcess.',
  fields: (t) => ({
    execution: t.field({
      type: ExecutionRef,
      description: 'The new execution, still pending: follow it with `processExecutionUpdated`.',
      resolve: (payload) => payload.execution,
    }),
  }),
});

builder.mutationField('createAutomatedProcess', (t) =>
  t.field({
    type: CreatePayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    authScopes: { admin: true },
    description: 'Creates an automated process (administrators only).',
    args: { input: t.arg({ type: CreateInput, required: true, description: 'The new process.' }) },
    resolve: async (_root, { input }, context) => ({
      process: await context.processes.create({
        name: input.name,
        description: input.description,
        triggerType: input.triggerType,
        schedule: scheduleFromInput(input.schedule),
        events: input.events as TaskEventType[] | null | undefined,
        processConfig: input.processConfig,
        isEnabled: input.isEnabled ?? true,
      }),
    }),
  }),
);

builder.mutationField('updateAutomatedProcess', (t) =>
  t.field({
    type: UpdatePayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    authScopes: { admin: true },
    description: 'Changes an automated process; a new schedule takes effect at once (administrators only).',
    args: { input: t.arg({ type: UpdateInput, required: true, description: 'The changes.' }) },
    resolve: async (_root, { input }, context) => {
      if (input.triggerType === null) throw new BadUserInputError('triggerType cannot be null.', 'input.triggerType');
      if (input.isEnabled === null) throw new BadUserInputError('isEnabled cannot be null.', 'input.isEnabled');
      return {
        process: await context.processes.update(processIdOf(input.id), {
          description: input.description,
          triggerType: input.triggerType,
          schedule: scheduleFromInput(input.schedule),
          events: input.events as TaskEventType[] | null | undefined,
          processConfig: input.processConfig === null ? {} : input.processConfig,
          isEnabled: input.isEnabled,
        }),
      };
    },
  }),
);

builder.mutationField('enableAutomatedProcess', (t) =>
  t.field({
    type: EnablePayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    authScopes: { admin: true },
    description: 'Enables an automated process: its schedule and events start runs again (administrators only).',
    args: {
      input: t.arg({
        type: idInput('EnableAutomatedProcessInput', 'The process to enable.'),
        required: true,
        description: 'Which process.',
      }),
    },
    resolve: async (_root, { input }, context) => ({ process: await context.processes.setEnabled(processIdOf(input.id), true) }),
  }),
);

builder.mutationField('disableAutomatedProcess', (t) =>
  t.field({
    type: DisablePayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    authScopes: { admin: true },
    description:
      'Disables an automated process: no scheduled or event runs until enabled; a manual run is still possible (administrators only).',
    args: {
      input: t.arg({
        type: idInput('DisableAutomatedProcessInput', 'The process to disable.'),
        required: true,
        description: 'Which process.',
      }),
    },
    resolve: async (_root, { input }, context) => ({ process: await context.processes.setEnabled(processIdOf(input.id), false) }),
  }),
);

builder.mutationField('deleteAutomatedProcess', (t) =>
  t.field({
    type: DeletePayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    authScopes: { admin: true },
    description: 'Deletes an automated process and its history (administrators only).',
    args: {
      input: t.arg({
        type: idInput('DeleteAutomatedProcessInput', 'The process to delete.'),
        required: true,
        description: 'Which process.',
      }),
    },
    resolve: async (_root, { input }, context) => ({ processId: (await context.processes.delete(processIdOf(input.id))).id }),
  }),
);

builder.mutationField('runAutomatedProcess', (t) =>
  t.field({
    type: RunPayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    authScopes: { admin: true },
    description: 'Runs an automated process now, in the background; refused while a run of it is going (administrators only).',
    args: {
      input: t.arg({ type: idInput('RunAutomatedProcessInput', 'The process to run.'), required: true, description: 'Which process.' }),
    },
    resolve: async (_root, { input }, context) => ({ execution: await context.processes.runManually(processIdOf(input.id)) }),
  }),
);
