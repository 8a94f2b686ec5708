import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { getOperationAST, GraphQLError, type ExecutionArgs } from 'graphql';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, maskError, type YogaServerInstance } from 'graphql-yoga';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type pg from 'pg';
import { schema } from './schema/index.js';
import { useSessionBoundSubscriptions } from './schema/session-bound-subscriptions.js';
import type { ViewerResolver } from './auth/viewer.js';
import type { Logger } from './logger.js';
import type { AppDependencies, Context } from './schema/context.js';
import { RequestLoaders } from './schema/loaders.js';
import { useOperationLimits } from './schema/operation-limits.js';
import { useSharedSubscriptionResults } from './schema/shared-subscription-results.js';
import { ServiceUnavailableError } from './errors.js';
import { expectedGraphQLError, toGraphQLError, useDomainErrors } from './schema/errors.js';
import { VERSION } from './system/version.js';
import { MAX_REQUEST_BYTES, operationsPerSocketError, useDocumentLimits } from './schema/document-limits.js';
import { isWebAppRequest, webAppHandler } from './system/web-app.js';
import { useSubscriptionsEndOnShutdown } from './schema/ending-streams.js';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useErrorContract, withinContract } from './schema/error-contract.js';
import { isDatabaseUnavailable } from './db/unavailable.js';
import { StreamCaps, useStreamCaps } from './schema/stream-caps.js';
import { useIdempotencyKeys } from './schema/idempotency.js';

/** Everything the app needs from outside; tests pass their own. */
export interface AppOptions extends AppDependencies {
  /** The pool behind Prisma, for the health check's cheap `SELECT 1`. */
  readonly pool: pg.Pool;
  /** Who is behind a request's credentials (sessions answered from a per-instance cache). */
  readonly viewers: ViewerResolver;
}

export interface App {
  readonly yoga: YogaServerInstance<ServerContext, Context>;
  readonly server: Server;
  /** Listens and resolves with the bound port (pass 0 for any free port). */
  start(port: number, host?: string): Promise<number>;
  /** Stops accepting, lets in-flight requests finish (bounded), closes sockets with 1001. */
  stop(): Promise<void>;
}

type ServerContext = { req: IncomingMessage; res?: ServerResponse };
type InitialContext = ServerContext & {
  request?: Request;
  connectionParams?: Record<string, unknown>;
  /** The graphql-ws subscribe payload. */
  params?: { extensions?: { headers?: Record<string, unknown> } | null };
};

const GRAPHQL_PATH = '/graphql';

/**
 * Queries and mutations run as functions compiled once per document (graphql-jit), which
 * spends far less per field than the interpreting executor. Subscriptions keep the standard
 * executor: their streams, errors and per-event contexts follow graphql-js exactly.
 */
const useCompiledQueries = () =>
  useGraphQlJit({}, { enableIf: (args) => getOperationAST(args.document, args.operationName)?.operation !== 'subscription' });

/**
 * The client's address. With no trusted proxy it is the peer's, whatever `X-Forwarded-For`
 * says. Behind `trustedProxies` proxies, each of which appends the address it received the
 * request from, the client is the entry that many steps from the right of
 * `X-Forwarded-For, <peer>`: the entries further left were written by the client itself and
 * could be anything. An entry that is not an IP address (a misconfigured proxy) is not
 * trusted; the peer address is used instead.
 */
export function clientAddressOf(peer: string | null, forwardedFor: string | string[] | undefined, trustedProxies: number): string | null {
  if (trustedProxies === 0 || forwardedFor === undefined) return peer;
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  chain.push(peer ?? '');
  // Fewer entries than trusted proxies: the left-most, still written by a trusted proxy.
  const candidate = chain[Math.max(0, chain.length - 1 - trustedProxies)]!;
  return isIP(candidate) ? candidate : peer;
}

function clientOf(req: IncomingMessage | undefined, trustedProxies: number): Context['client'] {
  const userAgent = req?.headers['user-agent'];
  return {
    address: req ? clientAddressOf(req.socket.remoteAddress ?? null, req.headers['x-forwarded-for'], trustedProxies) : null,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
  };
}

/** The credentials of a graphql-ws connection: `connectionParams.authorization`; `undefined` when none were sent. */
function connectionAuthorization(params: Record<string, unknown> | undefined | null): unknown {
  return params?.authorization ?? params?.Authorization;
}

