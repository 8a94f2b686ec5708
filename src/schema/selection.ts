// Which fields a query selects on an object type, so a resolver reads the columns those fields
// need and nothing else (see the `columns` of the Task and User types).
import {
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  type FieldNode,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/** A path of field names from the resolved field to where the objects sit (`['edges', 'node']`). */
export type SelectionPath = readonly string[];

/**
 * Collects, for one object type, the fields selected on it at the given paths below the field
 * being resolved: `[[]]` for a field returning the object itself, `[['edges', 'node'], ['nodes']]`
 * for a connection. Fragments count when their type condition is the type, an interface it
 * implements, or absent; `@skip`/`@include` are honoured. Results are kept per parsed document
 * (the AST nodes are reused for a cached document), unless a directive makes them depend on
 * variables.
 */
export function selectionOf(typeName: string, paths: readonly SelectionPath[]) {
  const cache = new WeakMap<FieldNode, ReadonlySet<string>>();
  return (info: GraphQLResolveInfo): ReadonlySet<string> => {
    const first = info.fieldNodes[0]!;
    const cached = info.fieldNodes.length === 1 ? cache.get(first) : undefined;
    if (cached) return cached;
    const state = { variable: false };
    const fields = new Set<string>();
    for (const path of paths) {
      for (const node of info.fieldNodes) collectAt(info, node.selectionSet, path, 0, typeName, fields, state);
    }
    if (info.fieldNodes.length === 1 && !state.variable) cache.set(first, fields);
    return fields;
  };
}

function appliesTo(schema: GraphQLSchema, condition: string | undefined, typeName: string): boolean {
  if (!condition || condition === typeName) return true;
  const type = schema.getType(typeName);
  return type !== undefined && 'getInterfaces' in type && type.getInterfaces().some((face) => face.name === condition);
}

/** Whether a selection is left out by `@skip`/`@include`; notes when variables decide it. */
function excluded(info: GraphQLResolveInfo, node: { directives?: readonly unknown[] }, state: { variable: boolean }): boolean {
  if (!node.directives || node.directives.length === 0) return false;
  state.variable = true;
  const skip = getDirectiveValues(GraphQLSkipDirective, node as FieldNode, info.variableValues);
  if (skip?.if === true) return true;
  const include = getDirectiveValues(GraphQLIncludeDirective, node as FieldNode, info.variableValues);
  return include?.if === false;
}

function collectAt(
  info: GraphQLResolveInfo,
  selectionSet: SelectionSetNode | undefined,
  path: SelectionPath,
  depth: number,
  typeName: string,
  into: Set<string>,
  state: { variable: boolean },
): void {
  if (!selectionSet) return;
  const atObjects = depth === path.length;
  for (const selection of selectionSet.selections) {
    if (excluded(info, selection, state)) continue;
    if (selection.kind === Kind.FIELD) {
      if (atObjects) into.add(selection.name.value);
      else if (selection.name.value === path[depth]) collectAt(info, selection.selectionSet, path, depth + 1, typeName, into, state);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (!atObjects || appliesTo(info.schema, selection.typeCondition?.name.value, typeName)) {
        collectAt(info, selection.selectionSet, path, depth, typeName, into, state);
      }
    } else {
      const fragment = info.fragments[selection.name.value];
      if (fragment && (!atObjects || appliesTo(info.schema, fragment.typeCondition.name.value, typeName))) {
        collectAt(info, fragment.selectionSet, path, depth, typeName, into, state);
      }
    }
  }
}

/**
 * The columns a set of selected fields needs, from each field's declared columns (plus those
 * every read needs), as a stable list; kept per selection.
 */
export function columnsOf<Column extends string>(declared: Readonly<Record<string, readonly Column[]>>, always: readonly Column[]) {
  const cache = new WeakMap<ReadonlySet<string>, readonly Column[]>();
  return (fields: ReadonlySet<string>): readonly Column[] => {
    let columns = cache.get(fields);
    if (!columns) {
      const set = new Set<Column>(always);
      for (const field of fields) for (const column of declared[field] ?? []) set.add(column);
      columns = [...set].sort();
      cache.set(fields, columns);
    }
    return columns;
  };
}
