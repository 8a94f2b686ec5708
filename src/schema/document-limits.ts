// Limits on what one request or one socket may ask of the server, before any resolver runs.
// The complexity plugin (src/schema/builder.ts) only sees fields that reach a Pothos resolver;
// a document of aliased `__typename`s, or a huge one that does not even parse, never does.
import { GraphQLError, Kind, Lexer, Source, TokenKind, parse, type SelectionSetNode, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { BehflowError, ErrorCode } from '../errors.js';
import { toGraphQLError } from './errors.js';

/** The largest HTTP request body and WebSocket message read; a GraphQL document needs far less. */
export const MAX_REQUEST_BYTES = 1024 * 1024;
/** Tokens of a document (names, punctuation, values; comments excluded). */
export const MAX_DOCUMENT_TOKENS = 10_000;
/** Fields an operation selects, counting every alias and every use of a fragment. */
export const MAX_FIELD_SELECTIONS = 1_000;
/** Operations (subscriptions and queries in progress) one graphql-ws connection may hold at once. */
export const MAX_OPERATIONS_PER_SOCKET = 100;

function tooManyTokens(limit: number): GraphQLError {
  return toGraphQLError(
    new BehflowError(ErrorCode.QueryTooComplex, `The document has more than ${limit} tokens: ask for less in one request.`, { limit }),
  );
}

/** Throws when `source` has more than `limit` tokens; a lexing error is left for the parser to report. */
function checkTokenCount(source: string | Source, limit: number): void {
  const lexer = new Lexer(typeof source === 'string' ? new Source(source) : source);
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      count += 1;
      if (count > limit) break;
    }
  } catch (error) {
    if (error instanceof GraphQLError) return;
    throw error;
  }
  if (count > limit) throw tooManyTokens(limit);
}

/** Counts the fields `set` selects, fragments expanded, stopping once past `limit`. */
function fieldSelectionCounter(getFragment: (name: string) => { selectionSet: SelectionSetNode } | null | undefined, limit: number) {
  const fragmentCounts = new Map<string, number>();
  const expanding = new Set<string>();
  const countFragment = (name: string): number => {
    const known = fragmentCounts.get(name);
    if (known !== undefined) return known;
    const fragment = getFragment(name);
    // Unknown or cyclic fragments are reported by graphql's own rules.
    if (!fragment || expanding.has(name)) return 0;
    expanding.add(name);
    const count = countSet(fragment.selectionSet);
    expanding.delete(name);
    fragmentCounts.set(name, count);
    return count;
  };
  const countSet = (set: SelectionSetNode): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) total += 1 + (selection.selectionSet ? countSet(selection.selectionSet) : 0);
      else if (selection.kind === Kind.INLINE_FRAGMENT) total += countSet(selection.selectionSet);
      else total += countFragment(selection.name.value);
      if (total > limit) break;
    }
    return total;
  };
  return countSet;
}

/** A validation rule refusing an operation that selects more than `limit` fields. */
export function maxFieldSelectionsRule(limit: number): ValidationRule {
  return function MaxFieldSelections(context) {
    const count = fieldSelectionCounter((name) => context.getFragment(name), limit);
    return {
      OperationDefinition(node) {
        if (count(node.selectionSet) > limit) {
          context.reportError(
            toGraphQLError(
              new BehflowError(
                ErrorCode.QueryTooComplex,
                `The operation selects more than ${limit} fields (aliases and fragment uses included): ask for less in one request.`,
                { limit },
              ),
            ),
          );
        }
        return false;
      },
    };
  };
}

/**
 * The document limits, for both transports: graphql-ws operations are parsed and validated
 * through the same envelop (see app.ts), so these hooks apply there too.
 */
export function useDocumentLimits(
  limits: { maxTokens: number; maxFieldSelections: number } = { maxTokens: MAX_DOCUMENT_TOKENS, maxFieldSelections: MAX_FIELD_SELECTIONS },
): Plugin {
  const rule = maxFieldSelectionsRule(limits.maxFieldSelections);
  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) => {
        checkTokenCount(source, limits.maxTokens);
        // The parser's own limit too, should the two ever count differently.
        return parse(source, { ...options, maxTokens: limits.maxTokens });
      });
    },
    onValidate({ addValidationRule }) {
      addValidationRule(rule);
    },
  };
}

/** Refuses a graphql-ws operation once its connection already holds the most it may. */
export function operationsPerSocketError(inProgress: number, limit = MAX_OPERATIONS_PER_SOCKET): GraphQLError[] | null {
  if (inProgress <= limit) return null;
  return [
    toGraphQLError(
      new BehflowError(
        ErrorCode.RateLimited,
        `This connection already has ${limit} operations in progress: complete one before starting another.`,
        { limit },
      ),
    ),
  ];
}
