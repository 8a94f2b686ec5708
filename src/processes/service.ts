// Automated processes: their rules (a registered implementation, a valid trigger, schedule
// and config), and the life of an execution: pending -> running -> completed | failed, or a
// slot recorded as skipped; each change published after it is committed. The scheduler
// decides when to run; this service decides whether a run may start and records what happens.
import type { EventLog } from '../events/log.js';
import type { AutomatedProcess, AutomatedProcessExecution, PrismaClient } from '../db/prisma.js';
import { Prisma } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import type { BehflowPubSub } from '../pubsub/index.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { TaskDomainEvent, TaskEventType, TaskService } from '../tasks/service.js';
import { runPolicyOf, type ProcessRegistry } from '../scheduler/registry.js';
import { nextSlot, scheduleSchema, type Schedule } from '../scheduler/schedule.js';
import { TASK_EVENT_TYPES, validateDefinition, type EventTriggerConfig, type ProcessInput } from './definition.js';
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

export { TASK_EVENT_TYPES, type ProcessInput } from './definition.js';
export type { ExecutionOutcome, ExecutionRequest, ExecutionStatusValue, ReportedStatusValue, SkipReasonValue } from './executions.js';

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

/** Edits on another instance reach event handling here within this delay. */
const EVENT_PROCESS_CACHE_MS = 5_000;

export class ProcessService {
  private readonly prisma: PrismaClient;
  private readonly pubsub: BehflowPubSub;
  private readonly log: Logger;
  readonly registry: ProcessRegistry;
  readonly instanceName: string;
  readonly now: () => Date;
  /** Enabled event-based processes, re-read at most every few seconds: every task change consults them. */
  private eventProcesses: { loadedAt: number; processes: Promise<AutomatedProcess[]> } | null = null;
  private readonly runner: ExecutionRunner;
  private readonly outcomeListeners = new Set<(outcome: ExecutionOutcome) => void>();

  constructor(private readonly options: ProcessServiceOptions) {
    this.prisma = options.prisma;
    this.pubsub = options.pubsub;
    this.instanceName = options.instanceName;
    this.now = options.now ?? (() => new Date());
    this.log = options.logger.child({ component: 'processes', instance: options.instanceName });
    this.registry = options.registry;
    this.runner = new ExecutionRunner({
      ...options,
      now: this.now,
      log: this.log,
      report: (outcome) => this.report(outcome),
    });
  }

  /**
   * Every instance's scheduler hears of each change that may move a process's next run,
   * whichever instance made it (one without a scheduler included), through the pub/sub.
   */
  private async scheduleChanged(processId: string): Promise<void> {
    this.eventProcesses = null;
    this.pubsub.publish('process:schedule-changed', { processId });
  }

  /**
   * Calls `listener` with every outcome this instance records: runs that end, slots skipped,
   * runs found abandoned. For metrics; a listener that throws is logged and ignored.
   */
  onOutcome(listener: (outcome: ExecutionOutcome) => void): () => void {
    this.outcomeListeners.add(listener);
    return () => this.outcomeListeners.delete(listener);
  }

  private report(outcome: ExecutionOutcome): void {
    for (const listener of this.outcomeListeners) {
      try {
        listener(outcome);
      } catch (error) {
        this.log.error({ err: { message: (error as Error).message } }, 'execution outcome listener failed');
      }
    }
  }

  // ---- reading -------------------------------------------------------------------------

  scheduleOf(process: Pick<AutomatedProcess, 'triggerType' | 'scheduleConfig'>): Schedule | null {
    if (process.triggerType !== 'time_based') return null;
    const parsed = scheduleSchema.safeParse(process.scheduleConfig);
    return parsed.success ? parsed.data : null;
  }

  eventsOf(process: Pick<AutomatedProcess, 'name' | 'triggerType' | 'scheduleConfig'>): TaskEventType[] {
    if (process.triggerType !== 'event_based') return [];
    const stored = (process.scheduleConfig as Partial<EventTriggerConfig> | null)?.events;
    const events = Array.isArray(stored) ? stored : (this.registry.get(process.name)?.defaultEvents ?? []);
    return events.filter((event): event is TaskEventType => (TASK_EVENT_TYPES as readonly string[]).includes(event));
  }

  nextRunAt(process: AutomatedProcess, now = this.now()): Date | null {
    if (!process.isEnabled) return null;
    const schedule = this.scheduleOf(process);
    return schedule ? nextSlot(schedule, now) : null;
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
      schedule: update.schedule !== undefined ? update.schedule : triggerType === current.triggerType ? this.scheduleOf(current) : null,
      events: update.events !== undefined ? update.events : triggerType === current.triggerType ? this.eventsOf(current) : null,
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
    this.runner.abortRunsOf(processId, new Error('the process was deleted'));
    await this.scheduleChanged(process.id);
    return process;
  }

