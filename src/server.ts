import { createApp, type App } from './app.js';
import type { Config } from './config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { migrate } from './db/migrate.js';
import { connectDatabase, type Database } from './db/prisma.js';
import type { Logger } from './logger.js';
import { createPubSubSystem, type PubSubSystem } from './pubsub/index.js';
import { createAssistantProvider } from './assistant/index.js';
import { ChatService } from './chat/service.js';
import { createTaskService } from './tasks/service.js';

export interface RunningServer {
  readonly app: App;
  readonly port: number;
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  readonly url: string;
  readonly database: Database;
  /** The chat service, e.g. to wait until background replies are stored. */
  readonly chat: ChatService;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Overrides `config.port` (0 picks a free port). */
  readonly port?: number;
  readonly onQuery?: (query: { sql: string; durationMs: number }) => void;
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
    let connectionString = config.databaseUrl;
    if (!connectionString) {
      const embedded: EmbeddedDatabase = await startEmbeddedPostgres(config.dataDir, logger);
      cleanup.push(() => embedded.stop());
      connectionString = embedded.connectionString;
    }

    await migrate(connectionString, logger);

    const database = connectDatabase({ connectionString, poolSize: config.dbPoolSize, logger, onQuery: options.onQuery });
    cleanup.push(() => database.close());

    const events: PubSubSystem = createPubSubSystem({ connectionString, pool: database.pool, logger });
    cleanup.push(() => events.close());
    await events.ready();

    const tasks = createTaskService({ prisma: database.prisma, pubsub: events.pubsub, logger, timeZone: config.timeZone });
    const chat = new ChatService({
      prisma: database.prisma,
      pubsub: events.pubsub,
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
      pubsub: events.pubsub,
      logger,
      tasks,
      chat,
    });
    const port = await app.start(options.port ?? config.port);
    cleanup.push(() => app.stop());
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = `http://${shownHost}:${port}/graphql`;
    logger.info({ url, embeddedDatabase: !config.databaseUrl }, 'Behflow GraphQL is ready');

    return { app, port, url, database, chat, stop: unwind };
  } catch (error) {
    await unwind();
    throw error;
  }
}
