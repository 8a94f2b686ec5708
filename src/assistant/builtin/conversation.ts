// What a reply leaves for the next message of its session: the language, the tasks it was
// about (for "it", "the second one") and the question it asked, if any (which task? what name?
// when? did you mean…?). It is stored with the reply in PostgreSQL, so whichever instance reads
// the next message can take its answer. Stored JSON is checked before use: a state this
// version cannot read is ignored, never trusted.
import { z } from 'zod';
import { TASK_PRIORITIES, TASK_STATUSES } from '../../tasks/rules.js';
import type { TaskPriority, TaskStatus } from '../../tasks/service.js';
import { decide, rankCandidates } from '../find.js';
import { readDuration, readWhen } from './english-dates.js';
import { cleanEnglish, readEnglish } from './english.js';
import { ordinalOf } from './english-words.js';
import type { Edit, Language, NewTask, ReadContext, When } from './intent.js';
import { readPersianDuration, readPersianWhen } from './persian-dates.js';
import { cleanPersian, persianOrdinalOf, readPersian } from './persian.js';

const date = z.object({ year: z.number().int(), month: z.number().int(), day: z.number().int() });
const when: z.ZodType<When> = z.object({
  date: date.optional(),
  time: z.object({ hour: z.number().int(), minute: z.number().int() }).optional(),
  fromNow: z.boolean().optional(),
  shift: z.object({ amount: z.number(), unit: z.enum(['minute', 'hour', 'day', 'week', 'month']) }).optional(),
});
const priority = z.enum(TASK_PRIORITIES as readonly [TaskPriority, ...TaskPriority[]]);
const status = z.enum(TASK_STATUSES as readonly [TaskStatus, ...TaskStatus[]]);
const text = z.string().max(20_000);
const edit: z.ZodType<Edit> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('complete') }),
  z.object({ type: z.literal('delete') }),
  z.object({ type: z.literal('status'), status }),
  z.object({ type: z.literal('priority'), priority }),
  z.object({ type: z.literal('priority-step'), step: z.union([z.literal(1), z.literal(-1)]) }),
  z.object({ type: z.literal('rename'), name: text.nullable() }),
  z.object({ type: z.literal('due'), when: when.nullable() }),
  z.object({ type: z.literal('tag-add'), tags: z.array(text).max(64) }),
  z.object({ type: z.literal('tag-remove'), tags: z.array(text).max(64) }),
  z.object({ type: z.literal('note'), text, replace: z.boolean().optional() }),
]);
const newTask: z.ZodType<NewTask> = z.object({
  name: text.nullable(),
  priority: priority.optional(),
  tags: z.array(text).max(64).optional(),
  when: when.optional(),
  description: text.optional(),
});
const id = z.uuid();

const pending = z.discriminatedUnion('kind', [
  /** "Which one?": the tasks offered, in the order shown, and what to do with the chosen one. */
  z.object({ kind: z.literal('choose'), ids: z.array(id).min(1).max(20), names: z.array(text).max(20), edit }),
  /** "Did you mean X?" */
  z.object({ kind: z.literal('confirm'), id, edit }),
  /** "What should the new task be called?", with what was already said about it. */
  z.object({ kind: z.literal('name'), task: newTask }),
  /** "What should X be called?" / "When should X be due?" */
  z.object({ kind: z.literal('rename'), id }),
  z.object({ kind: z.literal('when'), id }),
]);

export type Pending = z.infer<typeof pending>;

export const assistantState = z.object({
  language: z.enum(['en', 'fa']),
  /** The tasks the reply was about, in the order it showed them. */
  focus: z.array(id).max(100).optional(),
  pending: pending.optional(),
});
export type AssistantState = z.infer<typeof assistantState>;

