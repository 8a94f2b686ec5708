// The app: Yoga over Node's HTTP server, graphql-ws beside it, the probes and the web app; one
// request handler routes between them. It listens when started and drains when stopped.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { YogaServerInstance } from 'graphql-yoga';
import type pg from 'pg';
import type { ViewerResolver } from './auth/viewer.js';
import { requestIdFor, withRequestId } from './request-context.js';
import type { AppDependencies, Context } from './schema/context.js';
import { API_PAGE, isBrowserVisit } from './schema/http-clients.js';
import { StreamCaps } from './schema/stream-caps.js';
import type { Metrics, Route } from './system/metrics.js';
import { createProbes, sendJson } from './system/probes.js';
import { boundedBody } from './system/request-body.js';
import { isWebAppRequest, webAppHandler } from './system/web-app.js';
import { serveGraphQLWebSockets } from './system/websocket.js';
import { createGraphQLServer, GRAPHQL_PATH, type ServerContext } from './system/yoga.js';

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

const routeOf = (path: string): Route =>
  path === GRAPHQL_PATH ? 'graphql' : path === '/health' ? 'health' : path === '/ready' ? 'ready' : path === '/metrics' ? 'metrics' : 'web';
const isProbe = (req: IncomingMessage, path: string) => (req.method === 'GET' || req.method === 'HEAD' ? path : undefined);

export function createApp(options: AppOptions): App {
  const { pool, viewers, metrics, migrations, onSubscriptionLive, ...dependencies } = options;
  const { config, sessionWatch } = dependencies;
  const log = dependencies.logger.child({ component: 'http' });

  // Aborted when the server stops: every subscription stream then completes.
  const shutdown = new AbortController();
  const streamCaps = new StreamCaps(config.streamCaps);
  const yoga = createGraphQLServer({ dependencies, viewers, metrics, streamCaps, shutdown: shutdown.signal, log });

  let stopping = false;
  let inFlight = 0;
  const drained: Array<() => void> = [];
  const probes = createProbes({ pool, migrations, metrics, metricsToken: config.metrics.token, log, draining: () => stopping });

  const webApp = webAppHandler(log);
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
        probes.health(res);
        return;
      case '/ready':
        void probes.ready(res);
        return;
      case '/metrics':
        // With a port of its own, metrics are not on the public one.
        if (config.metrics.port === undefined) void probes.metrics(req, res);
        else sendJson(res, 404, { error: 'Metrics are served on their own port.' });
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

  let metricsServer: Server | undefined;
  if (config.metrics.port !== undefined) {
    metricsServer = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) void probes.metrics(req, res);
      else sendJson(res, 404, { error: 'Only /metrics is served on this port.' });
    });
  }

  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const webSockets = serveGraphQLWebSockets({ server, yoga, config, viewers, sessionWatch, streamCaps, log, onSubscriptionLive });
  metrics.watchWebSockets(webSockets.size);

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
      await webSockets.close();
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
