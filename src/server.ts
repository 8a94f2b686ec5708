import { createApp, type App } from './app.js';
import { type AuthPruneResult, startAuthHousekeeping } from './auth/housekeeping.js';
import { passwordsFor } from './auth/passwords.js';
import { createAuthService } from './auth/service.js';
import { createSessionWatch } from './auth/session-watch.js';
import { createViewerResolver } from './auth/viewer.js';
import type { Config } from './config.js';
import { migrate, readMigrations } from './db/migrate.js';
import { createMetrics, type Metrics } from './system/metrics.js';
import { connectDatabase, type Database } from './db/prisma.js';
import { openDatabaseServer } from './db/server-connection.js';
import type { Logger } from './logger.js';
import { ProcessService } from './processes/service.js';
import { createPubSubSystem, type PubSubSystem } from './pubsub/index.js';
import { createEventLog, type EventLog } from './events/log.js';
import { createEventStreams, type EventStreams } from './events/streams.js';
import { createAssistantProvider } from './assistant/index.js';
import { ChatService } from './chat/service.js';
import { createTaskService, type TaskService } from './tasks/service.js';
import { createProcessRegistry } from './scheduler/processes.js';
import { ProcessScheduler, type SchedulerOptions } from './scheduler/scheduler.js';

export interface RunningServer {
  readonly app: App;
  readonly port: number;
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  readonly url: string;
  readonly database: Database;
  readonly processes: ProcessService;
  /** Null when disabled by configuration. */
  readonly scheduler: ProcessScheduler | null;
  /** Events between instances (e.g. to see whether this instance is hearing them). */
  readonly events: PubSubSystem;
  /** The event log services write their events to. */
  readonly eventLog: EventLog;
  /** The task domain (what resolvers, the assistant and processes go through). */
  readonly tasks: TaskService;
  /** This instance's delivery of the log's streams to its subscribers. */
  readonly streams: EventStreams;
  /** The chat service, e.g. to wait until background replies are stored. */
  readonly chat: ChatService;
  /** What `/metrics` reports. */
  readonly metrics: Metrics;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Overrides `config.port` (0 picks a free port). */
  readonly port?: number;
  readonly onQuery?: (query: { sql: string; durationMs: number }) => void;
  /** The clock the scheduler and process runs read (tests move it); the real one by default. */
  readonly processClock?: () => Date;
  /** Told, by graphql-ws operation id, when a subscription's source is live (tests wait on it). */
  readonly onSubscriptionLive?: (operationId: string) => void;
  /** Told when each run of the account housekeeping has finished, with what it deleted. */
  readonly onHousekeeping?: (result: AuthPruneResult) => void;
  /** Told each time this instance's scheduler has queued a process's next slot. */
  readonly onSlotQueued?: SchedulerOptions['onSlotQueued'];
}

/**
 * Brings the whole server up in order: the database (embedded when no DATABASE_URL),
 * migrations, Prisma, pub/sub, then HTTP + WebSocket. `stop()` undoes it in reverse.
 * If any step fails, what was started is stopped before the error is rethrown.
 */
