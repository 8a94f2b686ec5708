import { randomUUID } from 'node:crypto';
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import { createClient, type Client, type ClientOptions, type FormattedExecutionResult } from 'graphql-ws';

export type ExecutionResult<TData> = FormattedExecutionResult<TData, unknown>;
import WebSocket from 'ws';
import { loadConfig } from '../../src/config.js';
import type { PrismaClient } from '../../src/db/prisma.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { startServer, type RunningServer, type StartOptions } from '../../src/server.js';
import { atFileEnd } from './cleanup.js';
import { createTestDatabase } from './database.js';
import { unexpectedErrors } from './graphql.js';

/** One error of a response, as the server formats it. */
export interface GraphQLResponseError {
  readonly message: string;
  readonly path?: ReadonlyArray<string | number>;
  readonly locations?: ReadonlyArray<{ line: number; column: number }>;
  readonly extensions?: Readonly<Record<string, unknown>>;
}

export interface GraphQLResponse<TData = unknown> {
  readonly status: number;
  readonly data?: TData | null;
  readonly errors?: ReadonlyArray<GraphQLResponseError>;
}

/**
 * A document written with the `graphql()` tag of test/gql (generated from schema.graphql by
 * `npm run codegen:test`): it carries the types of its result and of its variables.
 */
export type TypedDocument<TData, TVariables> = DocumentTypeDecoration<TData, TVariables> & { toString(): string };

export interface RequestOptions {
  readonly variables?: Record<string, unknown>;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  readonly headers?: Record<string, string>;
}

/** The options of a typed document: its variables, required when the document requires some. */
export type OperationOptions<TVariables> = Omit<RequestOptions, 'variables'> &
  (Record<string, never> extends TVariables ? { readonly variables?: TVariables } : { readonly variables: TVariables });

/** No options needed when the document takes no required variable. */
type OptionsFor<TVariables> =
  Record<string, never> extends TVariables ? [options?: OperationOptions<TVariables>] : [options: OperationOptions<TVariables>];

/** Records the SQL statements Prisma sends while a piece of code runs. */
export interface QueryRecorder {
  record<T>(run: () => Promise<T>): Promise<{ result: T; statements: string[] }>;
}

export interface TestServer {
  readonly url: string;
  readonly wsUrl: string;
  readonly origin: string;
  readonly prisma: PrismaClient;
  readonly running: RunningServer;
  readonly queries: QueryRecorder;
  /**
   * POSTs an operation over HTTP and returns the response as it came, errors included: for tests
   * that expect errors (see `expectError`). The string form is for documents sent malformed or
   * hostile on purpose; every other test writes its document with `graphql()`.
   */
  graphql<TData, TVariables>(
    document: TypedDocument<TData, TVariables>,
    ...options: OptionsFor<TVariables>
  ): Promise<GraphQLResponse<TData>>;
  graphql<TData = unknown>(query: string, options?: RequestOptions): Promise<GraphQLResponse<TData>>;
  /** Like `graphql`, but fails the test with the errors' codes and messages on any error, and returns `data`. */
  data<TData, TVariables>(document: TypedDocument<TData, TVariables>, ...options: OptionsFor<TVariables>): Promise<TData>;
  data<TData = unknown>(query: string, options?: RequestOptions): Promise<TData>;
  /** A graphql-ws client on this server (closed after the file). */
  wsClient(options?: WsClientOptions): Client;
  /**
   * Resolves when the server has started the source of the graphql-ws operation `operationId`
   * (a client's `generateID` says which id an operation gets): events published from then on reach it.
   */
  live(operationId: string, timeoutMs?: number): Promise<void>;
  /** Subscribes over graphql-ws and buffers what arrives. */
  subscribe<TData, TVariables>(document: TypedDocument<TData, TVariables>, ...options: OptionsFor<TVariables>): Subscription<TData>;
  subscribe<TData = unknown>(query: string, options?: RequestOptions): Subscription<TData>;
  stop(): Promise<void>;
}

export interface WsClientOptions {
  readonly token?: string;
  readonly connectionParams?: Record<string, unknown>;
  /** The id of each operation the client starts (graphql-ws makes up a random one by default). */
  readonly generateID?: ClientOptions['generateID'];
}

export interface Subscription<TData> {
  /**
   * Resolves once the server has started the subscription's source, so that every event
   * published from then on is delivered; rejects if the subscription ends first.
   */
  readonly live: Promise<void>;
  /** Waits for the next result (fails after `timeoutMs`). */
  next(timeoutMs?: number): Promise<ExecutionResult<TData>>;
  /** Resolves when the server completes the subscription or the socket closes, with the close code if any. */
  readonly ended: Promise<{ code?: number; reason?: string; error?: unknown }>;
  /** Results received and not yet taken with `next`. */
  readonly pending: ExecutionResult<TData>[];
  close(): void;
}

export interface TestServerOptions extends StartOptions {
  /** Extra environment for `loadConfig` (e.g. `BEHFLOW_TIMEZONE`). */
  readonly env?: Record<string, string>;
  /** Where the server logs (silent unless TEST_LOG_LEVEL is set). */
  readonly logger?: Logger;
  /** Use this database instead of a fresh clone of the template. */
  readonly databaseUrl?: string;
}

