// The built-in assistant's reading of plain English commands: pure functions from a message
// (and a reference instant in the user's zone) to what should be done. No I/O here.
import * as chrono from 'chrono-node';
import type { TaskPriority, TaskStatus } from '../../tasks/service.js';
import { COMPATIBLE, instantOfWallClock, offsetMinutes } from '../../time/zone.js';
import { formatIsoLocal, formatLocalDate } from '../time.js';
import type { ToolName } from '../tools.js';

export interface ParseContext {
  readonly now: Date;
  readonly timeZone: string;
}

/** A change to one task the user names by words ("the report task"), found by searching first. */
export type TaskChange =
  | { readonly type: 'complete' }
  | { readonly type: 'delete' }
  | { readonly type: 'priority'; readonly priority: TaskPriority }
  | { readonly type: 'status'; readonly status: TaskStatus }
  | { readonly type: 'rename'; readonly name: string }
  | { readonly type: 'due'; readonly due: string | null }
  | { readonly type: 'tag'; readonly tags: readonly string[] };

export type Intent =
  /** Call one tool with these arguments. */
  | { readonly kind: 'call'; readonly tool: ToolName; readonly args: Record<string, unknown> }
  /** Search for `query`, and when exactly one task matches, apply `change` to it. */
  | { readonly kind: 'change-task'; readonly query: string; readonly change: TaskChange }
  | { readonly kind: 'greeting' }
  | { readonly kind: 'help' }
  /** Understood, but something is missing; `question` asks for it. */
  | { readonly kind: 'clarify'; readonly question: string }
  | { readonly kind: 'unknown' };

const PRIORITY_WORDS: Record<string, TaskPriority> = { high: 'high', urgent: 'high', important: 'high', medium: 'medium', normal: 'medium', low: 'low' };
const LEVEL = '(high|medium|normal|low|urgent)';

