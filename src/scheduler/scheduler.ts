// The job runner of time-based processes, on pg-boss (PostgreSQL only). Each enabled
// time-based process has one queued job for its next slot (singleton key = process + slot,
// due when this instance's clock reaches the slot). Whichever instance fetches it re-reads the
// process: a job left over from before an edit, a disable or a delete no longer matches and is
// dropped. Otherwise it queues the following slot at once, then claims the slot: a slot runs at
// most once because its execution row is unique per (process, slot), and one that comes while
// a run of the process is still going is recorded as skipped. The run goes on in the
// background, owned through its lease, so the chain of slots never waits for it.
//
// Jobs outlive instances: after a time when no scheduler was up, the job of the first missed
// slot fires late once one is back, and the process's catch-up policy decides (see catchUp
// in registry.ts): `latest` runs the most recent missed slot once, `none` records it as
// skipped and waits for the next slot. Earlier missed slots are counted, not run.
import PgBoss from 'pg-boss';
import type { AutomatedProcess, PrismaClient } from '../db/prisma.js';
import type { Logger } from '../logger.js';
import type { ProcessService } from '../processes/service.js';
import type { BehflowPubSub } from '../pubsub/index.js';
import { JOB_EXPIRY_MARGIN_SECONDS, MAX_JOB_EXPIRY_SECONDS, runPolicyOf } from './registry.js';
import { isSlotOf, latestSlotBetween, nextSlot, type Schedule } from './schedule.js';

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
  /** This instance's clock (tests may set it): slots are computed, queued and judged late on it. */
  readonly now?: () => Date;
  /** Told each time this instance has queued (or found already queued) a process's next slot. */
  readonly onSlotQueued?: (queued: { processId: string; slot: Date }) => void;
}

/**
 * What became of a slot job: `ran` (this instance ran it), `skipped` (a run was still going;
 * recorded), `missed` (late, and the catch-up policy is none; recorded), `taken` (another
 * instance had it already), `stale` (the process changed; nothing to do).
 */
export type FireOutcome = 'ran' | 'skipped' | 'missed' | 'taken' | 'stale';

/** A slot starting later than this after its time was missed: no scheduler was up to start it. */
export function missedAfterMs(pollIntervalSeconds: number): number {
  return Math.max(60_000, 3 * pollIntervalSeconds * 1000);
}

/** Missed slots are counted up to this many (a per-second schedule misses 86,400 a day). */
const MISSED_COUNT_LIMIT = 1000;

/** How many slots lie in [from, before), counting at most MISSED_COUNT_LIMIT. */
function slotsBetween(schedule: Schedule, from: Date, before: Date): number {
  let count = 0;
  for (
    let slot = nextSlot(schedule, new Date(from.getTime() - 1));
    slot && slot < before && count < MISSED_COUNT_LIMIT;
    slot = nextSlot(schedule, slot)
  )
    count += 1;
  return count;
}

export class ProcessScheduler {
  private boss: PgBoss | null = null;
  private readonly log: Logger;
  private readonly cleanups: Array<() => unknown> = [];
  private stopping = false;
  private readonly now: () => Date;

