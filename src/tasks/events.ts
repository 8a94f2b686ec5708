// Task events: written to the event log in the transaction of their change, then, after it
// commits, sent to subscribers on every instance and to this instance's local listeners.
import type { Task } from '../db/prisma.js';
import type { EventLog, LoggedEvent, NewEvent } from '../events/log.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import type { TaskDomainEvent, TaskEventType } from './model.js';
import { taskSnapshot, taskStream, type TaskChangedEvent } from './snapshot.js';

export type TaskEventListener = (event: TaskDomainEvent) => void | Promise<void>;

export interface TaskEvents {
  /** Writes `events` in the transaction `tx`; call `committed` with the result after it commits. */
  record(tx: Prisma.TransactionClient, events: readonly TaskDomainEvent[]): Promise<LoggedEvent[]>;
  /**
   * After commit: subscribers on every instance through the event log, local listeners here.
   * Listeners (event-triggered processes) start in the background: the change is done already.
   */
  committed(logged: readonly LoggedEvent[], events: readonly TaskDomainEvent[]): void;
  /** Adds a local listener; returns its removal. */
  onEvent(listener: TaskEventListener): () => void;
}

/** The event reporting that `task` was created, changed, completed or deleted. */
export const taskEvent = (type: TaskEventType, task: Task): TaskDomainEvent => ({ type, taskId: task.id, userId: task.userId, task });

/** The log entries of task events, written in the transaction of their change. */
const logEntries = (events: readonly TaskDomainEvent[]): NewEvent[] =>
  events.map((event) => ({
    stream: taskStream(event.userId),
    topic: 'task:changed',
    payload: { type: event.type, taskId: event.taskId, task: taskSnapshot(event.task) } satisfies TaskChangedEvent,
  }));

export function createTaskEvents(eventLog: EventLog, log: Logger): TaskEvents {
  const listeners = new Set<TaskEventListener>();
  return {
    record: (tx, events) => eventLog.append(tx, logEntries(events)),
    committed(logged, events) {
      eventLog.publish(logged);
      for (const event of events) {
        for (const listener of listeners) {
          void Promise.resolve()
            .then(() => listener(event))
            .catch((error: Error) => log.error({ err: { message: error.message }, taskId: event.taskId }, 'task event listener failed'));
        }
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
