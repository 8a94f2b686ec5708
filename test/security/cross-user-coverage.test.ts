import { readdirSync, readFileSync } from 'node:fs';
import { getNamedType, isInputObjectType, isListType, isNonNullType, type GraphQLArgument, type GraphQLInputType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';

/**
 * Every operation that takes an object's ID must be tried, in a cross-user test, by a user
 * who does not own that object. This test fails when an operation with an ID argument is
 * added and no file in test/security/ exercises it.
 */

/** Objects every signed-in user shares, so there is no "other user's" object to try. */
const SHARED = new Map([
  ['automatedProcess', 'automated processes are server-wide: readable by every signed-in user, changed by admins only'],
  [
    'processExecutions',
    'executions of server-wide processes, readable by every signed-in user; their results, which name tasks, by admins only (test/processes)',
  ],
  ['processExecutionUpdated', 'status changes of server-wide processes, readable by every signed-in user; their results by admins only'],
  ['updateAutomatedProcess', 'admin-only; non-admins are refused (test/processes)'],
  ['deleteAutomatedProcess', 'admin-only; non-admins are refused (test/processes)'],
  ['enableAutomatedProcess', 'admin-only; non-admins are refused (test/processes)'],
  ['disableAutomatedProcess', 'admin-only; non-admins are refused (test/processes)'],
  ['runAutomatedProcess', 'admin-only; non-admins are refused (test/processes)'],
]);

function takesId(type: GraphQLInputType, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (named.name === 'ID') return true;
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((field) => takesId(field.type, seen));
}

const operationsTakingIds = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]
  .flatMap((type) => (type ? Object.values(type.getFields()) : []))
  .filter((field) =>
    field.args.some((arg: GraphQLArgument) => takesId(isNonNullType(arg.type) || isListType(arg.type) ? arg.type : arg.type)),
  )
  .map((field) => field.name)
  .sort();

const securityDir = new URL('./', import.meta.url);
const crossUserTests = readdirSync(securityDir)
  .filter((file) => file.startsWith('cross-user') && file !== 'cross-user-coverage.test.ts')
  .map((file) => readFileSync(new URL(file, securityDir), 'utf8'))
  .join('\n');

const processesDir = new URL('../processes/', import.meta.url);
const processTests = readdirSync(processesDir)
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => readFileSync(new URL(file, processesDir), 'utf8'))
  .join('\n');

describe('cross-user coverage', () => {
  it('finds the operations that take IDs', () => {
    expect(operationsTakingIds).toEqual(expect.arrayContaining(['node', 'nodes', 'task', 'updateTask', 'chatSession', 'sendChatMessage']));
  });

  it.each(operationsTakingIds.filter((operation) => !SHARED.has(operation)))('%s is tried on another user’s object', (operation) => {
    expect(crossUserTests).toMatch(new RegExp(`\\b${operation}\\s*\\(`));
  });

  // The shared ones are about server-wide processes, and their tests (where non-admins are refused) use them.
  it.each([...SHARED.keys()])('%s is about server-wide processes and is exercised by their tests', (operation) => {
    expect(operationsTakingIds).toContain(operation);
    const field = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]
      .map((type) => type?.getFields()[operation])
      .find(Boolean)!;
    expect(getNamedType(field.type).name).toMatch(/Process/);
    expect(processTests).toMatch(new RegExp(`\\b${operation}\\s*\\(`));
  });
});
