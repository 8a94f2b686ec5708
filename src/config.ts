import os from 'node:os';
import path from 'node:path';
import { environmentSchema, type LOG_LEVELS } from './environment.js';

export { CONFIG_VARIABLES, timeZoneSchema } from './environment.js';

export interface Config {
  /** PostgreSQL to use; absent means the embedded PostgreSQL in `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** With Redis, events between instances travel through it; otherwise through PostgreSQL. */
  readonly redisUrl: string | undefined;
  readonly events: {
    /** How long the event log keeps events for subscribers resuming with a cursor. */
    readonly retentionSeconds: number;
    /** How often each instance compares the streams it follows with the log (0: never). */
    readonly sweepIntervalMs: number;
  };
  readonly host: string;
  readonly port: number;
  /** The service time zone: the default for users and for calendar renderings. */
  readonly timeZone: string;
  /** Absolute path of the folder holding local state (the embedded database). */
  readonly dataDir: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly graphiql: boolean;
  /**
   * How new password hashes are made: `bcrypt` (the original Behflow's, so it keeps working on
   * the same database), `argon2id`, or `auto`: bcrypt on a database adopted from the original,
   * argon2id on one this server created.
   */
  readonly passwordHash: 'auto' | 'bcrypt' | 'argon2id';
  /**
   * Whether introspection queries and "Did you mean …?" suggestions are answered; off by
   * default in production, where the schema need not be disclosed to anyone who asks.
   */
  readonly introspection: boolean;
  /**
   * Browser origins other than the server's own allowed to call the API (CORS). Empty: only
   * pages served from the same origin (the bundled web app, GraphiQL).
   */
  readonly corsOrigins: readonly string[];
  /** How long the outcome of a mutation sent with an `Idempotency-Key` is kept for retries. */
  readonly idempotencyWindowSeconds: number;
  /**
   * Live streams (server-sent event subscriptions and WebSocket connections) open at once on
   * an instance, and those without a session from one client address.
   */
  readonly streamCaps: { readonly total: number; readonly anonymousPerAddress: number };
  readonly shutdownTimeoutMs: number;
  /**
   * On SIGTERM, how long the server keeps serving while `/ready` already answers 503, so a load
   * balancer or Kubernetes stops sending it traffic before it closes its port.
   */
  readonly shutdownDelayMs: number;
  /** `GET /metrics`: a bearer token it requires (none: open), and a port of its own (none: the main port). */
  readonly metrics: { readonly token: string | undefined; readonly port: number | undefined };
  /** Operations taking at least this long are logged with their name and duration (0: never). */
  readonly slowOperationMs: number;
  readonly dbPoolSize: number;
  readonly production: boolean;
  /** How long a session token stays valid after sign-in, in milliseconds. */
  readonly sessionTtlMs: number;
  /**
   * How often the sessions behind open subscriptions and WebSocket connections are re-read,
   * so a revocation whose announcement was missed still ends them within this period.
   */
  readonly sessionRecheckMs: number;
  /**
   * How long an instance answers a session from memory before reading it again (0: always
   * read). Revocations and profile changes are announced and take effect at once; this bounds
   * changes made to the database by other means.
   */
  readonly sessionCacheMs: number;
  /** Usernames that are made administrators at registration and at every start. */
  readonly adminUsernames: readonly string[];
  /**
   * Failed sign-ins tolerated within a sliding window: per username from one client address
   * (a stranger guessing locks out only their own address, not the owner), per username from
   * all addresses together (a much higher bound on guessing spread over many addresses), and
   * per client address. The state lives in PostgreSQL so the limits hold across instances.
   */
  readonly loginRateLimit: {
    readonly windowSeconds: number;
    /** Per username and client address. */
    readonly maxFailuresPerUsername: number;
    /** Per username, whatever the address. */
    readonly maxFailuresPerUsernameAnyAddress: number;
    readonly maxFailuresPerAddress: number;
  };
  /** Registrations (attempts that pass input checks) allowed per client address within a sliding window. */
  readonly registerRateLimit: {
    readonly windowSeconds: number;
    readonly maxPerAddress: number;
  };
  /**
   * How many reverse proxies in front of the server are trusted to append the client address
   * to `X-Forwarded-For`; 0 means the header is ignored and the peer address is the client.
   */
  readonly trustedProxies: number;
  /** Periodic deletion of ended sessions and of rate-limit rows that no longer count. */
  readonly housekeeping: {
    readonly intervalSeconds: number;
    /** Sessions revoked or expired longer ago than this are deleted. */
    readonly sessionRetentionMs: number;
  };
  /** Automated processes: whether this instance runs the time-based scheduler (pg-boss). */
  readonly scheduler: {
    readonly enabled: boolean;
    /** How often an idle instance polls for due slot jobs. */
    readonly pollSeconds: number;
    /** A running execution's lease; the instance renews it, and an expired one means the instance is gone. */
    readonly leaseSeconds: number;
    /** How often abandoned executions are looked for. */
    readonly recoverySeconds: number;
  };
  /** Names this instance in the execution history and in the log line of each run (default host:pid). */
  readonly instanceName: string;
  readonly assistant: AssistantConfig;
}

/** Which assistant answers chat messages. */
export type AssistantConfig =
  | { readonly provider: 'builtin' }
  | {
      readonly provider: 'openai';
      /** An OpenAI-compatible API root, e.g. https://api.openai.com/v1 or http://localhost:11434/v1. */
      readonly baseUrl: string;
      /** Sent as a bearer token when set; never logged. */
      readonly apiKey: string | undefined;
      readonly model: string;
      /** The most one reply may take, tool rounds included. */
      readonly timeoutMs: number;
    };

