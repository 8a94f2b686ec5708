// Executions of automated processes over GraphQL: the run history any signed-in user may
// read (what a run reported, and where it ran, for administrators only), and its changes live.
import { filter, pipe } from 'graphql-yoga';
import type { AutomatedProcessExecution } from '../../db/prisma.js';
import type { StreamItem } from '../../events/streams.js';
import { builder } from '../../schema/builder.js';
import { documentedConnection } from '../../schema/connection.js';
import { eventCursor, sequenceAfter } from '../../schema/event-cursor.js';
import { rowIdOf, uuidOrNoMatch } from '../../schema/global-ids.js';
import { PROCESS_STREAM } from '../executions.js';
import type { ReportedStatusValue } from '../service.js';

const ExecutionStatusEnum = builder.enumType('ProcessExecutionStatus', {
  description: 'Where an execution stands.',
  values: {
    PENDING: { value: 'pending', description: 'Recorded, not started yet.' },
    RUNNING: { value: 'running', description: 'Running now.' },
    COMPLETED: { value: 'completed', description: 'Finished successfully; see `result`.' },
    FAILED: { value: 'failed', description: 'Ended with an error; see `errorMessage`.' },
    DISABLED: { value: 'disabled', description: 'Not run because the process was disabled (kept for rows of the original backend).' },
    SKIPPED: {
      value: 'skipped',
      description: 'A schedule slot the scheduler did not run; `skipReason` says why. (The original backend reads these rows as DISABLED.)',
    },
  } as const,
});

const ExecutionTriggerEnum = builder.enumType('ProcessExecutionTrigger', {
  description: 'What started an execution.',
  values: {
    MANUAL: { value: 'manual', description: 'An administrator ran the process.' },
    SCHEDULE: { value: 'schedule', description: 'A slot of the process schedule came.' },
    EVENT: { value: 'event', description: 'A task event the process listens to happened.' },
  } as const,
});

const SkipReasonEnum = builder.enumType('ProcessExecutionSkipReason', {
  description: 'Why a schedule slot was not run.',
  values: {
    PREVIOUS_RUN_ACTIVE: {
      value: 'previous_run_active',
      description: 'A run of the process was still going when the slot came: runs of one process never overlap.',
    },
    MISSED: {
      value: 'missed',
      description:
        "The slot passed while no scheduler instance was up, and the process's catch-up policy (`processConfig.catchUp`) is `none`.",
    },
  } as const,
});

/** The row id behind an AutomatedProcess global ID; any other ID names no process (see rowIdOf). */
export const processIdOf = (globalId: string | number): string => rowIdOf(globalId, 'AutomatedProcess');

/** A skipped slot is stored with the upstream status `disabled` and a reason of our own. */
const reportedStatus = (execution: Pick<AutomatedProcessExecution, 'status' | 'skipReason'>): ReportedStatusValue =>
  execution.skipReason ? 'skipped' : execution.status;

export const ExecutionRef = builder.prismaNode('AutomatedProcessExecution', {
  id: { field: 'id' },
  description: 'One run of an automated process, or a schedule slot it skipped.',
  // node(id:) and nodes(ids:): a missing or malformed ID is null, not a database error.
  nullable: true,
  findUnique: (id) => ({ id: uuidOrNoMatch(id) }),
  authScopes: { authenticated: true },
  fields: (t) => ({
    process: t.relation('process', { description: 'The process that ran.' }),
    // No `select`: rows carry every column, and a select would re-read the row of an execution
    // returned by a mutation (which has moved on by then) with one more query.
    status: t.field({ type: ExecutionStatusEnum, description: 'Where the run stands.', resolve: reportedStatus }),
    skipReason: t.expose('skipReason', {
      type: SkipReasonEnum,
      nullable: true,
      description: 'Why the slot was not run, for a SKIPPED execution; null otherwise.',
    }),
    triggeredBy: t.expose('triggeredBy', {
      type: ExecutionTriggerEnum,
      nullable: true,
      description: 'What started it; null for runs recorded by the original backend.',
    }),
    scheduledFor: t.expose('scheduledFor', {
      type: 'DateTime',
      nullable: true,
      description: 'The schedule slot a scheduled run belongs to.',
    }),
    queuedAt: t.expose('createdAt', { type: 'DateTime', description: 'When the execution was recorded.' }),
    startedAt: t.expose('startedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it started running; null for a skipped slot.',
    }),
    completedAt: t.expose('completedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it completed or failed, or when the slot was skipped.',
    }),
    duration: t.float({
      nullable: true,
      description: 'Seconds from start to end; null until it has ended.',
      select: { startedAt: true, completedAt: true },
      resolve: (execution) =>
        execution.startedAt && execution.completedAt ? (execution.completedAt.getTime() - execution.startedAt.getTime()) / 1000 : null,
    }),
    // Processes are server-wide, but what a run reports can name users' tasks (the reschedule's
    // `task_details`, the recurring task it created): only administrators read it.
    result: t.field({
      type: 'JSON',
      nullable: true,
      description:
        'What the run reported (its shape depends on the process). Administrators only: null for other users, since it can name their tasks.',
      select: { result: true },
      resolve: (execution, _args, context) => (context.viewer?.role === 'admin' ? execution.result : null),
    }),
    errorMessage: t.string({
      nullable: true,
      description: 'Why it failed. Administrators only: null for other users.',
      select: { errorMessage: true },
      resolve: (execution, _args, context) => (context.viewer?.role === 'admin' ? execution.errorMessage : null),
    }),
    // Host names and process ids describe the deployment, not anything users need.
    instanceName: t.string({
      nullable: true,
      description:
        'The server instance that recorded it and ran it: its `BEHFLOW_INSTANCE_NAME`, by default `host:pid`. Null for runs of the original backend. Administrators only: null for other users.',
      resolve: (execution, _args, context) => (context.viewer?.role === 'admin' ? execution.instanceName : null),
    }),
  }),
});

