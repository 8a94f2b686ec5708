import {
  getArgumentValues,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { BadUserInputError } from '../errors.js';
import { toGraphQLError } from './errors.js';
import { MAX_PAGE_SIZE } from './cost.js';

const PAGE_SIZE_ARGUMENTS = ['first', 'last'] as const;

/**
 * Page sizes no connection serves, anywhere in an operation, as coded errors naming the
 * argument: a negative `first`/`last`, one above MAX_PAGE_SIZE (refused, never cut short
 * silently: a client asking for 500 must learn it gets at most 100), and `first` with `last`
 * (two ends of one list at once). The connection plugins would answer some of these with an
 * uncoded error, clamp others, and for related connections only while the parent is being
 * loaded: checking the whole operation up front answers every connection the same way,
 * before anything is read.
 */
export function pageSizeErrors(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variableValues: Record<string, unknown>,
): GraphQLError[] {
  const errors: GraphQLError[] = [];
  const visit = (selections: SelectionSetNode | undefined, parent: GraphQLNamedType | null | undefined) => {
    if (!selections || !parent) return;
    for (const selection of selections.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments[selection.name.value];
        if (fragment) visit(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value));
      } else if (isObjectType(parent) || isInterfaceType(parent)) {
        const field = parent.getFields()[selection.name.value];
        if (!field) continue; // __typename and other introspection fields
        if (field.args.some((arg) => (PAGE_SIZE_ARGUMENTS as readonly string[]).includes(arg.name))) {
          const args = getArgumentValues(field, selection, variableValues);
          for (const name of PAGE_SIZE_ARGUMENTS) {
            const value = args[name];
            if (typeof value === 'number' && value < 0) {
              errors.push(toGraphQLError(new BadUserInputError(`\`${name}\` of \`${field.name}\` cannot be negative.`, name)));
            } else if (typeof value === 'number' && value > MAX_PAGE_SIZE) {
              errors.push(
                toGraphQLError(
                  new BadUserInputError(
                    `\`${name}\` of \`${field.name}\` is ${value}; a page holds at most ${MAX_PAGE_SIZE} items: page with \`after\`/\`before\`.`,
                    name,
                  ),
                ),
              );
            }
          }
          if (typeof args.first === 'number' && typeof args.last === 'number') {
            errors.push(
              toGraphQLError(
                new BadUserInputError(
                  `Give \`first\` or \`last\` to \`${field.name}\`, not both: \`first\` pages from the start, \`last\` from the end.`,
                  'last',
                ),
              ),
            );
          }
        }
        visit(selection.selectionSet, getNamedType(field.type));
      }
    }
  };
  visit(operation.selectionSet, schema.getRootType(operation.operation));
  return errors.slice(0, 1);
}