/** Trims, folds quotes and drops the politeness and punctuation around a command. */
function normalise(text: string): string {
  return text
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(?:(?:please|pls|ok(?:ay)?|hey|so|and|now|can you|could you|would you|i want to|i'd like to|i need you to)[,\s]+)+/i, '')
    .replace(/[\s.!?,]*(?:\s+please)?[\s.!?]*$/i, '')
    .trim();
}

/** "the report task" → "report"; `"Buy milk"` → "Buy milk". */
export function taskReference(words: string): string {
  const quoted = /^["'](.+)["']$/.exec(words.trim());
  if (quoted) return quoted[1]!.trim();
  return words
    .trim()
    .replace(/^(?:the|my|a|an|that|this)\s+/i, '')
    .replace(/^(?:task|todo|to-do|item)\s+(?:about|for|to|called|named)\s+/i, '')
    .replace(/\s+(?:task|todo|to-do|item|one)$/i, '')
    .replace(/^["'](.+)["']$/, '$1')
    .trim();
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const PARTS_OF_DAY = /\b(?:morning|afternoon|evening|tonight|night|noon|midday|midnight|lunch)\b/i;

/**
 * Finds a date in `text` the way a person in the user's zone means it: "tomorrow 6pm" is 18:00
 * there, returned as the ISO date-time with offset. A day without a time ("next friday") is
 * returned as the date alone (`2026-03-20`), so the task service's rule for a date without a
 * time (by the end of that day) decides what it means, as it does for every other writer.
 * Also returns the text with the date words (and "by", "on"...) taken out.
 */
export function extractDueDate(text: string, context: ParseContext): { due: string; rest: string } | null {
  const results = chrono.parse(text, { instant: context.now, timezone: offsetMinutes(context.now, context.timeZone) }, { forwardDate: true });
  const found = results[0];
  if (!found) return null;
  const start = found.start;
  const timeGiven = start.isCertain('hour') || PARTS_OF_DAY.test(found.text);
  const date = { year: start.get('year')!, month: start.get('month')!, day: start.get('day')! };
  // A time the clocks skip that day ("2:30am" on the spring-forward night) is due just after
  // the jump; one they show twice is due the first time.
  const due = timeGiven
    ? formatIsoLocal(instantOfWallClock({ ...date, hour: start.get('hour')!, minute: start.get('minute') ?? 0, second: 0 }, context.timeZone, COMPATIBLE), context.timeZone)
    : formatLocalDate(date);
  const before = text.slice(0, found.index).replace(/\s*\b(?:by|on|at|due|for|before|until|starting|from)\s*$/i, '');
  const after = text.slice(found.index + found.text.length);
  return { due, rest: `${before} ${after}`.replace(/\s+/g, ' ').trim() };
}

function extractTags(text: string): { tags: string[]; rest: string } {
  const tags: string[] = [];
  const rest = text.replace(/(^|\s)#([\p{L}\p{N}_-]+)/gu, (_match, _space, tag: string) => {
    if (!tags.includes(tag.toLowerCase())) tags.push(tag.toLowerCase());
    return ' ';
  });
  return { tags, rest: rest.replace(/\s+/g, ' ').trim() };
}

function extractPriority(text: string): { priority: TaskPriority | undefined; rest: string } {
  const patterns = [
    new RegExp(`\\b(?:with\\s+|at\\s+)?(?:a\\s+)?${LEVEL}[- ]priority\\b`, 'i'),
    new RegExp(`\\b(?:with\\s+)?priority[:\\s]+${LEVEL}\\b`, 'i'),
    /\b(urgent|important)\b/i,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match) {
      const rest = (text.slice(0, match.index) + ' ' + text.slice(match.index + match[0].length)).replace(/\s+/g, ' ').trim();
      return { priority: PRIORITY_WORDS[match[1]!.toLowerCase()], rest };
    }
  }
  return { priority: undefined, rest: text };
}

function parseAdd(words: string, context: ParseContext): Intent {
  const { tags, rest: withoutTags } = extractTags(words);
  const { priority, rest: withoutPriority } = extractPriority(withoutTags);
  const dated = extractDueDate(withoutPriority, context);
  const name = (dated?.rest ?? withoutPriority)
    .replace(/^(?:(?:a|an|new|the|my|one|another)\s+)*/i, '')
    .replace(/^(?:task|todo|to-do|item|reminder)\b\s*(?::|to\b|called\b|named\b|for\b|-)?\s*/i, '')
    .replace(/^(?:to|:)\s+/i, '')
    .replace(/^["'](.+)["']$/, '$1')
    .replace(/\s+(?:with|and)$/i, '')
    .trim();
  if (!name) return { kind: 'clarify', question: 'What should the new task be called? For example: *add call mom tomorrow at 6pm*.' };
  return {
    kind: 'call',
    tool: 'add_task',
    args: {
      name: capitalise(name),
      ...(priority ? { priority } : {}),
      ...(tags.length ? { tags } : {}),
      ...(dated ? { due: dated.due } : {}),
    },
  };
}

const STATUS_WORDS: Array<[RegExp, TaskStatus]> = [
  [/\b(?:in[- ]progress|ongoing|started|doing)\b/i, 'in_progress'],
  [/\b(?:completed|complete|done|finished)\b/i, 'completed'],
  [/\b(?:cancell?ed)\b/i, 'cancelled'],
  [/\b(?:pending|open|todo|to-do|unfinished|remaining|incomplete)\b/i, 'pending'],
];

function parseList(text: string): Intent {
  const args: Record<string, unknown> = {};
  const priority = new RegExp(`\\b${LEVEL}[- ]priority\\b`, 'i').exec(text);
  if (priority) args.priority = PRIORITY_WORDS[priority[1]!.toLowerCase()];
  const status = STATUS_WORDS.find(([pattern]) => pattern.test(text));
  if (status) args.status = status[1];
  if (/\btoday\b/i.test(text)) args.due_today = true;
  const count = /\b(?:top|first|next|last)?\s*(\d{1,3})\b/i.exec(text);
  if (count) args.limit = Math.min(100, Math.max(1, Number.parseInt(count[1]!, 10)));
  return { kind: 'call', tool: 'list_tasks', args };
}

const ADD = /^(?:add|create|new|make a(?: new)? task|remind me to|remind me|remember to|put|schedule|i need to|i have to|todo:?)\b[:\s]*(.*)$/i;
const RENAME = /^(?:rename|retitle)\s+(.+?)\s+(?:to|as|into)\s+(.+)$/i;
const RESCHEDULE =
  /^(?:move|reschedule|postpone|push|change the due date of|change the due date for|set the due date of|set the due date for|set the deadline of|set the deadline for)\s+(.+?)\s+(?:to|until|for)\s+(.+)$/i;
const DUE_SET = /^(?:make|set)\s+(.+?)\s+due\s+(.+)$/i;
const CLEAR_DUE = /^(?:remove|clear|drop)\s+the\s+(?:due date|deadline)\s+(?:of|from|for)\s+(.+)$/i;
const PRIORITY_OF = new RegExp(`^(?:change|set|update|make)\\s+(?:the\\s+)?priority\\s+(?:of|for|on)\\s+(.+?)\\s+(?:to|as)\\s+${LEVEL}(?:\\s+priority)?$`, 'i');
const PRIORITY_MAKE = new RegExp(`^(?:make|set|mark|change|raise|lower|bump|move)\\s+(.+?)\\s+(?:to\\s+|as\\s+)?(?:a\\s+)?${LEVEL}(?:[- ]priority)?$`, 'i');
const PRIORITISE = /^(?:prioriti[sz]e)\s+(.+)$/i;
const MARK_STATUS = /^(?:mark|set|move|put)\s+(.+?)\s+(?:as\s+|to\s+|in\s+)?(done|complete|completed|finished|in[- ]progress|started|pending|not done|undone|incomplete|open|cancell?ed)$/i;
const COMPLETE = /^(?:complete|finish|close|check off|tick off|i(?: have|'ve)? (?:finished|completed|done|did))\s+(.+?)(?:\s+(?:task|todo))?$/i;
const IS_DONE = /^(.+?)\s+is\s+(?:done|finished|complete|completed)$/i;
const START = /^(?:start|begin|i'?m (?:starting|working on)|i am (?:starting|working on)|work on)\s+(.+)$/i;
const REOPEN = /^(?:reopen|re-open|undo|uncomplete)\s+(.+)$/i;
const CANCEL = /^(?:cancel|abandon)\s+(.+)$/i;
const DELETE = /^(?:delete|remove|drop|erase|get rid of|trash)\s+(.+)$/i;
const TAG = /^(?:tag|label)\s+(.+?)\s+(?:(?:with|as)\s+)?((?:#[\p{L}\p{N}_-]+\s*)+)$/iu;
const TAG_WORD = /^(?:tag|label)\s+(.+?)\s+(?:with|as)\s+(?:the\s+)?(?:tag\s+)?([\p{L}\p{N}_-]+)$/iu;
const TAG_ADD = /^add\s+((?:#[\p{L}\p{N}_-]+\s*)+)\s+(?:tag\s+)?to\s+(.+)$/iu;
const SEARCH = /^(?:search|find|look|look up|lookup)\s+(?:for\s+)?(?:(?:my\s+)?tasks?\s+)?(?:about|with|containing|matching|mentioning|named|called|for)?\s*(.+)$/i;
const TASKS_ABOUT = /^(?:(?:show|list|get|display)\s+)?(?:me\s+)?(?:all\s+)?(?:my\s+)?(?:the\s+)?tasks?\s+(?:about|mentioning|containing|matching|related to|regarding)\s+(.+)$/i;
const TAGGED = /\b(?:tagged|tag|labelled|labeled|with the tag|with tag)\s+#?([\p{L}\p{N}_-]+)/iu;
const LIST = /^(?:show|list|display|get|give|see|view|what do i have|what have i got)\b|\btasks?\b|\btodos?\b|\bto-dos?\b/i;

/** Reads one message. */
export function parseCommand(raw: string, context: ParseContext): Intent {
  const text = normalise(raw);
  if (!text) return { kind: 'help' };
  const lower = text.toLowerCase();

  if (/^(?:hi|hello|hey|hiya|salam|good (?:morning|afternoon|evening)|thanks|thank you|thx)\b/i.test(lower) && lower.split(' ').length <= 4) {
    return { kind: 'greeting' };
  }
  if (/^(?:help|\?|what can you do|what do you do|how does this work|commands|what can i (?:say|ask|do))\b/i.test(lower)) return { kind: 'help' };

  let match: RegExpExecArray | null;

  if ((match = TAG_ADD.exec(text))) {
    return { kind: 'change-task', query: taskReference(match[2]!), change: { type: 'tag', tags: extractTags(match[1]!).tags } };
  }
  if ((match = ADD.exec(text))) return parseAdd(match[1]!, context);
  if ((match = RENAME.exec(text))) {
    const name = match[2]!.replace(/^["'](.+)["']$/, '$1').trim();
    return { kind: 'change-task', query: taskReference(match[1]!), change: { type: 'rename', name: capitalise(name) } };
  }
  if ((match = CLEAR_DUE.exec(text))) return { kind: 'change-task', query: taskReference(match[1]!), change: { type: 'due', due: null } };
  if ((match = RESCHEDULE.exec(text)) || (match = DUE_SET.exec(text))) {
    const dated = extractDueDate(match[2]!, context);
    if (!dated) return { kind: 'clarify', question: `When should it be due? I could not read a date in "${match[2]}".` };
    return { kind: 'change-task', query: taskReference(match[1]!), change: { type: 'due', due: dated.due } };
  }
  if ((match = PRIORITY_OF.exec(text)) || (match = PRIORITY_MAKE.exec(text))) {
    return { kind: 'change-task', query: taskReference(match[1]!), change: { type: 'priority', priority: PRIORITY_WORDS[match[2]!.toLowerCase()]! } };
  }
  if ((match = PRIORITISE.exec(text))) return { kind: 'change-task', query: taskReference(match[1]!), change: { type: 'priority', priority: 'high' } };
  if ((match = MARK_STATUS.exec(text))) {
    const word = match[2]!.toLowerCase();
    const query = taskReference(match[1]!);
    if (/^(?:done|complete|completed|finished)$/.test(word)) return { kind: 'change-task', query, change: { type: 'complete' } };
    const status: TaskStatus = /progress|started/.test(word) ? 'in_progress' : /cancel/.test(word) ? 'cancelled' : 'pending';
    return { kind: 'change-task', query, change: { type: 'status', status } };
  }
  if ((match = COMPLETE.exec(text)) || (match = IS_DONE.exec(text))) {
    return { kind: 'change-task', query: taskReference(match[1]!), change: { type: 'complete' } };
  }
  if ((match = START.exec(text))) return { kind: 'change-task', query: taskReference(match[1]!), change: { type: 'status', status: 'in_progress' } };
  if ((match = REOPEN.exec(text))) return { kind: 'change-task', query: taskReference(match[1]!), change: { type: 'status', status: 'pending' } };
  if ((match = CANCEL.exec(text))) return { kind: 'change-task', query: taskReference(match[1]!), change: { type: 'status', status: 'cancelled' } };
  if ((match = DELETE.exec(text))) return { kind: 'change-task', query: taskReference(match[1]!), change: { type: 'delete' } };
  if ((match = TAG.exec(text)) || (match = TAG_WORD.exec(text))) {
    const tags = match[2]!.split(/\s+/).map((tag) => tag.replace(/^#/, '').toLowerCase()).filter(Boolean);
    return { kind: 'change-task', query: taskReference(match[1]!), change: { type: 'tag', tags } };
  }

  if (/\bhow many\b|\bstat(?:s|istics)\b|\bsummary\b|\boverview\b|\bcount\b|\bhow am i doing\b/i.test(lower)) {
    return { kind: 'call', tool: 'task_statistics', args: {} };
  }
  if (/\bgroup(?:ed)?\b|\bby priority\b|\bby status\b|\bper (?:priority|status)\b/i.test(lower)) {
    if (/\bstatus\b/i.test(lower)) return { kind: 'call', tool: 'group_by_status', args: {} };
    if (/\bpriorit/i.test(lower)) return { kind: 'call', tool: 'group_by_priority', args: {} };
  }
  if (/\boverdue\b|\bpast due\b|\blate\b|\bmissed\b|\bbehind\b/i.test(lower)) return { kind: 'call', tool: 'overdue_tasks', args: {} };
  if ((match = SEARCH.exec(text)) || (match = TASKS_ABOUT.exec(text))) {
    const query = match[1]!.replace(/^["'](.+)["']$/, '$1').trim();
    if (query) return { kind: 'call', tool: 'search_tasks', args: { query } };
  }
  const hashTag = /(?:^|\s)#([\p{L}\p{N}_-]+)/u.exec(text) ?? (LIST.test(text) ? TAGGED.exec(text) : null);
  if (hashTag) return { kind: 'call', tool: 'tasks_by_tag', args: { tag: hashTag[1]!.toLowerCase() } };
  if (/\bdue today\b|\btoday'?s tasks\b|\b(?:on|for) today\b|\btoday\b.*\btasks?\b|\btasks?\b.*\btoday\b/i.test(lower)) {
    return { kind: 'call', tool: 'list_tasks', args: { due_today: true } };
  }
  if (LIST.test(text)) return parseList(text);
  return { kind: 'unknown' };
}
