// The process implementations this server knows, registered explicitly.
import { ProcessRegistry } from './registry.js';
import { repeatRecurringTasks } from './repeat-recurring-tasks.js';
import { rescheduleRemainingTasks } from './reschedule-remaining-tasks.js';

export function createProcessRegistry(): ProcessRegistry {
  return new ProcessRegistry([rescheduleRemainingTasks, repeatRecurringTasks]);
}
