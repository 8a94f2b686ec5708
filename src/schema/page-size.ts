import {
  defaultFieldResolver,
  getArgumentValues,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { Context } from './context.js';
import { BadUserInputError } from './errors.js';

const PAGE_SIZE_ARGUMENTS = ['first', 'last'] as const;

/**
 * A negative `first`/`last` anywhere in the selection of a root field, as a coded error naming
 * the argument. The connection plugins refuse it too, but with an uncoded error, and for
 * related connections only while the parent is being loaded: checking the whole operation up
 * front answers every connection the same way, before anything is read.
 */
function checkPageSizes(info: GraphQLResolveInfo): void {
  const visit = (selections: SelectionSetNode | undefined, parent: GraphQLNamedType | null | undefined) => {
    if (!selections || !parent) return;
    for (const selection of selections.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, selection.typeCondition ? info.schema.getType(selection.typeCondition.name.value) : parent);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = info.fragments[selection.name.value];
        if (fragment) visit(fragment.selectionSet, info.schema.getType(fragment.typeCondition.name.value));
      } else if (isObjectType(parent) || isInterfaceType(parent)) {
        const field = parent.getFields()[selection.name.value];
        if (!field) continue; // __typename and other introspection fields
        if (field.args.some((arg) => (PAGE_SIZE_ARGUMENTS as readonly string[]).includes(arg.name))) {
          const args = getArgumentValues(field, selection, info.variableValues);
          for (const name of PAGE_SIZE_ARGUMENTS) {
            const value = args[name];
            if (typeof value === 'number' && value < 0) {
              throw new BadUserInputError(`\`${name}\` of \`${field.name}\` cannot be negative.`, name);
            }
          }
        }
        visit(selection.selectionSet, getNamedType(field.type));
      }
    }
  };
  for (const node of info.fieldNodes) visit({ kind: Kind.SELECTION_SET, selections: [node] }, info.parentType);
}

function guarded(run: GraphQLFieldResolver<unknown, Context> | undefined): GraphQLFieldResolver<unknown, Context> {
  const inner = run ?? defaultFieldResolver;
  return (source, args, context, info) => {
    checkPageSizes(info);
    return inner(source, args, context, info);
  };
}

/** Every root field checks the page sizes of its whole selection before it runs. */
export function guardPageSizes(schema: GraphQLSchema): GraphQLSchema {
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.values(root?.getFields() ?? {}) as GraphQLField<unknown, Context>[]) field.resolve = guarded(field.resolve);
  }
  for (const field of Object.values(schema.getSubscriptionType()?.getFields() ?? {}) as GraphQLField<unknown, Context>[]) {
    // A subscription's selection is checked once, when it starts.
    if (field.subscribe) field.subscribe = guarded(field.subscribe);
  }
  return schema;
}
