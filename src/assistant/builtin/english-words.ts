// The slots of an English command: which task it names, priority levels, tags, quoted text.
import type { TaskPriority } from '../../tasks/service.js';
import { PRONOUN_REF, type TaskRef } from './intent.js';

const LEVELS: Array<[RegExp, TaskPriority]> = [
  [/^(?:not (?:urgent|important|a priority)|unimportant|low(?:est)?|minor|trivial|whenever)$/i, 'low'],
  [/^(?:high(?:est)?|top|urgent|important|critical|asap|crucial|pressing)$/i, 'high'],
  [/^(?:medium|normal|moderate|regular|average|mid|middle|standard)$/i, 'medium'],
];
/** Words naming a priority level, for patterns. */
export const LEVEL =
  '(not (?:urgent|important|a priority)|unimportant|lowest|low|minor|trivial|highest|high|top|urgent|important|critical|asap|crucial|pressing|medium|normal|moderate|regular|average|mid|middle|standard)';

export function levelOf(word: string): TaskPriority | undefined {
  const trimmed = word.trim().replace(/\s+/g, ' ');
  return LEVELS.find(([pattern]) => pattern.test(trimmed))?.[1];
}

const ORDINALS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  last: -1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};

/** "the first one", "2", "number 3", "#2", "the 2nd task", "the last one": a place in a shown list (1-based, -1 for the last). */
export function ordinalOf(text: string): number | null {
  const words = text
    .trim()
    .toLowerCase()
    .replace(/[.!?,)]+$/, '')
    .replace(
      /^(?:(?:i mean|i meant|it's|it is|its|the one|that's|that is|make it|go with|pick|choose|let's do|do|option|how about)\s+)+/,
      '',
    )
    .trim();
  let match = /^(?:the\s+)?(?:number|no\.?|#|task|item|option)?\s*(\d{1,2})(?:st|nd|rd|th)?(?:\s+(?:one|task|item|option))?$/.exec(words);
  if (match) return Number(match[1]);
  match = /^(?:the\s+)?(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last)(?:\s+(?:one|task|item|option))?$/.exec(
    words,
  );
  if (match) return ORDINALS[match[1]!]!;
  match = /^(?:number|option)\s+(one|two|three|four|five|six|seven|eight|nine|ten)$/.exec(words);
  return match ? ORDINALS[match[1]!]! : null;
}

/** Strips the quotes around a whole text ("'Buy milk'" → "Buy milk"). */
export const unquote = (text: string) =>
  text
    .trim()
    .replace(/^(["'`])(.+)\1$/s, '$2')
    .trim();

/**
 * How a message names a task: "the report task" → named "report"; "it" → the previous reply's
 * task; "the second one" → a place in the previous list; "the task" → unnamed.
 */
export function refOf(words: string): TaskRef {
  const text = words
    .trim()
    .replace(/[,.;:!?]+$/, '')
    .trim();
  const quoted = /^(["'`])(.+)\1$/s.exec(text);
  if (quoted) return { kind: 'named', text: quoted[2]!.trim() };
  if (PRONOUN_REF.test(text)) return { kind: 'it' };
  const ordinal = ordinalOf(text);
  if (ordinal !== null) return { kind: 'ordinal', index: ordinal };
  if (/^(?:i|i'm|i am|we|we're|you|all|everything|all of it)$/i.test(text)) return { kind: 'unnamed' };
  const named = text
    .replace(/^(?:working on|work on|on|with)\s+/i, '')
    .replace(/^(?:(?:the|my|a|an|our|that|this|one of my|one)\s+)+/i, '')
    .replace(/^(?:task|todo|to-do|item|one|reminder)\s+(?:about|for|to|called|named|titled|of|on)\s+/i, '')
    .replace(/(?:'s)$/i, '')
    .replace(/\s+(?:task|todo|to-do|item|one|reminder|thing)s?$/i, '')
    .replace(/^(["'`])(.+)\1$/s, '$2')
    .trim();
  if (!named || /^(?:task|todo|to-do|item|one|thing|reminder)s?$/i.test(named)) return { kind: 'unnamed' };
  return { kind: 'named', text: named };
}

/** "#work #home", "work and home", "work, home", "the errands" → ["work", "home"] ... */
export function tagsOf(words: string): string[] {
  return words
    .replace(/^(?:the|a|an)\s+/i, '')
    .split(/\s*(?:,|\band\b|\s)\s*/i)
    .map((tag) =>
      tag
        .replace(/^#/, '')
        .replace(/^["'`]|["'`]$/g, '')
        .trim(),
    )
    .filter((tag) => tag && !/^(?:tags?|labels?|the|a|an)$/i.test(tag));
}

/** Takes every `#tag` out of a text. */
export function takeHashTags(text: string): { tags: string[]; rest: string } {
  const tags: string[] = [];
  const rest = text.replace(/(^|\s)#([\p{L}\p{N}_\u200c-]+)/gu, (_match, _space, tag: string) => {
    if (!tags.some((known) => known.toLowerCase() === tag.toLowerCase())) tags.push(tag);
    return ' ';
  });
  return { tags, rest: rest.replace(/\s+/g, ' ').trim() };
}

const PRIORITY_PHRASES: RegExp[] = [
  /\b(?:with\s+|at\s+|as\s+)?(?:a\s+)?(?:priority(?:\s*[:=]\s*|\s+(?:of\s+|is\s+)?))(high|medium|normal|low|top|urgent)\b/i,
  /\b(?:with\s+|at\s+|as\s+)?(?:a\s+)?(high|medium|normal|low|top|highest|lowest)[- ]priority\b/i,
  /\b(?:p([123]))\b/i,
  // A bare word of urgency counts only at either end or set apart by punctuation: "urgent: renew
  // passport", "book the venue urgent", "call mom, important"; not "urgent care visit".
  /^(?:very\s+)?(urgent|important|asap)\b\s*[:,-]?/i,
  /[,;-]?\s*\b(?:very\s+|it's\s+|its\s+|is\s+)?(urgent|urgently|important|asap)[!.]*$/i,
  /,\s*(urgent|important|asap)\s*,/i,
];

/** Takes the priority out of a new task's text. */
export function takePriority(text: string): { priority: TaskPriority | undefined; rest: string } {
  for (const pattern of PRIORITY_PHRASES) {
    const match = pattern.exec(text);
    if (!match) continue;
    const word = match[1]!.toLowerCase();
    const priority = /^[123]$/.test(word) ? (['high', 'medium', 'low'] as const)[Number(word) - 1] : levelOf(word.replace(/ly$/, ''));
    if (!priority) continue;
    const rest = `${text.slice(0, match.index)} ${text.slice(match.index + match[0].length)}`.replace(/\s+/g, ' ').trim();
    return { priority, rest };
  }
  return { priority: undefined, rest: text };
}
