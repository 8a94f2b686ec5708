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
    const skipped: ExecutionOutcome[] = [];
    const stopListening = [first, second].map((server) =>
      server.running.processes.onOutcome((outcome) => outcome.status === 'skipped' && skipped.push(outcome)),
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
      await eventually(
        () => first.prisma.automatedProcessExecution.findUniqueOrThrow({ where: { id: manualId } }),
        (row) => row.status === 'running',
      );
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

      const event = await eventually(
        () => subscription.pending.find((result) => result.data?.processExecutionUpdated.status === 'SKIPPED'),
        (found) => found !== undefined,
      );
      expect(event!.data!.processExecutionUpdated.execution).toEqual({ skipReason: 'PREVIOUS_RUN_ACTIVE' });
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
      stopListening.forEach((stop) => stop());
      subscription.close();
    }
    await eventually(
      () => first.prisma.automatedProcessExecution.findUniqueOrThrow({ where: { id: manualId } }),
      (row) => row.status === 'completed',
    );
  });

  it('fires every slot through pg-boss exactly once, whichever instance fetches it, and stops when disabled', async () => {
    clock.set(new Date()); // the real time: pg-boss fires jobs when their slots come
    const scheduled: ExecutionOutcome[] = [];
    const stopListening = [first, second].map((server) =>
      server.running.processes.onOutcome(
        (outcome) => outcome.processId === process.id && outcome.trigger === 'schedule' && scheduled.push(outcome),
      ),
    );
    const editedAt = Date.now();
    const edited = await first.data(
      graphql(
        `mutation SchedulerUpdateAutomatedProcess($input: UpdateAutomatedProcessInput!) { updateAutomatedProcess(input: $input) { process { schedule { expression } } } }`,
      ),
      { token: admin.token, variables: { input: { id: globalId, schedule: { cron: '* * * * * *', timeZone: 'America/New_York' } } } },
    );
    expect(edited.updateAutomatedProcess!.process.schedule!.expression).toBe('* * * * * *');
    await eventually(
      () => scheduled.filter((outcome) => outcome.status === 'completed').length,
      (count) => count >= 4,
      20_000,
    );

    await first.data(
      graphql(
        `mutation SchedulerDisableAutomatedProcess($input: DisableAutomatedProcessInput!) { disableAutomatedProcess(input: $input) { process { isEnabled } } }`,
      ),
      {
        token: admin.token,
        variables: { input: { id: globalId } },
      },
    );
    const disabledAt = Date.now();
    // The job already queued fires, finds the process disabled and queues nothing more. (Jobs
    // for the daily slots of before the edit wait for their day, then find the schedule changed.)
    expect(
      await eventually(
        () => liveJobs(editedAt, disabledAt + 60_000),
        (jobs) => jobs.length === 0,
        10_000,
      ),
    ).toEqual([]);
    const active = () =>
      first.prisma.automatedProcessExecution.count({ where: { processId: process.id, status: { in: ['pending', 'running'] } } });
    expect(await eventually(active, (count) => count === 0)).toBe(0);
    stopListening.forEach((stop) => stop());

    const runs = await first.prisma.automatedProcessExecution.findMany({
      where: { processId: process.id, triggeredBy: 'schedule', scheduledFor: { gte: new Date(editedAt) } },
      orderBy: { scheduledFor: 'asc' },
    });
    const slots = runs.map((run) => run.scheduledFor!.getTime());
    expect(runs.length).toBeGreaterThanOrEqual(4);
    // Slots of the new schedule only, none twice; each ran, or was recorded as skipped because
    // the previous run was still going (a run is never started twice at once).
    expect(new Set(slots).size).toBe(slots.length);
    expect(slots.every((slot) => slot % 1000 === 0)).toBe(true);
    for (const run of runs) {
      expect(run.status === 'completed' || (run.status === 'disabled' && run.skipReason === 'previous_run_active')).toBe(true);
      expect(['first', 'second']).toContain(run.instanceName);
    }
    expect(slots.filter((slot) => slot > disabledAt + 1_000)).toEqual([]);
  }, 40_000);
});
