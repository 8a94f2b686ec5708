// Carries out what a message asks, through the tools (the same task service as the API), and
// words the reply. A change to "the X task" acts only on a task that is clearly meant; when
// several could be, or only a loose match is found, it asks and changes nothing until answered.
import type { TaskStats } from '../../tasks/service.js';
import type { Reason } from '../advice.js';
import { decide } from '../find.js';
import type { ToolRunner } from '../provider.js';
import { fold } from '../text.js';
import type { TaskView, ToolName } from '../tools.js';
import type { AssistantState, FollowUp, Pending } from './conversation.js';
import { isEmptyWhen, type Edit, type Intent, type NewTask, type ReadContext, type TaskRef } from './intent.js';
import type { Voice } from './voice.js';
import { dueFrom } from './when.js';
import { TASK_PRIORITIES } from '../../tasks/rules.js';

export interface Turn {
  readonly content: string;
  readonly focus?: readonly string[];
  readonly pending?: Pending;
}

export interface Scene {
  readonly tools: ToolRunner;
  readonly voice: Voice;
  readonly context: ReadContext;
  /** What the previous reply left (its tasks, for "it" and "the second one"). */
  readonly previous: AssistantState | null;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; turn: Turn };

async function call<T>(scene: Scene, tool: ToolName, args: Record<string, unknown>): Promise<Outcome<T>> {
  const result = await scene.tools.run(tool, args);
  if (!result.ok) return { ok: false, turn: { content: scene.voice.failed(result.error) } };
  return { ok: true, value: result.result as T };
}

const ids = (tasks: readonly TaskView[]) => tasks.map((task) => task.id);
const MAX_CHOICES = 6;

/** Asks which of `tasks` is meant, remembering what to do with the answer. */
function askWhich(scene: Scene, reference: string | null, tasks: readonly TaskView[], edit: Edit): Turn {
  const shown = tasks.slice(0, MAX_CHOICES);
  return {
    content: scene.voice.whichOne(reference, shown),
    focus: ids(shown),
    pending: { kind: 'choose', ids: ids(shown), names: shown.map((task) => task.name), edit },
  };
}

async function tasksById(scene: Scene, taskIds: readonly string[]): Promise<TaskView[]> {
  const found: TaskView[] = [];
  for (const id of taskIds.slice(0, MAX_CHOICES)) {
    const result = await call<{ task: TaskView | null }>(scene, 'get_task', { task_id: id });
    if (result.ok && result.value.task) found.push(result.value.task);
  }
  return found;
}

/** The task(s) a reference means, or the reply that asks or says none matched. */
async function resolve(scene: Scene, ref: TaskRef, edit: Edit): Promise<Outcome<TaskView[]>> {
  const { voice } = scene;
  const wantsClosed = edit.type === 'status' && edit.status === 'pending';
  switch (ref.kind) {
    case 'named': {
      const found = await call<{ matches: Array<{ task: TaskView; score: number; exact: boolean; strong: boolean }> }>(scene, 'find_task', {
        reference: ref.text.slice(0, 255),
        ...(wantsClosed ? { prefer: 'closed' } : {}),
      });
      if (!found.ok) return found;
      const byId = new Map(found.value.matches.map((match) => [match.task.id, match.task]));
      const decision = decide(
        found.value.matches.map((match) => ({ id: match.task.id, score: match.score, exact: match.exact, strong: match.strong })),
      );
      if (decision.kind === 'one') return { ok: true, value: [byId.get(decision.id)!] };
      if (decision.kind === 'choose')
        return {
          ok: false,
          turn: askWhich(
            scene,
            ref.text,
            decision.ids.map((id) => byId.get(id)!),
            edit,
          ),
        };
      if (decision.kind === 'confirm') {
        const task = byId.get(decision.id)!;
        return { ok: false, turn: { content: voice.didYouMean(task), focus: [task.id], pending: { kind: 'confirm', id: task.id, edit } } };
      }
      return { ok: false, turn: { content: voice.notFound(ref.text) } };
    }
    case 'it': {
      const focus = scene.previous?.focus ?? [];
      if (focus.length === 0) return { ok: false, turn: { content: voice.whichTaskForIt() } };
      const tasks = await tasksById(scene, focus);
      if (tasks.length === 1) return { ok: true, value: tasks };
      if (tasks.length === 0) return { ok: false, turn: { content: voice.whichTaskForIt() } };
      return { ok: false, turn: askWhich(scene, null, tasks, edit) };
    }
    case 'ordinal': {
      const focus = scene.previous?.focus ?? [];
      const id = ref.index === -1 ? focus.at(-1) : focus[ref.index - 1];
      const tasks = id ? await tasksById(scene, [id]) : [];
      return tasks.length ? { ok: true, value: tasks } : { ok: false, turn: { content: voice.noSuchPlace(ref.index) } };
    }
    case 'unnamed': {
      const statuses = wantsClosed ? ['completed', 'cancelled'] : ['in_progress', 'pending'];
      const tasks: TaskView[] = [];
      for (const status of statuses) {
        const listed = await call<{ tasks: TaskView[] }>(scene, 'list_tasks', { status, limit: MAX_CHOICES });
        if (!listed.ok) return listed;
        tasks.push(...listed.value.tasks);
      }
      if (tasks.length === 0) return { ok: false, turn: { content: voice.noOpenTasks() } };
      return { ok: false, turn: askWhich(scene, null, tasks, edit) };
    }
  }
}