  // ---- running -------------------------------------------------------------------------

  /** Admin "run now": the pending execution comes back at once; the run goes on in the background. */
  async runManually(processId: string): Promise<AutomatedProcessExecution> {
    const process = await this.prisma.automatedProcess.findUnique({ where: { id: processId } });
    if (!process) throw new NotFoundError('Automated process');
    const execution = await this.startExecution(process, { trigger: 'manual' });
    if (!execution) throw new ConflictError(`${process.name} is running already; wait for that run to finish.`, 'id');
    void this.runInBackground(process, execution, { trigger: 'manual' });
    return execution;
  }

  /**
   * Records a pending execution if this run may start: never two scheduled or manual runs
   * of one process at a time, and never two executions for one schedule slot. Null when refused.
   */
  async startExecution(process: AutomatedProcess, request: ExecutionRequest): Promise<AutomatedProcessExecution | null> {
    const claim = await this.claim(process, { trigger: request.trigger, scheduledFor: request.scheduledFor });
    return claim.kind === 'started' ? claim.execution : null;
  }

  /**
   * For the scheduler, one slot: a pending execution to run, or the slot recorded as skipped
   * (a run of the process is still going, or `skip` says so), or taken by another instance.
   * Only the instance that records a skip publishes, logs and reports it, so each is told once.
   */
  async claimSlot(
    process: AutomatedProcess,
    slot: Date,
    options: { skip?: ClaimRequest['skip']; missedSlots?: number } = {},
  ): Promise<Claim> {
    const claim = await this.claim(process, { trigger: 'schedule', scheduledFor: slot, recordBusySkip: true, skip: options.skip });
    if (claim.kind === 'skipped') {
      const reason = claim.execution.skipReason!;
      this.log.info(
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
        instanceName: this.instanceName,
        abandoned: false,
        missedSlots: options.missedSlots ?? 0,
      });
    }
    return claim;
  }

  private async claim(process: AutomatedProcess, request: ClaimRequest): Promise<Claim> {
    const claim = await claimExecution(this.prisma, process, request, {
      events: this.options.events,
      instanceName: this.instanceName,
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

  /** Extends a running execution's lease on the database's clock; false when it is no longer running. */
  renewLease(executionId: string): Promise<boolean> {
    return this.runner.renewLease(executionId);
  }

  /** Stops runs of this instance: each is aborted and recorded as failed before this resolves. */
  stop(): Promise<void> {
    return this.runner.stop();
  }

  runInBackground(process: AutomatedProcess, execution: AutomatedProcessExecution, request: ExecutionRequest): Promise<void> {
    return this.runExecution(process, execution, request).catch((error: Error) =>
      this.log.error({ err: { message: error.message }, executionId: execution.id }, 'execution bookkeeping failed'),
    );
  }

  /** Starts event-based runs for the task events of this instance; returns the way to stop listening. */
  listenTo(tasks: TaskService): () => Promise<void> {
    const unsubscribe = tasks.onEvent((event) =>
      this.handleTaskEvent(event).catch((error: Error) =>
        this.log.error({ err: { message: error.message } }, 'event-based run failed to start'),
      ),
    );
    return async () => unsubscribe();
  }

  /** An event-based run for each enabled process listening to this task event (and interested in it). */
  async handleTaskEvent(event: TaskDomainEvent): Promise<void> {
    if (!this.eventProcesses || Date.now() - this.eventProcesses.loadedAt > EVENT_PROCESS_CACHE_MS) {
      this.eventProcesses = {
        loadedAt: Date.now(),
        processes: this.prisma.automatedProcess.findMany({ where: { triggerType: 'event_based', isEnabled: true } }),
      };
    }
    const processes = await this.eventProcesses.processes.catch((error: Error) => {
      this.eventProcesses = null;
      throw error;
    });
    for (const process of processes) {
      if (!this.eventsOf(process).includes(event.type)) continue;
      const implementation = this.registry.get(process.name);
      if (!implementation) continue;
      const config = this.registry.configSchemaOf(implementation).safeParse(process.processConfig ?? {});
      if (!config.success) {
        this.log.warn({ process: process.name }, 'event ignored: the process config is invalid');
        continue;
      }
      if (implementation.accepts && !implementation.accepts(event, config.data)) continue;
      const execution = await this.startExecution(process, { trigger: 'event', event });
      if (execution) void this.runInBackground(process, execution, { trigger: 'event', event });
    }
  }

  /**
   * Marks failed the executions whose instance is gone (their lease ran out), tells
   * subscribers and reports each; see failAbandoned.
   */
  async failAbandonedExecutions(): Promise<number> {
    const { abandoned, logged } = await failAbandoned(this.prisma, this.options.events);
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
      this.log.warn(
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
