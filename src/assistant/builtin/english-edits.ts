// English phrasings of a change to one task, each family read into an Edit and the words that
// name the task. Edits are tried before "add": an edit phrase never becomes a new task.
import type { Rule } from './english-edit-kit.js';
import { DETAIL_RULES } from './english-edits-details.js';
import { STATE_RULES } from './english-edits-state.js';
import type { Intent, ReadContext, When } from './intent.js';

/**
 * Every rule, in the order they are tried: what a task says (tags before deletions: "remove the
 * tag errands from groceries" is not a deletion), then where it stands (priorities before due
 * dates and statuses).
 */
export const EDIT_RULES: readonly Rule[] = [...DETAIL_RULES, ...STATE_RULES];

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
