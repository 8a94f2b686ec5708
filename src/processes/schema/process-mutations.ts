// An automated process's mutations over GraphQL, for administrators: create, update, enable,
// disable, delete, and run now.
import type { AutomatedProcess, AutomatedProcessExecution } from '../../db/prisma.js';
import { BadUserInputError } from '../../errors.js';
import type { Schedule } from '../../scheduler/schedule.js';
import { builder } from '../../schema/builder.js';
import { TaskEventTypeEnum } from '../../tasks/schema/subscriptions.js';
import { ExecutionRef, processIdOf } from './execution.js';
import { ProcessRef, TriggerTypeEnum } from './process.js';

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
      type: [TaskEventTypeEnum],
      description: 'For an event-based process: the task events it reacts to (default: those of its implementation); REFETCH is refused.',
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
    events: t.field({ type: [TaskEventTypeEnum], description: 'The task events it reacts to (event-based); REFETCH is refused.' }),
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
  t.withAuth({ admin: true }).field({
    type: CreatePayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description: 'Creates an automated process (administrators only).',
    args: { input: t.arg({ type: CreateInput, required: true, description: 'The new process.' }) },
    resolve: async (_root, { input }, context) => ({
      process: await context.processes.create({
        name: input.name,
        description: input.description,
        triggerType: input.triggerType,
        schedule: scheduleFromInput(input.schedule),
        events: input.events,
        processConfig: input.processConfig,
        isEnabled: input.isEnabled ?? true,
      }),
    }),
  }),
);

builder.mutationField('updateAutomatedProcess', (t) =>
  t.withAuth({ admin: true }).field({
    type: UpdatePayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
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
          events: input.events,
          processConfig: input.processConfig === null ? {} : input.processConfig,
          isEnabled: input.isEnabled,
        }),
      };
    },
  }),
);

builder.mutationField('enableAutomatedProcess', (t) =>
  t.withAuth({ admin: true }).field({
    type: EnablePayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
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
  t.withAuth({ admin: true }).field({
    type: DisablePayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
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
  t.withAuth({ admin: true }).field({
    type: DeletePayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
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
  t.withAuth({ admin: true }).field({
    type: RunPayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description: 'Runs an automated process now, in the background; refused while a run of it is going (administrators only).',
    args: {
      input: t.arg({ type: idInput('RunAutomatedProcessInput', 'The process to run.'), required: true, description: 'Which process.' }),
    },
    resolve: async (_root, { input }, context) => ({ execution: await context.processes.runManually(processIdOf(input.id)) }),
  }),
);
