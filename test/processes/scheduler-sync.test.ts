import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../helpers/database.js';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

// One instance with the scheduler and one without, on one database.
const databaseUrl = await createTestDatabase();
const schedulingQueue = slotQueue();
const scheduling = await startTestServer({
  databaseUrl,
  env: { BEHFLOW_SCHEDULER_POLL_SECONDS: '0.5' },
  onSlotQueued: schedulingQueue.onSlotQueued,
});
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
 * What a server's scheduler says it queued (its `onSlotQueued`), and a wait for a given slot:
 * `queued(processId, slot, since)` resolves once that slot has been queued after the mark `since`.
 */
function slotQueue() {
  const seen: string[] = [];
  const waiting: Array<{ key: string; resolve: () => void }> = [];
  const keyOf = (processId: string, slot: string) => `${processId}@${slot}`;
  return {
    onSlotQueued({ processId, slot }: { processId: string; slot: Date }) {
      const key = keyOf(processId, slot.toISOString());
      seen.push(key);
      for (const waiter of waiting.filter((each) => each.key === key)) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    /** A mark: `queued(..., mark())` waits for a queueing that happens after this point. */
    mark: () => seen.length,
    queued(processId: string, slot: string, since = 0, timeoutMs = 10_000): Promise<void> {
      const key = keyOf(processId, slot);
      if (seen.slice(since).includes(key)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${key} not queued within ${timeoutMs} ms`)), timeoutMs);
        waiting.push({ key, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
  };
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
    await schedulingQueue.queued(process.id, nextRunAt);
    expect(await queuedSlots(process.id)).toContain(nextRunAt);
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
    const resyncingQueue = slotQueue();
    const resyncing = await startTestServer({
      databaseUrl,
      env: { BEHFLOW_PROCESS_RECOVERY_SECONDS: '1', BEHFLOW_SCHEDULER_POLL_SECONDS: '0.5' },
      onSlotQueued: resyncingQueue.onSlotQueued,
    });
    try {
      // Its start-up sync queues the slot too; drop that job, and the periodic resync must queue it again.
      await resyncingQueue.queued(process.id, expected);
      expect(await queuedSlots(process.id)).toContain(expected);
      await boss.query(`DELETE FROM pgboss.job WHERE name = 'behflow-process-slot' AND data->>'processId' = $1 AND data->>'slot' = $2`, [
        process.id,
        expected,
      ]);
      expect(await queuedSlots(process.id)).not.toContain(expected);
      // A resync that sent before the delete may report after it: the next one queues it again.
      let slots: string[] = [];
      for (let resync = 0; resync < 3 && !slots.includes(expected); resync += 1) {
        await resyncingQueue.queued(process.id, expected, resyncingQueue.mark());
        slots = await queuedSlots(process.id);
      }
      expect(slots).toContain(expected);
    } finally {
      await resyncing.stop();
    }
  });
});