export async function startServer(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningServer> {
  const cleanup: Array<() => Promise<void>> = [];
  const unwind = async () => {
    for (const step of cleanup.splice(0).reverse()) {
      await step().catch((error: Error) => logger.error({ err: { message: error.message } }, 'shutdown step failed'));
    }
  };
  try {
    const databaseServer = await openDatabaseServer(config, logger);
    cleanup.push(() => databaseServer.stop());
    const { connectionString } = databaseServer;

    const migration = await migrate(connectionString, logger);
    const migrations = (await readMigrations()).map((migration) => migration.name);
    const metrics = createMetrics();

    const database = connectDatabase({ connectionString, poolSize: config.dbPoolSize, logger, onQuery: options.onQuery });
    cleanup.push(() => database.close());
    metrics.watchPool(database.pool);

    const events: PubSubSystem = createPubSubSystem({ connectionString, pool: database.pool, redisUrl: config.redisUrl, logger });
    cleanup.push(() => events.close());
    await events.ready();
    // The event system sees the transport with its stream events counted.
    const transport = metrics.countEvents(events.transport);
    const eventLog = createEventLog({ transport, logger });
    const streams = createEventStreams({
      sql: database.sql,
      transport,
      logger,
      retentionSeconds: config.events.retentionSeconds,
      sweepIntervalMs: config.events.sweepIntervalMs,
      pruneIntervalMs: config.housekeeping.intervalSeconds * 1000,
    });
    cleanup.push(async () => streams.close());

    const sessionWatch = createSessionWatch({
      prisma: database.prisma,
      pubsub: events.pubsub,
      logger,
      onListenerConnected: events.onListenerConnected,
      recheckIntervalMs: config.sessionRecheckMs,
      announce: events.announce,
    });
    cleanup.push(() => sessionWatch.close());
    const viewers = createViewerResolver({
      sql: database.sql,
      events,
      serviceTimeZone: config.timeZone,
      cacheMs: config.sessionCacheMs,
      logger,
    });
    cleanup.push(async () => viewers.close());
    // `auto`: the original's bcrypt on a database adopted from it, so it can still sign everyone in.
    const passwordScheme = config.passwordHash === 'auto' ? (migration.adopted ? 'bcrypt' : 'argon2id') : config.passwordHash;
    if (migration.adopted && passwordScheme === 'argon2id') {
      logger.warn(
        'BEHFLOW_PASSWORD_HASH=argon2id on an adopted Behflow database: users who sign in here can no longer sign in to the original backend',
      );
    }
    const auth = createAuthService({
      prisma: database.prisma,
      sql: database.sql,
      config,
      logger,
      sessionWatch,
      passwords: passwordsFor(passwordScheme),
    });
    await auth.applyAdminUsernames();
    const housekeeping = startAuthHousekeeping({ prisma: database.prisma, config, logger, onRun: options.onHousekeeping });
    cleanup.push(() => housekeeping.stop());
    const tasks = createTaskService({ prisma: database.prisma, sql: database.sql, events: eventLog, logger, timeZone: config.timeZone });
    const processes = new ProcessService({
      prisma: database.prisma,
      pubsub: events.pubsub,
      events: eventLog,
      logger,
      registry: createProcessRegistry(),
      serviceTimeZone: config.timeZone,
      leaseSeconds: config.scheduler.leaseSeconds,
      tasks,
      instanceName: config.instanceName,
      now: options.processClock,
    });
    cleanup.push(() => processes.stop());
    const stopCountingRuns = processes.onOutcome((outcome) => metrics.processOutcome(outcome));
    cleanup.push(async () => void stopCountingRuns());
    cleanup.push(processes.listenTo(tasks));
    let scheduler: ProcessScheduler | null = null;
    if (config.scheduler.enabled) {
      const started = new ProcessScheduler({
        connectionString,
        prisma: database.prisma,
        processes,
        pubsub: events.pubsub,
        logger,
        pollIntervalSeconds: config.scheduler.pollSeconds,
        recoveryIntervalSeconds: config.scheduler.recoverySeconds,
        now: options.processClock,
        onSlotQueued: options.onSlotQueued,
      });
      cleanup.push(() => started.stop());
      await started.start();
      scheduler = started;
    }
    const chat = new ChatService({
      prisma: database.prisma,
      pubsub: events.pubsub,
      events: eventLog,
      logger,
      tasks,
      provider: createAssistantProvider(config.assistant, logger),
      // A reply is cut off by its own timeout well before its lease ends.
      replyLeaseMs: (config.assistant.provider === 'openai' ? config.assistant.timeoutMs : 60_000) + 60_000,
    });
    cleanup.push(() => chat.close());

    const app = createApp({
      config,
      prisma: database.prisma,
      pool: database.pool,
      viewers,
      metrics,
      migrations,
      onSubscriptionLive: options.onSubscriptionLive,
      streams,
      pubsub: events.pubsub,
      logger,
      auth,
      sessionWatch,
      tasks,
      processes,
      chat,
    });
    const port = await app.start(options.port ?? config.port);
    cleanup.push(() => app.stop());
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = `http://${shownHost}:${port}/graphql`;
    logger.info({ url, embeddedDatabase: !config.databaseUrl }, 'Behflow GraphQL is ready');

    return { app, port, url, database, events, eventLog, streams, tasks, processes, scheduler, chat, metrics, stop: unwind };
  } catch (error) {
    await unwind();
    throw error;
  }
}
