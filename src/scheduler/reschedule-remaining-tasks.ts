// reschedule_remaining_tasks: unfinished tasks due before the start of their owner's
// today move to today at the same local time of day, through the task service's set-based
// move (one UPDATE for all rows, their events in the same transaction).
import { z } from 'zod';
import { OPEN_STATUSES, TASK_STATUSES } from '../tasks/rules.js';
import type { ProcessImplementation } from './registry.js';

const configSchema = z.object({
  include_statuses: z
    .array(z.enum(TASK_STATUSES))
    .min(1)
    .default([...OPEN_STATUSES]),
  /** false reports what would move without moving it. */
  update_to_today: z.boolean().default(true),
});
type RescheduleConfig = z.infer<typeof configSchema>;

export const rescheduleRemainingTasks: ProcessImplementation<RescheduleConfig> = {
  name: 'reschedule_remaining_tasks',
  description: "Moves unfinished tasks due before the start of their owner's today to today, keeping the time of day.",
  configSchema,
  triggerTypes: ['manual', 'time_based'],
  async run(context) {
    const started = performance.now();
    const outcome = await context.tasks.rescheduleOverdue({
      now: context.now,
      serviceTimeZone: context.serviceTimeZone,
      includeStatuses: context.config.include_statuses,
      updateToToday: context.config.update_to_today,
      timeoutMs: context.remainingMs(),
      signal: context.signal,
    });
    return {
      success: true,
      tasks_found: outcome.tasksFound,
      tasks_rescheduled: outcome.tasksRescheduled,
      execution_time: Number(((performance.now() - started) / 1000).toFixed(3)),
      task_details: outcome.details,
    };
  },
};
