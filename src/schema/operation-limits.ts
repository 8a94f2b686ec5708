// Limits checked on the whole operation, with its variables, before anything executes: the
// page sizes it asks for and its depth, breadth and cost (the Pothos complexity plugin's
// measure, see cost.ts). A refused operation runs no resolver, over HTTP and WebSocket alike.
import { createComplexityRule } from '@pothos/plugin-complexity';
import {
  getOperationAST,
  getVariableValues,
  Kind,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLSchema,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { BehflowError, ErrorCode } from './errors.js';
import { pageSizeErrors } from './page-size.js';

export const OPERATION_LIMITS = { complexity: 5_000, depth: 12, breadth: 200 } as const;

type Limits = { readonly complexity: number; readonly depth: number; readonly breadth: number };

function tooComplex(measure: 'complexity' | 'depth' | 'breadth', actual: number, limit: number): BehflowError {
  return new BehflowError(ErrorCode.QueryTooComplex, `The query's ${measure} is ${actual}, more than the ${limit} allowed: ask for less in one request.`, {
    [measure]: actual,
    limit,
  });
}

/** What is wrong with an operation and its variables; empty when it may run. */
export function operationLimitErrors(args: Pick<ExecutionArgs, 'schema' | 'document' | 'operationName' | 'variableValues' | 'contextValue'>, limits: Limits = OPERATION_LIMITS): readonly GraphQLError[] {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation) return [];
  const variables = getVariableValues(args.schema, operation.variableDefinitions ?? [], (args.variableValues ?? {}) as Record<string, unknown>);
  // Invalid variables are the executor's to report, in its words.
  if (variables.errors) return [];
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of args.document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  const pageErrors = pageSizeErrors(args.schema, operation, fragments, variables.coerced);
  if (pageErrors.length > 0) return pageErrors;
  return validate(args.schema, args.document, [
    createComplexityRule({
      context: (args.contextValue ?? {}) as object,
      variableValues: (args.variableValues ?? {}) as Record<string, unknown>,
      operationName: args.operationName,
      validate: (result, reportError) => {
        if (result.depth > limits.depth) reportError(tooComplex('depth', result.depth, limits.depth));
        else if (result.breadth > limits.breadth) reportError(tooComplex('breadth', result.breadth, limits.breadth));
        else if (result.complexity > limits.complexity) reportError(tooComplex('complexity', result.complexity, limits.complexity));
      },
    }),
  ]);
}

/**
 * Refuses operations over the limits before execution. An operation without variables has
 * the same answer every time: it is kept per parsed document (Yoga reuses one per text).
 */
export function useOperationLimits(limits: Limits = OPERATION_LIMITS): Plugin {
  const constant = new WeakMap<DocumentNode, Map<string, readonly GraphQLError[]>>();
  const check = (args: ExecutionArgs) => {
    const operation = getOperationAST(args.document, args.operationName);
    if (operation?.variableDefinitions?.length) return operationLimitErrors(args, limits);
    let byName = constant.get(args.document);
    if (!byName) constant.set(args.document, (byName = new Map()));
    const key = args.operationName ?? '';
    let errors = byName.get(key);
    if (!errors) byName.set(key, (errors = operationLimitErrors(args, limits)));
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
