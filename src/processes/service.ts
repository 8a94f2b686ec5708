// Automated processes: their rules (a registered implementation, a valid trigger, schedule
// and config), and the life of an execution: pending -> running -> completed | failed,
// each change published after it is committed. The scheduler decides when to run; this
// service decides whether a run may start and records what happens.
import type { z } from 'zod';
import type { AutomatedProcess, AutomatedProcessExecution, PrismaClient } from '../db/prisma.js';
import { Prisma } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import type { BehflowPubSub } from '../pubsub/index.js';
import { BadUserInputError, ConflictError, NotFoundError } from '../schema/errors.js';
import type { TaskDomainEvent, TaskEventType, TaskService } from '../tasks/service.js';
import {
  MAX_RUN_WINDOW_SECONDS,
  runPolicySchema,
  runWindowSeconds,
  type ExecutionTriggerValue,
  type ProcessImplementation,
  type ProcessRegistry,
  type RunPolicy,
  type TriggerTypeValue,
} from '../scheduler/registry.js';
import { nextSlot, scheduleSchema, type Schedule } from '../scheduler/schedule.js';

export const TASK_EVENT_TYPES = ['CREATED', 'UPDATED', 'COMPLETED', 'DELETED'] as const satisfies readonly TaskEventType[];
export type ExecutionStatusValue = 'pending' | 'running' | 'completed' | 'failed' | 'disabled';

export interface ProcessInput {
  readonly name: string;
  readonly description?: string | null;
  readonly triggerType: TriggerTypeValue;
  readonly schedule?: Schedule | null;
  readonly events?: readonly TaskEventType[] | null;
  readonly processConfig?: unknown;
  readonly isEnabled?: boolean;
}

export type ProcessUpdate = Partial<Omit<ProcessInput, 'name'>>;

export interface ProcessServiceOptions {
  readonly prisma: PrismaClient;
  readonly pubsub: BehflowPubSub;
  readonly logger: Logger;
  readonly registry: ProcessRegistry;
  readonly serviceTimeZone: string;
  /** How long a run's lease lasts without renewal; an instance renews it every third of that. */
  readonly leaseSeconds: number;
  readonly tasks: TaskService | null;
}

export interface ExecutionRequest {
  readonly trigger: ExecutionTriggerValue;
  readonly scheduledFor?: Date;
  readonly event?: TaskDomainEvent;
}

/** The `schedule_config` of an event-based process. */
interface EventTriggerConfig {
  readonly events: readonly TaskEventType[];
}

const ACTIVE_STATUSES = ['pending', 'running'] as const;
/** Edits on another instance reach event handling here within this delay. */
const EVENT_PROCESS_CACHE_MS = 5_000;

function formatIssues(error: z.ZodError, prefix: string): { message: string; field: string } {
  const issue = error.issues[0]!;
  const field = [prefix, ...issue.path.map(String)].join('.');
  return { message: `${field}: ${issue.message}`, field };
}

export class ProcessService {
  private readonly prisma: PrismaClient;
  private readonly pubsub: BehflowPubSub;
  private readonly log: Logger;
  readonly registry: ProcessRegistry;
  /** Enabled event-based processes, re-read at most every few seconds: every task change consults them. */
  private eventProcesses: { loadedAt: number; processes: Promise<AutomatedProcess[]> } | null = null;
  private readonly inFlight = new Map<string, { controller: AbortController; done: Promise<void> }>();

  constructor(private readonly options: ProcessServiceOptions) {
    this.prisma = options.prisma;
    this.pubsub = options.pubsub;
    this.log = options.logger.child({ component: 'processes' });
    this.registry = options.registry;
  }

