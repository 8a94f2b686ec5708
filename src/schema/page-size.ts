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

const PAGE_SIZE_ARGUMENTS = ['first', 'last'] as const;

/**
 * A negative `first`/`last` anywhere in an operation, as coded errors naming the argument.
 * The connection plugins refuse it too, but with an uncoded error, and for related connections
 * only while the parent is being loaded: checking the whole operation up front answers every
 * connection the same way, before anything is read.
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
            }
          }
        }
        visit(selection.selectionSet, getNamedType(field.type));
      }
    }
  };
  visit(operation.selectionSet, schema.getRootType(operation.operation));
  return errors.slice(0, 1);
}
