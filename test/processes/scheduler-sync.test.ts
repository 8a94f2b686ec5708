import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../helpers/database.js';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

// One instance with the scheduler and one without, on one database.
const databaseUrl = await createTestDatabase();
const scheduling = await startTestServer({ databaseUrl, env: { BEHFLOW_SCHEDULER_POLL_SECONDS: '0.5' } });
const serving = await startTestServer({ databaseUrl, env: { BEHFLOW_SCHEDULER: 'false' } });
const admin = await seed(scheduling).user().admin().create();
const boss = new pg.Client({ connectionString: databaseUrl });
await boss.connect();
afterAll(() => boss.end());

const UPDATE = graphql(
  `mutation SchedulerSyncUpdate($input: UpdateAutomatedProcessInput!) { updateAutomatedProcess(input: $input) { process { id nextRunAt processConfig } } }`,
);

async function rescheduleProcess() {
  return scheduling.prisma.automatedProcess.findUniqueOrThrow({ where: { name: 'reschedule_remaining_tasks' } });
}

/** The slot jobs pg-boss holds queued for a process. */
async function queuedSlots(processId: string): Promise<string[]> {
  const { rows } = await boss.query<{ slot: string }>(
    `SELECT data->>'slot' AS slot FROM pgboss.job WHERE name = 'behflow-process-slot' AND data->>'processId' = $1 AND state = 'created' ORDER BY 1`,
    [processId],
  );
  return rows.map((row) => row.slot);
}

/**
 * Polls until `check` holds, for at most `attempts` × 100 ms; returns its last value. For what
 * pg-boss holds queued: the scheduler announces nothing when it queues or drops a job.
 */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, attempts = 100): Promise<T> {
  let value = await read();
  for (let attempt = 1; attempt < attempts && !check(value); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

describe('run policies and pg-boss job expiry', () => {
  it('refuses a run policy whose attempts could outlast a day, naming the field', async () => {
    const process = await rescheduleProcess();
    const id = Buffer.from(`AutomatedProcess:${process.id}`).toString('base64');
    const result = await scheduling.graphql(UPDATE, {
      token: admin.token,
      variables: { input: { id, processConfig: { retries: 10, timeoutSeconds: 86_400 } } },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.processConfig.timeoutSeconds' });
    // Within the limit is accepted.
    const accepted = await scheduling.data(UPDATE, {
      token: admin.token,
      variables: { input: { id, processConfig: { retries: 1, timeoutSeconds: 40_000, retryDelaySeconds: 5 } } },
    });
    expect(accepted.updateAutomatedProcess!.process.processConfig).toMatchObject({ retries: 1, timeoutSeconds: 40_000 });
    expect((await rescheduleProcess()).processConfig).toMatchObject({ retries: 1, timeoutSeconds: 40_000 });
  });

  it('still queues, and lets a scheduler start, when a stored policy exceeds the limit', async () => {
    const process = await rescheduleProcess();
    // As a row written before the limit was checked (or by another client) may be.
    await scheduling.prisma.automatedProcess.update({
      where: { id: process.id },
      data: { processConfig: { retries: 10, timeoutSeconds: 86_400 }, scheduleConfig: { cron: '0 0 1 1 *', timezone: 'UTC' } },
    });
    const slot = await scheduling.running.scheduler!.sync(process.id);
    expect(slot).not.toBeNull();
    expect(await queuedSlots(process.id)).toContain(slot!.toISOString());

    // A scheduler starting now (a rolling restart) comes up.
    const restarted = await startTestServer({ databaseUrl, env: { BEHFLOW_SCHEDULER_POLL_SECONDS: '0.5' } });
    expect(restarted.running.scheduler).not.toBeNull();
    await restarted.stop();
  });

  it('skips a process it cannot queue instead of failing the whole sync', async () => {
    const processes = scheduling.running.processes;
    const spy = vi.spyOn(processes, 'scheduleOf').mockImplementationOnce(() => {
      throw new Error('unreadable schedule');
    });
    try {
      await expect(scheduling.running.scheduler!.syncAll()).resolves.toBeUndefined();
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

describe('schedule changes made on an instance without the scheduler', () => {
  it('reach the scheduler of another instance, which queues the new next slot', async () => {
    const process = await rescheduleProcess();
    const id = Buffer.from(`AutomatedProcess:${process.id}`).toString('base64');
    const edited = await serving.data(UPDATE, {
      token: admin.token,
      variables: { input: { id, processConfig: {}, schedule: { cron: '15 3 1 2 *', timeZone: 'UTC' } } },
    });
    const nextRunAt = new Date(edited.updateAutomatedProcess!.process.nextRunAt!).toISOString();
    const slots = await eventually(
      () => queuedSlots(process.id),
      (queued) => queued.includes(nextRunAt),
    );
    expect(slots).toContain(nextRunAt);
  });

  it('are picked up by the periodic resync when the announcement was missed', async () => {
    const process = await rescheduleProcess();
    // Written behind every instance's back: no announcement at all.
    await serving.prisma.automatedProcess.update({
      where: { id: process.id },
      data: { scheduleConfig: { cron: '45 4 3 3 *', timezone: 'UTC' } },
    });
    const expected = serving.running.processes
      .nextRunAt({ ...process, scheduleConfig: { cron: '45 4 3 3 *', timezone: 'UTC' } })!
      .toISOString();
    const resyncing = await startTestServer({
      databaseUrl,
      env: { BEHFLOW_PROCESS_RECOVERY_SECONDS: '1', BEHFLOW_SCHEDULER_POLL_SECONDS: '0.5' },
    });
    try {
      // Its start-up sync queues the slot too; drop that job, and the periodic resync must queue it again.
      await eventually(
        () => queuedSlots(process.id),
        (queued) => queued.includes(expected),
      );
      await boss.query(`DELETE FROM pgboss.job WHERE name = 'behflow-process-slot' AND data->>'processId' = $1 AND data->>'slot' = $2`, [
        process.id,
        expected,
      ]);
      const slots = await eventually(
        () => queuedSlots(process.id),
        (queued) => queued.includes(expected),
        50,
      );
      expect(slots).toContain(expected);
    } finally {
      await resyncing.stop();
    }
  });
});
