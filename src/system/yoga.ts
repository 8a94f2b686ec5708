// Yoga: the schema with the plugin chain every operation runs through (HTTP and graphql-ws
// alike), error masking, and the one context factory.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { getOperationAST, GraphQLError } from 'graphql';
import { createYoga, maskError, type YogaServerInstance } from 'graphql-yoga';
import type { Viewer, ViewerResolver } from '../auth/viewer.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { ServiceUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { AppDependencies, Context } from '../schema/context.js';
import { useDocumentLimits } from '../schema/document-limits.js';
import { useSubscriptionsEndOnShutdown } from '../schema/ending-streams.js';
import { useErrorContract } from '../schema/error-contract.js';
import { expectedGraphQLError, toGraphQLError, useDomainErrors } from '../schema/errors.js';
import { useHttpClientFormats } from '../schema/http-clients.js';
import { useIdempotencyKeys } from '../schema/idempotency.js';
import { schema } from '../schema/index.js';
import { RequestLoaders } from '../schema/loaders.js';
import { useOperationLimits } from '../schema/operation-limits.js';
import { useSessionBoundSubscriptions } from '../schema/session-bound-subscriptions.js';
import { useSharedSubscriptionResults } from '../schema/shared-subscription-results.js';
import { type StreamCaps, useStreamCaps } from '../schema/stream-caps.js';
import { authorizationOf, clientOf, type OperationSource } from './client.js';
import { GRAPHIQL_DEFAULT_QUERY } from './graphiql.js';
import type { Metrics } from './metrics.js';

/** What Node's server hands Yoga with each request. */
export type ServerContext = { req: IncomingMessage; res?: ServerResponse };

export const GRAPHQL_PATH = '/graphql';

/**
 * Headers any of which marks a request as one a browser preflights (CORS) before sending it
 * cross-site: Yoga's CSRF header, or the credentials this API takes (never a cookie). A GET
 * or a form-encoded or plain-text POST carrying none of them is refused before parsing.
 */
export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'authorization'];

/**
 * Queries and mutations run as functions compiled once per document (graphql-jit), which
 * spends far less per field than the interpreting executor. Subscriptions keep the standard
 * executor: their streams, errors and per-event contexts follow graphql-js exactly.
 */
const useCompiledQueries = () =>
  useGraphQlJit({}, { enableIf: (args) => getOperationAST(args.document, args.operationName)?.operation !== 'subscription' });

/** SERVICE_UNAVAILABLE in place of a masked error, at the same path. */
export function serviceUnavailableAt(error: unknown): GraphQLError {
  return toGraphQLError(new ServiceUnavailableError(), error instanceof GraphQLError ? error : undefined);
}

export interface GraphQLServerOptions {
  /** What every operation's context holds besides its viewer, loaders and client. */
  readonly dependencies: AppDependencies;
  /** Who is behind a request's credentials. */
  readonly viewers: ViewerResolver;
  readonly metrics: Metrics;
  readonly streamCaps: StreamCaps;
  /** Aborted when the server stops: every subscription stream then completes. */
  readonly shutdown: AbortSignal;
  readonly log: Logger;
}

export function createGraphQLServer(options: GraphQLServerOptions): YogaServerInstance<ServerContext, Context> {
  const { dependencies, viewers, metrics, streamCaps, shutdown, log } = options;
  const { config, logger, sessionWatch } = dependencies;
  return createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    plugins: [
      useDomainErrors(),
      // After the domain errors' mapping, so errors are counted by their final code.
      metrics.plugin({ logger, slowOperationMs: config.slowOperationMs }),
      useCSRFPrevention({ requestHeaders: CSRF_HEADERS }),
      useErrorContract({ introspection: config.introspection }),
      useStreamCaps(streamCaps),
      useSubscriptionsEndOnShutdown(shutdown),
      useSessionBoundSubscriptions(sessionWatch),
      useDocumentLimits(),
      useOperationLimits(),
      useIdempotencyKeys({ windowSeconds: config.idempotencyWindowSeconds }),
      useCompiledQueries(),
      useSharedSubscriptionResults(),
      useHttpClientFormats(),
    ],
    // Same origin only, unless origins are configured: no CORS headers at all means browsers
    // let no other site read an answer.
    cors:
      config.corsOrigins.length === 0
        ? false
        : (request) => {
            const origin = request.headers.get('origin');
            if (!origin || !config.corsOrigins.includes(origin)) return false;
            return {
              origin,
              credentials: true,
              allowedHeaders: ['authorization', 'content-type', 'x-graphql-yoga-csrf', 'idempotency-key'],
              methods: ['GET', 'POST'],
            };
          },
    // Request bodies are bounded before Yoga sees them (see request-body.ts): Yoga's own limit
    // pipes every body through a stream transform, a large share of a small request's cost.
    maxRequestBodySize: false,
    maskedErrors: {
      isDev: false,
      // Clients get "Unexpected error."; the server log gets what happened, to be fixed.
      maskError: (error, message) => {
        // Expected failures keep their message and code; anything else is a bug, masked.
        const expected = expectedGraphQLError(error, schema);
        if (expected) return expected;
        const masked = maskError(error, message, false);
        if (masked !== error) {
          const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
          // The database went away under a resolver: an outage the client may retry, not a bug.
          if (isDatabaseUnavailable(original)) {
            log.warn(
              { err: { message: (original as Error).message }, path: error instanceof GraphQLError ? error.path : undefined },
              'database unavailable',
            );
            return serviceUnavailableAt(error);
          }
          log.error({ err: original, path: error instanceof GraphQLError ? error.path : undefined }, 'unexpected error');
        }
        return masked;
      },
    },
    graphiql: config.graphiql ? { title: 'Behflow GraphQL', subscriptionsProtocol: 'WS', defaultQuery: GRAPHIQL_DEFAULT_QUERY } : false,
    // GraphiQL's assets are served from this server, not a CDN: a self-hosted install may be offline.
    // They are some 30 MB of strings, so they are loaded when GraphiQL is first asked for, not at start.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    logging: {
      debug: (...args) => log.debug(args.map(String).join(' ')),
      info: (...args) => log.info(args.map(String).join(' ')),
      warn: (...args) => log.warn(args.map(String).join(' ')),
      error: (...args) => log.error(args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' ')),
    },
    context: async (initial): Promise<Context> => {
      // Over graphql-ws `req` is the upgrade request, so the same proxy rules apply.
      const client = clientOf(initial.req, config.trustedProxies);
      // The credentials: the `authorization` header over HTTP, `connectionParams.authorization` over graphql-ws.
      let viewer: Viewer | null;
      try {
        viewer = await viewers.resolve(authorizationOf(initial as OperationSource));
      } catch (error) {
        // Without the database no operation can be authorized: say so (503), not "500".
        log.error({ err: error }, 'could not resolve the viewer');
        metrics.error('SERVICE_UNAVAILABLE');
        throw toGraphQLError(new ServiceUnavailableError());
      }
      return { ...dependencies, viewer, client, loaders: new RequestLoaders() };
    },
  });
}
