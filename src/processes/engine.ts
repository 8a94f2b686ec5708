// The life of an execution on this instance: pending -> running -> completed | failed, or a
// slot recorded as skipped; each change published after it is committed, and every outcome
// reported to the listeners (metrics). Whether a run may start is decided under the process
// row's lock (executions.ts); running it is the runner's (runner.ts).
import type { AutomatedProcess, AutomatedProcessExecution, PrismaClient } from '../db/prisma.js';
import type { EventLog } from '../events/log.js';
import type { Logger } from '../logger.js';
import { runPolicyOf, type ProcessRegistry } from '../scheduler/registry.js';
import type { TaskService } from '../tasks/service.js';
import {
  boundsOf,
  claimExecution,
  failAbandoned,
  type Claim,
  type ClaimRequest,
  type ExecutionOutcome,
  type ExecutionRequest,
} from './executions.js';
import { ExecutionRunner } from './runner.js';

export interface ExecutionEngineOptions {
  readonly prisma: PrismaClient;
  readonly events: EventLog;
  readonly log: Logger;
  readonly registry: ProcessRegistry;
  readonly serviceTimeZone: string;
  readonly leaseSeconds: number;
  readonly tasks: TaskService;
  readonly instanceName: string;
  readonly now: () => Date;
}

export class ExecutionEngine {
  private readonly runner: ExecutionRunner;
  private readonly outcomeListeners = new Set<(outcome: ExecutionOutcome) => void>();

  constructor(private readonly options: ExecutionEngineOptions) {
    this.runner = new ExecutionRunner({ ...options, report: (outcome) => this.report(outcome) });
  }

  /** See ProcessService.onOutcome. */
  onOutcome(listener: (outcome: ExecutionOutcome) => void): () => void {
    this.outcomeListeners.add(listener);
    return () => this.outcomeListeners.delete(listener);
  }

  private report(outcome: ExecutionOutcome): void {
    for (const listener of this.outcomeListeners) {
      try {
        listener(outcome);
      } catch (error) {
        this.options.log.error({ err: { message: (error as Error).message } }, 'execution outcome listener failed');
      }
    }
  }

  /**
   * Records a pending execution if this run may start: never two scheduled or manual runs
   * of one process at a time, and never two executions for one schedule slot. Null when refused.
   */
  async startExecution(process: AutomatedProcess, request: ExecutionRequest): Promise<AutomatedProcessExecution | null> {
    const claim = await this.claim(process, { trigger: request.trigger, scheduledFor: request.scheduledFor });
    return claim.kind === 'started' ? claim.execution : null;
  }

  /** See ProcessService.claimSlot. */
  async claimSlot(
    process: AutomatedProcess,
    slot: Date,
    options: { skip?: ClaimRequest['skip']; missedSlots?: number } = {},
  ): Promise<Claim> {
    const claim = await this.claim(process, { trigger: 'schedule', scheduledFor: slot, recordBusySkip: true, skip: options.skip });
    if (claim.kind === 'skipped') {
      const reason = claim.execution.skipReason!;
      this.options.log.info(
        {
          process: process.name,
          executionId: claim.execution.id,
          slot,
          reason,
          ...(claim.activeExecutionId ? { activeExecutionId: claim.activeExecutionId } : {}),
          ...(options.missedSlots ? { missedSlots: options.missedSlots } : {}),
        },
        reason === 'previous_run_active'
          ? 'slot skipped: the previous run of the process is still going'
          : "missed slot not run: the process's catch-up policy is none",
      );
      this.options.events.publish(claim.logged);
      this.report({
        processId: process.id,
        processName: process.name,
        executionId: claim.execution.id,
        trigger: 'schedule',
        status: 'skipped',
        skipReason: reason,
        scheduledFor: slot,
        durationMs: null,
        instanceName: this.options.instanceName,
        abandoned: false,
        missedSlots: options.missedSlots ?? 0,
      });
    }
    return claim;
  }

  private async claim(process: AutomatedProcess, request: ClaimRequest): Promise<Claim> {
    const claim = await claimExecution(this.options.prisma, process, request, {
      events: this.options.events,
      instanceName: this.options.instanceName,
      leaseSeconds: this.options.leaseSeconds,
      bounds: boundsOf(runPolicyOf(process.processConfig).timeoutSeconds),
    });
    if (claim.kind === 'started') this.options.events.publish(claim.logged);
    return claim;
  }

  /** Runs a pending execution to its end: attempts with a timeout each, a lease renewed meanwhile. */
  runExecution(process: AutomatedProcess, execution: AutomatedProcessExecution, request: ExecutionRequest): Promise<void> {
    return this.runner.run(process, execution, request);
  }

  runInBackground(process: AutomatedProcess, execution: AutomatedProcessExecution, request: ExecutionRequest): Promise<void> {
    return this.runExecution(process, execution, request).catch((error: Error) =>
      this.options.log.error({ err: { message: error.message }, executionId: execution.id }, 'execution bookkeeping failed'),
    );
  }

  /** Extends a running execution's lease on the database's clock; false when it is no longer running. */
  renewLease(executionId: string): Promise<boolean> {
    return this.runner.renewLease(executionId);
  }

  /** Aborts this instance's runs of a process (it was deleted). */
  abortRunsOf(processId: string, reason: Error): void {
    this.runner.abortRunsOf(processId, reason);
  }

  /** Stops runs of this instance: each is aborted and recorded as failed before this resolves. */
  stop(): Promise<void> {
    return this.runner.stop();
  }

  /** See ProcessService.failAbandonedExecutions. */
  async failAbandonedExecutions(): Promise<number> {
    const { abandoned, logged } = await failAbandoned(this.options.prisma, this.options.events);
    this.options.events.publish(logged);
    for (const row of abandoned) {
      this.report({
        processId: row.processId,
        processName: row.processName,
        executionId: row.executionId,
        trigger: row.trigger,
        status: 'failed',
        skipReason: null,
        scheduledFor: row.scheduledFor,
        durationMs: null,
        instanceName: row.instanceName,
        abandoned: true,
        missedSlots: 0,
      });
    }
    if (abandoned.length > 0) {
      this.options.log.warn(
        {
          count: abandoned.length,
          executions: abandoned.map((row) => ({ executionId: row.executionId, process: row.processName, ranOn: row.instanceName })),
        },
        'abandoned executions marked failed',
      );
    }
    return abandoned.length;
  }
}
