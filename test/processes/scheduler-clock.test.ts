import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExecutionOutcome } from '../../src/processes/service.js';
import type { CatchUpPolicy } from '../../src/scheduler/registry.js';
import { testClock, type TestClock } from '../helpers/clock.js';
import { createTestDatabase } from '../helpers/database.js';
import { captureLogs } from '../helpers/logs.js';
import { seed } from '../helpers/seed.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

// The scheduler on a clock the tests set. Its pg-boss worker polls every 300 s, so nothing
// fires by itself: each test fires the slot jobs the scheduler queued, at the time it chooses.
const IDLE_WORKER = { BEHFLOW_SCHEDULER_POLL_SECONDS: '300' };
const clients: pg.Client[] = [];
afterAll(() => Promise.all(clients.map((client) => client.end())));

async function connect(databaseUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  clients.push(client);
  return client;
}

/** The slots of the process that pg-boss holds queued, oldest first. */
async function queuedSlots(db: pg.Client, processId: string): Promise<string[]> {
  const { rows } = await db.query<{ slot: string }>(
    `SELECT data->>'slot' AS slot FROM pgboss.job WHERE name = 'behflow-process-slot' AND data->>'processId' = $1 AND state = 'created' ORDER BY 1`,
    [processId],
  );
  return rows.map((row) => row.slot);
}

async function reschedule(server: TestServer) {
  return server.prisma.automatedProcess.findUniqueOrThrow({ where: { name: 'reschedule_remaining_tasks' } });
}

describe('sub-daily schedules across DST changes, through the scheduler', () => {
  /**
   * Sets the schedule with the clock at `from`, then fires `count` slots the way pg-boss
   * would: each time the next slot the scheduler queued, with the clock just past it.
   */
  async function runSlots(
    server: TestServer,
    db: pg.Client,
    clock: TestClock,
    schedule: { cron: string; timezone: string },
    from: string,
    count: number,
  ) {
    const process = await reschedule(server);
    clock.set(from);
    await server.running.processes.update(process.id, { schedule, processConfig: { catchUp: 'none' } });
    await server.running.scheduler!.sync(process.id);
    let last = new Date(from).getTime();
    for (let fired = 0; fired < count; fired += 1) {
      const next = (await queuedSlots(db, process.id)).map((slot) => new Date(slot)).find((slot) => slot.getTime() > last)!;
      clock.set(new Date(next.getTime() + 200));
      // On time, so it runs even with catch-up `none`.
      expect(await server.running.scheduler!.fire(process.id, next)).toBe('ran');
      last = next.getTime();
    }
    const runs = await server.prisma.automatedProcessExecution.findMany({
      where: { processId: process.id, triggeredBy: 'schedule', scheduledFor: { gte: new Date(from), lte: new Date(last) } },
      orderBy: { scheduledFor: 'asc' },
    });
    expect(runs.every((run) => run.status === 'completed')).toBe(true);
    return runs.map((run) => run.scheduledFor!.toISOString());
  }

  it('runs an hourly New York schedule in both passes of the repeated hour, and */30 in Berlin across the jump', async () => {
    const databaseUrl = await createTestDatabase();
    const clock = testClock('2025-11-02T04:30:00Z');
    const server = await startTestServer({ databaseUrl, processClock: clock.now, env: IDLE_WORKER });
    const db = await connect(databaseUrl);
    // 01:00 EDT, 01:00 EST, 02:00 EST, 03:00 EST.
    expect(await runSlots(server, db, clock, { cron: '0 * * * *', timezone: 'America/New_York' }, '2025-11-02T04:30:00Z', 4)).toEqual([
      '2025-11-02T05:00:00.000Z',
      '2025-11-02T06:00:00.000Z',
      '2025-11-02T07:00:00.000Z',
      '2025-11-02T08:00:00.000Z',
    ]);
    // 01:00 and 01:30 CET, then 03:00 and 03:30 CEST: the clocks never show 02:xx that night.
    expect(await runSlots(server, db, clock, { cron: '*/30 * * * *', timezone: 'Europe/Berlin' }, '2025-03-29T23:50:00Z', 4)).toEqual([
      '2025-03-30T00:00:00.000Z',
      '2025-03-30T00:30:00.000Z',
      '2025-03-30T01:00:00.000Z',
      '2025-03-30T01:30:00.000Z',
    ]);
  });
});