const STEPS = TASK_PRIORITIES;
/** English names start with a capital, as people write them in lists ("Evening run"). */
const capitalised = (name: string) => (/^[a-z]/.test(name) ? name.charAt(0).toUpperCase() + name.slice(1) : name);

/** Applies one change to one task. */
async function applyEdit(scene: Scene, task: TaskView, edit: Edit): Promise<Turn> {
  const { voice, context } = scene;
  const task_id = task.id;
  const focus = [task_id];
  const update = async (fields: Record<string, unknown>, say: (after: TaskView) => string): Promise<Turn> => {
    const result = await call<{ task: TaskView }>(scene, 'update_task', { task_id, ...fields });
    return result.ok ? { content: say(result.value.task), focus } : result.turn;
  };
  switch (edit.type) {
    case 'complete': {
      if (task.status === 'completed') return { content: voice.alreadyCompleted(task), focus };
      const result = await call<{ task: TaskView }>(scene, 'complete_task', { task_id });
      return result.ok ? { content: voice.completed(result.value.task), focus } : result.turn;
    }
    case 'delete': {
      const result = await call<{ deleted: TaskView }>(scene, 'remove_task', { task_id });
      return result.ok ? { content: voice.deleted(result.value.deleted) } : result.turn;
    }
    case 'status':
      if (task.status === edit.status) return { content: voice.status(task), focus };
      return update({ status: edit.status }, voice.status);
    case 'priority': {
      if (task.priority === edit.priority) return { content: voice.priorityAtLimit(task), focus };
      const result = await call<{ task: TaskView }>(scene, 'change_priority', { task_id, priority: edit.priority });
      return result.ok ? { content: voice.priority(result.value.task), focus } : result.turn;
    }
    case 'priority-step': {
      const next = STEPS[STEPS.indexOf(task.priority) + edit.step];
      if (!next) return { content: voice.priorityAtLimit(task), focus };
      return applyEdit(scene, task, { type: 'priority', priority: next });
    }
    case 'rename':
      if (!edit.name) return { content: voice.askNewName(task), focus, pending: { kind: 'rename', id: task_id } };
      return update({ name: capitalised(edit.name) }, (after) => voice.renamed(task, after));
    case 'due': {
      if (edit.when === null) return update({ due: null }, voice.dueCleared);
      if (isEmptyWhen(edit.when)) return { content: voice.askWhen(task), focus, pending: { kind: 'when', id: task_id } };
      const due = dueFrom(edit.when, { ...context, current: task.dueAt ? new Date(task.dueAt) : null });
      return update({ due }, voice.due);
    }
    case 'tag-add': {
      const tags = [...task.tags];
      for (const tag of edit.tags) if (!tags.some((known) => fold(known) === fold(tag))) tags.push(tag);
      return update({ tags }, voice.tagsAdded);
    }
    case 'tag-remove': {
      const removing = edit.tags.length ? task.tags.filter((tag) => edit.tags.some((named) => fold(named) === fold(tag))) : task.tags;
      if (removing.length === 0) return { content: voice.tagsMissing(task, edit.tags), focus };
      return update({ tags: task.tags.filter((tag) => !removing.includes(tag)) }, (after) => voice.tagsRemoved(after, removing));
    }
    case 'note': {
      const description = edit.replace ? edit.text || null : task.description ? `${task.description}\n${edit.text}` : edit.text;
      return update({ description }, voice.noted);
    }
  }
}

/** Applies a change to each task in turn (an answer of "both" may name several). */
async function applyAll(scene: Scene, tasks: readonly TaskView[], edit: Edit): Promise<Turn> {
  const turns: Turn[] = [];
  for (const task of tasks) turns.push(await applyEdit(scene, task, edit));
  if (turns.length === 1) return turns[0]!;
  return { content: turns.map((turn) => turn.content).join('\n'), focus: turns.flatMap((turn) => turn.focus ?? []) };
}

