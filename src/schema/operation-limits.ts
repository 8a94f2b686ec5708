// Limits checked on the whole operation, with its variables, before anything executes: the
// page sizes it asks for and its depth, breadth and cost (the Pothos complexity plugin's
// measure, see cost.ts). A refused operation runs no resolver, over HTTP and WebSocket alike.
import { createComplexityRule } from '@pothos/plugin-complexity';
import {
  getOperationAST,
  getVariableValues,
  Kind,
  validate,
  visit,
  type DocumentNode,
  type ExecutionArgs,
  type FragmentDefinitionNode,
  type GraphQLError,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { BehflowError, ErrorCode } from '../errors.js';
import { pricedDocument } from './cost.js';
import { pageSizeErrors } from './page-size.js';
import { toGraphQLError } from './errors.js';

export const OPERATION_LIMITS = { complexity: 5_000, depth: 12, breadth: 200 } as const;

type Limits = { readonly complexity: number; readonly depth: number; readonly breadth: number };

function tooComplex(measure: 'complexity' | 'depth' | 'breadth', actual: number, limit: number): BehflowError {
  return new BehflowError(
    ErrorCode.QueryTooComplex,
    `The query's ${measure} is ${actual}, more than the ${limit} allowed: ask for less in one request.`,
    {
      [measure]: actual,
      limit,
    },
  );
}

/** What is wrong with an operation and its variables; empty when it may run. */
export function operationLimitErrors(
  args: Pick<ExecutionArgs, 'schema' | 'document' | 'operationName' | 'variableValues' | 'contextValue'>,
  limits: Limits = OPERATION_LIMITS,
): readonly GraphQLError[] {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation) return [];
  const variables = getVariableValues(
    args.schema,
    operation.variableDefinitions ?? [],
    (args.variableValues ?? {}) as Record<string, unknown>,
  );
  // Invalid variables are the executor's to report, in its words.
  if (variables.errors) return [];
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of args.document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  const pageErrors = pageSizeErrors(args.schema, operation, fragments, variables.coerced);
  if (pageErrors.length > 0) return pageErrors;
  return validate(args.schema, pricedDocument(args.document), [
    createComplexityRule({
      context: (args.contextValue ?? {}) as object,
      variableValues: (args.variableValues ?? {}) as Record<string, unknown>,
      operationName: args.operationName,
      validate: (result, reportError) => {
        if (result.depth > limits.depth) reportError(toGraphQLError(tooComplex('depth', result.depth, limits.depth)));
        else if (result.breadth > limits.breadth) reportError(toGraphQLError(tooComplex('breadth', result.breadth, limits.breadth)));
        else if (result.complexity > limits.complexity)
          reportError(toGraphQLError(tooComplex('complexity', result.complexity, limits.complexity)));
      },
    }),
  ]);
}

/** Arguments whose values change what an operation costs (page sizes, the IDs `nodes` loads). */
const COSTING_ARGUMENTS = new Set(['first', 'last', 'ids']);

/**
 * The variables an operation's limits depend on: those given to costing arguments and to
 * directives (`@skip`, `@include` decide what is selected). Others (an `id`, a filter) do not.
 */
function costingVariables(document: DocumentNode): readonly string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(node, _key, _parent, _path, ancestors) {
      const owner = [...ancestors].reverse().find((ancestor) => !Array.isArray(ancestor)) as { kind?: string } | undefined;
      const inDirective = owner?.kind === Kind.DIRECTIVE;
      if (!inDirective && !COSTING_ARGUMENTS.has(node.name.value)) return;
      visit(node.value, { Variable: (variable) => void names.add(variable.name.value) });
    },
  });
  return [...names].sort();
}

/**
 * Refuses operations over the limits before execution. The answer depends only on the parsed
 * document (Yoga reuses one per text), the operation and its costing variables: it is kept per
 * those.
 */
export function useOperationLimits(limits: Limits = OPERATION_LIMITS): Plugin {
  const byDocument = new WeakMap<DocumentNode, { variables: readonly string[]; answers: Map<string, readonly GraphQLError[]> }>();
  const check = (args: ExecutionArgs) => {
    let known = byDocument.get(args.document);
    if (!known) byDocument.set(args.document, (known = { variables: costingVariables(args.document), answers: new Map() }));
    const values = (args.variableValues ?? {}) as Record<string, unknown>;
    const key = JSON.stringify([args.operationName ?? null, ...known.variables.map((name) => values[name] ?? null)]);
    let errors = known.answers.get(key);
    if (!errors) {
      errors = operationLimitErrors(args, limits);
      // Bounded: a client varying its page sizes endlessly must not grow this without end.
      if (known.answers.size < 100) known.answers.set(key, errors);
    }
    return errors;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const errors = check(args);
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const errors = check(args);
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
  };
}
