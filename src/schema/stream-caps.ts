// Bounds on what stays open: server-sent event streams and WebSocket connections. Each counts
// toward one global cap; those without a session also toward a cap per client address, so one
// anonymous address cannot hold the server's sockets and memory.
import { isAsyncIterable } from '@envelop/core';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { rateLimitKeyOf } from '../auth/attempt-limiter.js';
import { BehflowError, ErrorCode } from '../errors.js';
import { toGraphQLError } from './errors.js';
import type { Context } from './context.js';

export interface StreamCapLimits {
  /** Streams and connections open at once on this instance, whoever holds them. */
  readonly total: number;
  /** Streams and connections without a session open at once from one client address. */
  readonly anonymousPerAddress: number;
}

export type Refusal = 'total' | 'address';

export class StreamCaps {
  private open = 0;
  private readonly anonymous = new Map<string, number>();

  constructor(readonly limits: StreamCapLimits) {}

  /**
   * Takes a place, or says which cap refuses it; `release` gives it back (once). `inTotal`
   * false: the holder already counts toward the total (a WebSocket connection, counted at its upgrade).
   */
  acquire(address: string | null, withSession: boolean, inTotal = true): { release: () => void } | { refused: Refusal } {
    if (inTotal && this.open >= this.limits.total) return { refused: 'total' };
    const key = withSession ? null : (rateLimitKeyOf(address) ?? 'unknown');
    if (key !== null && (this.anonymous.get(key) ?? 0) >= this.limits.anonymousPerAddress) return { refused: 'address' };
    if (inTotal) this.open += 1;
    if (key !== null) this.anonymous.set(key, (this.anonymous.get(key) ?? 0) + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        if (inTotal) this.open -= 1;
        if (key === null) return;
        const left = (this.anonymous.get(key) ?? 1) - 1;
        if (left === 0) this.anonymous.delete(key);
        else this.anonymous.set(key, left);
      },
    };
  }
}

export function tooManyStreams(refused: Refusal, limits: StreamCapLimits): GraphQLError {
  return toGraphQLError(tooManyStreamsError(refused, limits));
}

function tooManyStreamsError(refused: Refusal, limits: StreamCapLimits): BehflowError {
  return refused === 'total'
    ? new BehflowError(ErrorCode.RateLimited, 'The server has as many live streams open as it takes: try again shortly.', {
        limit: limits.total,
        retryAfterSeconds: 5,
        http: { status: 503 },
      })
    : new BehflowError(
        ErrorCode.RateLimited,
        `At most ${limits.anonymousPerAddress} live streams without a session may be open from one address: close one, or sign in.`,
        {
          limit: limits.anonymousPerAddress,
          http: { status: 429 },
        },
      );
}

/**
 * Caps subscriptions over server-sent events (HTTP). Those over graphql-ws are counted by
 * their connection instead (see app.ts), so the plugin leaves them alone.
 */
export function useStreamCaps(caps: StreamCaps): Plugin {
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const context = args.contextValue as unknown as Context & { connectionParams?: unknown };
      if (context.connectionParams !== undefined) return undefined;
      const place = caps.acquire(context.client.address, context.viewer !== null);
      if ('refused' in place) {
        setResultAndStopExecution({ errors: [tooManyStreams(place.refused, caps.limits)] });
        return undefined;
      }
      return {
        onSubscribeResult: ({ result }) => {
          // A refusal (no stream) holds no place; a stream holds one until it ends or the client leaves.
          if (!isAsyncIterable(result)) {
            place.release();
            return undefined;
          }
          return { onEnd: () => place.release() };
        },
        onSubscribeError: () => place.release(),
      };
    },
  };
}