async function add(scene: Scene, task: NewTask): Promise<Turn> {
  if (!task.name) return { content: scene.voice.askName(), pending: { kind: 'name', task } };
  const name = capitalised(task.name);
  const due = task.when && !isEmptyWhen(task.when) ? dueFrom(task.when, { ...scene.context, current: null }) : undefined;
  const result = await call<{ task: TaskView }>(scene, 'add_task', {
    name,
    ...(task.priority ? { priority: task.priority } : {}),
    ...(task.tags?.length ? { tags: task.tags } : {}),
    ...(due ? { due } : {}),
    ...(task.description ? { description: task.description } : {}),
  });
  return result.ok ? { content: scene.voice.created(result.value.task), focus: [result.value.task.id] } : result.turn;
}

async function listing(scene: Scene, tool: ToolName, args: Record<string, unknown>, say: (tasks: TaskView[]) => string): Promise<Turn> {
  const result = await call<{ tasks: TaskView[] }>(scene, tool, args);
  return result.ok ? { content: say(result.value.tasks), focus: ids(result.value.tasks) } : result.turn;
}

async function search(scene: Scene, text: string): Promise<Turn> {
  const found = await call<{ matches: Array<{ task: TaskView; strong: boolean }> }>(scene, 'find_task', { reference: text.slice(0, 255) });
  if (!found.ok) return found.turn;
  const strong = found.value.matches.filter((match) => match.strong).map((match) => match.task);
  const tasks = strong.length ? strong : found.value.matches.map((match) => match.task);
  if (tasks.length) return { content: scene.voice.searched(text, tasks), focus: ids(tasks) };
  // Nothing by name or tag: the words may be in a description.
  return listing(scene, 'search_tasks', { query: text.slice(0, 200) }, (listed) => scene.voice.searched(text, listed));
}

export async function act(scene: Scene, intent: Intent): Promise<Turn> {
  const { voice } = scene;
  switch (intent.kind) {
    case 'add':
      return add(scene, intent.task);
    case 'list': {
      const { status, priority, dueToday, limit } = intent.filter;
      const args = {
        ...(status ? { status } : {}),
        ...(priority ? { priority } : {}),
        ...(dueToday ? { due_today: true } : {}),
        ...(limit ? { limit } : {}),
      };
      return listing(scene, 'list_tasks', args, (tasks) => voice.listed(tasks, intent.filter));
    }
    case 'overdue':
      return listing(scene, 'overdue_tasks', {}, voice.overdue);
    case 'tagged': {
      const result = await call<{ tag: string; tasks: TaskView[] }>(scene, 'tasks_by_tag', { tag: intent.tag });
      return result.ok ? { content: voice.tagged(result.value.tag, result.value.tasks), focus: ids(result.value.tasks) } : result.turn;
    }
    case 'search':
      return search(scene, intent.text);
    case 'stats': {
      const result = await call<TaskStats>(scene, 'task_statistics', {});
      return result.ok ? { content: voice.statistics(result.value) } : result.turn;
    }
    case 'group': {
      const result = await call<{ groups: Record<string, TaskView[]> }>(
        scene,
        intent.by === 'priority' ? 'group_by_priority' : 'group_by_status',
        {},
      );
      return result.ok
        ? {
            content: voice.groups(intent.by, result.value.groups),
            focus: Object.values(result.value.groups)
              .flat()
              .map((task) => task.id),
          }
        : result.turn;
    }
    case 'advise': {
      const result = await call<{ suggestions: Array<{ task: TaskView; reasons: Reason[] }> }>(scene, 'suggest_next', {});
      return result.ok
        ? { content: voice.advice(result.value.suggestions), focus: result.value.suggestions.map((entry) => entry.task.id) }
        : result.turn;
    }
    case 'edit': {
      const found = await resolve(scene, intent.ref, intent.edit);
      if (!found.ok) return found.turn;
      return applyAll(scene, found.value, intent.edit);
    }
    case 'greeting':
      return { content: voice.greeting() };
    case 'help':
      return { content: voice.help() };
    case 'unknown':
      return { content: voice.unknown() };
  }
}

/** Carries out the answer to the previous reply's question. */
export async function actOnAnswer(scene: Scene, answer: FollowUp): Promise<Turn> {
  if (answer.kind === 'cancel') return { content: scene.voice.cancelled() };
  if (answer.kind === 'add') return add(scene, answer.task);
  const tasks = await tasksById(scene, answer.ids);
  if (tasks.length === 0) return { content: scene.voice.whichTaskForIt() };
  return applyAll(scene, tasks, answer.edit);
}
