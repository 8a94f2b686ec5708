// The job runner of time-based processes, on pg-boss (PostgreSQL only). Each enabled
// time-based process has one queued job for its next slot (singleton key = process + slot,
// start after = the slot). Whichever instance fetches it re-reads the process: a job left
// over from before an edit, a disable or a delete no longer matches and is dropped. A slot
// runs at most once because its execution row is unique per (process, slot), and the job
// that ran it queues the following slot. Jobs outlive instances, so a slot missed while
// every instance was down runs once when one comes back (missed runs are coalesced).
import PgBoss from 'pg-boss';
import type { PrismaClient } from '../db/prisma.js';
import type { Logger } from '../logger.js';
import type { ProcessService } from '../processes/service.js';
import type { BehflowPubSub } from '../pubsub/index.js';
import { JOB_EXPIRY_MARGIN_SECONDS, MAX_JOB_EXPIRY_SECONDS, runPolicySchema, runWindowSeconds } from './registry.js';
import { isSlotOf, nextSlot } from './schedule.js';

export const SLOT_QUEUE = 'behflow-process-slot';

interface SlotJob {
  readonly processId: string;
  /** ISO instant of the slot. */
  readonly slot: string;
}

export interface SchedulerOptions {
  readonly connectionString: string;
  readonly prisma: PrismaClient;
  readonly processes: ProcessService;
  /** Where schedule changes made on any instance are announced. */
  readonly pubsub: BehflowPubSub;
  readonly logger: Logger;
  /** How often an idle instance asks for due slot jobs. */
  readonly pollIntervalSeconds: number;
  /** How often abandoned executions are looked for (and every process's next slot re-queued). */
  readonly recoveryIntervalSeconds: number;
}

export type FireOutcome = 'ran' | 'skipped';

export class ProcessScheduler {
  private boss: PgBoss | null = null;
  private readonly log: Logger;
  private readonly cleanups: Array<() => unknown> = [];
  private stopping = false;

  constructor(private readonly options: SchedulerOptions) {
    this.log = options.logger.child({ component: 'scheduler' });
  }

