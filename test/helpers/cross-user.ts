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
  /** A query, a mutation, or a subscription (then it runs over graphql-ws). */
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
  /** Subscriptions: makes the victim's object produce an event while the attacker listens. */
  readonly trigger?: () => Promise<void>;
}

/** A well-formed global id of `typename` for an object that does not exist. */
export function missingGlobalId(typename: string): string {
  return encodeGlobalID(typename, randomUUID());
}

/**
 * How long a subscription that is live is given to leak after the trigger: nothing marks the
 * absence of an event, so absence is watched for a while.
 */
const SUBSCRIPTION_SETTLE_MS = 400;

interface Outcome {
  readonly status?: number;
  readonly data?: unknown;
  readonly errors?: unknown;
  readonly results?: unknown[];
  readonly end?: unknown;
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

async function runSubscription(
  server: TestServer,
  token: string,
  document: string,
  variables: Record<string, unknown>,
  trigger: (() => Promise<void>) | undefined,
): Promise<Outcome> {
  const operationId = randomUUID();
  const client = server.wsClient({ token, generateID: () => operationId });
  const results: unknown[] = [];
  let end: unknown = 'open';
  const ended = new Promise<void>((resolve) => {
    client.subscribe(
      { query: document, variables },
      {
        next: (result) => void results.push(result),
        error: (error) => {
          end = Array.isArray(error) ? { errors: error } : { closeCode: (error as { code?: number }).code ?? 'error' };
          resolve();
        },
        complete: () => {
          end = 'complete';
          resolve();
        },
      },
    );
  });
  // Refused (it ends) or accepted (its source goes live).
  await Promise.race([ended, server.live(operationId)]);
  if (end === 'open' && trigger) {
    await trigger();
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, SUBSCRIPTION_SETTLE_MS))]);
  }
  await client.dispose();
  return { results, end };
}

/**
 * Asserts that `attackerToken`'s user learns nothing from trying the operation on the victim's
 * object: the answer is exactly the answer for an id that does not exist (same status, data,
 * errors, events), it contains none of the victim's secrets, and the victim's object is unchanged.
 */
export async function expectIndistinguishableFromMissing(
  server: TestServer,
  attackerToken: string,
  testCase: CrossUserCase,
): Promise<void> {
  const foreignId = testCase.foreignId();
  const missingId = testCase.missingId?.() ?? missingGlobalId(Buffer.from(foreignId, 'base64').toString('utf8').split(':')[0]!);
  const isSubscription = /^\s*subscription\b/.test(testCase.document);
  const run = (id: string) =>
    isSubscription
      ? runSubscription(server, attackerToken, testCase.document, testCase.variables(id), testCase.trigger)
      : runHttp(server, attackerToken, testCase.document, testCase.variables(id));

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