/**
 * The credentials of an operation. Over graphql-ws: the connection's, or else the operation's
 * own `extensions.headers.authorization`, which is where GraphiQL (and other clients built on
 * graphql-tools' URL loader) put the headers typed by the user; browsers cannot set headers
 * on a WebSocket, and GraphiQL sends no connection parameters.
 */
function authorizationOf(initial: InitialContext): string | null {
  if (initial.connectionParams) {
    const value = connectionAuthorization(initial.connectionParams) ?? connectionAuthorization(initial.params?.extensions?.headers);
    return typeof value === 'string' ? value : null;
  }
  return initial.request?.headers.get('authorization') ?? null;
}

/**
 * Headers any of which marks a request as one a browser preflights (CORS) before sending it
 * cross-site: Yoga's CSRF header, or the credentials this API takes (never a cookie). A GET
 * or a form-encoded or plain-text POST carrying none of them is refused before parsing.
 */
export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'authorization'];

/** SERVICE_UNAVAILABLE in place of a masked error, at the same path. */
function serviceUnavailableAt(error: unknown): GraphQLError {
  return toGraphQLError(new ServiceUnavailableError(), error instanceof GraphQLError ? error : undefined);
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

/** The answer to a body over the limit, in the shape of GraphQL errors. */
function refuseTooLarge(res: ServerResponse) {
  const body = JSON.stringify({
    errors: [{ message: `Request bodies may be at most ${MAX_REQUEST_BYTES} bytes.`, extensions: { code: 'REQUEST_TOO_LARGE', limit: MAX_REQUEST_BYTES } }],
  });
  res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body);
}

/**
 * Bounds a request body to MAX_REQUEST_BYTES. With a Content-Length (every GraphQL client
 * sends one) the length is checked up front and Node reads no more than it. A chunked body is
 * read here, counting, and handed over whole. Returns whether the request may go on now; for
 * a chunked body it goes on once read (or is answered 413).
 */
function boundedBody(req: IncomingMessage & { body?: unknown }, res: ServerResponse, next = () => {}): boolean {
  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    if (Number(declared) > MAX_REQUEST_BYTES) {
      refuseTooLarge(res);
      return false;
    }
    return true;
  }
  if (req.headers['transfer-encoding'] === undefined) return true;
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) {
      refuseTooLarge(res);
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.once('end', () => {
    if (size > MAX_REQUEST_BYTES) return;
    req.body = Buffer.concat(chunks);
    next();
  });
  return false;
}

