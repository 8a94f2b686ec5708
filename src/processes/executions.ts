// The rows of automated_process_executions: deciding, under the process row's lock, whether
// a run may start (or a slot is recorded as skipped instead), recording its end, and
// finding those whose instance is gone. Every transaction is bounded by the caller's budget
// (the process's timeout), never by Prisma's 5-second default.
import type { EventLog, LoggedEvent, NewEvent } from '../events/log.js';
import type { AutomatedProcess, AutomatedProcessExecution, PrismaClient } from '../db/prisma.js';
import type { ExecutionTriggerValue } from '../scheduler/registry.js';
import type { TaskDomainEvent } from '../tasks/service.js';

export type ExecutionStatusValue = 'pending' | 'running' | 'completed' | 'failed' | 'disabled';
/** Why a slot was not run: a run of the process was still going, or it passed while no scheduler was up. */
export type SkipReasonValue = 'previous_run_active' | 'missed';
/** The status subscribers and metrics see: a skipped slot (stored as `disabled` with a reason) is its own. */
export type ReportedStatusValue = ExecutionStatusValue | 'skipped';

export interface ExecutionRequest {
  readonly trigger: ExecutionTriggerValue;
  readonly scheduledFor?: Date;
  readonly event?: TaskDomainEvent;
  /** Slots of the schedule that passed without a run before this one (see the scheduler's catch-up). */
  readonly missedSlots?: number;
}

/** How an execution ended, or that a slot was skipped: what metrics count. */
export interface ExecutionOutcome {
  readonly processId: string;
  readonly processName: string;
  readonly executionId: string;
  readonly trigger: ExecutionTriggerValue | null;
  readonly status: 'completed' | 'failed' | 'skipped';
  readonly skipReason: SkipReasonValue | null;
  readonly scheduledFor: Date | null;
  /** From start to end, for runs that started. */
  readonly durationMs: number | null;
  /** The instance that ran it (for an abandoned run, the one that stopped answering). */
  readonly instanceName: string | null;
  /** Marked failed by recovery: its instance stopped renewing the lease. */
  readonly abandoned: boolean;
  /** Slots that passed without a run or a record before this one (missed while no scheduler was up). */
  readonly missedSlots: number;
}

export interface TransactionBounds {
  /** Milliseconds to wait for a connection. */
  readonly maxWait: number;
  /** Milliseconds the transaction may take once started. */
  readonly timeout: number;
}

export function boundsOf(timeoutSeconds: number): TransactionBounds {
  return { maxWait: timeoutSeconds * 1000, timeout: timeoutSeconds * 1000 };
}

export interface ClaimRequest {
  readonly trigger: ExecutionTriggerValue;
  readonly scheduledFor?: Date;
  /** A scheduled slot meeting a run still going is recorded as skipped (otherwise it is refused). */
  readonly recordBusySkip?: boolean;
  /** Records the slot as skipped for this reason instead of running it. */
  readonly skip?: { readonly reason: SkipReasonValue; readonly result: Record<string, unknown> };
}

/** The event stream of every process's executions (processes are global). */
export const PROCESS_STREAM = 'processes';

/** The event a change of an execution's status is logged as, in the transaction of the change. */
export const executionEvent = (execution: Pick<AutomatedProcessExecution, 'id' | 'processId'>, status: ReportedStatusValue): NewEvent => ({
  stream: PROCESS_STREAM,
  topic: 'process:execution-updated',
  payload: { executionId: execution.id, processId: execution.processId, status },
});

export type Claim =
  | { readonly kind: 'started'; readonly execution: AutomatedProcessExecution; readonly logged: readonly LoggedEvent[] }
  | {
      readonly kind: 'skipped';
      readonly execution: AutomatedProcessExecution;
      readonly activeExecutionId: string | null;
      readonly logged: readonly LoggedEvent[];
    }
  /** The slot has its execution already (another instance got there first). */
  | { readonly kind: 'taken' }
  /** A run of the process is going (manual and scheduled runs take turns). */
  | { readonly kind: 'busy' }
  /** The process no longer exists. */
  | { readonly kind: 'gone' };

const ACTIVE_STATUSES = ['pending', 'running'] as const;

export interface ClaimContext {
  readonly events: EventLog;
  readonly instanceName: string;
  readonly leaseSeconds: number;
  readonly bounds: TransactionBounds;
}

/**
 * Records a pending execution if this run may start: never two scheduled or manual runs of
 * one process at a time, and never two executions for one schedule slot. The process row is
 * locked meanwhile, so instances deciding at once agree.
 */
