import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { expect } from 'vitest';
import type { TestServer } from './server.js';

/**
 * One operation that takes an object's id, tried by one user on another user's object.
 * Files such as `test/security/cross-user-tasks.test.ts` list their operations as a table of
 * these and run each with `expectIndistinguishableFromMissing`.
 */
export interface CrossUserCase {
  /** Shown as the test name, e.g. `node(id:) on a Task` or `completeTask`. */
  readonly name: string;
  /** A query or a mutation (subscriptions on another user's objects: cross-user-chat and cross-user-tasks). */
  readonly document: string;
  /** The variables for an attempt on the object with this global id. */
  readonly variables: (id: string) => Record<string, unknown>;
  /** The global id of the victim's object. */
  readonly foreignId: () => string;
  /** A global id of the same type that exists nowhere (see `missingGlobalId`). */
  readonly missingId?: () => string;
  /** Strings of the victim's (names, titles, contents) that must not appear in any answer. */
  readonly secrets?: () => readonly string[];
  /** Reads the victim's object and what hangs off it; must be equal before and after the attempt. */
  readonly snapshot?: () => Promise<unknown>;
}

/** A well-formed global id of `typename` for an object that does not exist. */
export function missingGlobalId(typename: string): string {
  return encodeGlobalID(typename, randomUUID());
}

interface Outcome {
  readonly status?: number;
  readonly data?: unknown;
  readonly errors?: unknown;
}

/** Replaces the ids tried, so the two answers compare equal when they differ only in the id asked for. */
function normalise(outcome: Outcome, ids: readonly string[]): string {
  let text = JSON.stringify(outcome);
  for (const id of ids) text = text.split(id).join('<id>');
  return text;
}

async function runHttp(server: TestServer, token: string, document: string, variables: Record<string, unknown>): Promise<Outcome> {
  const result = await server.graphql(document, { token, variables });
  return {
    status: result.status,
    data: result.data,
    errors: result.errors?.map((error) => ({ message: error.message, path: error.path, extensions: error.extensions })),
  };
}

/**
 * Asserts that `attackerToken`'s user learns nothing from trying the operation on the victim's
 * object: the answer is exactly the answer for an id that does not exist (same status, data,
 * errors), it contains none of the victim's secrets, and the victim's object is unchanged.
 */
export async function expectIndistinguishableFromMissing(
  server: TestServer,
  attackerToken: string,
  testCase: CrossUserCase,
): Promise<void> {
  const foreignId = testCase.foreignId();
  const missingId = testCase.missingId?.() ?? missingGlobalId(Buffer.from(foreignId, 'base64').toString('utf8').split(':')[0]!);
  const run = (id: string) => runHttp(server, attackerToken, testCase.document, testCase.variables(id));

  const before = await testCase.snapshot?.();
  const onForeign = await run(foreignId);
  const onMissing = await run(missingId);
  const after = await testCase.snapshot?.();

  const ids = [foreignId, missingId, Buffer.from(foreignId, 'base64').toString('utf8').split(':')[1] ?? foreignId];
  expect(normalise(onForeign, ids), `${testCase.name}: answers differently for another user's object than for a missing one`).toBe(
    normalise(onMissing, ids),
  );
  const answer = JSON.stringify(onForeign);
  for (const secret of testCase.secrets?.() ?? []) {
    expect(answer, `${testCase.name}: leaks ${JSON.stringify(secret)}`).not.toContain(secret);
  }
  if (testCase.snapshot) expect(after, `${testCase.name}: changed the other user's data`).toEqual(before);
}
