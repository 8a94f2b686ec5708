// English phrasings that change where a task stands: its priority, due date and status, that it
// is done, or that it can go.
import {
  ACCOMPLISHED,
  DONE_WORDS,
  EARLIER_VERBS,
  edit,
  IS,
  MOVE_VERBS,
  moveOf,
  rx,
  statusEdit,
  TASK_FIELD_OF,
  type Rule,
} from './english-edit-kit.js';
import { LEVEL, levelOf } from './english-words.js';

export const STATE_RULES: readonly Rule[] = [
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
