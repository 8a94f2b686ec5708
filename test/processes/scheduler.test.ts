import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExecutionOutcome } from '../../src/processes/service.js';
import { eventually, testClock } from '../helpers/clock.js';
import { createTestDatabase } from '../helpers/database.js';
import { captureLogs } from '../helpers/logs.js';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

// Two server instances, each with its own scheduler, on one database, sharing one clock.
const databaseUrl = await createTestDatabase();
const clock = testClock();
const logs = { first: captureLogs('info'), second: captureLogs('info') };
const first = await startTestServer({
  databaseUrl,
  processClock: clock.now,
  logger: logs.first.logger,
  env: { BEHFLOW_SCHEDULER_POLL_SECONDS: '0.5', BEHFLOW_INSTANCE_NAME: 'first' },
});
const second = await startTestServer({
  databaseUrl,
  processClock: clock.now,
  logger: logs.second.logger,
  env: { BEHFLOW_SCHEDULER_POLL_SECONDS: '0.5', BEHFLOW_INSTANCE_NAME: 'second' },
});
const admin = await seed(first).user().admin().create();
const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();
afterAll(() => db.end());

const process = await first.prisma.automatedProcess.findUniqueOrThrow({ where: { name: 'reschedule_remaining_tasks' } });
const globalId = Buffer.from(`AutomatedProcess:${process.id}`).toString('base64');

/** pg-boss jobs of this process for slots in [since, until) that may still run: queued, retrying or being handled. */
async function liveJobs(since: number, until: number): Promise<string[]> {
  const { rows } = await db.query<{ slot: string }>(
    `SELECT data->>'slot' AS slot FROM pgboss.job
      WHERE name = 'behflow-process-slot' AND data->>'processId' = $1 AND state IN ('created', 'retry', 'active') AND (data->>'slot')::timestamptz >= $2 AND (data->>'slot')::timestamptz < $3`,
    [process.id, new Date(since), new Date(until)],
  );
  return rows.map((row) => row.slot);
}

/** Makes the queued job of this process's `slot` due now on the database's clock, as reaching the slot would. */
async function makeDue(slot: Date): Promise<void> {
  const { rowCount } = await db.query(
    `UPDATE pgboss.job SET start_after = now() WHERE name = 'behflow-process-slot' AND singleton_key = $1 AND state = 'created'`,
    [`${process.id}@${slot.toISOString()}`],
  );
  expect(rowCount).toBe(1);
}

const executionsOfSlot = (slot: Date) =>
  first.prisma.automatedProcessExecution.findMany({ where: { processId: process.id, scheduledFor: slot } });

