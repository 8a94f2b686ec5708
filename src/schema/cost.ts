import { getNamedType, getNullableType, isListType, isObjectType, type GraphQLField } from 'graphql';
import type { FieldComplexityValue } from '@pothos/plugin-complexity';

/** A connection's page when neither `first` nor `last` is given, and the most either may ask for. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** What a plain list (one that is not paged) is assumed to hold. */
const LIST_MULTIPLIER = 10;

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
 * The cost of every field, for the complexity limit. What a field selects under it is
 * counted once per item it can return: a connection's selection once per item of the page it
 * asks for (`first`/`last`, 20 when absent), so nesting connections multiplies their page
 * sizes as the rows read do; its `edges` are the page itself and add nothing more. `nodes`
 * counts once per ID asked for; any other list as ten items.
 */
export function fieldCost<Context>(args: Record<string, unknown>, _context: Context, field: GraphQLField<unknown, Context>): FieldComplexityValue {
  if (field.args.some((arg) => arg.name === 'first')) return { field: 1, multiplier: pageSize(args) };
  if (isEdgeList(field) || field.extensions?.connectionNodes === true) return { field: 1, multiplier: 1 };
  if (Array.isArray(args.ids)) return { field: 1, multiplier: args.ids.length };
  if (isListType(getNullableType(field.type))) return { field: 1, multiplier: LIST_MULTIPLIER };
  return 1;
}
