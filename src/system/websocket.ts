// graphql-ws on the API's path: connections are capped and authenticated once, and every
// operation runs through Yoga's plugin chain and context factory (`yoga.getEnveloped`), as
// an HTTP request does.
import type { IncomingMessage, Server } from 'node:http';
import { type DocumentNode, type ExecutionArgs, GraphQLError } from 'graphql';
import { isAsyncIterable, type YogaServerInstance } from 'graphql-yoga';
import { reportingLive } from '../events/live.js';
import { useServer } from 'graphql-ws/use/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Viewer, ViewerResolver } from '../auth/viewer.js';
import type { SessionWatch } from '../auth/session-watch.js';
import type { Config } from '../config.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import type { Logger } from '../logger.js';
import { requestIdFor, withRequestId } from '../request-context.js';
import type { Context } from '../schema/context.js';
import { MAX_REQUEST_BYTES, operationsPerSocketError } from '../schema/document-limits.js';
import { withinContract } from '../schema/error-contract.js';
import { expectedGraphQLError } from '../schema/errors.js';
import type { StreamCaps } from '../schema/stream-caps.js';
import { clientOf, connectionAuthorization } from './client.js';
import { GRAPHQL_PATH, type ServerContext, serviceUnavailableAt } from './yoga.js';

/** What graphql-ws passes from `onSubscribe` to `execute`/`subscribe`: the enveloped executors and the operation's request id. */
interface OperationRoot {
  execute(args: ExecutionArgs): unknown;
  subscribe(args: ExecutionArgs): unknown;
  requestId: string;
}

/**
 * Wraps graphql-ws's `onSubscribe`: whatever escapes it would be sent to the client as the
 * close reason and printed to the console, past the log. Expected failures (coded errors,
 * such as SERVICE_UNAVAILABLE) go back as the operation's errors; anything else is logged
 * and answered like any unexpected error.
 */
function startsCleanly<A extends unknown[], R>(
  log: Logger,
  onSubscribe: (...args: A) => Promise<R>,
): (...args: A) => Promise<R | readonly GraphQLError[]> {
  return async (...args) => {
    try {
      return await onSubscribe(...args);
    } catch (error) {
      const expected = expectedGraphQLError(error);
      if (expected?.extensions.code) return [expected];
      if (isDatabaseUnavailable(error)) {
        log.warn({ err: { message: (error as Error).message } }, 'database unavailable for a WebSocket operation');
        return [serviceUnavailableAt(error)];
      }
      log.error({ err: error }, 'could not start a WebSocket operation');
      return [new GraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })];
    }
  };
}

export interface GraphQLWebSocketOptions {
  /** The HTTP server whose upgrades to GRAPHQL_PATH are taken. */
  readonly server: Server;
  readonly yoga: YogaServerInstance<ServerContext, Context>;
  readonly config: Pick<Config, 'trustedProxies' | 'introspection'>;
  readonly viewers: ViewerResolver;
  readonly sessionWatch: SessionWatch;
  readonly streamCaps: StreamCaps;
  readonly log: Logger;
  /** Told, by graphql-ws operation id, when a subscription's source is live (see events/live.ts). */
  readonly onSubscriptionLive?: (operationId: string) => void;
}

export interface GraphQLWebSockets {
  /** How many connections are open. */
  size(): number;
  /** Closes every connection with 1001 (Going Away) and stops taking new ones. */
  close(): Promise<void>;
}