  constructor(private readonly options: SchedulerOptions) {
    this.log = options.logger.child({ component: 'scheduler', instance: options.processes.instanceName });
    this.now = options.now ?? (() => new Date());
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
      for (const job of jobs) {
        // Failed, the job is retried in a few seconds, by an instance that is not going away.
        if (this.stopping) throw new Error('this instance is stopping');
        // The run itself is not awaited: the next job (another slot, another process) need not wait for it.
        await this.dispatch(job.data.processId, new Date(job.data.slot));
      }
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
      void this.options.processes
        .failAbandonedExecutions()
        .catch((error: Error) => this.log.warn({ err: { message: error.message } }, 'recovery sweep failed'));
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

  /** Queues the process's next slot after `after` (or now, if later), if it has one. */
  async sync(processId: string, after?: Date): Promise<Date | null> {
    if (!this.boss || this.stopping) return null;
    const process = await this.options.prisma.automatedProcess.findUnique({ where: { id: processId } });
    if (!process?.isEnabled) return null;
    return this.queueNext(process, after);
  }

  private async queueNext(process: AutomatedProcess, after?: Date): Promise<Date | null> {
    const schedule = this.options.processes.scheduleOf(process);
    if (!schedule || !this.boss || this.stopping) return null;
    const now = this.now();
    const slot = nextSlot(schedule, after && after > now ? after : now);
    if (!slot) return null;
    await this.boss.send(SLOT_QUEUE, { processId: process.id, slot: slot.toISOString() } satisfies SlotJob, {
      singletonKey: `${process.id}@${slot.toISOString()}`,
      // Due when this instance's clock reaches the slot (pg-boss counts the delay on the database's).
      startAfter: Math.max(0, Math.round(slot.getTime() - now.getTime()) / 1000),
      // The job claims the slot and starts the run; that transaction is bounded by the process's
      // timeout. A job still active past it belongs to an instance that died meanwhile.
      expireInSeconds: Math.min(MAX_JOB_EXPIRY_SECONDS, 2 * runPolicyOf(process.processConfig).timeoutSeconds + JOB_EXPIRY_MARGIN_SECONDS),
    });
    this.options.onSlotQueued?.({ processId: process.id, slot });
    return slot;
  }

  /**
   * Runs one slot of a process if it is still due, and waits for the run to end (tests and
   * tools use this; the pg-boss worker does not wait).
   */
  async fire(processId: string, slot: Date): Promise<FireOutcome> {
    const { outcome, run } = await this.dispatch(processId, slot);
    await run;
    return outcome;
  }

  /**
   * The work of one slot job: if the process still has this slot, queue its next slot, then
   * claim the slot due now (the job's own, or the latest since it when it fired late) and start
   * its run, or record it as skipped.
   */
  private async dispatch(processId: string, jobSlot: Date): Promise<{ outcome: FireOutcome; run?: Promise<void> }> {
    const process = await this.options.prisma.automatedProcess.findUnique({ where: { id: processId } });
    const schedule = process?.isEnabled ? this.options.processes.scheduleOf(process) : null;
    if (!process || !schedule || !isSlotOf(schedule, jobSlot)) {
      // An edit queued the new schedule's slot itself; this makes sure of it.
      await this.sync(processId).catch((error: Error) =>
        this.log.error({ err: { message: error.message }, processId }, 'could not queue the next slot'),
      );
      return { outcome: 'stale' };
    }
    const now = this.now();
    const due = latestSlotBetween(schedule, jobSlot, now) ?? jobSlot;
    await this.queueNext(process, due).catch((error: Error) =>
      this.log.error({ err: { message: error.message }, processId }, 'could not queue the next slot'),
    );

    const grace = missedAfterMs(this.options.pollIntervalSeconds);
    const dueIsLate = now.getTime() - due.getTime() > grace;
    const catchUp = runPolicyOf(process.processConfig).catchUp;
    // Slots that will never run: those passed over for a later one, and, by policy, a late one.
    const passedOver = slotsBetween(schedule, jobSlot, due);
    if (dueIsLate && catchUp === 'none') {
      const missedSlots = passedOver + 1;
      const result = { first_missed_slot: jobSlot.toISOString(), missed_slots: missedSlots, catch_up: catchUp };
      const claim = await this.options.processes.claimSlot(process, due, { skip: { reason: 'missed', result }, missedSlots });
      return { outcome: claim.kind === 'skipped' ? 'missed' : 'taken' };
    }
    const claim = await this.options.processes.claimSlot(process, due, { missedSlots: passedOver });
    if (claim.kind === 'skipped') return { outcome: 'skipped' };
    if (claim.kind !== 'started') return { outcome: 'taken' };
    if (now.getTime() - jobSlot.getTime() > grace) {
      // Told once: only the instance that claimed the slot gets here.
      this.log.info(
        { process: process.name, slot: due, firstMissedSlot: jobSlot, missedSlots: passedOver, catchUp },
        dueIsLate
          ? 'slots were missed while no scheduler was up; running the latest of them once (catch-up policy latest)'
          : 'slots were missed while no scheduler was up; running the current one',
      );
    }
    const run = this.options.processes.runInBackground(process, claim.execution, {
      trigger: 'schedule',
      scheduledFor: due,
      missedSlots: passedOver,
    });
    return { outcome: 'ran', run };
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