/**
 * Boots the real server in-process (real PostgreSQL, real HTTP and WebSocket on a free
 * loopback port) for one test file; stopped after the file.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    BEHFLOW_SHUTDOWN_TIMEOUT_MS: '2000',
    // Every test request comes from 127.0.0.1: files that register many accounts would hit
    // the per-address registration limit. Its own tests set it low.
    BEHFLOW_REGISTER_MAX_PER_ADDRESS: '100000',
    // Likewise for live streams without a session (heartbeats, sockets not yet signed in).
    BEHFLOW_MAX_ANONYMOUS_STREAMS_PER_ADDRESS: '100000',
    // Several files run at once, some with two or more instances: smaller pools keep a run
    // within PostgreSQL's default 100 connections.
    BEHFLOW_DB_POOL_SIZE: '5',
    ...options.env,
    DATABASE_URL: databaseUrl,
  });
  let recording: string[] | null = null;
  // The server says when each graphql-ws operation's source is live; a test may ask before or after.
  const liveOperations = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  const liveness = (operationId: string) => {
    let entry = liveOperations.get(operationId);
    if (!entry) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      entry = { promise, resolve };
      liveOperations.set(operationId, entry);
    }
    return entry;
  };
  const running = await startServer(config, options.logger ?? createLogger(config.logLevel), {
    ...options,
    onQuery: (query) => {
      recording?.push(query.sql);
      options.onQuery?.(query);
    },
    onSubscriptionLive: (operationId) => {
      liveness(operationId).resolve();
      options.onSubscriptionLive?.(operationId);
    },
  });
  const live = (operationId: string, timeoutMs = 10_000) => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      liveness(operationId).promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`operation ${operationId} not live within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  };
  const origin = `http://127.0.0.1:${running.port}`;
  const url = `${origin}/graphql`;
  const wsUrl = `ws://127.0.0.1:${running.port}/graphql`;
  const clients = new Set<Client>();

  const graphql = async <TData>(
    document: TypedDocument<TData, never> | string,
    request: RequestOptions = {},
  ): Promise<GraphQLResponse<TData>> => {
    const query = textOf(document);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
        ...request.headers,
      },
      body: JSON.stringify({ query, variables: request.variables ?? {} }),
    });
    const body = (await response.json()) as Omit<GraphQLResponse<TData>, 'status'>;
    return { status: response.status, ...body };
  };

  const wsClient = (clientOptions: WsClientOptions = {}) => {
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      ...(clientOptions.generateID ? { generateID: clientOptions.generateID } : {}),
      connectionParams: {
        ...(clientOptions.token ? { authorization: `Bearer ${clientOptions.token}` } : {}),
        ...clientOptions.connectionParams,
      },
    });
    clients.add(client);
    return client;
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const client of clients) await client.dispose();
    await running.stop();
  };
  atFileEnd(stop);

  return {
    url,
    wsUrl,
    origin,
    prisma: running.database.prisma,
    running,
    queries: {
      async record(run) {
        recording = [];
        try {
          const result = await run();
          return { result, statements: recording };
        } finally {
          recording = null;
        }
      },
    },
    graphql: graphql as TestServer['graphql'],
    data: (async (document: TypedDocument<unknown, never> | string, request?: RequestOptions) => {
      const result = await graphql(document, request);
      if (result.errors?.length) throw unexpectedErrors(result.errors);
      if (result.data == null) throw new Error(`no data and no errors (HTTP ${result.status})`);
      return result.data;
    }) as TestServer['data'],
    wsClient,
    live,
    subscribe<TData>(document: TypedDocument<TData, never> | string, request: RequestOptions = {}): Subscription<TData> {
      const operationId = randomUUID();
      const client = wsClient({ token: request.token, generateID: () => operationId });
      const pending: ExecutionResult<TData>[] = [];
      const waiters: Array<(result: ExecutionResult<TData>) => void> = [];
      let resolveEnded!: (value: { code?: number; reason?: string; error?: unknown }) => void;
      const ended = new Promise<{ code?: number; reason?: string; error?: unknown }>((resolve) => (resolveEnded = resolve));
      client.on('closed', (event) => {
        const close = event as { code?: number; reason?: string };
        resolveEnded({ code: close.code, reason: close.reason });
      });
      const unsubscribe = client.subscribe<TData>(
        { query: textOf(document), variables: request.variables ?? {} },
        {
          next: (result) => {
            const waiter = waiters.shift();
            if (waiter) waiter(result);
            else pending.push(result);
          },
          error: (error) => resolveEnded({ error, ...(error as { code?: number; reason?: string }) }),
          complete: () => resolveEnded({}),
        },
      );
      let isLive: Promise<void> | undefined;
      return {
        // Asked for, not made up front: an unobserved wait must not time out as an unhandled rejection.
        get live() {
          isLive ??= Promise.race([
            live(operationId),
            ended.then((end) => Promise.reject(new Error(`the subscription ended before it was live: ${JSON.stringify(end)}`))),
          ]);
          return isLive;
        },
        pending,
        ended,
        next(timeoutMs = 5_000) {
          const ready = pending.shift();
          if (ready) return Promise.resolve(ready);
          return new Promise((resolve, reject) => {
            const waiter = (result: ExecutionResult<TData>) => {
              clearTimeout(timer);
              resolve(result);
            };
            // A wait that timed out takes no later event: that one goes to the next waiter or to `pending`.
            const timer = setTimeout(() => {
              waiters.splice(waiters.indexOf(waiter), 1);
              reject(new Error(`no subscription event within ${timeoutMs} ms`));
            }, timeoutMs);
            waiters.push(waiter);
          });
        },
        close() {
          unsubscribe();
        },
      };
    },
    stop,
  };
}

/** The text a document is sent as; a `graphql()` document missing from test/gql was never generated. */
function textOf(document: TypedDocument<unknown, never> | string): string {
  const text = String(document);
  if (text === '[object Object]') throw new Error('this graphql() document has not been generated: run `npm run codegen:test`');
  return text;
}
