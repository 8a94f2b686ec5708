// Reads an English message as an intent and its slots. Questions and listings first, then a
// change to a task, and only then a new task: a sentence that fits none is not understood, and
// nothing is written for it.
import type { TaskStatus } from '../../tasks/service.js';
import { readWhen } from './english-dates.js';
import { readEdit } from './english-edits.js';
import { LEVEL, levelOf, refOf, takeHashTags, takePriority, unquote } from './english-words.js';
import type { Intent, ListFilter, NewTask, ReadContext } from './intent.js';

/** Trims, folds spacing and drops the politeness and punctuation around a command. */
export function cleanEnglish(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\b(it|that|this)'s\b/gi, '$1 is')
    .replace(
      /^(?:(?:please|pls|ok(?:ay)?|hey|hi|so|and|now|also|then|alright|right|great|thanks|actually|oh|wait|sorry|um|hmm|assistant|behflow|can you|could you|would you|will you|can u|i want you to|i'd like you to|i need you to|go ahead and|let's|lets)[,\s]+)+/i,
      '',
    )
    .replace(/(?:[\s,]+(?:please|pls|for me|thanks|thank you|now|asap please))+[\s.!?]*$/i, '')
    .replace(/[\s.!?]+$/, '')
    .trim();
}

const GREETING = /^(?:hi|hello|hey|hiya|howdy|yo|salam|good (?:morning|afternoon|evening)|thanks|thank you|thx|cheers)\b/i;
const HELP =
  /^(?:help|\?|what can you do|what do you do|what are you|how does this work|how do i use (?:you|this)|commands|what can i (?:say|ask|do)|what do you understand)\b/i;
