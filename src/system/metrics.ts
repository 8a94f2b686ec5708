// Prometheus metrics (prom-client): one registry per server, filled by the parts that know
// each number and read by `GET /metrics`. Labels take values from small fixed sets, or are
// capped (operation names come from clients), so a client cannot make the registry grow.
import { getOperationAST, type ExecutionArgs, type ExecutionResult, type GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type pg from 'pg';
import type { Logger } from '../logger.js';
import type { ExecutionOutcome } from '../processes/service.js';
import type { EventTransport } from '../pubsub/transport.js';

/** At most this many distinct operation names are labelled; later ones count as `other`. */
const MAX_OPERATION_NAMES = 200;

/** Route labels of HTTP requests. */
export type Route = 'graphql' | 'health' | 'ready' | 'metrics' | 'web';

export interface Metrics {
  readonly registry: Registry;
  /** The Yoga/envelop plugin timing operations, counting their errors, and logging slow ones. */
  plugin(options: { logger: Logger; slowOperationMs: number }): Plugin;
  /** Counts an HTTP response. */
  httpResponse(route: Route, status: number): void;
  /** Counts errors answered outside execution (e.g. the database gone while authorizing). */
  error(code: string): void;
  /** Reports the open WebSockets (read at each scrape). */
  watchWebSockets(count: () => number): void;
  /** Reports the database pool (read at each scrape). */
  watchPool(pool: pg.Pool): void;
  /** Counts the runs of automated processes by process and outcome. */
  processOutcome(outcome: ExecutionOutcome): void;
  /** The transport with every stream event sent and received counted by topic. */
  countEvents(transport: EventTransport): EventTransport;
  /** The text a scrape gets, and its content type. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

function errorCode(error: GraphQLError): string {
  const code = error.extensions?.code;
  return typeof code === 'string' && /^[A-Z_]{1,64}$/.test(code) ? code : 'INTERNAL_SERVER_ERROR';
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const operationNames = new Set<string>();
  const nameOf = (args: Pick<ExecutionArgs, 'document' | 'operationName'>) => {
    const name = getOperationAST(args.document, args.operationName)?.name?.value ?? 'anonymous';
    if (operationNames.has(name)) return name;
    if (operationNames.size >= MAX_OPERATION_NAMES) return 'other';
    operationNames.add(name);
    return name;
  };

  const operations = new Histogram({
    name: 'behflow_graphql_operation_duration_seconds',
    help: 'GraphQL operations by name, type and outcome (ok, or error when the result carries errors): time to the result; for subscriptions, to the stream being open.',
    labelNames: ['operation_name', 'operation_type', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'behflow_graphql_errors_total',
    help: 'GraphQL errors answered, by extensions.code (unexpected ones as INTERNAL_SERVER_ERROR).',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const subscriptions = new Gauge({
    name: 'behflow_graphql_subscriptions_open',
    help: 'Subscriptions open now, over WebSocket and server-sent events, by operation name.',
    labelNames: ['operation_name'] as const,
    registers: [registry],
  });
  const delivered = new Counter({
    name: 'behflow_subscription_events_delivered_total',
    help: 'Results sent to subscribers, by operation name.',
    labelNames: ['operation_name'] as const,
    registers: [registry],
  });
  const http = new Counter({
    name: 'behflow_http_responses_total',
    help: 'HTTP responses by route and status code.',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  const published = new Counter({
    name: 'behflow_events_published_total',
    help: 'Stream events this instance sent to the instances (itself included), by topic.',
    labelNames: ['topic'] as const,
    registers: [registry],
  });
  const received = new Counter({
    name: 'behflow_events_received_total',
    help: 'Stream events this instance received for its subscribers, by topic.',
    labelNames: ['topic'] as const,
    registers: [registry],
  });
  const processRuns = new Counter({
    name: 'behflow_process_runs_total',
    help: 'Automated process runs recorded by this instance, by process and outcome (completed, failed, skipped).',
    labelNames: ['process', 'outcome'] as const,
    registers: [registry],
  });

  let webSockets = () => 0;
  new Gauge({
    name: 'behflow_websocket_connections',
    help: 'Open WebSocket connections.',
    registers: [registry],
    collect() {
      this.set(webSockets());
    },
  });
  let pools: pg.Pool[] = [];
  new Gauge({
    name: 'behflow_db_pool_connections',
    help: 'Connections of the PostgreSQL pool: in_use (lent to a query), idle, and max (the pool size).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      for (const pool of pools) {
        this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'max' }, pool.options.max ?? 10);
      }
    },
  });
  new Gauge({
    name: 'behflow_db_pool_waiting',
    help: 'Queries waiting for a free connection of the PostgreSQL pool.',
    registers: [registry],
    collect() {
      this.set(pools.reduce((sum, pool) => sum + pool.waitingCount, 0));
    },
  });

  const countErrors = (list: readonly GraphQLError[] | undefined) => {
    for (const error of list ?? []) errors.inc({ code: errorCode(error) });
  };
  const topicOf = (event: Event) => {
    const topic = (event as CustomEvent<{ topic?: unknown }>).detail?.topic;
    return typeof topic === 'string' && /^[a-z][a-zA-Z:_.-]{0,63}$/.test(topic) ? topic : 'other';
  };

  return {
    registry,
    plugin({ logger, slowOperationMs }) {
      const log = logger.child({ component: 'graphql' });
      const finish = (args: ExecutionArgs, started: number, result: ExecutionResult | undefined) => {
        const seconds = (performance.now() - started) / 1000;
        const operation = getOperationAST(args.document, args.operationName);
        const labels = {
          operation_name: nameOf(args),
          operation_type: operation?.operation ?? 'unknown',
          outcome: result?.errors?.length ? 'error' : 'ok',
        };
        operations.observe(labels, seconds);
        countErrors(result?.errors);
        if (slowOperationMs > 0 && seconds * 1000 >= slowOperationMs) {
          // The name and the time only: variables may hold passwords and tokens.
          log.warn(
            {
              operationName: operation?.name?.value ?? null,
              operationType: labels.operation_type,
              durationMs: Math.round(seconds * 1000),
              outcome: labels.outcome,
            },
            'slow operation',
          );
        }
      };
      return {
        onParse() {
          return ({ result }) => {
            if (result instanceof Error) errors.inc({ code: 'GRAPHQL_PARSE_FAILED' });
          };
        },
        onValidate() {
          return ({ valid, result }) => {
            if (!valid)
              for (const error of result)
                errors.inc({ code: errorCode(error as GraphQLError).replace('INTERNAL_SERVER_ERROR', 'GRAPHQL_VALIDATION_FAILED') });
          };
        },
        onExecute({ args }) {
          const started = performance.now();
          return {
            onExecuteDone({ result }) {
              if (!isAsyncIterable(result)) finish(args, started, result);
            },
          };
        },
        onSubscribe({ args }) {
          const started = performance.now();
          return {
            onSubscribeResult({ result }) {
              if (!isAsyncIterable(result)) {
                finish(args, started, result);
                return;
              }
              finish(args, started, undefined);
              const labels = { operation_name: nameOf(args) };
              subscriptions.inc(labels);
              let open = true;
              return {
                onNext({ result: next }) {
                  delivered.inc(labels);
                  countErrors((next as ExecutionResult).errors);
                },
                onEnd() {
                  if (open) subscriptions.dec(labels);
                  open = false;
                },
              };
            },
            onSubscribeError({ error }: { error: unknown }) {
              countErrors([error as GraphQLError]);
            },
          };
        },
      };
    },
    httpResponse(route, status) {
      http.inc({ route, status: String(status) });
    },
    error(code) {
      errors.inc({ code });
    },
    watchWebSockets(count) {
      webSockets = count;
    },
    watchPool(pool) {
      pools = [...pools, pool];
    },
    processOutcome(outcome) {
      processRuns.inc({ process: outcome.processName, outcome: outcome.status });
    },
    countEvents(transport) {
      // Per channel: the listener as given, and the counting one registered in its place.
      const wrapped = new Map<string, Map<unknown, EventListener>>();
      return new Proxy(transport, {
        get(target, property, receiver) {
          if (property === 'dispatchEvent') {
            return (event: Event) => {
              if (event.type.startsWith('stream:')) published.inc({ topic: topicOf(event) });
              return target.dispatchEvent(event as never);
            };
          }
          if (property === 'addEventListener') {
            return (type: string, listener: EventListener | null, options?: unknown) => {
              if (!listener || !type.startsWith('stream:')) return target.addEventListener(type, listener as never, options as never);
              const counting: EventListener = (event) => {
                received.inc({ topic: topicOf(event) });
                return typeof listener === 'function' ? listener(event) : (listener as EventListenerObject).handleEvent(event);
              };
              if (!wrapped.has(type)) wrapped.set(type, new Map());
              wrapped.get(type)!.set(listener, counting);
              return target.addEventListener(type, counting as never, options as never);
            };
          }
          if (property === 'removeEventListener') {
            return (type: string, listener: EventListener | null, options?: unknown) => {
              const counting = wrapped.get(type)?.get(listener) ?? listener;
              wrapped.get(type)?.delete(listener);
              return target.removeEventListener(type, counting as never, options as never);
            };
          }
          const value = Reflect.get(target, property, receiver) as unknown;
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
    },
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
