// English phrasings that change what a task says: its tags, its notes, its name.
import { edit, HASH_TAGS, rx, TAGS, TASK_FIELD_OF, type Rule } from './english-edit-kit.js';
import { tagsOf, unquote } from './english-words.js';

export const DETAIL_RULES: readonly Rule[] = [
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
];
