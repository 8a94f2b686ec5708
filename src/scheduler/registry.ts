// Each automated process is a defined unit: a name, a zod-validated config, one file,
// registered here explicitly. A process row whose name has no implementation cannot be
// created, so every stored process can run.
import { z } from 'zod';
import type { PrismaClient } from '../db/prisma.js';
import type { Logger } from '../logger.js';
import type { TaskDomainEvent, TaskEventType, TaskService } from '../tasks/service.js';

export type TriggerTypeValue = 'manual' | 'time_based' | 'event_based';
export type ExecutionTriggerValue = 'manual' | 'schedule' | 'event';

/** Per attempt, unless a process config says otherwise. */
export const DEFAULT_TIMEOUT_SECONDS = 300;

/**
 * After slots of a time-based process were missed (no scheduler instance was up at their
 * time): `latest` runs the most recent of them once, as soon as an instance is back;
 * `none` runs none of them (the latest is recorded as skipped) and waits for the next slot.
 */
export const CATCH_UP_POLICIES = ['latest', 'none'] as const;
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

/** Keys every process config may hold, whatever its implementation. */
export const runPolicySchema = z.object({
  /** Further attempts after a failed one, within the same execution. */
  retries: z.number().int().min(0).max(10).default(0),
  retryDelaySeconds: z.number().min(0).max(3600).default(5),
  /** Per attempt, its database work included; an attempt still going after this is failed. */
  timeoutSeconds: z.number().int().min(1).max(86_400).default(DEFAULT_TIMEOUT_SECONDS),
  /** What runs after missed slots (time-based processes). */
  catchUp: z.enum(CATCH_UP_POLICIES).default('latest'),
});
export type RunPolicy = z.infer<typeof runPolicySchema>;

/** pg-boss refuses a job expiry of 24 hours or more. */
export const MAX_JOB_EXPIRY_SECONDS = 86_399;
/** What a scheduled job's expiry allows beyond the bookkeeping transaction's own bound. */
export const JOB_EXPIRY_MARGIN_SECONDS = 60;

/** The longest one execution may take under a run policy: every attempt timing out, with the delays between them. */
export function runWindowSeconds(policy: Pick<RunPolicy, 'retries' | 'retryDelaySeconds' | 'timeoutSeconds'>): number {
  return (policy.retries + 1) * policy.timeoutSeconds + policy.retries * policy.retryDelaySeconds;
}

/** The longest run window a process may have: one execution ends within a day. */
export const MAX_RUN_WINDOW_SECONDS = MAX_JOB_EXPIRY_SECONDS - JOB_EXPIRY_MARGIN_SECONDS;

/** The run policy of a stored config; a config that does not parse (written by another client) gets the defaults. */
export function runPolicyOf(processConfig: unknown): RunPolicy {
  const parsed = runPolicySchema.safeParse(processConfig ?? {});
  return parsed.success ? parsed.data : runPolicySchema.parse({});
}

export interface ProcessRunContext<TConfig> {
  readonly config: TConfig;
  readonly prisma: PrismaClient;
  readonly logger: Logger;
  /** The instant the run treats as "now" (the slot's time for a scheduled run that fires late is still the real clock). */
  readonly now: Date;
  readonly serviceTimeZone: string;
  /** Aborted when the attempt times out or the server stops. */
  readonly signal: AbortSignal;
  readonly timeoutSeconds: number;
  /**
   * Milliseconds left before this attempt times out: the bound to give the run's database
   * work (transaction and statement timeouts), so it never stops at a library's default.
   */
  remainingMs(): number;
  readonly tasks: TaskService;
  readonly trigger: ExecutionTriggerValue;
  /** Set for event-based runs. */
  readonly event: TaskDomainEvent | null;
}

export interface ProcessImplementation<TConfig = unknown> {
  readonly name: string;
  readonly description: string;
  /** The implementation's own keys; the run policy keys are added to it. */
  readonly configSchema: z.ZodObject;
  /** Trigger types this implementation makes sense with. */
  readonly triggerTypes: readonly TriggerTypeValue[];
  /** For event-based use: the task events it reacts to when the process names none. */
  readonly defaultEvents?: readonly TaskEventType[];
  /** Whether an event is worth an execution at all (keeps the history free of no-op runs). */
  accepts?(event: TaskDomainEvent, config: TConfig): boolean;
  /** Does the work; the returned object is stored as the execution's JSON result. */
  run(context: ProcessRunContext<TConfig>): Promise<Record<string, unknown>>;
}

/** An implementation whatever its config type (each has its own; the registry holds them all). */
// biome-ignore lint/suspicious/noExplicitAny: the config type differs per implementation; each run is checked against its own zod schema.
export type AnyProcessImplementation = ProcessImplementation<any>;

export class ProcessRegistry {
  private readonly implementations = new Map<string, AnyProcessImplementation>();

  constructor(implementations: readonly AnyProcessImplementation[] = []) {
    for (const implementation of implementations) this.register(implementation);
  }

  register(implementation: AnyProcessImplementation): void {
    if (this.implementations.has(implementation.name)) throw new Error(`process ${implementation.name} is registered twice`);
    this.implementations.set(implementation.name, implementation);
  }

  get(name: string): AnyProcessImplementation | undefined {
    return this.implementations.get(name);
  }

  names(): string[] {
    return [...this.implementations.keys()].sort();
  }

  /** The full config schema of an implementation: its own keys plus the run policy, nothing else. */
  configSchemaOf(implementation: AnyProcessImplementation) {
    return implementation.configSchema.extend(runPolicySchema.shape).strict();
  }
}
