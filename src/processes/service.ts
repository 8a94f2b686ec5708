// Automated processes: their definitions (a registered implementation, a valid trigger,
// schedule and config; definition.ts), the lists the API and the scheduler read, and the way
// runs start: by hand, by the scheduler, or by task events. The scheduler decides when to
// run; the execution engine (engine.ts) whether a run may start, and records what happens.
import type { AutomatedProcess, AutomatedProcessExecution, PrismaClient } from '../db/prisma.js';
import { Prisma } from '../generated/prisma/client.js';
import { confinedCursor } from '../db/ids.js';
import type { RelationLoaders, RowWindow } from '../db/related-rows.js';
import type { EventLog } from '../events/log.js';
import type { Logger } from '../logger.js';
import type { BehflowPubSub } from '../pubsub/index.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { TaskEventType, TaskService } from '../tasks/service.js';
import type { ProcessRegistry } from '../scheduler/registry.js';
import { nextSlot, type Schedule } from '../scheduler/schedule.js';
import { eventsOf, scheduleOf, validateDefinition, type ProcessInput } from './definition.js';
import { ExecutionEngine } from './engine.js';
import type { Claim, ClaimRequest, ExecutionOutcome, ExecutionRequest } from './executions.js';
import {
  EXECUTION_LIST_ORDER,
  executionListWhere,
  PROCESS_LIST_ORDER,
  processExecutions,
  processListWhere,
  type ExecutionListFilter,
  type ExecutionQuery,
  type ExecutionPageQuery,
  type ProcessListFilter,
  type ProcessPageQuery,
  type ProcessQuery,
} from './queries.js';
import { EventTriggers } from './triggers.js';

export type { ProcessInput } from './definition.js';
export type { ExecutionOutcome, ExecutionRequest, ExecutionStatusValue, ReportedStatusValue, SkipReasonValue } from './executions.js';
export type { ExecutionListFilter, ProcessListFilter } from './queries.js';

export type ProcessUpdate = Partial<Omit<ProcessInput, 'name'>>;

export interface ProcessServiceOptions {
  readonly prisma: PrismaClient;
  readonly pubsub: BehflowPubSub;
  /** Where execution status changes are logged with the change, and sent on from. */
  readonly events: EventLog;
  readonly logger: Logger;
  readonly registry: ProcessRegistry;
  readonly serviceTimeZone: string;
  /** How long a run's lease lasts without renewal; an instance renews it every third of that. */
  readonly leaseSeconds: number;
  readonly tasks: TaskService;
  /** Names this instance in the executions it records and in its log lines. */
  readonly instanceName: string;
  /** The clock a run reads as "now" (tests may set it); leases and durations use the real one. */
  readonly now?: () => Date;
}

export class ProcessService {
  private readonly prisma: PrismaClient;
  private readonly pubsub: BehflowPubSub;
  readonly registry: ProcessRegistry;
  readonly instanceName: string;
  readonly now: () => Date;
  private readonly engine: ExecutionEngine;
  private readonly triggers: EventTriggers;

  constructor(options: ProcessServiceOptions) {
    this.prisma = options.prisma;
    this.pubsub = options.pubsub;
    this.instanceName = options.instanceName;
    this.now = options.now ?? (() => new Date());
    this.registry = options.registry;
    const log = options.logger.child({ component: 'processes', instance: options.instanceName });
    this.engine = new ExecutionEngine({ ...options, now: this.now, log });
    this.triggers = new EventTriggers({ prisma: this.prisma, registry: this.registry, engine: this.engine, log });
  }

  /**
   * Every instance's scheduler hears of each change that may move a process's next run,
   * whichever instance made it (one without a scheduler included), through the pub/sub.
   */
  private async scheduleChanged(processId: string): Promise<void> {
    this.triggers.forget();
    this.pubsub.publish('process:schedule-changed', { processId });
  }

  // ---- reading -------------------------------------------------------------------------

  scheduleOf(process: Pick<AutomatedProcess, 'triggerType' | 'scheduleConfig'>): Schedule | null {
    return scheduleOf(process);
  }

  eventsOf(process: Pick<AutomatedProcess, 'name' | 'triggerType' | 'scheduleConfig'>): TaskEventType[] {
    return eventsOf(this.registry, process);
  }