const ADVISE =
  /\b(?:what|which(?: task| one)?|where)\b.*\b(?:should|shall|must|could|would|ought to|to)\b.*\b(?:first|next|now|start|begin|focus|tackle|work on|pick|prioriti[sz]e|today)\b|\b(?:what|where) (?:do|can) (?:i|we) (?:do|start|begin|work on) (?:first|next|now|with)?\b|^(?:where|how) (?:do|should|shall) (?:i|we) (?:start|begin)\b|^what(?:'s| is) (?:next|most (?:important|urgent|pressing))\b|\bwhat matters most\b|^(?:suggest|recommend)\b|\bhelp me (?:prioriti[sz]e|plan|decide|focus)\b|^plan my day\b|^prioriti[sz]e (?:my |all |the )?(?:tasks|day|list|todos?|work|week)\b|^(?:what|where) (?:next|now)\b|\bmost (?:important|urgent|pressing) (?:task|thing)s?\b/i;
const STATS = /\bhow many\b|\bstat(?:s|istics)\b|\bsummary\b|\boverview\b|\bcount\b|\bhow am i doing\b|\bprogress report\b/i;
const GROUP = /\bgroup(?:ed)?\b|\b(?:by|per) (?:priority|status)\b|\bbreak(?:down| down)\b/i;
const OVERDUE = /\boverdue\b|\bpast due\b|\blate\b|\bmissed\b|\bbehind\b|\bpast (?:their|the) deadline\b/i;
const QUERY_START =
  /^(?:show|list|display|view|see|what|which|whats|what's|how|give me|get me|tell me|find|search|look|lookup|locate|where|any|anything|do i have|have i got|is there|are there)\b/i;
const SEARCH =
  /^(?:search|find|look(?: up)?|lookup|locate|where(?:'s| is| are)|is there|are there|do i have|have i got|any)\s+(?:for\s+)?(?:a\s+|any\s+|my\s+|the\s+)?(?:tasks?\s+|todos?\s+|items?\s+)?(?:about|with|containing|matching|mentioning|named|called|for|related to|regarding|on)?\s*(.+?)(?:\s+(?:task|todo|item)s?)?$/i;
const TASKS_ABOUT =
  /^(?:(?:show|list|get|display|give)\s+)?(?:me\s+)?(?:all\s+)?(?:my\s+)?(?:the\s+)?tasks?\s+(?:about|mentioning|containing|matching|related to|regarding|named|called)\s+(.+)$/i;
const TAGGED = /\b(?:tagged|tag|labell?ed|label|with the tag|with tag|under)\s+#?([\p{L}\p{N}_\u200c-]+)/iu;
const LIST_WORDS = /\b(?:tasks?|todos?|to-dos?|list|agenda|plate|everything)\b/i;
const STATUS_WORDS: Array<[RegExp, TaskStatus]> = [
  [/\b(?:in[- ]progress|ongoing|started|doing|underway)\b/i, 'in_progress'],
  [/\b(?:completed|complete|done|finished)\b/i, 'completed'],
  [/\b(?:cancell?ed)\b/i, 'cancelled'],
  [/\b(?:pending|open|todo|to-do|unfinished|remaining|incomplete|left|not done)\b/i, 'pending'],
];

function listFilter(text: string): ListFilter {
  const priority = new RegExp(String.raw`\b${LEVEL}[- ]priority\b|\b(urgent|important)\b`, 'i').exec(text);
  const status = STATUS_WORDS.find(([pattern]) => pattern.test(text))?.[1];
  const count = /\b(?:top|first|next|last)?\s*(\d{1,3})\b/i.exec(text);
  return {
    ...(priority ? { priority: levelOf(priority[1] ?? priority[2]!) } : {}),
    ...(status ? { status } : {}),
    ...(/\btoday\b|\btonight\b/i.test(text) ? { dueToday: true } : {}),
    ...(count ? { limit: Math.min(100, Math.max(1, Number(count[1]))) } : {}),
  };
}

function readQuery(text: string): Intent | null {
  if (STATS.test(text)) return { kind: 'stats' };
  if (GROUP.test(text)) {
    if (/\bstatus\b/i.test(text)) return { kind: 'group', by: 'status' };
    if (/\bpriorit/i.test(text)) return { kind: 'group', by: 'priority' };
  }
  if (OVERDUE.test(text)) return { kind: 'overdue' };
  const hashTag = /(?:^|\s)#([\p{L}\p{N}_\u200c-]+)/u.exec(text) ?? TAGGED.exec(text);
  if (hashTag) return { kind: 'tagged', tag: hashTag[1]! };
  const about = TASKS_ABOUT.exec(text) ?? SEARCH.exec(text);
  if (about) {
    const words = unquote(about[1]!);
    // "do I have any tasks", "find my tasks": a listing, not a search.
    if (
      !/^(?:(?:my|all|the|any)\s+)?(?:tasks?|todos?|to-dos?|things? to do|anything|everything)(?:\s+(?:today|due today|left))?$/i.test(
        words,
      )
    ) {
      const ref = refOf(words);
      if (ref.kind === 'named') return { kind: 'search', text: ref.text };
    }
  }
  if (/\bdue today\b|\btoday'?s\b|\b(?:on|for) today\b|\btoday\b|\btonight\b/i.test(text))
    return { kind: 'list', filter: { ...listFilter(text), dueToday: true } };
  if (QUERY_START.test(text) || LIST_WORDS.test(text)) return { kind: 'list', filter: listFilter(text) };
  return null;
}

const ADD =
  /^(?:add|create|new|make (?:a|an|another|one more|new)(?= (?:new )?(?:task|todo|to-do|reminder|item)\b)|put(?=.*\b(?:on|to) (?:my|the) (?:list|tasks|todo list|to-do list)\b)|set up|setup|schedule|plan|insert|enter|log|jot down|write down|note down|record|remind me(?:\s+(?:to|about|that))?|remember to|don't let me forget(?:\s+(?:to|about))?|do not let me forget(?:\s+(?:to|about))?|i need to|i have to|i must|i've got to|i gotta|i got to|todo|to-do|task|new task|reminder)\b\s*[:-]?\s*(.*)$/i;
const LIST_TARGET = /\s+(?:to|on|onto|in)\s+(?:my|the)\s+(?:list|tasks|task list|todo list|to-do list|todos|to-dos|agenda)\b/i;
const TASK_NOUN =
  /^(?:(?:a|an|new|another|one more|the|my)\s+)*(?:(?:high|low|medium|normal|urgent|important)[- ]?(?:priority)?\s+)?(?:task|todo|to-do|item|reminder|entry)s?\b\s*(?::|-|to\b|called\b|named\b|titled\b|for\b|about\b|that says\b|saying\b)?\s*/i;

/** The name and details of a new task, or null when the words are really a change to an existing one. */
function readNewTask(body: string, context: ReadContext): Intent | null {
  let text = body.replace(LIST_TARGET, ' ').replace(/\s+/g, ' ').trim();
  // "add 'bring ID' to the flight task": a note on an existing task, never a new one.
  const onto = /^(.+?)\s+(?:to|on|onto)\s+((?:the|my|that|this)\s+.+?\b(?:task|todo|item|one))$/i.exec(text);
  if (onto) return { kind: 'edit', ref: refOf(onto[2]!), edit: { type: 'note', text: unquote(onto[1]!) } };

  let description: string | undefined;
  const note = /\s*[,;]?\s*(?:with\s+(?:a\s+)?)?(?:note|notes|description|details)\s*[:-]\s*(.+)$/i.exec(text);
  if (note) {
    description = unquote(note[1]!);
    text = text.slice(0, note.index);
  }
  const { tags, rest: withoutTags } = takeHashTags(text);
  const quoted = /(["'`])(.+?)\1/.exec(withoutTags);
  const { priority, rest: withoutPriority } = takePriority(quoted ? withoutTags.replace(quoted[0], ' ') : withoutTags);
  const dated = readWhen(withoutPriority, context);
  const leftover = dated ? dated.rest : withoutPriority;
  const name = (quoted ? quoted[2]! : leftover)
    .replace(TASK_NOUN, '')
    .replace(/^(?:a|an|another)\s+(?=\S)/i, '')
    .replace(/^(?:to|:|-)\s+/i, '')
    .replace(/^["'`]|["'`]$/g, '')
    .replace(/[\s,;:.!-]+$/g, '')
    .replace(/\s+(?:with|and|due|by|at|on)$/i, '')
    .replace(/^[\s,;:-]+/, '')
    .trim();
  const task: NewTask = {
    name: name ? name.charAt(0).toUpperCase() + name.slice(1) : null,
    ...(priority ? { priority } : {}),
    ...(tags.length ? { tags } : {}),
    ...(dated ? { when: dated.when } : {}),
    ...(description ? { description } : {}),
  };
  return { kind: 'add', task };
}

/** Reads one English message. */
export function readEnglish(raw: string, context: ReadContext): Intent {
  const text = cleanEnglish(raw);
  if (!text) return { kind: 'help' };
  if (GREETING.test(text) && text.split(' ').length <= 4) return { kind: 'greeting' };
  if (ADVISE.test(text) && !/^(?:add|create|remind)\b/i.test(text)) return { kind: 'advise' };
  if (HELP.test(text)) return { kind: 'help' };
  if (QUERY_START.test(text)) {
    const query = readQuery(text);
    if (query) return query;
  }
  const change = readEdit(text, context);
  if (change) return change;
  // "schedule the dentist for friday" names a task that exists: a move, never a new task.
  const scheduled = /^(?:schedule|plan)\s+((?:the|my|that|this)\s+.+)$/i.exec(text);
  if (scheduled) return readEdit(`move ${scheduled[1]}`, context) ?? { kind: 'unknown' };
  const add = ADD.exec(text);
  if (add) return readNewTask(add[1]!, context) ?? { kind: 'unknown' };
  return readQuery(text) ?? { kind: 'unknown' };
}