  /**
   * Every instance's scheduler hears of each change that may move a process's next run,
   * whichever instance made it (one without a scheduler included), through the pub/sub.
   */
  private async scheduleChanged(processId: string): Promise<void> {
    this.eventProcesses = null;
    this.pubsub.publish('process:schedule-changed', { processId });
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

  nextRunAt(process: AutomatedProcess, now = new Date()): Date | null {
    if (!process.isEnabled) return null;
    const schedule = this.scheduleOf(process);
    return schedule ? nextSlot(schedule, now) : null;
  }

  // ---- managing ------------------------------------------------------------------------

  private implementationFor(name: string): ProcessImplementation<any> {
    const implementation = this.registry.get(name);
    if (!implementation) {
      throw new BadUserInputError(
        `No process implementation is named "${name}"; the server knows: ${this.registry.names().join(', ')}.`,
        'input.name',
      );
    }
    return implementation;
  }

  /** Checks a whole process definition and returns the columns to store. */
  private validate(input: ProcessInput) {
    const implementation = this.implementationFor(input.name);
    if (!implementation.triggerTypes.includes(input.triggerType)) {
      throw new BadUserInputError(
        `${input.name} cannot be ${input.triggerType}; it supports: ${implementation.triggerTypes.join(', ')}.`,
        'input.triggerType',
      );
    }
    let scheduleConfig: object | null = null;
    if (input.triggerType === 'time_based') {
      if (!input.schedule) throw new BadUserInputError('A time-based process needs a schedule.', 'input.schedule');
      const parsed = scheduleSchema.safeParse(input.schedule);
      if (!parsed.success) {
        const { message, field } = formatIssues(parsed.error, 'input.schedule');
        throw new BadUserInputError(message, field);
      }
      scheduleConfig = parsed.data;
    } else if (input.triggerType === 'event_based') {
      const events = [...new Set(input.events ?? implementation.defaultEvents ?? [])];
      if (events.length === 0) throw new BadUserInputError('An event-based process needs at least one event.', 'input.events');
      scheduleConfig = { events } satisfies EventTriggerConfig;
    }
    const config = this.registry.configSchemaOf(implementation).safeParse(input.processConfig ?? {});
    if (!config.success) {
      const { message, field } = formatIssues(config.error, 'input.processConfig');
      throw new BadUserInputError(message, field);
    }
    // A scheduled run's job must outlive every attempt, and pg-boss keeps no job past a day.
    const window = runWindowSeconds(runPolicySchema.parse(config.data));
    if (window > MAX_RUN_WINDOW_SECONDS) {
      throw new BadUserInputError(
        `input.processConfig.timeoutSeconds: (retries + 1) × timeoutSeconds + retries × retryDelaySeconds is ${window} s; it may be at most ${MAX_RUN_WINDOW_SECONDS} s (under a day).`,
        'input.processConfig.timeoutSeconds',
      );
    }
    return {
      description: input.description ?? null,
      triggerType: input.triggerType,
      scheduleConfig: scheduleConfig ?? undefined,
      processConfig: (input.processConfig ?? {}) as object,
    };
  }

  async create(input: ProcessInput): Promise<AutomatedProcess> {
    const columns = this.validate(input);
    const existing = await this.prisma.automatedProcess.findUnique({ where: { name: input.name }, select: { id: true } });
    if (existing) throw new ConflictError(`A process named "${input.name}" exists already.`, 'input.name');
    const process = await this.prisma.automatedProcess
      .create({ data: { name: input.name, ...columns, scheduleConfig: columns.scheduleConfig ?? undefined, isEnabled: input.isEnabled ?? true } })
      .catch((error: { code?: string }) => {
        if (error.code === 'P2002') throw new ConflictError(`A process named "${input.name}" exists already.`, 'input.name');
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
    const columns = this.validate(merged);
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
    this.inFlight.forEach((run, executionId) => {
      if (executionId.startsWith(`${processId}:`)) run.controller.abort(new Error('the process was deleted'));
    });
    await this.scheduleChanged(process.id);
    return process;
  }

  // ---- running -------------------------------------------------------------------------

  /** Admin "run now": the pending execution comes back at once; the run goes on in the background. */
  async runManually(processId: string): Promise<AutomatedProcessExecution> {
    const process = await this.prisma.automatedProcess.findUnique({ where: { id: processId } });
    if (!process) throw new NotFoundError('Automated process');
    const execution = await this.startExecution(process, { trigger: 'manual' });
    if (!execution) throw new ConflictError(`${process.name} is running already; wait for that run to finish.`, 'input.id');
    this.runInBackground(process, execution, { trigger: 'manual' });
    return execution;
  }

  /**
   * Records a pending execution if this run may start: never two scheduled or manual runs
   * of one process at a time, and never two executions for one schedule slot. The process
   * row is locked meanwhile, so instances deciding at once agree. Null when refused.
   */
  async startExecution(process: AutomatedProcess, request: ExecutionRequest): Promise<AutomatedProcessExecution | null> {
    const execution = await this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<Array<{ process_id: string }>>`
        SELECT process_id FROM automated_processes WHERE process_id = ${process.id}::uuid FOR UPDATE`;
      if (locked.length === 0) return null;
      if (request.scheduledFor) {
        const sameSlot = await tx.automatedProcessExecution.findFirst({
          where: { processId: process.id, scheduledFor: request.scheduledFor },
          select: { id: true },
        });
        if (sameSlot) return null;
      }
      // Event runs are one per event and short; the one-at-a-time rule is for whole-table work.
      if (request.trigger !== 'event') {
        const active = await tx.automatedProcessExecution.findFirst({
          where: { processId: process.id, status: { in: [...ACTIVE_STATUSES] } },
          select: { id: true },
        });
        if (active) return null;
      }
      const created = await tx.automatedProcessExecution.create({
        data: { processId: process.id, status: 'pending', triggeredBy: request.trigger, scheduledFor: request.scheduledFor ?? null },
      });
      // Leases are written and checked on the database's clock: instances' clocks may differ.
      const [lease] = await tx.$queryRaw<Array<{ lease_expires_at: Date }>>`
        UPDATE automated_process_executions SET lease_expires_at = now() + make_interval(secs => ${this.options.leaseSeconds})
        WHERE execution_id = ${created.id}::uuid
        RETURNING lease_expires_at`;
      return { ...created, leaseExpiresAt: lease?.lease_expires_at ?? null };
    });
    if (execution) await this.publish(execution, 'pending');
    return execution;
  }

  private runInBackground(process: AutomatedProcess, execution: AutomatedProcessExecution, request: ExecutionRequest): void {
    void this.runExecution(process, execution, request).catch((error: Error) =>
      this.log.error({ err: { message: error.message }, executionId: execution.id }, 'execution bookkeeping failed'),
    );
  }

  /** Runs a pending execution to its end: attempts with a timeout each, a lease renewed meanwhile. */
  async runExecution(process: AutomatedProcess, execution: AutomatedProcessExecution, request: ExecutionRequest): Promise<void> {
    const key = `${process.id}:${execution.id}`;
    const controller = new AbortController();
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    this.inFlight.set(key, { controller, done });
    const leaseMs = this.options.leaseSeconds * 1000;
    // One renewal at a time. A renewal that changes no row means the run is no longer ours
    // (recovery marked it failed, or it was deleted): it stops instead of going on unowned.
    let renewing = false;
    const heartbeat = setInterval(() => {
      if (renewing || controller.signal.aborted) return;
      renewing = true;
      void this.renewLease(execution.id)
        .then((owned) => {
          if (owned) return;
          this.log.warn({ executionId: execution.id, process: process.name }, 'execution lease lost: the run is no longer this instance\'s; stopping it');
          controller.abort(new Error('the execution was marked failed elsewhere (its lease was lost) while it ran'));
        })
        .catch((error: Error) => this.log.warn({ err: { message: error.message }, executionId: execution.id }, 'execution lease renewal failed'))
        .finally(() => (renewing = false));
    }, Math.max(1000, leaseMs / 3));
    heartbeat.unref();
    try {
      const startedAt = new Date();
      const started = await this.prisma.$executeRaw`
        UPDATE automated_process_executions
        SET status = 'running', started_at = ${startedAt}, lease_expires_at = now() + make_interval(secs => ${this.options.leaseSeconds})
        WHERE execution_id = ${execution.id}::uuid AND status = 'pending'`;
      if (started === 0) return;
      await this.publish(execution, 'running');

      let outcome: { status: 'completed'; result: Record<string, unknown> } | { status: 'failed'; error: string; result?: Record<string, unknown> };
      try {
        outcome = { status: 'completed', result: await this.attempt(process, request, controller.signal) };
      } catch (error) {
        outcome = { status: 'failed', error: (error as Error).message || String(error) };
      }
      const completedAt = new Date();
      const finished = await this.prisma.$transaction(async (tx) => {
        const updated = await tx.automatedProcessExecution.updateMany({
          where: { id: execution.id, status: 'running' },
          data:
            outcome.status === 'completed'
              ? { status: 'completed', completedAt, result: outcome.result as object, leaseExpiresAt: null }
              : { status: 'failed', completedAt, errorMessage: outcome.error, result: { success: false, error: outcome.error }, leaseExpiresAt: null },
        });
        if (updated.count > 0) {
          await tx.automatedProcess.updateMany({ where: { id: process.id }, data: { lastExecutedAt: completedAt } });
        }
        return updated.count > 0;
      });
      if (finished) {
        await this.publish(execution, outcome.status);
      } else {
        const current = await this.prisma.automatedProcessExecution.findUnique({ where: { id: execution.id }, select: { status: true } });
        this.log.warn(
          { executionId: execution.id, process: process.name, outcome: outcome.status, recordedStatus: current?.status ?? 'deleted' },
          'execution finished after it was already marked failed (its lease had run out); its outcome is not recorded',
        );
      }
    } finally {
      clearInterval(heartbeat);
      this.inFlight.delete(key);
      finish();
    }
  }

  /** One execution's attempts (1 + retries), each bounded by the timeout. */
  private async attempt(process: AutomatedProcess, request: ExecutionRequest, stopSignal: AbortSignal): Promise<Record<string, unknown>> {
    const implementation = this.registry.get(process.name);
    if (!implementation) throw new Error(`no implementation is registered for ${process.name}`);
    const parsed = this.registry.configSchemaOf(implementation).safeParse(process.processConfig ?? {});
    if (!parsed.success) throw new Error(`invalid process config: ${formatIssues(parsed.error, 'processConfig').message}`);
    const { retries, retryDelaySeconds, timeoutSeconds } = runPolicySchema.parse(parsed.data);
    let lastError: Error = new Error('not run');
    for (let attemptNumber = 0; attemptNumber <= retries; attemptNumber += 1) {
      if (stopSignal.aborted) throw stopSignal.reason instanceof Error ? stopSignal.reason : new Error('stopped');
      if (attemptNumber > 0) await delay(retryDelaySeconds * 1000, stopSignal);
      const controller = new AbortController();
      const onStop = () => controller.abort(stopSignal.reason);
      stopSignal.addEventListener('abort', onStop, { once: true });
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const error = new Error(`timed out after ${timeoutSeconds} s`);
          controller.abort(error);
          reject(error);
        }, timeoutSeconds * 1000);
      });
      const aborted = new Promise<never>((_, reject) =>
        controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true }),
      );
      try {
        const result = await Promise.race([
          implementation.run({
            config: parsed.data,
            prisma: this.prisma,
            logger: this.log.child({ process: process.name }),
            now: new Date(),
            serviceTimeZone: this.options.serviceTimeZone,
            signal: controller.signal,
            timeoutSeconds,
            tasks: this.options.tasks,
            trigger: request.trigger,
            event: request.event ?? null,
          }),
          timedOut,
          aborted,
        ]);
        return attemptNumber > 0 ? { ...result, attempts: attemptNumber + 1 } : result;
      } catch (error) {
        lastError = error instanceof Error ? error : new Error(String(error));
        this.log.warn({ err: { message: lastError.message }, process: process.name, attempt: attemptNumber + 1 }, 'process attempt failed');
      } finally {
        clearTimeout(timer);
        stopSignal.removeEventListener('abort', onStop);
      }
    }
    throw retries > 0 ? new Error(`${lastError.message} (after ${retries + 1} attempts)`) : lastError;
  }

  /** Starts event-based runs for the task events of this instance; returns the way to stop listening. */
  listenTo(tasks: TaskService): () => Promise<void> {
    const unsubscribe = tasks.onEvent((event) =>
      this.handleTaskEvent(event).catch((error: Error) => this.log.error({ err: { message: error.message } }, 'event-based run failed to start')),
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
      if (execution) this.runInBackground(process, execution, { trigger: 'event', event });
    }
  }

  /**
   * Marks failed the executions whose instance is gone: still pending or running after
   * their lease ran out (a live instance renews it). Rows of the original backend carry no
   * lease; they count as abandoned after a day.
   */
  async failAbandonedExecutions(): Promise<number> {
    // The database's clock, as for writing leases: this instance's may differ from the writer's.
    const abandoned = await this.prisma.$queryRaw<Array<{ execution_id: string; process_id: string }>>`
      UPDATE automated_process_executions
      SET status = 'failed',
          completed_at = now(),
          lease_expires_at = NULL,
          error_message = 'The server running this execution stopped responding before it finished.'
      WHERE status IN ('pending', 'running')
        AND (lease_expires_at < now() OR (lease_expires_at IS NULL AND COALESCE(started_at, created_at) < now() - interval '1 day'))
      RETURNING execution_id, process_id`;
    for (const row of abandoned) {
      this.pubsub.publish('process:execution-updated', { executionId: row.execution_id, processId: row.process_id, status: 'failed' });
    }
    if (abandoned.length > 0) this.log.warn({ count: abandoned.length }, 'abandoned executions marked failed');
    return abandoned.length;
  }

  /** Extends a running execution's lease on the database's clock; false when it is no longer running. */
  async renewLease(executionId: string): Promise<boolean> {
    const renewed = await this.prisma.$executeRaw`
      UPDATE automated_process_executions SET lease_expires_at = now() + make_interval(secs => ${this.options.leaseSeconds})
      WHERE execution_id = ${executionId}::uuid AND status = 'running'`;
    return renewed > 0;
  }

  private async publish(execution: Pick<AutomatedProcessExecution, 'id' | 'processId'>, status: ExecutionStatusValue): Promise<void> {
    this.pubsub.publish('process:execution-updated', { executionId: execution.id, processId: execution.processId, status });
  }

  /** Stops runs of this instance: each is aborted and recorded as failed before this resolves. */
  async stop(): Promise<void> {
    const runs = [...this.inFlight.values()];
    for (const run of runs) run.controller.abort(new Error('the server stopped during the run'));
    await Promise.all(runs.map((run) => run.done));
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}
