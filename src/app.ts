import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { getOperationAST, GraphQLError, type DocumentNode, type ExecutionArgs } from 'graphql';
import { createYoga, isAsyncIterable, maskError, type YogaServerInstance } from 'graphql-yoga';
import { reportingLive } from './events/live.js';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type pg from 'pg';
import { schema } from './schema/index.js';
import { useSessionBoundSubscriptions } from './schema/session-bound-subscriptions.js';
import type { Viewer, ViewerResolver } from './auth/viewer.js';
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
import { API_PAGE, isBrowserVisit, useHttpClientFormats } from './schema/http-clients.js';
import { GRAPHIQL_DEFAULT_QUERY } from './system/graphiql.js';
import { useSubscriptionsEndOnShutdown } from './schema/ending-streams.js';
import type { Metrics, Route } from './system/metrics.js';
import { requestIdFor, withRequestId } from './request-context.js';
import { readiness } from './system/readiness.js';
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
  /** The server's metrics, served at `/metrics`. */
  readonly metrics: Metrics;
  /** The migrations this build expects to find applied (their folder names), for `/ready`. */
  readonly migrations: readonly string[];
  /** Told, by graphql-ws operation id, when a subscription's source is live (see events/live.ts). */
  readonly onSubscriptionLive?: (operationId: string) => void;
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

/** What graphql-ws passes from `onSubscribe` to `execute`/`subscribe`: the enveloped executors and the operation's request id. */
interface OperationRoot {
  execute(args: ExecutionArgs): unknown;
  subscribe(args: ExecutionArgs): unknown;
  requestId: string;
}

/** Compares a presented `Authorization` header with the token in constant time. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

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
    errors: [
      {
        message: `Request bodies may be at most ${MAX_REQUEST_BYTES} bytes.`,
        extensions: { code: 'REQUEST_TOO_LARGE', limit: MAX_REQUEST_BYTES },
      },
    ],
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
  const { pool, viewers, metrics, migrations, onSubscriptionLive, ...dependencies } = options;
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
      // After the domain errors' mapping, so errors are counted by their final code.
      metrics.plugin({ logger, slowOperationMs: config.slowOperationMs }),
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
      const client = clientOf((initial as InitialContext).req, config.trustedProxies);
      // The credentials: the `authorization` header over HTTP, `connectionParams.authorization` over graphql-ws.
      let viewer: Viewer | null;
      try {
        viewer = await viewers.resolve(authorizationOf(initial as InitialContext));
      } catch (error) {
        // Without the database no operation can be authorized: say so (503), not "500".
        log.error({ err: error }, 'could not resolve the viewer');
        metrics.error('SERVICE_UNAVAILABLE');
        throw toGraphQLError(new ServiceUnavailableError());
      }
      return { ...dependencies, viewer, client, loaders: new RequestLoaders() };
    },
  });

  let stopping = false;
  let inFlight = 0;
  const drained: Array<() => void> = [];

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  /**
   * Liveness: the process is up and its event loop turns. It never depends on the database
   * (a database outage is no reason to restart every instance) nor on draining.
   */
  const health = (res: ServerResponse) =>
    json(res, 200, {
      status: stopping ? 'stopping' : 'ok',
      version: VERSION,
      uptimeSeconds: Math.round(process.uptime()),
      time: new Date().toISOString(),
    });

  /** Readiness: send traffic here only while the database answers, is migrated, and the server is not draining. */
  const ready = async (res: ServerResponse) => {
    const report = await readiness({ pool, migrations, draining: stopping, log });
    json(res, report.ready ? 200 : 503, { ...report, version: VERSION, time: new Date().toISOString() });
  };

  /** `GET /metrics` in Prometheus' text format; with a token configured, only for `Authorization: Bearer <token>`. */
  const serveMetrics = async (req: IncomingMessage, res: ServerResponse) => {
    if (config.metrics.token && !tokenMatches(req.headers.authorization, config.metrics.token)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="metrics"' });
      res.end('A bearer token is required.\n');
      return;
    }
    const { contentType, body } = await metrics.scrape();
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
    res.end(body);
  };

  const webApp = webAppHandler(log);
  const routeOf = (path: string): Route =>
    path === GRAPHQL_PATH
      ? 'graphql'
      : path === '/health'
        ? 'health'
        : path === '/ready'
          ? 'ready'
          : path === '/metrics'
            ? 'metrics'
            : 'web';
  const isProbe = (req: IncomingMessage, path: string) => (req.method === 'GET' || req.method === 'HEAD' ? path : undefined);
  const server = createServer((req, res) => {
    const requestId = requestIdFor(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    withRequestId(requestId, () => serve(req, res));
  });
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) for (const resolve of drained.splice(0)) resolve();
    });
    if (stopping) res.setHeader('connection', 'close');
    const path = (req.url ?? '/').split('?')[0]!;
    res.once('finish', () => metrics.httpResponse(routeOf(path), res.statusCode));
    switch (isProbe(req, path)) {
      case '/health':
        health(res);
        return;
      case '/ready':
        void ready(res);
        return;
      case '/metrics':
        // With a port of its own, metrics are not on the public one.
        if (config.metrics.port === undefined) void serveMetrics(req, res);
        else json(res, 404, { error: 'Metrics are served on their own port.' });
        return;
    }
    // A browser at /graphql with GraphiQL off (production) gets a page saying what this is.
    if (!config.graphiql && path === GRAPHQL_PATH && isBrowserVisit(req.method, req.url ?? '', req.headers.accept)) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(API_PAGE),
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : API_PAGE);
      return;
    }
    const handle = () => void yoga(req, res, { req, res });
    if (webApp && isWebAppRequest(req.method, path)) {
      webApp(req, res, handle);
      return;
    }
    if (boundedBody(req, res, handle)) handle();
  };
  metrics.watchWebSockets(() => wss.clients.size);

  let metricsServer: Server | undefined;
  if (config.metrics.port !== undefined) {
    metricsServer = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) void serveMetrics(req, res);
      else json(res, 404, { error: 'Only /metrics is served on this port.' });
    });
  }

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
    yoga,
    server,
    async start(port, host = config.host) {
      if (metricsServer) {
        await new Promise<void>((resolve, reject) => {
          metricsServer!.once('error', reject);
          metricsServer!.listen(config.metrics.port, host, () => {
            metricsServer!.off('error', reject);
            resolve();
          });
        });
      }
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
      // Draining: /ready answers 503 at once; traffic still arriving meanwhile is served.
      if (config.shutdownDelayMs > 0) {
        log.info({ ms: config.shutdownDelayMs }, 'draining: not ready, still serving');
        await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
      }
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
      if (metricsServer) {
        const metricsClosed = new Promise<void>((resolve) => metricsServer!.close(() => resolve()));
        metricsServer.closeAllConnections();
        await metricsClosed;
      }
      await yoga.dispose();
    },
  };
}
