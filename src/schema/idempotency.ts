// Safe retries of mutations: a signed-in client sends `Idempotency-Key: <unique value>` with a
// mutation request; a retry with the same key within the window gets the first outcome back
// without the mutations running again, on whichever instance it lands (the outcome is kept in
// PostgreSQL). The key names one request: reusing it for another document or other variables
// is refused with CONFLICT.
import { createHash } from 'node:crypto';
import { getOperationAST, GraphQLError, print, type ExecutionResult } from 'graphql';
import { isAsyncIterable } from '@envelop/core';
import type { Plugin } from 'graphql-yoga';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { BehflowError, ErrorCode, ServiceUnavailableError } from '../errors.js';
import { toGraphQLError } from './errors.js';
import type { Context } from './context.js';
import { claimKey, forgetExpiredKey, keptRequest, recordOutcome, releaseKey } from '../idempotency/keys.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** What the refusals name: the header, not an argument. */
const KEY_FIELD = { field: 'Idempotency-Key' };
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

type Outcome = Pick<ExecutionResult, 'data' | 'errors'>;

/** What is kept of an answer: what the client was sent, errors in their JSON form. */
function recorded(result: ExecutionResult): Outcome {
  return JSON.parse(JSON.stringify({ data: result.data, errors: result.errors })) as Outcome;
}

/** Whether the outcome is an outage with nothing done: worth running again rather than replaying. */
function onlyUnavailable(result: ExecutionResult): boolean {
  const nothing = result.data == null || Object.values(result.data).every((value) => value === null);
  return (
    nothing && (result.errors ?? []).length > 0 && result.errors!.every((error) => error.extensions?.code === ErrorCode.ServiceUnavailable)
  );
}

export function useIdempotencyKeys(options: { windowSeconds: number }): Plugin {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as unknown as Context & { request?: Request };
      const key = context.request?.headers.get(IDEMPOTENCY_HEADER);
      if (key === null || key === undefined) return undefined;
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return undefined;
      const refuse = (error: BehflowError) => {
        setResultAndStopExecution({ errors: [toGraphQLError(error)] });
        return undefined;
      };
      if (!KEY_PATTERN.test(key))
        return refuse(
          new BehflowError(ErrorCode.BadUserInput, 'The Idempotency-Key header must be 1 to 255 printable ASCII characters.', KEY_FIELD),
        );
      // Outcomes are kept per user; answers to anonymous mutations (session tokens) are not kept at all.
      if (!context.viewer)
        return refuse(new BehflowError(ErrorCode.BadUserInput, 'An Idempotency-Key needs a session: sign in first.', KEY_FIELD));
      const userId = context.viewer.id;
      const requestHash = createHash('sha256')
        .update(JSON.stringify([print(args.document), args.operationName ?? null, args.variableValues ?? {}]))
        .digest('hex');
      const { prisma } = context;
      let claimed: boolean;
      try {
        // A key past the window is forgotten, then taken anew in one statement each.
        await forgetExpiredKey(prisma, userId, key, options.windowSeconds);
        claimed = await claimKey(prisma, userId, key, requestHash);
      } catch (error) {
        if (isDatabaseUnavailable(error)) return refuse(new ServiceUnavailableError());
        throw error;
      }
      if (!claimed) {
        const first = await keptRequest<Outcome>(prisma, userId, key);
        if (!first)
          return refuse(
            new BehflowError(ErrorCode.Conflict, 'A request with this Idempotency-Key was just forgotten; retry it.', KEY_FIELD),
          );
        if (first.requestHash !== requestHash) {
          return refuse(
            new BehflowError(
              ErrorCode.Conflict,
              'This Idempotency-Key was used for another request: use a new key for each request.',
              KEY_FIELD,
            ),
          );
        }
        if (first.response === null) {
          return refuse(
            new BehflowError(
              ErrorCode.Conflict,
              'A request with this Idempotency-Key is still running, or its outcome could not be recorded: retry shortly, or check the data before using a new key.',
              {
                ...KEY_FIELD,
                retryAfterSeconds: 1,
              },
            ),
          );
        }
        // The first answer, errors as the GraphQL errors they were (path and code kept).
        setResultAndStopExecution({
          data: first.response.data,
          ...(first.response.errors
            ? {
                errors: first.response.errors.map(
                  (error) => new GraphQLError(error.message, { path: error.path, extensions: error.extensions }),
                ),
              }
            : {}),
        } as ExecutionResult);
        return undefined;
      }
      return {
        async onExecuteDone({ result }) {
          if (isAsyncIterable(result)) return;
          try {
            if (onlyUnavailable(result)) {
              await releaseKey(prisma, userId, key);
            } else {
              await recordOutcome(prisma, userId, key, recorded(result));
            }
          } catch (error) {
            // The row stays without a response: a retry is told the outcome is unknown rather than run twice.
            context.logger.warn({ err: { message: (error as Error).message } }, 'could not record the outcome of an idempotent request');
          }
        },
      };
    },
  };
}