export function createApp(options: AppOptions): App {
  const { pool, viewers, ...dependencies } = options;
  const { config, logger, sessionWatch } = dependencies;
  const log = logger.child({ component: 'http' });

  // Aborted when the server stops: every subscription stream then completes.
  const shutdown = new AbortController();
  const streamCaps = new StreamCaps(config.streamCaps);
  const yoga = createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    plugins: [
      useDomainErrors(),
      useCSRFPrevention({ requestHeaders: CSRF_HEADERS }),
      useErrorContract({ introspection: config.introspection }),
      useStreamCaps(streamCaps),
      useSubscriptionsEndOnShutdown(shutdown.signal),
      useSessionBoundSubscriptions(sessionWatch),
      useDocumentLimits(),
      useOperationLimits(),
      useIdempotencyKeys({ windowSeconds: config.idempotencyWindowSeconds }),
      useCompiledQueries(),
      useSharedSubscriptionResults(),
    ],
    // Same origin only, unless origins are configured: no CORS headers at all means browsers
    // let no other site read an answer.
    cors: config.corsOrigins.length === 0 ? false : (request) => {
      const origin = request.headers.get('origin');
      if (!origin || !config.corsOrigins.includes(origin)) return false;
      return { origin, credentials: true, allowedHeaders: ['authorization', 'content-type', 'x-graphql-yoga-csrf', 'idempotency-key'], methods: ['GET', 'POST'] };
    },
    // Request bodies are bounded before Yoga sees them (see `boundedBody`): Yoga's own limit
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
            log.warn({ err: { message: (original as Error).message }, path: error instanceof GraphQLError ? error.path : undefined }, 'database unavailable');
            return serviceUnavailableAt(error);
          }
          log.error({ err: original, path: error instanceof GraphQLError ? error.path : undefined }, 'unexpected error');
        }
        return masked;
      },
    },
    graphiql: config.graphiql ? { title: 'Behflow GraphQL', subscriptionsProtocol: 'WS' } : false,
    // GraphiQL's assets are served from this server, not a CDN: a self-hosted install may be offline.
    renderGraphiQL,
    logging: {
      debug: (...args) => log.debug(args.map(String).join(' ')),
      info: (...args) => log.info(args.map(String).join(' ')),
      warn: (...args) => log.warn(args.map(String).join(' ')),
      error: (...args) => log.error(args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' ')),
    },
    context: async (initial): Promise<Context> => {
      // Over graphql-ws `req` is the upgrade request, so the same proxy rules apply.
      const client = clientOf((initial as InitialContext).req, config.trustedProxies);
      // The credentials: the `authorization` header over HTTP, `connectionParams.authorization` over graphql-ws.
      let viewer;
      try {
        viewer = await viewers.resolve(authorizationOf(initial as InitialContext));
      } catch (error) {
        // Without the database no operation can be authorized: say so (503), not "500".
        log.error({ err: error }, 'could not resolve the viewer');
        throw toGraphQLError(new ServiceUnavailableError());
      }
      return { ...dependencies, viewer, client, loaders: new RequestLoaders() };
    },
  });

  let stopping = false;
  let inFlight = 0;
  const drained: Array<() => void> = [];

  const health = async (res: ServerResponse) => {
    const started = Date.now();
    let reachable = false;
    try {
      await pool.query('SELECT 1');
      reachable = true;
    } catch (error) {
      log.warn({ err: { message: (error as Error).message } }, 'health check: database unreachable');
    }
    const status = stopping ? 'stopping' : reachable ? 'ok' : 'degraded';
    const body = JSON.stringify({
      status,
      version: VERSION,
      database: { reachable, latencyMs: Date.now() - started },
      time: new Date().toISOString(),
    });
    res.writeHead(status === 'ok' ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(body);
  };

  const webApp = webAppHandler(log);
  const server = createServer((req, res) => {
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) drained.splice(0).forEach((resolve) => resolve());
    });
    if (stopping) res.setHeader('connection', 'close');
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      void health(res);
      return;
    }
    const handle = () => void yoga(req, res, { req, res });
    if (webApp && isWebAppRequest(req.method, path)) {
      webApp(req, res, handle);
      return;
    }
    if (boundedBody(req, res, handle)) handle();
  });

  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

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
        let viewer;
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
      execute: (args) => (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args) as never,
      subscribe: (args) => (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args) as never,
      onSubscribe: startsCleanly(log, async (ctx, _id, params) => {
        // graphql-ws tracks the connection's operations in progress, this one included.
        const refused = operationsPerSocketError(Object.keys(ctx.subscriptions).length);
        if (refused) return refused;
        const { schema: envelopedSchema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          connectionParams: ctx.connectionParams ?? {},
        });
        let document;
        try {
          document = parse(params.query);
        } catch (error) {
          const parseError = error instanceof GraphQLError ? error : new GraphQLError('Could not parse the document.');
          return [withinContract(parseError.extensions.code ? parseError : new GraphQLError(parseError.message, { source: parseError.source, positions: parseError.positions, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }), contract)];
        }
        const errors = validate(envelopedSchema, document);
        if (errors.length > 0) return errors.map((error: GraphQLError) => withinContract(error.extensions.code ? error : new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }), contract));
        const args: ExecutionArgs = {
          schema: envelopedSchema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        return args;
      }),
      // Closes with generic reasons only (never an error's message), whatever NODE_ENV says.
      isProd: true,
    },
    wss,
  );

  return {
    yoga,
    server,
    start(port, host = config.host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      // Subscriptions complete first: a server-sent stream is a request in flight like any other.
      shutdown.abort();
      // No new connections; idle keep-alive connections are closed by close() itself.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const idle = inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => drained.push(resolve));
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, config.shutdownTimeoutMs).unref());
      await Promise.race([idle, timeout]);
      // 1001 Going Away: clients reconnect elsewhere, as graphql-ws clients do on their own.
      for (const client of wss.clients) client.close(1001, 'Server shutting down');
      await wsServer.dispose();
      wss.close();
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closed;
      await yoga.dispose();
    },
  };
}