export const ExecutionConnection = documentedConnection(
  ExecutionRef,
  'AutomatedProcessExecution',
  { one: 'execution', many: 'executions of automated processes' },
  'How many executions match, on all pages.',
);

const ExecutionFilter = builder.inputType('ProcessExecutionFilter', {
  description: 'Narrows a list of executions.',
  fields: (t) => ({
    status: t.field({ type: [ExecutionStatusEnum], description: 'Only executions in one of these statuses.' }),
    process: t.id({ description: 'Only executions of this process.' }),
  }),
});

builder.queryField('processExecutions', (t) =>
  t.prismaConnection(
    {
      type: 'AutomatedProcessExecution',
      cursor: 'id',
      description: 'Executions of automated processes (skipped slots included), newest first.',
      args: { filter: t.arg({ type: ExecutionFilter, description: 'Which executions to list.' }) },
      totalCount: (_parent, args, context) => context.processes.countExecutions(executionFilterOf(args.filter)),
      resolve: (query, _parent, args, context) => context.processes.listExecutions(executionFilterOf(args.filter), query),
    },
    ExecutionConnection,
  ),
);

/** The filter as the service reads it: the process's global ID decoded. */
const executionFilterOf = (filter: { status?: ReportedStatusValue[] | null; process?: string | number | null } | null | undefined) => ({
  statuses: filter?.status,
  processId: filter?.process != null ? processIdOf(filter.process) : null,
});

// ---- subscription --------------------------------------------------------------------------

interface ExecutionChange {
  executionId: string;
  processId: string;
  status: ReportedStatusValue;
}

const changeOf = (item: StreamItem) => (item.kind === 'event' ? (item.payload as ExecutionChange) : null);

const ExecutionEventType = builder.enumType('ProcessExecutionEventType', {
  description: 'What a process execution event reports.',
  values: {
    UPDATED: { value: 'UPDATED', description: 'An execution changed status, or a slot was recorded as skipped.' },
    REFETCH: {
      value: 'REFETCH',
      description: "Events asked for with `after` are no longer kept: read the executions again, then go on from this event's `cursor`.",
    },
  } as const,
});

const ExecutionEvent = builder.objectRef<StreamItem & { execution?: AutomatedProcessExecution | null }>('ProcessExecutionEvent').implement({
  description: 'An execution changed status, or a schedule slot was recorded as skipped.',
  fields: (t) => ({
    type: t.field({
      type: ExecutionEventType,
      description: 'What this event reports.',
      resolve: (item) => (item.kind === 'event' ? 'UPDATED' : 'REFETCH'),
    }),
    cursor: t.string({
      description: 'Where this event stands in the stream: pass it as `after` when subscribing again to get every event since.',
      resolve: (item) => eventCursor(item),
    }),
    status: t.field({
      type: ExecutionStatusEnum,
      nullable: true,
      description: 'The status it changed to (the execution may have moved on since); null for REFETCH.',
      resolve: (item) => changeOf(item)?.status ?? null,
    }),
    executionId: t.globalID({
      nullable: true,
      description: 'The execution; null for REFETCH.',
      resolve: (item) => {
        const change = changeOf(item);
        return change ? { type: 'AutomatedProcessExecution', id: change.executionId } : null;
      },
    }),
    processId: t.globalID({
      nullable: true,
      description: 'Its process; null for REFETCH.',
      resolve: (item) => {
        const change = changeOf(item);
        return change ? { type: 'AutomatedProcess', id: change.processId } : null;
      },
    }),
    execution: t.field({
      type: ExecutionRef,
      nullable: true,
      description: 'The execution as it is now; null if its process was deleted, and for REFETCH.',
      resolve: (item) => item.execution ?? null,
    }),
  }),
});

builder.subscriptionField('processExecutionUpdated', (t) =>
  t.field({
    type: ExecutionEvent,
    description:
      'Every status change of executions (pending, running, completed, failed) and every skipped slot, as it happens, on any server instance, in order. With `after`, the events since that one come first.',
    args: {
      processId: t.arg.id({ description: 'Only executions of this process.' }),
      after: t.arg.string({
        description: "Resume after this event's `cursor`: the events since come first, or a single REFETCH when they are no longer kept.",
      }),
    },
    subscribe: (_root, args, context) => {
      const processId = args.processId == null ? null : processIdOf(args.processId);
      return pipe(
        context.streams.subscribe(PROCESS_STREAM, { after: sequenceAfter(args.after, PROCESS_STREAM) }),
        // REFETCH concerns every process.
        filter((item) => processId === null || item.kind !== 'event' || changeOf(item)!.processId === processId),
      );
    },
    resolve: async (item, _args, context) => {
      const change = changeOf(item);
      if (!change) return item;
      return { ...item, execution: await context.processes.findExecution(change.executionId) };
    },
  }),
);
