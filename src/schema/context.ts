import type { AuthService } from '../auth/service.js';
import type { SessionWatch } from '../auth/session-watch.js';
import type { Config } from '../config.js';
import type { PrismaClient } from '../db/prisma.js';
import type { Logger } from '../logger.js';
import type { ProcessService } from '../processes/service.js';
import type { BehflowPubSub } from '../pubsub/index.js';
import type { TaskService } from '../tasks/service.js';
import type { ChatService } from '../chat/service.js';
import type { RequestLoaders } from './loaders.js';
import type { EventStreams } from '../events/streams.js';

export type { Role, Viewer } from '../auth/viewer.js';
import type { Viewer } from '../auth/viewer.js';

/** Long-lived parts of the app, made once by `createApp` and shared by every request. */
export interface AppDependencies {
  readonly config: Config;
  readonly prisma: PrismaClient;
  readonly pubsub: BehflowPubSub;
  /** The event log's streams, read by the resumable subscriptions. */
  readonly streams: EventStreams;
  readonly logger: Logger;
  /** Every read and change of tasks, shared with the assistant and automated processes. */
  readonly tasks: TaskService;
  /** Accounts and sessions: registration, sign-in, sign-out, profile, password. */
  readonly auth: AuthService;
  /** Ends subscriptions and sockets when their session is revoked or expires. */
  readonly sessionWatch: SessionWatch;
  /** Automated processes: definitions, runs and their history. */
  readonly processes: ProcessService;
  /** Chat sessions, messages and the assistant's background replies. */
  readonly chat: ChatService;
}

/** The per-operation context: the same shape over HTTP and over graphql-ws. */
export interface Context extends AppDependencies {
  readonly viewer: Viewer | null;
  /** Batched reads by id for this request (or this subscription event). */
  readonly loaders: RequestLoaders;
  /** The caller's network address and client, for rate limits and session records. */
  readonly client: { readonly address: string | null; readonly userAgent: string | null };
}

/** The context of a field that declared it needs a signed-in viewer (`t.withAuth`): the viewer is there. */
export interface SignedInContext extends Context {
  readonly viewer: Viewer;
}

/** Whether the operation has a signed-in viewer, for the few places no field scope covers (a node's loader). */
export const isSignedIn = (context: Context): context is SignedInContext => context.viewer !== null;
