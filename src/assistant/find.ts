// Which of the user's tasks a loose reference means ("the groceries", "gym session", "خرید نان"):
// the words of the reference are matched against each task's name and tags by MiniSearch, with
// English stems (groceries = grocery), prefixes (pres → presentation) and small typos, and each
// match is graded. Pure: the candidates are given.
import MiniSearch, { type SearchResult } from 'minisearch';
import { stemmer } from 'stemmer';
import { fold } from './text.js';

export interface Candidate {
  readonly id: string;
  readonly name: string;
  readonly tags: readonly string[];
  /** Completed or cancelled. */
  readonly closed: boolean;
}

export interface Match {
  readonly id: string;
  /** Higher is better; comparable between the matches of one reference only. */
  readonly score: number;
  /** The reference is the task's name (any case, spacing, letter forms). */
  readonly exact: boolean;
  /**
   * Every word matched without a typo, and either every word of the reference or every word of
   * the task's name did: safe to act on when it is the only such match.
   */
  readonly strong: boolean;
}

/** Words that say "a task" rather than which one. */
const NOT_NAMING = new Set([
  ...[
    'the',
    'a',
    'an',
    'my',
    'our',
    'this',
    'that',
    'these',
    'those',
    'task',
    'tasks',
    'todo',
    'todos',
    'to-do',
    'item',
    'items',
    'one',
    'thing',
  ],
  ...['about', 'for', 'of', 'on', 'to', 'with', 'and', 'called', 'named', 'titled', 'in', 'at', 'by', 'from'],
  ...['کار', 'کاره', 'تسک', 'را', 'رو', 'و', 'برای', 'به', 'از', 'با', 'یک', 'یه', 'این', 'اون', 'آن', 'در', 'مربوط'],
]);

const WORD_SEPARATORS = /[\s\p{P}\p{S}]+/u;

/** A word as matched: folded, and for Latin words their stem; null for words that name nothing. */
export function matchTerm(word: string): string | null {
  const folded = fold(word);
  if (!folded || NOT_NAMING.has(folded)) return null;
  if (/^[a-z]+$/.test(folded)) return folded.length > 3 ? stemmer(folded) : folded;
  // Persian plural endings: کارها, کارهای → کار
  return folded.replace(/^(.{2,}?)(?:های|ها)$/u, '$1');
}

export function matchTerms(text: string): string[] {
  const terms: string[] = [];
  for (const word of fold(text).split(WORD_SEPARATORS)) {
    const term = matchTerm(word);
    if (term && !terms.includes(term)) terms.push(term);
  }
  return terms;
}

/** The words of a reference that can name a task ("the report task" → ["report"]). */
export const namingWords = (reference: string) => matchTerms(reference);

const fuzziness = (term: string) => (term.length >= 7 ? 2 : term.length >= 4 ? 1 : false);

/** Grades every candidate the reference may mean, best first. */
export function rankCandidates(reference: string, candidates: readonly Candidate[], prefer: 'open' | 'closed' = 'open'): Match[] {
  const query = matchTerms(reference);
  if (query.length === 0 || candidates.length === 0) return [];
  const wanted = fold(reference);
  const index = new MiniSearch<{ id: string; name: string; tags: string }>({
    fields: ['name', 'tags'],
    tokenize: (text) => fold(text).split(WORD_SEPARATORS),
    processTerm: (term) => matchTerm(term),
  });
  index.addAll(candidates.map((task) => ({ id: task.id, name: task.name, tags: task.tags.join(' ') })));
  const byId = new Map(candidates.map((task) => [task.id, task]));

  const grade = (result: SearchResult): Match => {
    const task = byId.get(result.id as string)!;
    const nameTerms = matchTerms(task.name);
    const matchedName = nameTerms.filter((term) => result.match[term]?.includes('name'));
    const typos = result.terms.filter((term) => !query.some((word) => term === word || term.startsWith(word))).length;
    const queryCoverage = result.queryTerms.length / query.length;
    const nameCoverage = nameTerms.length ? matchedName.length / nameTerms.length : 0;
    const exact = fold(task.name) === wanted || (nameTerms.length > 0 && nameTerms.join(' ') === query.join(' '));
    const strong = exact || (typos === 0 && (queryCoverage === 1 || (nameCoverage === 1 && queryCoverage >= 0.5)));
    const preferred = prefer === 'open' ? !task.closed : task.closed;
    const score = (exact ? 2 : 0) + 0.6 * queryCoverage + 0.4 * nameCoverage - (0.2 * typos) / query.length - (preferred ? 0 : 0.25);
    return { id: task.id, score, exact, strong };
  };

  return index
    .search(query.join(' '), { combineWith: 'OR', prefix: (term) => term.length >= 3, fuzzy: fuzziness, boost: { name: 2 } })
    .map(grade)
    .sort((left, right) => right.score - left.score);
}

export type Decision =
  | { readonly kind: 'one'; readonly id: string }
  /** Several match about equally well: ask which. */
  | { readonly kind: 'choose'; readonly ids: readonly string[] }
  /** Only a loose match: ask whether it is the one. */
  | { readonly kind: 'confirm'; readonly id: string }
  | { readonly kind: 'none' };

/** How far ahead the best strong match must be to be taken without asking. */
const CLEAR_LEAD = 0.15;
const MAX_CHOICES = 6;

/** What to do with the matches of a reference: act, ask which, ask whether, or say none matched. */
export function decide(matches: readonly Match[]): Decision {
  if (matches.length === 0) return { kind: 'none' };
  const exact = matches.filter((match) => match.exact);
  if (exact.length === 1) return { kind: 'one', id: exact[0]!.id };
  if (exact.length > 1) return { kind: 'choose', ids: exact.slice(0, MAX_CHOICES).map((match) => match.id) };
  const strong = matches.filter((match) => match.strong);
  if (strong.length === 1 || (strong.length > 1 && strong[0]!.score - strong[1]!.score >= CLEAR_LEAD))
    return { kind: 'one', id: strong[0]!.id };
  if (strong.length > 1) {
    const close = strong.filter((match) => strong[0]!.score - match.score < CLEAR_LEAD);
    return { kind: 'choose', ids: close.slice(0, MAX_CHOICES).map((match) => match.id) };
  }
  if (matches.length === 1 || matches[0]!.score - matches[1]!.score >= CLEAR_LEAD) return { kind: 'confirm', id: matches[0]!.id };
  return { kind: 'choose', ids: matches.slice(0, MAX_CHOICES).map((match) => match.id) };
}