describe('catch-up after every instance was down', () => {
  /**
   * An hourly process runs at 09:00 on one instance, which then stops; the clock moves on to
   * 13:20 (10:00 to 13:00 missed) and another instance starts on the same database. The job
   * the first one queued for 10:00 outlived it; its time has come, and the new one fetches it.
   */
  async function outage(catchUp: CatchUpPolicy | undefined) {
    const databaseUrl = await createTestDatabase();
    const db = await connect(databaseUrl);
    const clock = testClock('2025-06-01T09:00:00.200Z');
    const before = await startTestServer({
      databaseUrl,
      processClock: clock.now,
      env: { ...IDLE_WORKER, BEHFLOW_INSTANCE_NAME: 'before' },
    });
    const process = await reschedule(before);
    await before.running.processes.update(process.id, {
      schedule: { cron: '0 * * * *', timezone: 'UTC' },
      processConfig: catchUp ? { catchUp } : {},
    });
    expect(await before.running.scheduler!.fire(process.id, new Date('2025-06-01T09:00:00Z'))).toBe('ran');
    expect(await queuedSlots(db, process.id)).toContain('2025-06-01T10:00:00.000Z');
    await before.stop();

    clock.set('2025-06-01T13:20:00Z');
    const logs = captureLogs('info');
    const after = await startTestServer({
      databaseUrl,
      processClock: clock.now,
      logger: logs.logger,
      env: { BEHFLOW_SCHEDULER_POLL_SECONDS: '0.5', BEHFLOW_INSTANCE_NAME: 'after' },
    });
    const outcomes: ExecutionOutcome[] = [];
    const firstOutcome = new Promise<void>((resolve) =>
      after.running.processes.onOutcome((outcome) => {
        outcomes.push(outcome);
        resolve();
      }),
    );
    // pg-boss counts a job's delay on the real clock, and this outage happened on ours.
    await db.query(
      `UPDATE pgboss.job SET start_after = now() WHERE name = 'behflow-process-slot' AND state = 'created' AND data->>'slot' = '2025-06-01T10:00:00.000Z'`,
    );
    await firstOutcome;
    const executions = await after.prisma.automatedProcessExecution.findMany({
      where: { processId: process.id, scheduledFor: { gt: new Date('2025-06-01T09:00:00Z') } },
      orderBy: { scheduledFor: 'asc' },
    });
    return { after, process, outcomes, executions, logs, queued: await queuedSlots(db, process.id) };
  }

  it('runs the latest missed slot once by default (catchUp: latest), and no other', async () => {
    const { after, process, outcomes, executions, logs, queued } = await outage(undefined);
    expect(executions.map((row) => [row.scheduledFor!.toISOString(), row.status, row.instanceName])).toEqual([
      ['2025-06-01T13:00:00.000Z', 'completed', 'after'],
    ]);
    expect(outcomes).toEqual([
      expect.objectContaining({
        processId: process.id,
        status: 'completed',
        scheduledFor: new Date('2025-06-01T13:00:00Z'),
        missedSlots: 3,
        instanceName: 'after',
      }),
    ]);
    const told = logs.entries().filter((entry) => /slots were missed/.test(entry.msg ?? ''));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ missedSlots: 3, catchUp: 'latest', firstMissedSlot: '2025-06-01T10:00:00.000Z', instance: 'after' });
    // The chain goes on from now.
    expect(queued).toContain('2025-06-01T14:00:00.000Z');

    // Administrators see where it ran; other users do not.
    const admin = await seed(after).user().admin().create();
    const member = await seed(after).user().create();
    const HISTORY = graphql(
      `query SchedulerClockHistory { processExecutions(filter: { status: [COMPLETED] }) { edges { node { scheduledFor instanceName } } } }`,
    );
    const asAdmin = await after.data(HISTORY, { token: admin.token });
    expect(asAdmin.processExecutions.edges.map((edge) => edge.node)).toContainEqual({
      scheduledFor: '2025-06-01T13:00:00.000Z',
      instanceName: 'after',
    });
    const asMember = await after.data(HISTORY, { token: member.token });
    expect(asMember.processExecutions.edges.map((edge) => edge.node.instanceName).every((name: unknown) => name === null)).toBe(true);
  });

  it('with catchUp: none runs none of them, records the latest as SKIPPED (missed), and waits for the next slot', async () => {
    const { after, process, outcomes, executions, queued } = await outage('none');
    expect(executions).toHaveLength(1);
    expect(executions[0]).toMatchObject({
      scheduledFor: new Date('2025-06-01T13:00:00Z'),
      status: 'disabled',
      skipReason: 'missed',
      startedAt: null,
      result: { skipped: true, reason: 'missed', missed_slots: 4, first_missed_slot: '2025-06-01T10:00:00.000Z', catch_up: 'none' },
    });
    expect(outcomes).toEqual([
      expect.objectContaining({ status: 'skipped', skipReason: 'missed', missedSlots: 4, executionId: executions[0]!.id }),
    ]);
    expect(queued).toContain('2025-06-01T14:00:00.000Z');

    const admin = await seed(after).user().admin().create();
    const id = Buffer.from(`AutomatedProcess:${process.id}`).toString('base64');
    const skipped = await after.data(
      graphql(
        `query SchedulerClockProcessExecutions($filter: ProcessExecutionFilter) { processExecutions(filter: $filter) { totalCount edges { node { status skipReason scheduledFor } } } }`,
      ),
      { token: admin.token, variables: { filter: { process: id, status: ['SKIPPED'] } } },
    );
    expect(skipped.processExecutions).toEqual({
      totalCount: 1,
      edges: [{ node: { status: 'SKIPPED', skipReason: 'MISSED', scheduledFor: '2025-06-01T13:00:00.000Z' } }],
    });
    // DISABLED means a row of the original backend, not a skipped slot.
    const disabled = await after.data(
      graphql(
        `query SchedulerClockProcessExecutions2($filter: ProcessExecutionFilter) { processExecutions(filter: $filter) { totalCount } }`,
      ),
      {
        token: admin.token,
        variables: { filter: { process: id, status: ['DISABLED'] } },
      },
    );
    expect(disabled.processExecutions.totalCount).toBe(0);
  });
});
