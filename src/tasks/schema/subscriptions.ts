// The live `taskEvents` stream: every change to the viewer's tasks, resumable with `after`.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Task } from '../../db/prisma.js';
import type { StreamItem } from '../../events/streams.js';
import { builder } from '../../schema/builder.js';
import { eventCursor, sequenceAfter } from '../../schema/event-cursor.js';
import { taskFromSnapshot, taskStream, type TaskChangedEvent } from '../snapshot.js';
import { TaskRef } from './task.js';

export const TaskEventTypeEnum = builder.enumType('TaskEventType', {
  description:
    'What happened to a task; also the task events an event-based automated process reacts to (`AutomatedProcess.events`: every value but REFETCH), which were the `ProcessTaskEvent` values `TASK_CREATED`, `TASK_UPDATED`, `TASK_COMPLETED` and `TASK_DELETED` before.',
  values: {
    CREATED: { value: 'CREATED', description: 'The task was added.' },
    UPDATED: { value: 'UPDATED', description: 'The task changed (including being reopened or cancelled).' },
    COMPLETED: { value: 'COMPLETED', description: 'The task changed to COMPLETED (an update: `task` carries its new state).' },
    DELETED: { value: 'DELETED', description: 'The task was deleted: `task` is null, `taskId` says which one.' },
    REFETCH: {
      value: 'REFETCH',
      description:
        "Events asked for with `after` are no longer kept: read the tasks again, then go on from this event's `cursor`. `taskId` and `task` are null. Not a task event a process can react to.",
    },
  } as const,
});

/** The task an event carries, revived once per event on this instance whatever the number of subscribers. */
const eventTasks = new WeakMap<TaskChangedEvent, Task>();

function taskOfEvent(event: TaskChangedEvent): Task {
  let task = eventTasks.get(event);
  if (!task) eventTasks.set(event, (task = taskFromSnapshot(event.task)));
  return task;
}

const changeOf = (item: StreamItem) => (item.kind === 'event' ? (item.payload as TaskChangedEvent) : null);

const TaskEventRef = builder.objectRef<StreamItem>('TaskEvent').implement({
  description: "A change to one of the viewer's tasks, whatever made it (the API, the assistant, an automated process).",
  fields: (t) => ({
    type: t.field({
      type: TaskEventTypeEnum,
      description: 'What happened.',
      resolve: (item) => changeOf(item)?.type ?? 'REFETCH',
    }),
    cursor: t.string({
      description: 'Where this event stands in the stream: pass it as `after` when subscribing again to get every event since.',
      resolve: (item) => eventCursor(item),
    }),
    taskId: t.id({
      nullable: true,
      description: 'The global ID of the task; null for REFETCH.',
      resolve: (item) => {
        const change = changeOf(item);
        return change ? encodeGlobalID('Task', change.taskId) : null;
      },
    }),
    task: t.field({
      type: TaskRef,
      nullable: true,
      description: 'The task as this change left it; null when it was deleted, and for REFETCH.',
      resolve: (item) => {
        const change = changeOf(item);
        return change && change.type !== 'DELETED' ? taskOfEvent(change) : null;
      },
    }),
  }),
});

builder.subscriptionField('taskEvents', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: TaskEventRef,
    description:
      "Every change to the viewer's tasks, as it happens, in order. Only the viewer's own tasks are ever reported. With `after`, the changes since that event come first (see the README for how long they are kept).",
    args: {
      after: t.arg.string({
        description: "Resume after this event's `cursor`: the events since come first, or a single REFETCH when they are no longer kept.",
      }),
    },
    // The viewer's own stream is the server-side filter: no other user's event reaches it.
    subscribe: (_root, args, context) => {
      const stream = taskStream(context.viewer.id);
      return context.streams.subscribe(stream, { after: sequenceAfter(args.after, stream) });
    },
    resolve: (item) => item,
  }),
);
