import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/database.js';
import { seedUser } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';

// Two server instances, each with its own scheduler, on one database.
const databaseUrl = await createTestDatabase();
const env = { BEHFLOW_SCHEDULER_POLL_SECONDS: '0.5' };
const first = await startTestServer({ databaseUrl, env });
const second = await startTestServer({ databaseUrl, env });
const admin = await seedUser(first.prisma, { role: 'admin' });

const UPDATE = `mutation($input: UpdateAutomatedProcessInput!) { updateAutomatedProcess(input: $input) { process { id nextRunAt schedule { expression } } } }`;

async function processId(): Promise<string> {
  const data = await first.data(`query { automatedProcess(name: "reschedule_remaining_tasks") { id } }`, { token: admin.token });
  return data.automatedProcess.id;
}

describe('the scheduler with two instances on one database', () => {
  it('runs a slot once when both instances fire it at the same moment', async () => {
    const id = (await first.prisma.automatedProcess.findUniqueOrThrow({ where: { name: 'reschedule_remaining_tasks' } })).id;
    const slot = new Date('2025-12-18T04:00:00Z'); // 07:30 Tehran, a slot of the default schedule
    const outcomes = await Promise.all([first.running.scheduler!.fire(id, slot), second.running.scheduler!.fire(id, slot)]);
    expect(outcomes.sort()).toEqual(['ran', 'skipped']);
    const executions = await first.prisma.automatedProcessExecution.findMany({ where: { processId: id, scheduledFor: slot } });
    expect(executions).toHaveLength(1);
    expect(executions[0]).toMatchObject({ status: 'completed', triggeredBy: 'schedule' });
    // A slot that is not in the schedule (say, left over from before an edit) does not run.
    expect(await first.running.scheduler!.fire(id, new Date('2025-12-18T05:00:00Z'))).toBe('skipped');
  });

  it('fires every slot of an edited schedule exactly once through pg-boss, and stops when disabled', async () => {
    const id = await processId();
    const edited = await first.data(UPDATE, {
      token: admin.token,
      variables: { input: { id, schedule: { cron: '*/2 * * * * *', timeZone: 'America/New_York' } } },
    });
    expect(edited.updateAutomatedProcess.process.schedule.expression).toBe('*/2 * * * * *');
    const editedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 9_000));
    await first.data(`mutation($input: DisableAutomatedProcessInput!) { disableAutomatedProcess(input: $input) { process { isEnabled } } }`, {
      token: admin.token,
      variables: { input: { id } },
    });
    const disabledAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // let a run still going finish
    const rowId = (await first.prisma.automatedProcess.findUniqueOrThrow({ where: { name: 'reschedule_remaining_tasks' } })).id;
    const runs = await first.prisma.automatedProcessExecution.findMany({
      where: { processId: rowId, triggeredBy: 'schedule', scheduledFor: { gte: new Date(editedAt) } },
      orderBy: { scheduledFor: 'asc' },
    });
    const slots = runs.map((run) => run.scheduledFor!.getTime());
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(new Set(slots).size).toBe(slots.length);
    // Slots of the new schedule only, none doubled. (A slot may be skipped on a loaded machine
    // if the previous run is still going: a run is never started twice at once.)
    for (let i = 1; i < slots.length; i += 1) expect((slots[i]! - slots[i - 1]!) % 2_000).toBe(0);
    expect(slots.every((slot) => slot % 2_000 === 0)).toBe(true);
    expect(runs.every((run) => run.status === 'completed')).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const afterDisable = await first.prisma.automatedProcessExecution.count({
      where: { processId: rowId, triggeredBy: 'schedule', scheduledFor: { gt: new Date(disabledAt + 1_000) } },
    });
    expect(afterDisable).toBe(0);
  }, 30_000);
});