  nextRunAt(process: AutomatedProcess, now = this.now()): Date | null {
    if (!process.isEnabled) return null;
    const schedule = scheduleOf(process);
    return schedule ? nextSlot(schedule, now) : null;
  }

  // Every signed-in user reads every process and its run history (what a run reported is for
  // administrators only: the API leaves it out for others).

  /** A page of the processes the filter shows, by name. */
  list(filter: ProcessListFilter | null | undefined, page: ProcessPageQuery): Promise<AutomatedProcess[]> {
    return this.prisma.automatedProcess.findMany({ ...confinedCursor(page), where: processListWhere(filter), orderBy: PROCESS_LIST_ORDER });
  }

  count(filter: ProcessListFilter | null | undefined): Promise<number> {
    return this.prisma.automatedProcess.count({ where: processListWhere(filter) });
  }

  /** One process by id or by name; null when there is none. */
  find(key: { id: string } | { name: string }, query: ProcessQuery = {}): Promise<AutomatedProcess | null> {
    return this.prisma.automatedProcess.findUnique({ ...query, where: key });
  }

  /** A page of the executions the filter shows, newest first. */
  listExecutions(filter: ExecutionListFilter | null | undefined, page: ExecutionPageQuery): Promise<AutomatedProcessExecution[]> {
    return this.prisma.automatedProcessExecution.findMany({
      ...confinedCursor(page),
      where: executionListWhere(filter),
      orderBy: EXECUTION_LIST_ORDER,
    });
  }

  countExecutions(filter: ExecutionListFilter | null | undefined): Promise<number> {
    return this.prisma.automatedProcessExecution.count({ where: executionListWhere(filter) });
  }

  /** One execution as it is now; null when there is none (its process was deleted). */
  findExecution(executionId: string): Promise<AutomatedProcessExecution | null> {
    return this.prisma.automatedProcessExecution.findUnique({ where: { id: executionId } });
  }

  // A process's executions for a process the caller already holds, read with those of the
  // other processes of the request (see db/related-rows.ts).

  /** A page of the process's executions, newest first. */
  executionsOf(
    loaders: RelationLoaders,
    processId: string,
    window: RowWindow,
    query: ExecutionQuery,
  ): Promise<AutomatedProcessExecution[]> {
    return loaders.rows(this.prisma, processExecutions, processId, window, query);
  }

  async lastExecutionOf(loaders: RelationLoaders, processId: string, query: ExecutionQuery): Promise<AutomatedProcessExecution | null> {
    return (await loaders.rows(this.prisma, processExecutions, processId, { take: 1 }, query))[0] ?? null;
  }

  executionCountOf(loaders: RelationLoaders, processId: string): Promise<number> {
    return loaders.count(this.prisma, processExecutions, processId);
  }

  // ---- managing ------------------------------------------------------------------------

  async create(input: ProcessInput): Promise<AutomatedProcess> {
    const columns = validateDefinition(this.registry, input);
    const existing = await this.prisma.automatedProcess.findUnique({ where: { name: input.name }, select: { id: true } });
    if (existing) throw new ConflictError(`A process named "${input.name}" exists already.`, 'name');
    const process = await this.prisma.automatedProcess
      .create({
        data: { name: input.name, ...columns, scheduleConfig: columns.scheduleConfig ?? undefined, isEnabled: input.isEnabled ?? true },
      })
      .catch((error: { code?: string }) => {
        if (error.code === 'P2002') throw new ConflictError(`A process named "${input.name}" exists already.`, 'name');
        throw error;
      });
    await this.scheduleChanged(process.id);
    return process;
  }

  async update(processId: string, update: ProcessUpdate): Promise<AutomatedProcess> {
    const current = await this.prisma.automatedProcess.findUnique({ where: { id: processId } });
    if (!current) throw new NotFoundError('Automated process');
    const triggerType = update.triggerType ?? current.triggerType;
    const merged: ProcessInput = {
      name: current.name,
      description: update.description !== undefined ? update.description : current.description,
      triggerType,
      schedule: update.schedule !== undefined ? update.schedule : triggerType === current.triggerType ? scheduleOf(current) : null,
      events: update.events !== undefined ? update.events : triggerType === current.triggerType ? eventsOf(this.registry, current) : null,
      processConfig: update.processConfig !== undefined ? update.processConfig : current.processConfig,
    };
    const columns = validateDefinition(this.registry, merged);
    const process = await this.prisma.automatedProcess.update({
      where: { id: processId },
      data: {
        ...columns,
        scheduleConfig: columns.scheduleConfig ?? Prisma.DbNull,
        ...(update.isEnabled !== undefined ? { isEnabled: update.isEnabled } : {}),
      },
    });
    await this.scheduleChanged(process.id);
    return process;
  }