export function serveGraphQLWebSockets(options: GraphQLWebSocketOptions): GraphQLWebSockets {
  const { server, yoga, config, viewers, sessionWatch, streamCaps, log, onSubscriptionLive } = options;

  // Each connection holds a place among the instance's live streams: refused at the upgrade
  // (HTTP 503) when none is left. Once its credentials are known (connection_init), one without
  // a session also takes one of its address's places, or is closed with 4429.
  const places = new WeakMap<IncomingMessage, { release: () => void }>();
  const wss = new WebSocketServer({
    server,
    path: GRAPHQL_PATH,
    maxPayload: MAX_REQUEST_BYTES,
    verifyClient: ({ req }, accept) => {
      const place = streamCaps.acquire(null, true);
      if ('refused' in place) return accept(false, 503, 'Too many live connections');
      places.set(req, place);
      accept(true);
    },
  });
  const contract = { suggestions: config.introspection };
  // A frame over the limit, or one breaking the WebSocket protocol: ws has already closed the
  // socket with the right code (1009, 1002…) when it emits the error. graphql-ws would print
  // each one with its stack to stderr, which anyone could fill; one log line says enough.
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    socket.once('close', () => places.get(request)?.release());
    const emit = socket.emit.bind(socket);
    socket.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event !== 'error') return emit(event, ...args);
      const error = args[0] as (Error & { code?: string }) | undefined;
      log.warn(
        { err: { message: error?.message, code: error?.code }, client: clientOf(request, config.trustedProxies).address },
        'WebSocket protocol error; connection closed',
      );
      return true;
    }) as typeof socket.emit;
  });
  const wsServer = useServer<Record<string, unknown>, { request: IncomingMessage; socket: WebSocket }>(
    {
      // A connection without credentials may connect (its operations then need none or fail
      // with UNAUTHENTICATED); one presenting a bad, expired or revoked token is closed with
      // 4403, and so is an accepted one as soon as its session ends.
      onConnect: async (ctx) => {
        const authorization = connectionAuthorization(ctx.connectionParams);
        const { socket, request } = ctx.extra;
        if (authorization === undefined || authorization === null) {
          const place = streamCaps.acquire(clientOf(request, config.trustedProxies).address, false, false);
          if ('refused' in place) {
            socket.close(4429, 'Too many connections without a session from this address');
            return false;
          }
          socket.once('close', place.release);
          return true;
        }
        let viewer: Viewer | null;
        try {
          viewer = typeof authorization === 'string' ? await viewers.resolve(authorization) : null;
        } catch (error) {
          // The cause (a database error) is for the log; the client learns only to come back
          // later (1013, which graphql-ws clients retry). Thrown, it would be sent as the close reason.
          log.error({ err: error }, 'could not resolve the viewer of a WebSocket connection');
          socket.close(1013, 'Try again later');
          return false;
        }
        if (!viewer) return false;
        const unwatch = sessionWatch.watch({ sessionId: viewer.sessionId, userId: viewer.id, expiresAt: viewer.sessionExpiresAt }, () => {
          // After the streams have sent their own "session ended" error.
          setImmediate(() => socket.close(4403, 'Session ended'));
        });
        socket.once('close', unwatch);
        return true;
      },
      // Each operation of a connection is a request of its own, with its own id in the log.
      execute: (args) =>
        withRequestId((args.rootValue as OperationRoot).requestId, () => (args.rootValue as OperationRoot).execute(args)) as never,
      subscribe: (args) =>
        withRequestId((args.rootValue as OperationRoot).requestId, () => (args.rootValue as OperationRoot).subscribe(args)) as never,
      onOperation: onSubscriptionLive
        ? (_ctx, id, _payload, _args, result) => (isAsyncIterable(result) ? reportingLive(result, () => onSubscriptionLive(id)) : undefined)
        : undefined,
      onSubscribe: startsCleanly(log, async (ctx, _id, params) => {
        // graphql-ws tracks the connection's operations in progress, this one included.
        const refused = operationsPerSocketError(Object.keys(ctx.subscriptions).length);
        if (refused) return refused;
        const {
          schema: envelopedSchema,
          execute,
          subscribe,
          contextFactory,
          parse,
          validate,
        } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          connectionParams: ctx.connectionParams ?? {},
        });
        let document: DocumentNode;
        try {
          document = parse(params.query);
        } catch (error) {
          const parseError = error instanceof GraphQLError ? error : new GraphQLError('Could not parse the document.');
          return [
            withinContract(
              parseError.extensions.code
                ? parseError
                : new GraphQLError(parseError.message, {
                    source: parseError.source,
                    positions: parseError.positions,
                    extensions: { code: 'GRAPHQL_PARSE_FAILED' },
                  }),
              contract,
            ),
          ];
        }
        const errors = validate(envelopedSchema, document);
        if (errors.length > 0)
          return errors.map((error: GraphQLError) =>
            withinContract(
              error.extensions.code
                ? error
                : new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
              contract,
            ),
          );
        const args: ExecutionArgs = {
          schema: envelopedSchema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe, requestId: requestIdFor(undefined) } satisfies OperationRoot,
        };
        return args;
      }),
      // Closes with generic reasons only (never an error's message), whatever NODE_ENV says.
      isProd: true,
    },
    wss,
  );

  return {
    size: () => wss.clients.size,
    async close() {
      // 1001 Going Away: clients reconnect elsewhere, as graphql-ws clients do on their own.
      for (const client of wss.clients) client.close(1001, 'Server shutting down');
      await wsServer.dispose();
      wss.close();
    },
  };
}
