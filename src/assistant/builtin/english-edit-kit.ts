// What the English edit rules share: the shape of a rule, the words several families use, and
// the readers of a due-date move and of a status word.
import { readDuration, readWhen } from './english-dates.js';
import { refOf } from './english-words.js';
import type { Edit, Intent, ReadContext } from './intent.js';

export type Rule = readonly [RegExp, (match: RegExpExecArray, context: ReadContext) => Intent | null];

export const edit = (ref: string, change: Edit): Intent => ({ kind: 'edit', ref: refOf(ref), edit: change });
export const IS = String.raw`(?:is|are|'s|was|were|has been|have been|can be|could be|should be|must be|needs to be|need to be|has to be|will be|gets|get)`;
export const TAGS = String.raw`((?:#?[\p{L}\p{N}_\u200c-]+)(?:(?:\s*,\s*|\s+and\s+|\s+)#?[\p{L}\p{N}_\u200c-]+)*)`;
export const HASH_TAGS = String.raw`((?:#[\p{L}\p{N}_\u200c-]+\s*)+)`;
export const DONE_WORDS = String.raw`(?:done|finished|complete|completed|over|sorted|handled|taken care of|wrapped up|closed|ticked off|checked off|crossed off)`;
export const ACCOMPLISHED = String.raw`(?:booked|paid|sent|bought|submitted|posted|mailed|filed|cleaned|fixed|repaired|written|wrote|delivered|returned|renewed|signed|called|phoned|emailed|e-mailed|ordered|picked up|dropped off|handed in|turned in|taken out|took out|uploaded|published|shipped|cooked|washed|did|read|answered|replied to|packed)`;
export const TASK_FIELD_OF = String.raw`(?:of|for|on|from|in)`;

export const rx = (source: string) => new RegExp(`^${source}$`, 'iu');

/** A due-date change: "<ref> to friday", "<ref> by a day", "<ref> 2 hours later". */
export function moveOf(rest: string, context: ReadContext, direction: 1 | -1 = 1, ask = true): Intent | null {
  const duration = readDuration(rest);
  if (duration?.before && !duration.after) {
    const sign = (duration.direction ?? 1) * direction;
    const ref = duration.before.replace(/\s+(?:back|forward|ahead|up|out|off)$/i, '');
    return edit(ref, { type: 'due', when: { shift: { amount: sign * duration.amount, unit: duration.unit } } });
  }
  const found = readWhen(rest, context);
  if (found && found.index > 0) {
    const ref = rest
      .slice(0, found.index)
      .trim()
      .replace(/\s+(?:to|until|till|for|on|at|by|into|back to|over to|out to|due)$/i, '')
      .replace(/\s+(?:back|forward|out|off)$/i, '');
    if (ref.trim()) return edit(ref, { type: 'due', when: found.when });
  }
  return ask && rest.trim() ? edit(rest.replace(/\s+(?:back|forward|out|off|later)$/i, ''), { type: 'due', when: {} }) : null;
}

export const MOVE_VERBS = String.raw`(?:push back|put off|set back|hold off on|move|reschedule|re-schedule|push|postpone|delay|defer|bump|shift|change|set|make)`;
export const EARLIER_VERBS = String.raw`(?:bring forward|pull forward|move up|pull in|bring)`;

export function statusEdit(word: string): Edit {
  const lower = word.toLowerCase();
  if (/^(?:done|complete|completed|finished)$/.test(lower)) return { type: 'complete' };
  if (/progress|started|ongoing|underway/.test(lower)) return { type: 'status', status: 'in_progress' };
  if (/cancel/.test(lower)) return { type: 'status', status: 'cancelled' };
  return { type: 'status', status: 'pending' };
}