  async setEnabled(processId: string, isEnabled: boolean): Promise<AutomatedProcess> {
    const process = await this.prisma.automatedProcess
      .update({ where: { id: processId }, data: { isEnabled } })
      .catch((error: { code?: string }) => {
        if (error.code === 'P2025') throw new NotFoundError('Automated process');
        throw error;
      });
    await this.scheduleChanged(process.id);
    return process;
  }

  async delete(processId: string): Promise<AutomatedProcess> {
    const process = await this.prisma.automatedProcess.delete({ where: { id: processId } }).catch((error: { code?: string }) => {
      if (error.code === 'P2025') throw new NotFoundError('Automated process');
      throw error;
    });
    this.engine.abortRunsOf(processId, new Error('the process was deleted'));
    await this.scheduleChanged(process.id);
    return process;
  }

  // ---- running -------------------------------------------------------------------------

  /** Admin "run now": the pending execution comes back at once; the run goes on in the background. */
  async runManually(processId: string): Promise<AutomatedProcessExecution> {
    const process = await this.prisma.automatedProcess.findUnique({ where: { id: processId } });
    if (!process) throw new NotFoundError('Automated process');
    const execution = await this.engine.startExecution(process, { trigger: 'manual' });
    if (!execution) throw new ConflictError(`${process.name} is running already; wait for that run to finish.`, 'id');
    void this.engine.runInBackground(process, execution, { trigger: 'manual' });
    return execution;
  }

  // The execution engine's and the event triggers' work, as the scheduler and the server use it.

  /**
   * Calls `listener` with every outcome this instance records: runs that end, slots skipped,
   * runs found abandoned. For metrics; a listener that throws is logged and ignored.
   */
  onOutcome(listener: (outcome: ExecutionOutcome) => void): () => void {
    return this.engine.onOutcome(listener);
  }

  /**
   * Records a pending execution if this run may start: never two scheduled or manual runs
   * of one process at a time, and never two executions for one schedule slot. Null when refused.
   */
  startExecution(process: AutomatedProcess, request: ExecutionRequest): Promise<AutomatedProcessExecution | null> {
    return this.engine.startExecution(process, request);
  }

  /**
   * For the scheduler, one slot: a pending execution to run, or the slot recorded as skipped
   * (a run of the process is still going, or `skip` says so), or taken by another instance.
   * Only the instance that records a skip publishes, logs and reports it, so each is told once.
   */
  claimSlot(process: AutomatedProcess, slot: Date, options: { skip?: ClaimRequest['skip']; missedSlots?: number } = {}): Promise<Claim> {
    return this.engine.claimSlot(process, slot, options);
  }

  /** Runs a pending execution to its end: attempts with a timeout each, a lease renewed meanwhile. */
  runExecution(process: AutomatedProcess, execution: AutomatedProcessExecution, request: ExecutionRequest): Promise<void> {
    return this.engine.runExecution(process, execution, request);
  }

  runInBackground(process: AutomatedProcess, execution: AutomatedProcessExecution, request: ExecutionRequest): Promise<void> {
    return this.engine.runInBackground(process, execution, request);
  }

  /** Extends a running execution's lease on the database's clock; false when it is no longer running. */
  renewLease(executionId: string): Promise<boolean> {
    return this.engine.renewLease(executionId);
  }

  /** Stops runs of this instance: each is aborted and recorded as failed before this resolves. */
  stop(): Promise<void> {
    return this.engine.stop();
  }

  /**
   * Marks failed the executions whose instance is gone (their lease ran out), tells
   * subscribers and reports each; see failAbandoned.
   */
  failAbandonedExecutions(): Promise<number> {
    return this.engine.failAbandonedExecutions();
  }

  /** Starts event-based runs for the task events of this instance; returns the way to stop listening. */
  listenTo(tasks: TaskService): () => Promise<void> {
    return this.triggers.listenTo(tasks);
  }
}