  /**
   * Creates the slot queue unless it exists. Instances starting at the same moment on a new
   * database race in pg-boss's createQueue (it can fail with a deadlock or a duplicate); the
   * loser looks again and finds the queue the winner made.
   */
  private async ensureSlotQueue(boss: PgBoss): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        if (await boss.getQueue(SLOT_QUEUE)) return;
        // 'short': at most one queued job per singleton key, so resyncs never queue a slot twice.
        await boss.createQueue(SLOT_QUEUE, { name: SLOT_QUEUE, policy: 'short', retryLimit: 1, retryDelay: 5 });
        return;
      } catch (error) {
        if (attempt >= 5) throw error;
        this.log.debug({ err: { message: (error as Error).message }, attempt }, 'slot queue creation raced another instance; retrying');
        await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt + Math.random() * 50));
      }
    }
  }

  async start(): Promise<void> {
    const boss = new PgBoss({
      connectionString: this.options.connectionString,
      application_name: 'behflow-scheduler',
      max: 3,
      // Our own slot computation replaces pg-boss cron; its maintenance stays on.
      schedule: false,
      supervise: true,
      maintenanceIntervalSeconds: 300,
    });
    boss.on('error', (error: Error) => this.log.error({ err: { message: error.message } }, 'pg-boss error'));
    this.boss = boss;
    await boss.start();
    await this.ensureSlotQueue(boss);
    await boss.work<SlotJob>(SLOT_QUEUE, { pollingIntervalSeconds: this.options.pollIntervalSeconds, batchSize: 1 }, async (jobs) => {
      for (const job of jobs) await this.fire(job.data.processId, new Date(job.data.slot));
    });

    const changes = this.options.pubsub.subscribe('process:schedule-changed');
    const listening = (async () => {
      for await (const change of changes) {
        await this.sync(change.processId).catch((error: Error) =>
          this.log.error({ err: { message: error.message }, processId: change.processId }, 'rescheduling failed'),
        );
      }
    })();
    this.cleanups.push(async () => {
      await changes.return?.();
      await listening;
    });

    await this.options.processes.failAbandonedExecutions();
    await this.syncAll();
    const recovery = setInterval(() => {
      void this.options.processes.failAbandonedExecutions().catch((error: Error) => this.log.warn({ err: { message: error.message } }, 'recovery sweep failed'));
      // A schedule change announced while this instance was not listening (restarting, or its
      // listening connection down) is picked up here at the latest.
      void this.syncAll().catch((error: Error) => this.log.warn({ err: { message: error.message } }, 'schedule resync failed'));
    }, this.options.recoveryIntervalSeconds * 1000);
    recovery.unref();
    this.cleanups.push(() => clearInterval(recovery));
  }

  /** Queues the next slot of every enabled time-based process (idempotent). */
  async syncAll(): Promise<void> {
    const processes = await this.options.prisma.automatedProcess.findMany({
      where: { triggerType: 'time_based', isEnabled: true },
      select: { id: true },
    });
    // One process that cannot be queued must not keep the others (or this instance's start) from it.
    for (const process of processes) {
      try {
        await this.sync(process.id);
      } catch (error) {
        this.log.error({ err: { message: (error as Error).message }, processId: process.id }, 'could not queue the next slot of a process');
      }
    }
  }

  /** Queues the process's next slot after `after` (default now), if it has one. */
  async sync(processId: string, after = new Date()): Promise<Date | null> {
    if (!this.boss || this.stopping) return null;
    const process = await this.options.prisma.automatedProcess.findUnique({ where: { id: processId } });
    if (!process || !process.isEnabled) return null;
    const schedule = this.options.processes.scheduleOf(process);
    if (!schedule) return null;
    const from = new Date(Math.max(Date.now(), after.getTime()));
    const slot = nextSlot(schedule, from);
    if (!slot) return null;
    const policy = runPolicySchema.safeParse(process.processConfig ?? {});
    const window = runWindowSeconds(policy.success ? policy.data : runPolicySchema.parse({}));
    await this.boss.send(SLOT_QUEUE, { processId, slot: slot.toISOString() } satisfies SlotJob, {
      singletonKey: `${processId}@${slot.toISOString()}`,
      startAfter: slot,
      // A job still active past every attempt's timeout belongs to a dead instance. Capped at
      // pg-boss's limit: a row stored before that limit was validated must not stop queueing.
      expireInSeconds: Math.min(MAX_JOB_EXPIRY_SECONDS, Math.ceil(window + JOB_EXPIRY_MARGIN_SECONDS)),
    });
    return slot;
  }

  /**
   * Runs one slot of a process if it is still due: the process exists, is enabled, is
   * time-based and its current schedule has this slot. Then queues its next slot.
   */
  async fire(processId: string, slot: Date): Promise<FireOutcome> {
    try {
      const process = await this.options.prisma.automatedProcess.findUnique({ where: { id: processId } });
      if (!process || !process.isEnabled) return 'skipped';
      const schedule = this.options.processes.scheduleOf(process);
      if (!schedule || !isSlotOf(schedule, slot)) return 'skipped';
      const execution = await this.options.processes.startExecution(process, { trigger: 'schedule', scheduledFor: slot });
      if (!execution) return 'skipped';
      await this.options.processes.runExecution(process, execution, { trigger: 'schedule', scheduledFor: slot });
      return 'ran';
    } finally {
      await this.sync(processId, slot).catch((error: Error) => this.log.error({ err: { message: error.message }, processId }, 'could not queue the next slot'));
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const cleanup of this.cleanups.splice(0)) await cleanup();
    // Runs of this instance end first (recorded as failed), so the workers can drain.
    await this.options.processes.stop();
    await this.boss?.stop({ graceful: true, wait: true, close: true, timeout: 5_000 });
    this.boss = null;
  }
}
