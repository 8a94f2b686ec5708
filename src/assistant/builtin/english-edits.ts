// English phrasings of a change to one task, each family read into an Edit and the words that
// name the task. Edits are tried before "add": an edit phrase never becomes a new task.
import type { Edit, ReadContext, When } from './intent.js';
import { readDuration, readWhen } from './english-dates.js';
import { LEVEL, levelOf, refOf, tagsOf, unquote } from './english-words.js';
import type { Intent } from './intent.js';

type Rule = readonly [RegExp, (match: RegExpExecArray, context: ReadContext) => Intent | null];

const edit = (ref: string, change: Edit): Intent => ({ kind: 'edit', ref: refOf(ref), edit: change });
const IS = String.raw`(?:is|are|'s|was|were|has been|have been|can be|could be|should be|must be|needs to be|need to be|has to be|will be|gets|get)`;
const TAGS = String.raw`((?:#?[\p{L}\p{N}_\u200c-]+)(?:(?:\s*,\s*|\s+and\s+|\s+)#?[\p{L}\p{N}_\u200c-]+)*)`;
const HASH_TAGS = String.raw`((?:#[\p{L}\p{N}_\u200c-]+\s*)+)`;
const DONE_WORDS = String.raw`(?:done|finished|complete|completed|over|sorted|handled|taken care of|wrapped up|closed|ticked off|checked off|crossed off)`;
const ACCOMPLISHED = String.raw`(?:booked|paid|sent|bought|submitted|posted|mailed|filed|cleaned|fixed|repaired|written|wrote|delivered|returned|renewed|signed|called|phoned|emailed|e-mailed|ordered|picked up|dropped off|handed in|turned in|taken out|took out|uploaded|published|shipped|cooked|washed|did|read|answered|replied to|packed)`;
const TASK_FIELD_OF = String.raw`(?:of|for|on|from|in)`;

const rx = (source: string) => new RegExp(`^${source}$`, 'iu');

