// Event triggers: each task change of this instance starts a run of every enabled event-based
// process that listens to its kind of event (and whose implementation is interested in it).
import type { AutomatedProcess, PrismaClient } from '../db/prisma.js';
import type { Logger } from '../logger.js';
import type { ProcessRegistry } from '../scheduler/registry.js';
import type { TaskDomainEvent, TaskService } from '../tasks/service.js';
import { eventsOf } from './definition.js';
import type { ExecutionEngine } from './engine.js';

/** Edits on another instance reach event handling here within this delay. */
const EVENT_PROCESS_CACHE_MS = 5_000;

export interface EventTriggersOptions {
  readonly prisma: PrismaClient;
  readonly registry: ProcessRegistry;
  readonly engine: ExecutionEngine;
  readonly log: Logger;
}

export class EventTriggers {
  /** Enabled event-based processes, re-read at most every few seconds: every task change consults them. */
  private eventProcesses: { loadedAt: number; processes: Promise<AutomatedProcess[]> } | null = null;

  constructor(private readonly options: EventTriggersOptions) {}

  /** A process was created, changed or deleted here: the next event reads them again. */
  forget(): void {
    this.eventProcesses = null;
  }

  /** Starts event-based runs for the task events of this instance; returns the way to stop listening. */
  listenTo(tasks: TaskService): () => Promise<void> {
    const unsubscribe = tasks.onEvent((event) =>
      this.handle(event).catch((error: Error) =>
        this.options.log.error({ err: { message: error.message } }, 'event-based run failed to start'),
      ),
    );
    return async () => unsubscribe();
  }

  /** An event-based run for each enabled process listening to this task event (and interested in it). */
  async handle(event: TaskDomainEvent): Promise<void> {
    const { prisma, registry, engine, log } = this.options;
    if (!this.eventProcesses || Date.now() - this.eventProcesses.loadedAt > EVENT_PROCESS_CACHE_MS) {
      this.eventProcesses = {
        loadedAt: Date.now(),
        processes: prisma.automatedProcess.findMany({ where: { triggerType: 'event_based', isEnabled: true } }),
      };
    }
    const processes = await this.eventProcesses.processes.catch((error: Error) => {
      this.eventProcesses = null;
      throw error;
    });
    for (const process of processes) {
      if (!eventsOf(registry, process).includes(event.type)) continue;
      const implementation = registry.get(process.name);
      if (!implementation) continue;
      const config = registry.configSchemaOf(implementation).safeParse(process.processConfig ?? {});
      if (!config.success) {
        log.warn({ process: process.name }, 'event ignored: the process config is invalid');
        continue;
      }
      if (implementation.accepts && !implementation.accepts(event, config.data)) continue;
      const execution = await engine.startExecution(process, { trigger: 'event', event });
      if (execution) void engine.runInBackground(process, execution, { trigger: 'event', event });
    }
  }
}
