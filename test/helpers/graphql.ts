import { expect } from 'vitest';
import type { GraphQLResponse, GraphQLResponseError } from './server.js';

/**
 * The typed document tag: a document written with it in a test file (a named operation in a
 * template literal) is checked against schema.graphql, and its variables and result are typed, by the code that
 * `npm run codegen:test` generates in test/gql (run at install). Operation names are unique
 * across the tests; a document takes no `${…}` (share fields with a fragment instead).
 */
export { graphql } from '../gql/index.js';
export type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';

/** One line per error: its code, message and path. */
export function describeErrors(errors: ReadonlyArray<GraphQLResponseError>): string {
  return errors
    .map((error) => `${error.extensions?.code ?? '(no code)'}: ${error.message}${error.path ? ` at ${error.path.join('.')}` : ''}`)
    .join('\n');
}

/** The error a test fails with when a response it expected to succeed has errors. */
export function unexpectedErrors(errors: ReadonlyArray<GraphQLResponseError>): Error {
  const error = new Error(`unexpected GraphQL errors:\n${describeErrors(errors)}`);
  Error.captureStackTrace?.(error, unexpectedErrors);
  return error;
}

/** The codes of a response's errors, in order (`undefined` for an error without one). */
export const errorCodes = (result: Pick<GraphQLResponse, 'errors'>) => (result.errors ?? []).map((error) => error.extensions?.code);

/**
 * Asserts that the response failed with `code` (its first error's, as clients read it; with
 * `message`, a matching message too) and returns that error. A failure lists every error.
 */
export function expectError(result: Pick<GraphQLResponse, 'errors'>, code: string, message?: string | RegExp): GraphQLResponseError {
  const error = result.errors?.[0];
  expect(
    error?.extensions?.code,
    `expected a first error with code ${code}, got:\n${describeErrors(result.errors ?? []) || '(no errors)'}`,
  ).toBe(code);
  if (message !== undefined) expect(error!.message).toMatch(message);
  return error!;
}