/** A due-date change: "<ref> to friday", "<ref> by a day", "<ref> 2 hours later". */
function moveOf(rest: string, context: ReadContext, direction: 1 | -1 = 1, ask = true): Intent | null {
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

const MOVE_VERBS = String.raw`(?:push back|put off|set back|hold off on|move|reschedule|re-schedule|push|postpone|delay|defer|bump|shift|change|set|make)`;
const EARLIER_VERBS = String.raw`(?:bring forward|pull forward|move up|pull in|bring)`;

export const EDIT_RULES: readonly Rule[] = [
  // Tags off a task (before delete: "remove the tag errands from groceries" is not a deletion).
  [
    rx(
      String.raw`(?:remove|delete|drop|take|strip|clear|pull|detach)\s+(?:the\s+)?(?:tags?|labels?)\s+${TAGS}\s+(?:from|off(?: of)?)\s+(.+)`,
    ),
    (m) => edit(m[2]!, { type: 'tag-remove', tags: tagsOf(m[1]!) }),
  ],
  [
    rx(String.raw`(?:remove|delete|drop|take|strip|pull|detach)\s+(?:the\s+)?${TAGS}\s+(?:tags?|labels?)\s+(?:from|off(?: of)?)\s+(.+)`),
    (m) => edit(m[2]!, { type: 'tag-remove', tags: tagsOf(m[1]!) }),
  ],
  [
    rx(String.raw`(?:remove|delete|drop|take|strip|pull|detach)\s+${HASH_TAGS}\s*(?:from|off(?: of)?)\s+(.+)`),
    (m) => edit(m[2]!, { type: 'tag-remove', tags: tagsOf(m[1]!) }),
  ],
  [
    rx(String.raw`(?:remove|delete|clear|drop|strip)\s+(?:all\s+)?(?:the\s+|its\s+)?(?:tags|labels)\s+${TASK_FIELD_OF}\s+(.+)`),
    (m) => edit(m[1]!, { type: 'tag-remove', tags: [] }),
  ],
  [
    rx(String.raw`untag\s+(.+?)(?:\s+(?:from\s+)?${HASH_TAGS})?`),
    (m) => edit(m[1]!, { type: 'tag-remove', tags: m[2] ? tagsOf(m[2]) : [] }),
  ],
  [
    rx(String.raw`(.+?)\s+(?:shouldn't|should not|isn't|is not|doesn't need to)\s+(?:be\s+)?tagged\s+${TAGS}`),
    (m) => edit(m[1]!, { type: 'tag-remove', tags: tagsOf(m[2]!) }),
  ],
  // Tags on a task.
  [
    rx(
      String.raw`(?:add|put|attach|apply|give|stick|assign|set)\s+(?:the\s+|a\s+)?(?:tags?|labels?)\s+${TAGS}\s+(?:to|on|onto|for)\s+(.+)`,
    ),
    (m) => edit(m[2]!, { type: 'tag-add', tags: tagsOf(m[1]!) }),
  ],
  [
    rx(String.raw`(?:add|put|attach|apply|give|stick|assign)\s+(?:the\s+|a\s+)?${TAGS}\s+(?:tags?|labels?)\s+(?:to|on|onto|for)\s+(.+)`),
    (m) => edit(m[2]!, { type: 'tag-add', tags: tagsOf(m[1]!) }),
  ],
  [
    rx(String.raw`(?:add|put|attach|apply|stick)\s+${HASH_TAGS}\s*(?:to|on|onto)\s+(.+)`),
    (m) => edit(m[2]!, { type: 'tag-add', tags: tagsOf(m[1]!) }),
  ],
  [
    rx(String.raw`(?:tag|label)\s+(.+?)\s+(?:with|as)\s+(?:the\s+|a\s+)?(?:tags?\s+|labels?\s+)?${TAGS}`),
    (m) => edit(m[1]!, { type: 'tag-add', tags: tagsOf(m[2]!) }),
  ],
  [rx(String.raw`(?:tag|label)\s+(.+?)\s*${HASH_TAGS}`), (m) => edit(m[1]!, { type: 'tag-add', tags: tagsOf(m[2]!) })],
  [rx(String.raw`(?:tag|label)\s+(.+?\b(?:task|todo|item))\s+${TAGS}`), (m) => edit(m[1]!, { type: 'tag-add', tags: tagsOf(m[2]!) })],
  [
    rx(String.raw`give\s+(.+?)\s+(?:the\s+|a\s+)?(?:tags?|labels?)\s+${TAGS}`),
    (m) => edit(m[1]!, { type: 'tag-add', tags: tagsOf(m[2]!) }),
  ],
  [
    rx(String.raw`(.+?)\s+(?:should be|is|are|needs to be)\s+tagged\s+(?:as\s+|with\s+)?${TAGS}`),
    (m) => edit(m[1]!, { type: 'tag-add', tags: tagsOf(m[2]!) }),
  ],
  // Notes (the description).
  [
    rx(
      String.raw`(?:clear|remove|delete|drop|erase)\s+(?:the\s+|its\s+)?(?:description|notes?|comments?|details)\s+${TASK_FIELD_OF}\s+(.+)`,
    ),
    (m) => edit(m[1]!, { type: 'note', text: '', replace: true }),
  ],
  [
    rx(
      String.raw`(?:set|change|update|replace|make)\s+(?:the\s+)?(?:description|notes?|details)\s+${TASK_FIELD_OF}\s+(.+?)\s+(?:to|with)\s*:?\s*(.+)`,
    ),
    (m) => edit(m[1]!, { type: 'note', text: unquote(m[2]!), replace: true }),
  ],
  [
    rx(
      String.raw`(?:add|attach|put|write|append|leave|include|jot down)\s+(?:a\s+|the\s+|this\s+|another\s+)?(?:note|comment|memo|remark|description|detail)s?\s*(?:saying|that says|reading|:)?\s*(["'\x60].+["'\x60])\s+(?:to|on|for|in|under)\s+(.+)`,
    ),
    (m) => edit(m[2]!, { type: 'note', text: unquote(m[1]!) }),
  ],
  [
    rx(
      String.raw`(?:add|attach|put|write|append|leave|include)\s+(?:a\s+|the\s+|another\s+)?(?:note|comment|memo|remark|description|detail)s?\s+(?:to|on|for|in)\s+(.+?)\s*(?::|saying|that says|reading|-)\s*(.+)`,
    ),
    (m) => edit(m[1]!, { type: 'note', text: unquote(m[2]!) }),
  ],
  [
    rx(
      String.raw`(?:add|attach|put|write|append|leave|include)\s+(?:a\s+|the\s+|another\s+)?(?:note|comment|memo|remark|description|detail)s?\s*:?\s*(.+)\s+(?:to|on|for)\s+(.+)`,
    ),
    (m) => edit(m[2]!, { type: 'note', text: unquote(m[1]!) }),
  ],
  [rx(String.raw`(?:note|comment)\s+(?:on|for|to)\s+(.+?)\s*(?::|-)\s*(.+)`), (m) => edit(m[1]!, { type: 'note', text: unquote(m[2]!) })],
  [
    rx(
      String.raw`(.+?)\s+(?:needs|need|should have|gets|could use)\s+(?:a|the|this)\s+(?:note|comment|remark)\s*(?::|saying|that says|reading|-)\s*(.+)`,
    ),
    (m) => edit(m[1]!, { type: 'note', text: unquote(m[2]!) }),
  ],
  [
    rx(String.raw`(?:add|append|put)\s+(["'\x60].+["'\x60])\s+(?:to|on|in)\s+(?!(?:my|the)\s+(?:list|tasks|todo|to-do))(.+)`),
    (m) => edit(m[2]!, { type: 'note', text: unquote(m[1]!) }),
  ],
  // Renames.
  [
    rx(String.raw`(?:rename|retitle|re-name)\s+(.+?)\s+(?:to|as|into)\s+(.+)`),
    (m) => edit(m[1]!, { type: 'rename', name: unquote(m[2]!) }),
  ],
  [
    rx(String.raw`(?:change|update|set|edit|make)\s+(?:the\s+)?(?:name|title)\s+(?:of|for|on)\s+(.+?)\s+(?:to|as|into)\s+(.+)`),
    (m) => edit(m[1]!, { type: 'rename', name: unquote(m[2]!) }),
  ],
  [
    rx(String.raw`(?:change|update|set|edit)\s+(.+?)(?:'s|s')\s+(?:name|title)\s+(?:to|as|into)\s+(.+)`),
    (m) => edit(m[1]!, { type: 'rename', name: unquote(m[2]!) }),
  ],
  [rx(String.raw`call\s+(.+?)\s+(["'\x60].+["'\x60])\s*(?:instead)?`), (m) => edit(m[1]!, { type: 'rename', name: unquote(m[2]!) })],
  [rx(String.raw`call\s+(.+?)\s+(.+?)\s+instead`), (m) => edit(m[1]!, { type: 'rename', name: unquote(m[2]!) })],
  [
    rx(String.raw`(?:change|update|set|edit)\s+(?:the\s+)?(.+?)\s+(?:name|title)\s+(?:to|as|into)\s+(.+)`),
    (m) => edit(m[1]!, { type: 'rename', name: unquote(m[2]!) }),
  ],
  [
    rx(String.raw`(.+?)\s+(?:should be|must be|is now|will be|can be)\s+(?:called|named|titled|renamed(?: to)?)\s+(.+)`),
    (m) => edit(m[1]!, { type: 'rename', name: unquote(m[2]!) }),
  ],
  [rx(String.raw`(?:rename|retitle|re-name)\s+(.+)`), (m) => edit(m[1]!, { type: 'rename', name: null })],
  // Priorities (before due dates and statuses: "bump the gym up to high", "the report can be low priority").
  [
    rx(
      String.raw`(?:change|set|update|make|put|switch|move|mark)\s+(?:the\s+)?(?:priority|importance|urgency)\s+(?:of|for|on)\s+(.+?)\s+(?:to|as|at)\s+${LEVEL}(?:\s+priority)?`,
    ),
    (m) => edit(m[1]!, { type: 'priority', priority: levelOf(m[2]!)! }),
  ],
  [
    rx(String.raw`(?:change|set|update|make|put|switch)\s+(.+?)(?:'s|s')\s+(?:priority|importance)\s+(?:to\s+|as\s+)?${LEVEL}`),
    (m) => edit(m[1]!, { type: 'priority', priority: levelOf(m[2]!)! }),
  ],
  [
    rx(
      String.raw`(?:bump up|raise|increase|bump|boost|up|elevate|escalate|lift|upgrade)\s+(?:the\s+)?(?:priority|importance|urgency)\s+(?:of|for|on)\s+(.+?)(?:\s+to\s+${LEVEL})?`,
    ),
    (m) => edit(m[1]!, m[2] ? { type: 'priority', priority: levelOf(m[2])! } : { type: 'priority-step', step: 1 }),
  ],
  [
    rx(
      String.raw`(?:lower|decrease|reduce|drop|downgrade|de-escalate|lessen|cut)\s+(?:the\s+)?(?:priority|importance|urgency)\s+(?:of|for|on)\s+(.+?)(?:\s+to\s+${LEVEL})?`,
    ),
    (m) => edit(m[1]!, m[2] ? { type: 'priority', priority: levelOf(m[2])! } : { type: 'priority-step', step: -1 }),
  ],
  [
    rx(String.raw`(?:raise|increase|bump up|boost|up|elevate|escalate|upgrade)\s+(.+?)(?:'s|s')\s+(?:priority|importance)`),
    (m) => edit(m[1]!, { type: 'priority-step', step: 1 }),
  ],
  [
    rx(String.raw`(?:lower|decrease|reduce|drop|downgrade)\s+(.+?)(?:'s|s')\s+(?:priority|importance)`),
    (m) => edit(m[1]!, { type: 'priority-step', step: -1 }),
  ],
  [
    rx(
      String.raw`(?:bump up|raise|increase|bump|boost|move|push|lower|drop|change|switch|put)\s+(.+?)\s+(?:up\s+|down\s+)?to\s+(?:a\s+)?${LEVEL}(?:[- ]priority)?`,
    ),
    (m) => edit(m[1]!, { type: 'priority', priority: levelOf(m[2]!)! }),
  ],
  [
    rx(String.raw`(?:bump|move|push)\s+(.+?)\s+(up|down)(?:\s+(?:in|a)\s+(?:priority|notch|level))?`),
    (m) => edit(m[1]!, { type: 'priority-step', step: m[2]!.toLowerCase() === 'up' ? 1 : -1 }),
  ],
  [rx(String.raw`(?:prioriti[sz]e|focus on)\s+(.+)`), (m) => edit(m[1]!, { type: 'priority', priority: 'high' })],
  [rx(String.raw`(?:deprioriti[sz]e|de-prioriti[sz]e)\s+(.+)`), (m) => edit(m[1]!, { type: 'priority', priority: 'low' })],
  [
    rx(
      String.raw`(?:make|mark|set|flag|label|put)\s+(.+?)\s+(?:as\s+|to\s+|at\s+)?(?:a\s+)?(more|less)\s+(?:important|urgent|of a priority)`,
    ),
    (m) => edit(m[1]!, { type: 'priority-step', step: m[2]!.toLowerCase() === 'more' ? 1 : -1 }),
  ],
  [
    rx(
      String.raw`(?:make|mark|set|flag|label|put|change|switch)\s+(.+?)\s+(?:as\s+|to\s+|at\s+|into\s+)?(?:a\s+)?${LEVEL}(?:[- ]priority)?(?:\s+(?:task|item|one))?`,
    ),
    (m) => edit(m[1]!, { type: 'priority', priority: levelOf(m[2]!)! }),
  ],
  [
    rx(
      String.raw`(.+?)\s+(?:isn't|is not|aren't|are not|won't be|is no longer|are no longer)\s+(?:that\s+|very\s+|so\s+)?(?:urgent|important|a priority|pressing)(?:\s+any ?more)?`,
    ),
    (m) => edit(m[1]!, { type: 'priority', priority: 'low' }),
  ],
  [
    rx(String.raw`(.+?)\s+${IS}\s+(?:now\s+|also\s+|really\s+|very\s+|a\s+|an\s+)*(more|less)\s+(?:important|urgent)`),
    (m) => edit(m[1]!, { type: 'priority-step', step: m[2]!.toLowerCase() === 'more' ? 1 : -1 }),
  ],
  [
    rx(
      String.raw`(.+?)\s+${IS}\s+(?:now\s+|also\s+|really\s+|very\s+|a\s+|an\s+|of\s+)*${LEVEL}(?:[- ]priority)?(?:\s+(?:task|item|one))?`,
    ),
    (m) => edit(m[1]!, { type: 'priority', priority: levelOf(m[2]!)! }),
  ],
  [
    rx(String.raw`(.+?)\s+(?:priority|importance)\s+(?:is\s+|should be\s+|to\s+)?${LEVEL}`),
    (m) => edit(m[1]!, { type: 'priority', priority: levelOf(m[2]!)! }),
  ],
  // Statuses named outright ("set the status of the slides to in progress", "move the slides to done").
  [
    rx(
      String.raw`(?:set|change|update|move|put|switch)\s+(?:the\s+)?status\s+(?:of|for|on)\s+(.+?)\s+(?:to|as)\s+(not done|undone|incomplete|open|pending|to ?do|in[- ]progress|started|ongoing|cancell?ed|done|complete|completed|finished)`,
    ),
    (m) => edit(m[1]!, statusEdit(m[2]!)),
  ],
  [
    rx(
      String.raw`(?:mark|set|move|put|flag|tick|check)\s+(.+?)\s+(?:as\s+|to\s+|in\s+|off\s+as\s+)?(?:being\s+)?(not done|undone|incomplete|unfinished|not finished|not completed|open|pending|to ?do|to-do|in[- ]progress|started|ongoing|underway|cancell?ed|done|complete|completed|finished)`,
    ),
    (m) => edit(m[1]!, statusEdit(m[2]!)),
  ],
  [rx(String.raw`(?:cross|tick|check|mark|strike|scratch)\s+(.+?)\s+off`), (m) => edit(m[1]!, { type: 'complete' })],
  // Due dates: cleared, shifted, moved.
  [
    rx(
      String.raw`(?:remove|clear|delete|drop|unset|take off|take away|get rid of)\s+(?:the\s+|its\s+)?(?:due date|due time|deadline|date|reminder|due)\s+${TASK_FIELD_OF}\s+(.+)`,
    ),
    (m) => edit(m[1]!, { type: 'due', when: null }),
  ],
  [rx(String.raw`(.+?)\s+(?:has|needs|gets)\s+no\s+(?:due date|deadline|date)`), (m) => edit(m[1]!, { type: 'due', when: null })],
  [
    rx(String.raw`(.+?)\s+(?:doesn't|does not|don't|do not)\s+(?:have|need)\s+(?:a\s+)?(?:due date|deadline|date)(?:\s+any ?more)?`),
    (m) => edit(m[1]!, { type: 'due', when: null }),
  ],
  [
    rx(String.raw`(?:change|set|update|move|push|make)\s+(?:the\s+)?(?:due date|due time|deadline|date|time|due)\s+(?:of|for|on)\s+(.+)`),
    (m, c) => moveOf(m[1]!, c),
  ],
  [
    rx(String.raw`(?:change|set|update|move|push)\s+(.+?)(?:'s|s')\s+(?:due date|due time|deadline|date|time)\s+(?:to\s+)?(.+)`),
    (m, c) => moveOf(`${m[1]} to ${m[2]}`, c),
  ],
  [
    rx(String.raw`snooze\s+(.+)`),
    (m, c) => moveOf(m[1]!, c, 1, false) ?? edit(m[1]!, { type: 'due', when: { shift: { amount: 1, unit: 'day' } } }),
  ],
  [rx(String.raw`${EARLIER_VERBS}\s+(.+)`), (m, c) => moveOf(m[1]!.replace(/\s+(?:forward|up|in)\b/i, ''), c, -1)],
  [rx(String.raw`make\s+(.+?)\s+due\s+(.+)`), (m, c) => moveOf(`${m[1]} to ${m[2]}`, c)],
  [
    rx(String.raw`(?:do|handle|tackle)\s+(.+?)\s+(?:on|at|by|next|this|tomorrow|today|tonight)\b.*\binstead`),
    (m, c) => moveOf(m[0]!.replace(/^(?:do|handle|tackle)\s+/i, '').replace(/\s+instead$/i, ''), c, 1, false),
  ],
  [
    rx(String.raw`(?:${MOVE_VERBS})\s+(.+)`),
    (m, c) => (/^(?:change|set|make)$/i.test(m[0]!.split(/\s/)[0]!) ? moveOf(m[1]!, c, 1, false) : moveOf(m[1]!, c)),
  ],
  [
    rx(String.raw`(.+?)\s+${IS}\s+(?:now\s+)?(?:due|moved|pushed|postponed|rescheduled|delayed|happening|scheduled)\s+(.+)`),
    (m, c) => moveOf(`${m[1]} to ${m[2]}`, c, 1, false),
  ],
  // Statuses.
  [
    rx(
      String.raw`(?:finish up|finish off|wrap up|close out|check off|tick off|cross off|mark off|knock out|get done|complete|finish|close|finalise|finalize)\s+(.+)`,
    ),
    (m) => edit(m[1]!.replace(/\s+off$/i, ''), { type: 'complete' }),
  ],
  [
    rx(
      String.raw`(?:i(?:'ve| have)?|we(?:'ve| have)?)\s+(?:just\s+|already\s+|finally\s+)?(?:finished|completed|done|did|wrapped up|knocked out|crossed off|checked off|ticked off|closed|got through|took care of|taken care of)\s+(?:with\s+)?(.+)`,
    ),
    (m) => edit(m[1]!, { type: 'complete' }),
  ],
  [
    rx(String.raw`(?:i'm|i am|we're|we are)\s+(?:all\s+|now\s+)?(?:done|finished|through)\s+with\s+(.+)`),
    (m) => edit(m[1]!, { type: 'complete' }),
  ],
  [
    rx(String.raw`(?:done|finished|completed|wrapped up|ticked off|checked off|crossed off|knocked out)(?:\s+with)?\s*[:\-]?\s+(.+)`),
    (m) => edit(m[1]!, { type: 'complete' }),
  ],
  [
    rx(
      String.raw`(.+?)\s+(?:isn't|is not|aren't|are not|wasn't|was not)\s+(?:really\s+|actually\s+)?(?:done|finished|complete|completed)(?:\s+yet)?`,
    ),
    (m) => edit(m[1]!, { type: 'status', status: 'pending' }),
  ],
  [
    rx(String.raw`(.+?)\s*(?:${IS}|:|-)?\s*(?:now\s+|all\s+|finally\s+|already\s+)*${DONE_WORDS}(?:\s+now)?`),
    (m) => edit(m[1]!, { type: 'complete' }),
  ],
  [rx(String.raw`(.+?)\s+still needs (?:doing|work|to be done)`), (m) => edit(m[1]!, { type: 'status', status: 'pending' })],
  // What finishing a task often is: "the flight has been booked", "I paid the rent".
  [
    rx(
      String.raw`(.+?)\s+(?:has been|have been|was|were|is|are|got)\s+(?:finally\s+|already\s+|just\s+)?${ACCOMPLISHED}(?:\s+(?:now|today|already))?`,
    ),
    (m) => edit(m[1]!, { type: 'complete' }),
  ],
  [
    rx(String.raw`(?:i|we)(?:'ve| have)?\s+(?:just\s+|finally\s+|already\s+)?${ACCOMPLISHED}\s+(.+?)(?:\s+(?:now|today|already))?`),
    (m) => edit(m[1]!, { type: 'complete' }),
  ],
  [
    rx(String.raw`(?:reopen|re-open|unfinish|uncomplete|un-complete|restore|undo|revive)\s+(.+)`),
    (m) => edit(m[1]!, { type: 'status', status: 'pending' }),
  ],
  [
    rx(
      String.raw`(?:start working on|begin working on|get started on|get going on|get started with|start on|begin on|kick off|work on|start|begin|commence|resume|continue|pick up)\s+(?:with\s+|on\s+)?(.+)`,
    ),
    (m) => edit(m[1]!, { type: 'status', status: 'in_progress' }),
  ],
  [
    rx(
      String.raw`(?:(?:i'm|i am|i've|i have|we're|we are)\s+)?(?:just\s+|now\s+)?(?:about to start|going to start|about to begin|going to begin|about to work on|going to work on|started|begun|starting|beginning|working on|on|doing|tackling|picking up)\s+(?:with\s+|on\s+)?(.+)`,
    ),
    (m) => edit(m[1]!, { type: 'status', status: 'in_progress' }),
  ],
  [
    rx(String.raw`(.+?)\s+${IS}\s+(?:now\s+)?(?:in progress|underway|under way|started|ongoing|being worked on)`),
    (m) => edit(m[1]!, { type: 'status', status: 'in_progress' }),
  ],
  [rx(String.raw`(?:cancel|abandon|call off|skip|scratch)\s+(.+)`), (m) => edit(m[1]!, { type: 'status', status: 'cancelled' })],
  [
    rx(
      String.raw`(?:i|we)\s+(?:won't|will not|am not going to|'m not going to|are not going to|'re not going to|can't|cannot)\s+(?:do|make|attend)\s+(.+?)(?:\s+after all)?`,
    ),
    (m) => edit(m[1]!, { type: 'status', status: 'cancelled' }),
  ],
  [
    rx(String.raw`(.+?)\s+${IS}\s+(?:now\s+)?(?:cancell?ed|off|called off|not happening)`),
    (m) => edit(m[1]!, { type: 'status', status: 'cancelled' }),
  ],
  // Deletions.
  [
    rx(
      String.raw`(?:delete|remove|erase|trash|discard|scrap|bin|nuke|wipe|purge|get rid of|throw away|throw out|drop|kill|forget(?: about)?)\s+(.+)`,
    ),
    (m) => edit(m[1]!, { type: 'delete' }),
  ],
  [rx(String.raw`(?:take|get)\s+(.+?)\s+off`), (m) => edit(m[1]!, { type: 'delete' })],
  [
    rx(
      String.raw`(.+?)\s+(?:can go|can be deleted|should be deleted|can be removed|should be removed|is not needed|isn't needed)(?:\s+now)?`,
    ),
    (m) => edit(m[1]!, { type: 'delete' }),
  ],
  [rx(String.raw`(?:i|we)\s+(?:don't|do not|no longer)\s+need\s+(.+?)(?:\s+any ?more)?`), (m) => edit(m[1]!, { type: 'delete' })],
];

function statusEdit(word: string): Edit {
  const lower = word.toLowerCase();
  if (/^(?:done|complete|completed|finished)$/.test(lower)) return { type: 'complete' };
  if (/progress|started|ongoing|underway/.test(lower)) return { type: 'status', status: 'in_progress' };
  if (/cancel/.test(lower)) return { type: 'status', status: 'cancelled' };
  return { type: 'status', status: 'pending' };
}

/** Words that start a new task, never a reference to an existing one. */
const NEW_TASK_START = /^(?:add|create|new task|remind me|remember to|don't let me forget|i need to|i have to)\b/i;

/** "from my list", "off my list": the list is where every task is; the words say nothing. */
const LIST_PLACE = /\s+(?:from|off|off of|on|in)\s+(?:my|the)\s+(?:list|tasks|task list|todo list|to-do list|todos|to-dos|agenda)$/i;

export function readEdit(message: string, context: ReadContext): Intent | null {
  const text = message.replace(LIST_PLACE, (place) => (/^\s+off\b/i.test(place) ? ' off' : '')).trim();
  for (const [pattern, build] of EDIT_RULES) {
    const match = pattern.exec(text);
    if (!match) continue;
    const intent = build(match, context);
    if (!intent) continue;
    if (intent.kind === 'edit' && intent.ref.kind === 'named' && NEW_TASK_START.test(intent.ref.text)) continue;
    return intent;
  }
  return null;
}

export type { When };
