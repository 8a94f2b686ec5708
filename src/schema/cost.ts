import {
  getNamedType,
  getNullableType,
  isLeafType,
  isListType,
  isObjectType,
  visit,
  type DocumentNode,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';
import { complexityFromQuery, type FieldComplexityValue } from '@pothos/plugin-complexity';

/** A connection's page when neither `first` nor `last` is given, and the most either may ask for. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/**
 * What a plain list of objects (one that is not paged) is assumed to hold. Such lists are
 * part of their parent's row or one read (a message's actions, the counts per status): the
 * list costs 1, what its items select ten times.
 */
const LIST_MULTIPLIER = 10;

/**
 * Marks a scalar field that does work of its own (a count, a read) rather than reading its
 * object's loaded row: it costs 1 like an object would. Set as the field's `extensions`.
 */
export const READS_ROWS = { readsRows: true } as const;

function pageSize(args: Record<string, unknown>): number {
  const sizes = [args.first, args.last].filter((value): value is number => typeof value === 'number');
  // Both given, more than the maximum or negative are refused before pricing (page-size.ts);
  // bounded here all the same, so a price never exceeds a full page.
  const requested = sizes.length > 0 ? Math.max(...sizes) : DEFAULT_PAGE_SIZE;
  return Math.min(Math.max(requested, 0), MAX_PAGE_SIZE);
}

/** A connection's `edges`: a list of objects with a `node` and a `cursor`. */
function isEdgeList<Context>(field: GraphQLField<unknown, Context>): boolean {
  if (!isListType(getNullableType(field.type))) return false;
  const item = getNamedType(field.type);
  return isObjectType(item) && 'node' in item.getFields() && 'cursor' in item.getFields();
}

/**
 * The price of every field, for the complexity limit, measured in objects: what a query
 * makes the server read and assemble, not how many values it prints.
 *
 * - An object costs 1 (a row, or an object built from one), and what it selects is counted
 *   once per object it can be: a connection's selection once per item of the page it asks for
 *   (`first`/`last`, 20 when absent), so nesting connections multiplies their page sizes as the
 *   rows read do; its `edges { node }` or `nodes` are the page's items, 1 each; `nodes(ids:)`
 *   one per ID; any other list of objects (read with its parent or at once) costs 1, what
 *   its items select counted as for ten.
 * - A scalar or enum costs nothing: it is read with its object's row (breadth and the field
 *   count bound how many a document may name). One that does work of its own (`totalCount`,
 *   `messageCount`) is marked with READS_ROWS and costs 1.
 *
 * Calibrated on the screens a client shows (test/fixtures/screens/), see the README.
 */
export function fieldCost<Context>(
  args: Record<string, unknown>,
  _context: Context,
  field: GraphQLField<unknown, Context>,
): FieldComplexityValue {
  if (field.args.some((arg) => arg.name === 'first')) return { field: 1, multiplier: pageSize(args) };
  // The page's items: 1 each (the connection multiplies by its page), through `edges { node }` or `nodes`.
  if (isEdgeList(field)) return { field: 0, multiplier: 1 };
  if (field.extensions?.connectionNodes === true) return { field: 1, multiplier: 1 };
  if (Array.isArray(args.ids)) return { field: args.ids.length, multiplier: args.ids.length };
  if (isLeafType(getNamedType(field.type))) return field.extensions?.readsRows === true ? 1 : 0;
  if (isListType(getNullableType(field.type))) return { field: 1, multiplier: LIST_MULTIPLIER };
  return 1;
}

const pricedDocuments = new WeakMap<DocumentNode, DocumentNode>();

/**
 * The document as it is priced: without `__typename`, which the server answers without
 * reading anything (Apollo Client adds it to every selection; the complexity plugin would
 * charge 1 for each). Kept per parsed document.
 */
export function pricedDocument(document: DocumentNode): DocumentNode {
  let priced = pricedDocuments.get(document);
  if (!priced) {
    priced = visit(document, { Field: (node) => (node.name.value === '__typename' && node.alias === undefined ? null : undefined) });
    pricedDocuments.set(document, priced);
  }
  return priced;
}

/** An operation's cost, depth and breadth, as the limits measure them. */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> = {}) {
  return complexityFromQuery(pricedDocument(document), { schema, variables });
}