export async function claimExecution(
  prisma: PrismaClient,
  process: AutomatedProcess,
  request: ClaimRequest,
  context: ClaimContext,
): Promise<Claim> {
  return prisma.$transaction(async (tx): Promise<Claim> => {
    const locked = await tx.$queryRaw<Array<{ process_id: string }>>`
      SELECT process_id FROM automated_processes WHERE process_id = ${process.id}::uuid FOR UPDATE`;
    if (locked.length === 0) return { kind: 'gone' };
    if (request.scheduledFor) {
      const sameSlot = await tx.automatedProcessExecution.findFirst({
        where: { processId: process.id, scheduledFor: request.scheduledFor },
        select: { id: true },
      });
      if (sameSlot) return { kind: 'taken' };
    }
    const recordSkip = async (
      reason: SkipReasonValue,
      result: Record<string, unknown>,
      activeExecutionId: string | null,
    ): Promise<Claim> => {
      // Stored as the upstream `disabled` ("not run"), with the reason in a column of our own.
      const execution = await tx.automatedProcessExecution.create({
        data: {
          processId: process.id,
          status: 'disabled',
          skipReason: reason,
          triggeredBy: request.trigger,
          scheduledFor: request.scheduledFor ?? null,
          completedAt: new Date(),
          result: { skipped: true, reason, ...result },
          instanceName: context.instanceName,
        },
      });
      return {
        kind: 'skipped',
        execution,
        activeExecutionId,
        logged: await context.events.append(tx, [executionEvent(execution, 'skipped')]),
      };
    };
    if (request.skip) return recordSkip(request.skip.reason, request.skip.result, null);
    // Event runs are one per event and short; the one-at-a-time rule is for whole-table work.
    if (request.trigger !== 'event') {
      const active = await tx.automatedProcessExecution.findFirst({
        where: { processId: process.id, status: { in: [...ACTIVE_STATUSES] } },
        select: { id: true },
      });
      if (active) {
        if (!request.recordBusySkip) return { kind: 'busy' };
        return recordSkip('previous_run_active', { active_execution_id: active.id }, active.id);
      }
    }
    const created = await tx.automatedProcessExecution.create({
      data: {
        processId: process.id,
        status: 'pending',
        triggeredBy: request.trigger,
        scheduledFor: request.scheduledFor ?? null,
        instanceName: context.instanceName,
      },
    });
    // Leases are written and checked on the database's clock: instances' clocks may differ.
    const [lease] = await tx.$queryRaw<Array<{ lease_expires_at: Date }>>`
      UPDATE automated_process_executions SET lease_expires_at = now() + make_interval(secs => ${context.leaseSeconds})
      WHERE execution_id = ${created.id}::uuid
      RETURNING lease_expires_at`;
    const logged = await context.events.append(tx, [executionEvent(created, 'pending')]);
    return { kind: 'started', execution: { ...created, leaseExpiresAt: lease?.lease_expires_at ?? null }, logged };
  }, context.bounds);
}

export type RunEnd =
  | { readonly status: 'completed'; readonly result: Record<string, unknown> }
  | { readonly status: 'failed'; readonly error: string };

/** Records a run's end unless it is no longer running (recovery failed it meanwhile); its logged event when recorded. */
export async function finishExecution(
  prisma: PrismaClient,
  events: EventLog,
  execution: Pick<AutomatedProcessExecution, 'id' | 'processId'>,
  end: RunEnd,
  completedAt: Date,
  bounds: TransactionBounds,
): Promise<readonly LoggedEvent[] | null> {
  return prisma.$transaction(async (tx) => {
    const updated = await tx.automatedProcessExecution.updateMany({
      where: { id: execution.id, status: 'running' },
      data:
        end.status === 'completed'
          ? { status: 'completed', completedAt, result: end.result as object, leaseExpiresAt: null }
          : { status: 'failed', completedAt, errorMessage: end.error, result: { success: false, error: end.error }, leaseExpiresAt: null },
    });
    if (updated.count === 0) return null;
    await tx.automatedProcess.updateMany({ where: { id: execution.processId }, data: { lastExecutedAt: completedAt } });
    return events.append(tx, [executionEvent(execution, end.status)]);
  }, bounds);
}

export interface AbandonedExecution {
  readonly executionId: string;
  readonly processId: string;
  readonly processName: string;
  readonly trigger: ExecutionTriggerValue | null;
  readonly scheduledFor: Date | null;
  readonly startedAt: Date | null;
  readonly instanceName: string | null;
}

/**
 * Marks failed the executions whose instance is gone: still pending or running after their
 * lease ran out (a live instance renews it). Rows of the original backend carry no lease;
 * they count as abandoned after a day. The database's clock decides, as for writing leases.
 */
export async function failAbandoned(
  prisma: PrismaClient,
  events: EventLog,
): Promise<{ abandoned: AbandonedExecution[]; logged: readonly LoggedEvent[] }> {
  return prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<
      Array<{
        execution_id: string;
        process_id: string;
        name: string;
        triggered_by: ExecutionTriggerValue | null;
        scheduled_for: Date | null;
        started_at: Date | null;
        instance_name: string | null;
      }>
    >`
    UPDATE automated_process_executions e
    SET status = 'failed',
        completed_at = now(),
        lease_expires_at = NULL,
        error_message = 'The server running this execution stopped responding before it finished.'
    FROM automated_processes p
    WHERE p.process_id = e.process_id
      AND e.status IN ('pending', 'running')
      AND (e.lease_expires_at < now() OR (e.lease_expires_at IS NULL AND COALESCE(e.started_at, e.created_at) < now() - interval '1 day'))
    RETURNING e.execution_id, e.process_id, p.name, e.triggered_by, e.scheduled_for, e.started_at, e.instance_name`;
    const abandoned = rows.map((row) => ({
      executionId: row.execution_id,
      processId: row.process_id,
      processName: row.name,
      trigger: row.triggered_by,
      scheduledFor: row.scheduled_for,
      startedAt: row.started_at,
      instanceName: row.instance_name,
    }));
    const logged = await events.append(
      tx,
      abandoned.map((row) => executionEvent({ id: row.executionId, processId: row.processId }, 'failed')),
    );
    return { abandoned, logged };
  });
}
