// What makes a process definition valid: a registered implementation, a trigger it supports,
// a schedule (time-based) or events (event-based), and a config its implementation accepts.
import type { z } from 'zod';
import type { AutomatedProcess } from '../db/prisma.js';
import { BadUserInputError } from '../errors.js';
import {
  MAX_RUN_WINDOW_SECONDS,
  runPolicySchema,
  runWindowSeconds,
  type AnyProcessImplementation,
  type ProcessRegistry,
  type TriggerTypeValue,
} from '../scheduler/registry.js';
import { scheduleSchema, type Schedule } from '../scheduler/schedule.js';
import { TASK_EVENT_TYPES, type TaskEventType } from '../tasks/snapshot.js';

const isTaskEventType = (event: string): event is TaskEventType => (TASK_EVENT_TYPES as readonly string[]).includes(event);

export interface ProcessInput {
  readonly name: string;
  readonly description?: string | null;
  readonly triggerType: TriggerTypeValue;
  readonly schedule?: Schedule | null;
  /** For an event-based process: task event kinds (TASK_EVENT_TYPES); anything else is refused. */
  readonly events?: readonly string[] | null;
  readonly processConfig?: unknown;
  readonly isEnabled?: boolean;
}

/** The `schedule_config` of an event-based process. */
export interface EventTriggerConfig {
  readonly events: readonly TaskEventType[];
}

export function formatIssues(error: z.ZodError, prefix: string): { message: string; field: string } {
  const issue = error.issues[0]!;
  const field = [prefix, ...issue.path.map(String)].join('.');
  return { message: `${field}: ${issue.message}`, field };
}

export function implementationFor(registry: ProcessRegistry, name: string): AnyProcessImplementation {
  const implementation = registry.get(name);
  if (!implementation) {
    throw new BadUserInputError(`No process implementation is named "${name}"; the server knows: ${registry.names().join(', ')}.`, 'name');
  }
  return implementation;
}

/** Checks a whole process definition and returns the columns to store. */
export function validateDefinition(
  registry: ProcessRegistry,
  input: ProcessInput,
): Pick<AutomatedProcess, 'description' | 'triggerType'> & {
  scheduleConfig: object | undefined;
  processConfig: object;
} {
  const implementation = implementationFor(registry, input.name);
  if (!implementation.triggerTypes.includes(input.triggerType)) {
    throw new BadUserInputError(
      `${input.name} cannot be ${input.triggerType}; it supports: ${implementation.triggerTypes.join(', ')}.`,
      'triggerType',
    );
  }
  let scheduleConfig: object | null = null;
  if (input.triggerType === 'time_based') {
    if (!input.schedule) throw new BadUserInputError('A time-based process needs a schedule.', 'schedule');
    const parsed = scheduleSchema.safeParse(input.schedule);
    if (!parsed.success) {
      const { message, field } = formatIssues(parsed.error, 'schedule');
      throw new BadUserInputError(message, field);
    }
    scheduleConfig = parsed.data;
  } else if (input.triggerType === 'event_based') {
    const events = [...new Set(input.events ?? implementation.defaultEvents ?? [])];
    if (events.length === 0) throw new BadUserInputError('An event-based process needs at least one event.', 'events');
    const unknown = events.find((event) => !isTaskEventType(event));
    if (unknown !== undefined) {
      throw new BadUserInputError(`${unknown} is not a task event; a process can react to: ${TASK_EVENT_TYPES.join(', ')}.`, 'events');
    }
    scheduleConfig = { events: events.filter(isTaskEventType) } satisfies EventTriggerConfig;
  }
  const config = registry.configSchemaOf(implementation).safeParse(input.processConfig ?? {});
  if (!config.success) {
    const { message, field } = formatIssues(config.error, 'processConfig');
    throw new BadUserInputError(message, field);
  }
  // One execution, every attempt timing out with the delays between them, ends within a day.
  const window = runWindowSeconds(runPolicySchema.parse(config.data));
  if (window > MAX_RUN_WINDOW_SECONDS) {
    throw new BadUserInputError(
      `processConfig.timeoutSeconds: (retries + 1) × timeoutSeconds + retries × retryDelaySeconds is ${window} s; it may be at most ${MAX_RUN_WINDOW_SECONDS} s (under a day).`,
      'processConfig.timeoutSeconds',
    );
  }
  return {
    description: input.description ?? null,
    triggerType: input.triggerType,
    scheduleConfig: scheduleConfig ?? undefined,
    processConfig: (input.processConfig ?? {}) as object,
  };
}

/** The schedule of a time-based process; null for any other (or a stored schedule no longer valid). */
export function scheduleOf(process: Pick<AutomatedProcess, 'triggerType' | 'scheduleConfig'>): Schedule | null {
  if (process.triggerType !== 'time_based') return null;
  const parsed = scheduleSchema.safeParse(process.scheduleConfig);
  return parsed.success ? parsed.data : null;
}

/** The task events an event-based process reacts to (stored, or its implementation's defaults); none for any other. */
export function eventsOf(
  registry: ProcessRegistry,
  process: Pick<AutomatedProcess, 'name' | 'triggerType' | 'scheduleConfig'>,
): TaskEventType[] {
  if (process.triggerType !== 'event_based') return [];
  const stored = (process.scheduleConfig as Partial<EventTriggerConfig> | null)?.events;
  const events = Array.isArray(stored) ? stored : (registry.get(process.name)?.defaultEvents ?? []);
  return events.filter(isTaskEventType);
}