export class ConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the configuration from the environment once. Every problem is reported
 * together, each naming its variable; values are never echoed (they may be secrets).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankAsUnset = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environmentSchema.safeParse(blankAsUnset);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`));
  }
  const values = parsed.data;
  const provider = values.BEHFLOW_ASSISTANT_PROVIDER ?? (values.BEHFLOW_LLM_BASE_URL ? 'openai' : 'builtin');
  if (provider === 'openai' && !values.BEHFLOW_LLM_BASE_URL) {
    throw new ConfigError(['BEHFLOW_LLM_BASE_URL: required when BEHFLOW_ASSISTANT_PROVIDER is openai']);
  }
  const assistant: AssistantConfig =
    provider === 'openai'
      ? {
          provider,
          baseUrl: values.BEHFLOW_LLM_BASE_URL!.replace(/\/+$/, ''),
          apiKey: values.BEHFLOW_LLM_API_KEY,
          model: values.BEHFLOW_LLM_MODEL,
          timeoutMs: values.BEHFLOW_LLM_TIMEOUT_MS,
        }
      : { provider };
  const production = values.NODE_ENV === 'production';
  return Object.freeze({
    databaseUrl: values.DATABASE_URL,
    redisUrl: values.REDIS_URL,
    events: Object.freeze({
      retentionSeconds: Math.round(values.BEHFLOW_EVENT_RETENTION_HOURS * 3600),
      sweepIntervalMs: values.BEHFLOW_EVENT_SWEEP_SECONDS * 1000,
    }),
    host: values.HOST,
    port: values.PORT,
    timeZone: values.BEHFLOW_TIMEZONE,
    dataDir: path.resolve(values.BEHFLOW_DATA_DIR),
    logLevel: values.LOG_LEVEL,
    graphiql: values.BEHFLOW_GRAPHIQL ?? !production,
    passwordHash: values.BEHFLOW_PASSWORD_HASH,
    introspection: values.BEHFLOW_INTROSPECTION ?? !production,
    streamCaps: Object.freeze({ total: values.BEHFLOW_MAX_STREAMS, anonymousPerAddress: values.BEHFLOW_MAX_ANONYMOUS_STREAMS_PER_ADDRESS }),
    idempotencyWindowSeconds: Math.round(values.BEHFLOW_IDEMPOTENCY_WINDOW_HOURS * 3600),
    corsOrigins: Object.freeze(
      values.BEHFLOW_CORS_ORIGINS.split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin.length > 0),
    ),
    shutdownTimeoutMs: values.BEHFLOW_SHUTDOWN_TIMEOUT_MS,
    shutdownDelayMs: values.BEHFLOW_SHUTDOWN_DELAY_MS,
    metrics: Object.freeze({ token: values.BEHFLOW_METRICS_TOKEN, port: values.BEHFLOW_METRICS_PORT }),
    slowOperationMs: values.BEHFLOW_SLOW_OPERATION_MS,
    dbPoolSize: values.BEHFLOW_DB_POOL_SIZE,
    production,
    sessionTtlMs: Math.round(values.BEHFLOW_SESSION_TTL_DAYS * 86_400_000),
    sessionRecheckMs: values.BEHFLOW_SESSION_RECHECK_SECONDS * 1000,
    sessionCacheMs: values.BEHFLOW_SESSION_CACHE_SECONDS * 1000,
    adminUsernames: Object.freeze(
      values.BEHFLOW_ADMIN_USERNAMES.split(',')
        .map((name) => name.trim())
        .filter((name) => name.length > 0),
    ),
    loginRateLimit: Object.freeze({
      windowSeconds: values.BEHFLOW_LOGIN_WINDOW_SECONDS,
      maxFailuresPerUsername: values.BEHFLOW_LOGIN_MAX_FAILURES_PER_USERNAME,
      maxFailuresPerUsernameAnyAddress: values.BEHFLOW_LOGIN_MAX_FAILURES_PER_USERNAME_ANY_ADDRESS,
      maxFailuresPerAddress: values.BEHFLOW_LOGIN_MAX_FAILURES_PER_ADDRESS,
    }),
    registerRateLimit: Object.freeze({
      windowSeconds: values.BEHFLOW_REGISTER_WINDOW_SECONDS,
      maxPerAddress: values.BEHFLOW_REGISTER_MAX_PER_ADDRESS,
    }),
    trustedProxies: values.BEHFLOW_TRUST_PROXY,
    housekeeping: Object.freeze({
      intervalSeconds: values.BEHFLOW_HOUSEKEEPING_INTERVAL_SECONDS,
      sessionRetentionMs: Math.round(values.BEHFLOW_SESSION_RETENTION_DAYS * 86_400_000),
    }),
    scheduler: Object.freeze({
      enabled: values.BEHFLOW_SCHEDULER,
      pollSeconds: values.BEHFLOW_SCHEDULER_POLL_SECONDS,
      leaseSeconds: values.BEHFLOW_PROCESS_LEASE_SECONDS,
      recoverySeconds: values.BEHFLOW_PROCESS_RECOVERY_SECONDS,
    }),
    instanceName: values.BEHFLOW_INSTANCE_NAME ?? `${os.hostname()}:${process.pid}`,
    assistant: Object.freeze(assistant),
  });
}

/** For command-line entry points: the configuration, or exit 1 with every problem printed. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