/** The previous reply's state, or null when there is none or it cannot be read. */
export function readState(stored: unknown): AssistantState | null {
  const parsed = assistantState.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

export type FollowUp =
  | { readonly kind: 'apply'; readonly ids: readonly string[]; readonly edit: Edit }
  | { readonly kind: 'add'; readonly task: NewTask }
  | { readonly kind: 'cancel' };

const YES =
  /^(?:yes|yeah|yea|yep|yup|y|sure|ok|okay|correct|right|exactly|that's it|that's the one|that one|this one|do it|go ahead|please do|confirm|absolutely|of course|indeed|بله|بلی|آره|اره|آری|باشه|حتما|حتماً|درسته|درست است|همینه|همین|همون|اوکی|تایید|انجام بده)$/iu;
const NO =
  /^(?:no|nope|nah|n|cancel|never ?mind|stop|don't|do not|forget it|neither|none|none of them|not that one|wrong|leave it|skip it|نه|خیر|نخیر|بیخیال|بی‌خیال|ولش کن|ولش|لغو|لغو کن|هیچکدام|هیچ‌کدام|هیچکدوم|هیچ‌کدوم|نه ممنون)$/iu;
const ALL = /^(?:all|both|all of them|both of them|every one|each|همه|هر دو|هردو|همشون|همه‌شون|همه شون|همه‌ی آنها|همه را)$/iu;

const clean = (message: string, language: Language) =>
  (language === 'fa' ? cleanPersian(message) : cleanEnglish(message)).replace(/[.!?؟,،]+$/u, '').trim();
const read = (message: string, language: Language, context: ReadContext) =>
  language === 'fa' ? readPersian(message, context) : readEnglish(message, context);

/** Whether a message reads as a command of its own (then it is not an answer to the question). */
function isCommand(message: string, language: Language, context: ReadContext): boolean {
  const intent = read(message, language, context);
  return intent.kind !== 'unknown' && intent.kind !== 'greeting' && !(intent.kind === 'help' && clean(message, language) === '');
}

function whenOf(message: string, language: Language, context: ReadContext): When | null {
  if (language === 'fa') {
    const found = readPersianWhen(message, context);
    if (found) return found.when;
    const duration = readPersianDuration(message);
    return duration ? { shift: { amount: duration.amount, unit: duration.unit } } : null;
  }
  const duration = readDuration(message);
  if (duration && !duration.before) return { shift: { amount: (duration.direction ?? 1) * duration.amount, unit: duration.unit } };
  return readWhen(message, context)?.when ?? null;
}

/**
 * The message as an answer to the question the previous reply asked, or null when it is not
 * one (a new command, or words that fit no answer): then it is read as a message of its own.
 */
export function answerPending(message: string, question: Pending, language: Language, context: ReadContext): FollowUp | null {
  const words = clean(message, language);
  if (NO.test(words)) return { kind: 'cancel' };
  switch (question.kind) {
    case 'choose': {
      const place = ordinalOf(words) ?? persianOrdinalOf(words);
      if (place !== null) {
        const chosen = place === -1 ? question.ids.at(-1) : question.ids[place - 1];
        return chosen ? { kind: 'apply', ids: [chosen], edit: question.edit } : null;
      }
      if (ALL.test(words)) return { kind: 'apply', ids: question.ids, edit: question.edit };
      if (YES.test(words) && question.ids.length === 1) return { kind: 'apply', ids: question.ids, edit: question.edit };
      const candidates = question.ids.map((taskId, index) => ({ id: taskId, name: question.names[index] ?? '', tags: [], closed: false }));
      const decision = decide(rankCandidates(words, candidates));
      return decision.kind === 'one' ? { kind: 'apply', ids: [decision.id], edit: question.edit } : null;
    }
    case 'confirm':
      return YES.test(words) ? { kind: 'apply', ids: [question.id], edit: question.edit } : null;
    case 'name': {
      if (!words || isCommand(message, language, context)) return null;
      // The answer may carry more details ("buy bread tomorrow"): read it as the rest of the add.
      const added = language === 'fa' ? readPersian(`${words} را اضافه کن`, context) : readEnglish(`add ${words}`, context);
      if (added.kind !== 'add' || !added.task.name) return null;
      const { task } = added;
      return {
        kind: 'add',
        task: { ...question.task, ...Object.fromEntries(Object.entries(task).filter(([, value]) => value !== undefined)), name: task.name },
      };
    }
    case 'rename':
      if (!words || isCommand(message, language, context)) return null;
      return { kind: 'apply', ids: [question.id], edit: { type: 'rename', name: words.replace(/^["'«]|["'»]$/gu, '') } };
    case 'when': {
      const found = whenOf(words, language, context);
      return found ? { kind: 'apply', ids: [question.id], edit: { type: 'due', when: found } } : null;
    }
  }
}