describe('the scheduler with two instances on one database', () => {
  it('runs a slot once when both instances fire it at the same moment, and records which instance ran it', async () => {
    const slot = new Date('2025-12-18T04:00:00Z'); // 07:30 Tehran, a slot of the default schedule
    clock.set('2025-12-18T04:00:00.300Z');
    const outcomes = await Promise.all([first.running.scheduler!.fire(process.id, slot), second.running.scheduler!.fire(process.id, slot)]);
    expect(outcomes.sort()).toEqual(['ran', 'taken']);
    const executions = await executionsOfSlot(slot);
    expect(executions).toHaveLength(1);
    expect(executions[0]).toMatchObject({ status: 'completed', triggeredBy: 'schedule', skipReason: null });
    expect(['first', 'second']).toContain(executions[0]!.instanceName);
    // The instance that ran it says so in the log line of the run.
    const ranOn = executions[0]!.instanceName as 'first' | 'second';
    const line = logs[ranOn].entries().find((entry) => entry.msg === 'process run completed' && entry.executionId === executions[0]!.id);
    expect(line).toMatchObject({ instance: ranOn, process: 'reschedule_remaining_tasks', trigger: 'schedule' });
    // A slot that is not in the schedule (say, left over from before an edit) does not run.
    expect(await first.running.scheduler!.fire(process.id, new Date('2025-12-18T05:00:00Z'))).toBe('stale');
  });

  it('records a slot that comes while a run is going as skipped, on one instance, and tells subscribers', async () => {
    const member = await seed(first).user().create();
    const subscription = second.subscribe(
      graphql(
        `subscription SchedulerProcessExecutionUpdated($processId: ID) { processExecutionUpdated(processId: $processId) { status execution { skipReason } } }`,
      ),
      {
        token: member.token,
        variables: { processId: globalId },
      },
    );
    await subscription.live;
    /** Reads the subscription up to the next update with this status. */
    const update = async (status: string) => {
      for (;;) {
        const { processExecutionUpdated } = (await subscription.next()).data!;
        if (processExecutionUpdated.status === status) return processExecutionUpdated;
      }
    };
    const skipped: ExecutionOutcome[] = [];
    let manualEnded!: () => void;
    const manualDone = new Promise<void>((resolve) => (manualEnded = resolve));
    const stopListening = [first, second].map((server) =>
      server.running.processes.onOutcome((outcome) => {
        if (outcome.status === 'skipped') skipped.push(outcome);
        else if (outcome.trigger === 'manual') manualEnded();
      }),
    );
    // A manual run held inside its UPDATE of tasks.
    const blocker = new pg.Client({ connectionString: databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE tasks IN EXCLUSIVE MODE');
    const manual = await first.data(
      graphql(
        `mutation SchedulerRunAutomatedProcess($input: RunAutomatedProcessInput!) { runAutomatedProcess(input: $input) { execution { id } } }`,
      ),
      {
        token: admin.token,
        variables: { input: { id: globalId } },
      },
    );
    const manualId = Buffer.from(manual.runAutomatedProcess!.execution.id, 'base64').toString().split(':')[1]!;
    try {
      await update('RUNNING');
      const slot = new Date('2025-12-19T04:00:00Z');
      clock.set('2025-12-19T04:00:00.200Z');
      const outcomes = await Promise.all([
        first.running.scheduler!.fire(process.id, slot),
        second.running.scheduler!.fire(process.id, slot),
      ]);
      expect(outcomes.sort()).toEqual(['skipped', 'taken']);
      const rows = await executionsOfSlot(slot);
      expect(rows).toHaveLength(1);
      // Stored with the upstream status the original backend knows; the reason is our own column.
      expect(rows[0]).toMatchObject({
        status: 'disabled',
        skipReason: 'previous_run_active',
        startedAt: null,
        result: { skipped: true, active_execution_id: manualId },
      });
      const logged = [...logs.first.entries(), ...logs.second.entries()].filter((entry) => /slot skipped/.test(entry.msg ?? ''));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ executionId: rows[0]!.id, activeExecutionId: manualId, instance: rows[0]!.instanceName });
      expect(skipped.map((outcome) => [outcome.executionId, outcome.skipReason])).toEqual([[rows[0]!.id, 'previous_run_active']]);

      expect((await update('SKIPPED')).execution).toEqual({ skipReason: 'PREVIOUS_RUN_ACTIVE' });
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
      subscription.close();
    }
    await manualDone;
    stopListening.forEach((stop) => stop());
    expect((await first.prisma.automatedProcessExecution.findUniqueOrThrow({ where: { id: manualId } })).status).toBe('completed');
  });

  it('fires every slot through pg-boss exactly once, whichever instance fetches it, and stops when disabled', async () => {
    // The clock is driven: each slot comes when the test moves the clock to it and makes its
    // queued job due in pg-boss (which counts delays on the database's clock), so no test
    // waits for a slot. Both instances' workers poll for it; one of them runs it.
    clock.set('2025-12-21T15:00:40Z'); // 10:00:40 in New York
    const editedAt = clock.now().getTime();
    const scheduled: ExecutionOutcome[] = [];
    const waiting = new Map<number, () => void>();
    const stopListening = [first, second].map((server) =>
      server.running.processes.onOutcome((outcome) => {
        if (outcome.processId !== process.id || outcome.trigger !== 'schedule') return;
        scheduled.push(outcome);
        waiting.get(outcome.scheduledFor!.getTime())?.();
      }),
    );
    const edited = await first.data(
      graphql(
        `mutation SchedulerUpdateAutomatedProcess($input: UpdateAutomatedProcessInput!) { updateAutomatedProcess(input: $input) { process { schedule { expression } } } }`,
      ),
      { token: admin.token, variables: { input: { id: globalId, schedule: { cron: '0 * * * * *', timeZone: 'America/New_York' } } } },
    );
    expect(edited.updateAutomatedProcess!.process.schedule!.expression).toBe('0 * * * * *');
    // The edit is announced to both schedulers; this one queues its first slot now (once, whoever queues it).
    await first.running.scheduler!.sync(process.id);

    /** Moves the clock just past the next queued slot, makes its job due now, and waits for its run to end. */
    const comeTo = async (after: number) => {
      const [slot] = (await liveJobs(after + 1, after + 3_600_000)).map((queued) => new Date(queued).getTime()).sort((a, b) => a - b);
      expect(slot).toBeDefined();
      const ended = new Promise<void>((resolve) => waiting.set(slot!, resolve));
      clock.set(new Date(slot! + 200));
      await makeDue(new Date(slot!));
      await ended;
      return slot!;
    };
    const fired: number[] = [];
    for (let last = editedAt; fired.length < 4; ) fired.push((last = await comeTo(last)));
    expect(fired.map((slot) => new Date(slot).toISOString())).toEqual([
      '2025-12-21T15:01:00.000Z',
      '2025-12-21T15:02:00.000Z',
      '2025-12-21T15:03:00.000Z',
      '2025-12-21T15:04:00.000Z',
    ]);
    expect(scheduled.map((outcome) => outcome.status)).toEqual(['completed', 'completed', 'completed', 'completed']);

    await first.data(
      graphql(
        `mutation SchedulerDisableAutomatedProcess($input: DisableAutomatedProcessInput!) { disableAutomatedProcess(input: $input) { process { isEnabled } } }`,
      ),
      {
        token: admin.token,
        variables: { input: { id: globalId } },
      },
    );
    // The job already queued (the fifth slot's) fires, finds the process disabled and queues
    // nothing more. (Jobs for the daily slots of before the edit wait for their day, then find
    // the schedule changed.) A dropped job is not announced: the queue is polled, bounded.
    const fifth = fired.at(-1)! + 60_000;
    expect(await liveJobs(fifth, fifth + 1)).toEqual([new Date(fifth).toISOString()]);
    clock.set(new Date(fifth + 200));
    await makeDue(new Date(fifth));
    expect(
      await eventually(
        () => liveJobs(editedAt, fifth + 3_600_000),
        (jobs) => jobs.length === 0,
        10_000,
      ),
    ).toEqual([]);
    const active = () =>
      first.prisma.automatedProcessExecution.count({ where: { processId: process.id, status: { in: ['pending', 'running'] } } });
    expect(await active()).toBe(0);
    stopListening.forEach((stop) => stop());

    const runs = await first.prisma.automatedProcessExecution.findMany({
      where: { processId: process.id, triggeredBy: 'schedule', scheduledFor: { gte: new Date(editedAt) } },
      orderBy: { scheduledFor: 'asc' },
    });
    // Each slot ran once, on one of the instances; the fifth did not run.
    expect(runs.map((run) => run.scheduledFor!.getTime())).toEqual(fired);
    for (const run of runs) {
      expect(run.status).toBe('completed');
      expect(['first', 'second']).toContain(run.instanceName);
    }
  });
});
