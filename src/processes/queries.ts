// Which processes and executions a list shows, in which order, and a process's executions as a
// relation read for all the processes of a request at once (see db/related-rows.ts).
import type { AutomatedProcessExecution, Prisma } from '../db/prisma.js';
import type { Relation } from '../db/related-rows.js';
import type { TriggerTypeValue } from '../scheduler/registry.js';
import type { ExecutionStatusValue, ReportedStatusValue } from './executions.js';

/** Which processes a list shows. */
export interface ProcessListFilter {
  readonly triggerType?: TriggerTypeValue | null;
  readonly isEnabled?: boolean | null;
}

export const processListWhere = (filter: ProcessListFilter | null | undefined): Prisma.AutomatedProcessWhereInput => ({
  triggerType: filter?.triggerType ?? undefined,
  isEnabled: filter?.isEnabled ?? undefined,
});

/** Processes are listed by name; the id breaks no tie (names are unique) but keeps cursors total. */
export const PROCESS_LIST_ORDER: Prisma.AutomatedProcessOrderByWithRelationInput[] = [{ name: 'asc' }, { id: 'asc' }];

/** Which executions a list shows. */
export interface ExecutionListFilter {
  /** Only executions in one of these statuses (none: any). */
  readonly statuses?: readonly ReportedStatusValue[] | null;
  /** Only executions of this process. */
  readonly processId?: string | null;
}

/** SKIPPED is a stored `disabled` with a reason; the stored statuses are those without one. */
function statusWhere(statuses: readonly ReportedStatusValue[]): Prisma.AutomatedProcessExecutionWhereInput {
  const stored = statuses.filter((status): status is ExecutionStatusValue => status !== 'skipped');
  const either: Prisma.AutomatedProcessExecutionWhereInput[] = [];
  if (stored.length > 0) either.push({ status: { in: stored }, skipReason: null });
  if (statuses.includes('skipped')) either.push({ skipReason: { not: null } });
  return either.length === 1 ? either[0]! : { OR: either };
}

export function executionListWhere(filter: ExecutionListFilter | null | undefined): Prisma.AutomatedProcessExecutionWhereInput {
  return {
    ...(filter?.statuses?.length ? statusWhere(filter.statuses) : {}),
    ...(filter?.processId != null ? { processId: filter.processId } : {}),
  };
}

/** Executions are listed newest first. */
export const EXECUTION_LIST_ORDER: Prisma.AutomatedProcessExecutionOrderByWithRelationInput[] = [{ createdAt: 'desc' }, { id: 'desc' }];

/** A process's executions, newest first, through the (process_id, created_at DESC) index. */
export const processExecutions: Relation<AutomatedProcessExecution> = {
  name: 'AutomatedProcess.executions',
  table: 'automated_process_executions',
  parentColumn: 'process_id',
  idColumn: 'execution_id',
  orderColumns: ['created_at', 'execution_id'],
  direction: 'desc',
  findMany: (prisma, args) =>
    prisma.automatedProcessExecution.findMany(args as Prisma.AutomatedProcessExecutionFindManyArgs) as Promise<AutomatedProcessExecution[]>,
};

/** What Pothos asks to load of a process for the selection (`include` or `select`). */
export type ProcessQuery = { include?: Prisma.AutomatedProcessInclude; select?: Prisma.AutomatedProcessSelect };
/** The same for an execution. */
export type ExecutionQuery = { include?: Prisma.AutomatedProcessExecutionInclude; select?: Prisma.AutomatedProcessExecutionSelect };

/** A page of processes as Pothos' Prisma connections ask for it. */
export type ProcessPageQuery = ProcessQuery & { take: number; skip?: number; cursor?: Prisma.AutomatedProcessWhereUniqueInput };
/** A page of executions, the same way. */
export type ExecutionPageQuery = ExecutionQuery & {
  take: number;
  skip?: number;
  cursor?: Prisma.AutomatedProcessExecutionWhereUniqueInput;
};
