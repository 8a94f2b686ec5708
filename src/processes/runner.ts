// Running one execution on this instance: its lease kept renewed, its attempts (each bounded
// by the process's timeout), its end recorded, published, logged and reported. The runs in
// flight are known here, so a stop or a deleted process can end them.
import type { AutomatedProcess, AutomatedProcessExecution, PrismaClient } from '../db/prisma.js';
import type { Logger } from '../logger.js';
import { runPolicyOf, type ProcessRegistry } from '../scheduler/registry.js';
import type { TaskService } from '../tasks/service.js';
import { runAttempts } from './attempts.js';
import { formatIssues } from './definition.js';
import type { EventLog } from '../events/log.js';
import { boundsOf, executionEvent, finishExecution, type ExecutionOutcome, type ExecutionRequest, type RunEnd } from './executions.js';

export interface ExecutionRunnerDependencies {
  readonly prisma: PrismaClient;
  readonly log: Logger;
  readonly registry: ProcessRegistry;
  readonly serviceTimeZone: string;
  readonly leaseSeconds: number;
  readonly tasks: TaskService;
  readonly instanceName: string;
  readonly now: () => Date;
  /** Where execution status changes are logged with the change, and sent on from. */
  readonly events: EventLog;
  report(outcome: ExecutionOutcome): void;
}

export class ExecutionRunner {
  private readonly inFlight = new Map<string, { processId: string; controller: AbortController; done: Promise<void> }>();

  constructor(private readonly deps: ExecutionRunnerDependencies) {}

  /**
   * Renews a run's lease every third of its length. A renewal that changes no row means the
   * run is no longer ours (recovery marked it failed, or it was deleted): it stops instead of
   * going on unowned.
   */
  private keepLease(process: AutomatedProcess, execution: AutomatedProcessExecution, controller: AbortController): NodeJS.Timeout {
    let renewing = false;
    const heartbeat = setInterval(
      () => {
        if (renewing || controller.signal.aborted) return;
        renewing = true;
        void this.renewLease(execution.id)
          .then((owned) => {
            if (owned) return;
            this.deps.log.warn(
              { executionId: execution.id, process: process.name },
              "execution lease lost: the run is no longer this instance's; stopping it",
            );
            controller.abort(new Error('the execution was marked failed elsewhere (its lease was lost) while it ran'));
          })
          .catch((error: Error) =>
            this.deps.log.warn({ err: { message: error.message }, executionId: execution.id }, 'execution lease renewal failed'),
          )
          .finally(() => (renewing = false));
      },
      Math.max(1000, (this.deps.leaseSeconds * 1000) / 3),
    );
    heartbeat.unref();
    return heartbeat;
  }

