import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/clock.js';
import { createTestDatabase } from '../helpers/database.js';
import { seed, uniqueName } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';

// A run's database work is bounded by the process's timeoutSeconds, not by Prisma's 5-second
// default for transactions: a reschedule that waits on a lock longer than that still completes.
const databaseUrl = await createTestDatabase();
const server = await startTestServer({ databaseUrl, env: { BEHFLOW_SCHEDULER: 'false' } });
const processes = server.running.processes;
const owner = await seed(server).user().inZone('UTC').create();
const observer = new pg.Client({ connectionString: databaseUrl });
await observer.connect();
afterAll(() => observer.end());

const process = await server.prisma.automatedProcess.findUniqueOrThrow({ where: { name: 'reschedule_remaining_tasks' } });

async function overdueTask() {
  return server.prisma.task.create({
    data: {
      userId: owner.user.id,
      name: uniqueName('overdue'),
      dueDateGregorian: new Date('2025-01-06T09:00:00Z'),
      dateAddedJalali: '1403-10-17T00:00:00',
    },
  });
}

/** A connection holding a lock inside an open transaction until `release`. */
async function holdLock(sql: string, parameters: unknown[]) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('BEGIN');
  await client.query(sql, parameters);
  const lockedAt = Date.now();
  return {
    lockedAt,
    async release() {
      await client.query('COMMIT');
      await client.end();
    },
  };
}

/** Backends of this database waiting for a lock while running `fragment`. */
async function waitingOnLock(fragment: string): Promise<number> {
  const { rows } = await observer.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1`,
    [`%${fragment}%`],
  );
  return rows[0]!.n;
}

async function runWithTimeout(timeoutSeconds: number) {
  const configured = await processes.update(process.id, { processConfig: { timeoutSeconds } });
  const execution = (await processes.startExecution(configured, { trigger: 'manual' }))!;
  expect(execution).not.toBeNull();
  return { execution, run: processes.runExecution(configured, execution, { trigger: 'manual' }) };
}

describe('a run waiting on a lock', () => {
  it('waits past 5 s and completes within its timeoutSeconds', async () => {
    const task = await overdueTask();
    const lock = await holdLock('SELECT task_id FROM tasks WHERE task_id = $1 FOR UPDATE', [task.id]);
    const { execution, run } = await runWithTimeout(20);
    try {
      // The reschedule's statement is queued behind the lock.
      expect(
        await eventually(
          () => waitingOnLock('WITH candidates'),
          (count) => count === 1,
        ),
      ).toBe(1);
      // The holder keeps its lock for six seconds, longer than Prisma's transaction default.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, lock.lockedAt + 6_000 - Date.now())));
    } finally {
      await lock.release();
    }
    await run;
    const done = await server.prisma.automatedProcessExecution.findUniqueOrThrow({ where: { id: execution.id } });
    expect(done).toMatchObject({ status: 'completed', errorMessage: null });
    expect(done.completedAt!.getTime() - done.startedAt!.getTime()).toBeGreaterThan(5_000);
    expect(done.result).toMatchObject({
      success: true,
      task_details: expect.arrayContaining([expect.objectContaining({ task_id: task.id })]),
    });
    const moved = await server.prisma.task.findUniqueOrThrow({ where: { id: task.id } });
    expect(moved.dueDateGregorian!.getTime()).toBeGreaterThan(task.dueDateGregorian!.getTime());
  }, 30_000);

  it('fails past its timeoutSeconds with an error naming the setting, and writes nothing', async () => {
    const task = await overdueTask();
    const lock = await holdLock('SELECT task_id FROM tasks WHERE task_id = $1 FOR UPDATE', [task.id]);
    try {
      const { execution, run } = await runWithTimeout(2);
      await run;
      const failed = await server.prisma.automatedProcessExecution.findUniqueOrThrow({ where: { id: execution.id } });
      expect(failed.status).toBe('failed');
      expect(failed.errorMessage).toBe("timed out after 2 s (the process's timeoutSeconds)");
      // The statement gave up with the run (its own timeout is the run's), lock or no lock.
      expect(
        await eventually(
          () => waitingOnLock('WITH candidates'),
          (count) => count === 0,
        ),
      ).toBe(0);
    } finally {
      await lock.release();
    }
    const untouched = await server.prisma.task.findUniqueOrThrow({ where: { id: task.id } });
    expect(untouched.dueDateGregorian).toEqual(task.dueDateGregorian);
  }, 30_000);

  it("bounds the bookkeeping transaction that starts a run by the same setting, not by Prisma's 5 s", async () => {
    // Prisma checks a transaction's time at its next statement: a claim that waited 1.5 s on
    // the process row fails against timeoutSeconds 1 (it would pass under the 5 s default).
    const configured = await processes.update(process.id, { processConfig: { timeoutSeconds: 1 } });
    const lock = await holdLock('SELECT process_id FROM automated_processes WHERE process_id = $1 FOR UPDATE', [process.id]);
    const claim = processes.startExecution(configured, { trigger: 'manual' }).then(
      () => null,
      (error: Error) => error,
    );
    try {
      expect(
        await eventually(
          () => waitingOnLock('FROM automated_processes'),
          (count) => count === 1,
        ),
      ).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, lock.lockedAt + 1_500 - Date.now())));
    } finally {
      await lock.release();
    }
    expect((await claim)?.message).toMatch(/timeout for this transaction was 1000 ms/);
    expect(
      await server.prisma.automatedProcessExecution.count({ where: { processId: process.id, status: { in: ['pending', 'running'] } } }),
    ).toBe(0);
  });
});
