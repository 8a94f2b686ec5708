import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROCESS_STREAM } from '../../src/processes/executions.js';
import { createTestDatabase } from '../helpers/database.js';
import { started } from '../helpers/live.js';
import { captureLogs } from '../helpers/logs.js';
import { startTestServer } from '../helpers/server.js';

// What the server logs, to see the warnings about lost leases.
const logs = captureLogs('warn');
const logger = logs.logger;
const databaseUrl = await createTestDatabase();
// No scheduler: recovery runs only when a test calls it. Short leases: renewals every second.
const server = await startTestServer({ databaseUrl, logger, env: { BEHFLOW_SCHEDULER: 'false', BEHFLOW_PROCESS_LEASE_SECONDS: '3' } });
const processes = server.running.processes;

async function manualRun() {
  const process = await server.prisma.automatedProcess.findUniqueOrThrow({ where: { name: 'reschedule_remaining_tasks' } });
  const execution = await processes.startExecution(process, { trigger: 'manual' });
  expect(execution).not.toBeNull();
  return { process, execution: execution! };
}

async function databaseNow(): Promise<Date> {
  const [row] = await server.prisma.$queryRaw<Array<{ now: Date }>>`SELECT now() AS now`;
  return row!.now;
}

afterEach(() => vi.useRealTimers());

describe('execution leases', () => {
  it("are written and checked on the database clock, whatever this instance's clock says", async () => {
    const { execution } = await manualRun();
    // This instance's clock runs an hour ahead of the database's.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 3_600_000 });
    expect(await processes.renewLease(execution.id)).toBe(false); // still pending: not running
    await server.prisma.automatedProcessExecution.update({ where: { id: execution.id }, data: { status: 'running' } });
    expect(await processes.renewLease(execution.id)).toBe(true);
    const stored = await server.prisma.automatedProcessExecution.findUniqueOrThrow({ where: { id: execution.id } });
    const dbNow = await databaseNow();
    expect(stored.leaseExpiresAt!.getTime()).toBeGreaterThan(dbNow.getTime());
    expect(stored.leaseExpiresAt!.getTime()).toBeLessThanOrEqual(dbNow.getTime() + 3_000);
    // Recovery on the fast clock does not take a live lease for an expired one.
    expect(await processes.failAbandonedExecutions()).toBe(0);
    vi.useRealTimers();
    expect((await server.prisma.automatedProcessExecution.findUniqueOrThrow({ where: { id: execution.id } })).status).toBe('running');
    await server.prisma.automatedProcessExecution.update({
      where: { id: execution.id },
      data: { status: 'completed', leaseExpiresAt: null },
    });
  });

  it('a renewal against an execution recovery marked failed reports it lost', async () => {
    const { execution } = await manualRun();
    await server.prisma.automatedProcessExecution.update({
      where: { id: execution.id },
      data: { status: 'running', leaseExpiresAt: new Date(Date.now() - 3_600_000) },
    });
    expect(await processes.failAbandonedExecutions()).toBe(1);
    expect(await processes.renewLease(execution.id)).toBe(false);
    const after = await server.prisma.automatedProcessExecution.findUniqueOrThrow({ where: { id: execution.id } });
    expect(after).toMatchObject({ status: 'failed', leaseExpiresAt: null });
  });

  it('a run whose execution is failed meanwhile stops, keeps the failure and warns', async () => {
    const { process, execution } = await manualRun();
    // Hold the run inside its UPDATE of tasks.
    const blocker = new pg.Client({ connectionString: databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE tasks IN EXCLUSIVE MODE');
    // The run says it is running on the process stream, in the transaction that marks it so.
    const updates = await started(server.running.streams.subscribe(PROCESS_STREAM));
    try {
      const run = processes.runExecution(process, execution, { trigger: 'manual' });
      for (;;) {
        const { value } = await updates.next();
        const update = value?.kind === 'event' ? (value.payload as { executionId: string; status: string }) : null;
        if (update?.executionId === execution.id && update.status === 'running') break;
      }
      await updates.return?.();
      // Another instance's recovery decided this run was abandoned.
      await server.prisma.automatedProcessExecution.update({
        where: { id: execution.id },
        data: { status: 'failed', completedAt: new Date(), leaseExpiresAt: null, errorMessage: 'taken over' },
      });
      // The next renewal (within a second) finds no running row and stops the run, lock or not.
      const ended = await Promise.race([
        run.then(() => 'ended' as const),
        new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 10_000)),
      ]);
      expect(ended).toBe('ended');
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    const after = await server.prisma.automatedProcessExecution.findUniqueOrThrow({ where: { id: execution.id } });
    expect(after).toMatchObject({ status: 'failed', errorMessage: 'taken over' });
    expect(logs.entries().some((line) => line.executionId === execution.id && /lease lost/.test(line.msg ?? ''))).toBe(true);
    expect(logs.entries().some((line) => line.executionId === execution.id && /already marked failed/.test(line.msg ?? ''))).toBe(true);
  });
});