  /** Runs a pending execution to its end: attempts with a timeout each, a lease renewed meanwhile. */
  async run(process: AutomatedProcess, execution: AutomatedProcessExecution, request: ExecutionRequest): Promise<void> {
    const key = `${process.id}:${execution.id}`;
    const controller = new AbortController();
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    this.inFlight.set(key, { processId: process.id, controller, done });
    const heartbeat = this.keepLease(process, execution, controller);
    try {
      const startedAt = new Date();
      const started = await this.deps.prisma.$transaction(async (tx) => {
        const updated = await tx.$executeRaw`
          UPDATE automated_process_executions
          SET status = 'running', started_at = ${startedAt}, lease_expires_at = now() + make_interval(secs => ${this.deps.leaseSeconds})
          WHERE execution_id = ${execution.id}::uuid AND status = 'pending'`;
        return updated === 0 ? null : this.deps.events.append(tx, [executionEvent(execution, 'running')]);
      });
      if (!started) return;
      this.deps.events.publish(started);

      let end: RunEnd;
      try {
        end = { status: 'completed', result: await this.attempt(process, request, controller.signal) };
      } catch (error) {
        end = { status: 'failed', error: (error as Error).message || String(error) };
      }
      const completedAt = new Date();
      const recorded = await finishExecution(
        this.deps.prisma,
        this.deps.events,
        execution,
        end,
        completedAt,
        boundsOf(runPolicyOf(process.processConfig).timeoutSeconds),
      );
      if (!recorded) {
        const current = await this.deps.prisma.automatedProcessExecution.findUnique({
          where: { id: execution.id },
          select: { status: true },
        });
        this.deps.log.warn(
          { executionId: execution.id, process: process.name, outcome: end.status, recordedStatus: current?.status ?? 'deleted' },
          'execution finished after it was already marked failed (its lease had run out); its outcome is not recorded',
        );
        return;
      }
      this.deps.events.publish(recorded);
      const durationMs = completedAt.getTime() - startedAt.getTime();
      const line = {
        process: process.name,
        executionId: execution.id,
        trigger: request.trigger,
        ...(request.scheduledFor ? { slot: request.scheduledFor } : {}),
        ...(request.missedSlots ? { missedSlots: request.missedSlots } : {}),
        durationMs,
      };
      if (end.status === 'completed') this.deps.log.info(line, 'process run completed');
      else this.deps.log.warn({ ...line, err: { message: end.error } }, 'process run failed');
      this.deps.report({
        processId: process.id,
        processName: process.name,
        executionId: execution.id,
        trigger: request.trigger,
        status: end.status,
        skipReason: null,
        scheduledFor: request.scheduledFor ?? null,
        durationMs,
        instanceName: this.deps.instanceName,
        abandoned: false,
        missedSlots: request.missedSlots ?? 0,
      });
    } finally {
      clearInterval(heartbeat);
      this.inFlight.delete(key);
      finish();
    }
  }

  /** One execution's attempts (1 + retries), each bounded by the process's timeout. */
  private async attempt(process: AutomatedProcess, request: ExecutionRequest, stopSignal: AbortSignal): Promise<Record<string, unknown>> {
    const implementation = this.deps.registry.get(process.name);
    if (!implementation) throw new Error(`no implementation is registered for ${process.name}`);
    const parsed = this.deps.registry.configSchemaOf(implementation).safeParse(process.processConfig ?? {});
    if (!parsed.success) throw new Error(`invalid process config: ${formatIssues(parsed.error, 'processConfig').message}`);
    const policy = runPolicyOf(parsed.data);
    const log = this.deps.log.child({ process: process.name });
    const { value, attempts } = await runAttempts(policy, stopSignal, log, (attempt) =>
      implementation.run({
        config: parsed.data,
        prisma: this.deps.prisma,
        logger: log,
        now: this.deps.now(),
        serviceTimeZone: this.deps.serviceTimeZone,
        signal: attempt.signal,
        timeoutSeconds: policy.timeoutSeconds,
        remainingMs: attempt.remainingMs,
        tasks: this.deps.tasks,
        trigger: request.trigger,
        event: request.event ?? null,
      }),
    );
    return attempts > 1 ? { ...value, attempts } : value;
  }

  /** Extends a running execution's lease on the database's clock; false when it is no longer running. */
  async renewLease(executionId: string): Promise<boolean> {
    const renewed = await this.deps.prisma.$executeRaw`
      UPDATE automated_process_executions SET lease_expires_at = now() + make_interval(secs => ${this.deps.leaseSeconds})
      WHERE execution_id = ${executionId}::uuid AND status = 'running'`;
    return renewed > 0;
  }

  /** Aborts this instance's runs of a process (each records its failure). */
  abortRunsOf(processId: string, reason: Error): void {
    for (const run of this.inFlight.values()) if (run.processId === processId) run.controller.abort(reason);
  }

  /** Stops runs of this instance: each is aborted and recorded as failed before this resolves. */
  async stop(): Promise<void> {
    const runs = [...this.inFlight.values()];
    for (const run of runs) run.controller.abort(new Error('the server stopped during the run'));
    await Promise.all(runs.map((run) => run.done));
  }
}
