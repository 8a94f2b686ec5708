// One execution per event for every subscriber that would compute the same result.
//
// A subscription runs its selection once per event per subscriber. Subscribers of one topic
// with the same document, variables and viewer (the same user in one or many tabs, on one or
// many devices) would all compute the same answer: it is computed for the first and handed to
// the others, so an event reaching a thousand connections costs one execution, and what is
// left per subscriber is sending it.
import { createSourceEventStream, execute, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from './context.js';

type Result = ExecutionResult | Promise<ExecutionResult>;

/** Maps a stream without buffering, passing `return` straight to the source so unsubscribing never waits for an event. */
function mapStream<T>(source: AsyncIterator<T>, map: (value: T) => Result): AsyncIterableIterator<ExecutionResult> {
  const step = async (result: IteratorResult<T>): Promise<IteratorResult<ExecutionResult>> =>
    result.done ? { done: true, value: undefined } : { done: false, value: await map(result.value) };
  const stream: AsyncIterableIterator<ExecutionResult> = {
    next: () => source.next().then(step),
    return: async () => {
      await source.return?.();
      return { done: true, value: undefined };
    },
    throw: async (error: unknown) => {
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]: () => stream,
  };
  return stream;
}

export function useSharedSubscriptionResults(): Plugin<Context> {
  /** Per event payload: results by what makes them differ. */
  const results = new WeakMap<object, Map<string, Result>>();
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextDocumentId = 0;

  const shareKey = (args: ExecutionArgs) => {
    let documentId = documentIds.get(args.document);
    if (documentId === undefined) documentIds.set(args.document, (documentId = nextDocumentId += 1));
    const viewer = (args.contextValue as Context).viewer;
    return JSON.stringify([
      documentId,
      args.operationName ?? null,
      args.variableValues ?? null,
      viewer?.id ?? null,
      viewer?.role ?? null,
      viewer?.timeZone ?? null,
    ]);
  };

  const subscribe = async (args: ExecutionArgs) => {
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
    const key = shareKey(args);
    return mapStream(source[Symbol.asyncIterator](), (payload: unknown) => {
      if (typeof payload !== 'object' || payload === null) return execute({ ...args, rootValue: payload });
      let byKey = results.get(payload);
      if (!byKey) results.set(payload, (byKey = new Map()));
      let result = byKey.get(key);
      if (!result) byKey.set(key, (result = execute({ ...args, rootValue: payload })));
      return result;
    });
  };

  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(subscribe as never);
    },
  };
}
