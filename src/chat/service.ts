// Chat sessions and messages, and the assistant's replies produced in the background.
//
// One reply at a time per session, across every instance: sending a message takes a lease on
// the session (chat_sessions.reply_lease_until) in the same transaction that stores the
// message; the reply releases it once stored, or once it failed. A reply releases only its
// own lease: one that outlived it (and whose session another reply has since taken) must not
// free the newer reply's. A message sent while a reply is running is refused with CONFLICT
// and nothing is written, so the conversation always alternates.
//
// And at most MAX_CONCURRENT_REPLIES_PER_USER replies at a time per user, across sessions:
// each reply is a model call, and sending without a session starts a new one every time.
// The same transaction locks the user's row, counts the user's other sessions holding a live
// lease and refuses with RATE_LIMITED past the cap, so concurrent sends on any instance are
// counted one after another.
import type { AssistantProvider } from '../assistant/provider.js';
import type { ChatMessage, ChatSession, PrismaClient } from '../db/prisma.js';
import { confinedCursor } from '../db/ids.js';
import type { RelationLoaders, RowWindow } from '../db/related-rows.js';
import type { EventLog } from '../events/log.js';
import type { Logger } from '../logger.js';
import type { BehflowPubSub } from '../pubsub/index.js';
import { ConflictError, NotFoundError, RateLimitedError } from '../errors.js';
import type { Actor, TaskService } from '../tasks/service.js';
import { messageAdded } from './events.js';
import { sessionMessages, type MessageQuery, type SessionPageQuery, type SessionQuery } from './queries.js';
import { ChatReplies, type ChatActor } from './replies.js';
import {
  checkContent,
  checkTitle,
  MAX_CONCURRENT_REPLIES_PER_USER,
  ownedMessageWhere,
  ownedSessionWhere,
  sessionListOrder,
  sessionListWhere,
  titleFrom,
  type SessionListFilter,
  type SessionOrder,
} from './rules.js';

export type { ChatActor } from './replies.js';
export { chatStream } from './events.js';
export { HISTORY_WINDOW, MAX_CONCURRENT_REPLIES_PER_USER, MAX_MESSAGE_LENGTH, MAX_TITLE_LENGTH } from './rules.js';
export type { SessionListFilter, SessionOrder, SessionOrderField } from './rules.js';

/** The retry hint when the cap of replies is reached: replies usually take seconds, not their whole lease. */
const REPLY_CAP_RETRY_SECONDS = 5;

export type ChatRole = 'user' | 'assistant';

export interface ChatServiceOptions {
  readonly prisma: PrismaClient;
  readonly pubsub: BehflowPubSub;
  /** Where stored messages are logged with their transaction, and sent on from. */
  readonly events: EventLog;
  readonly logger: Logger;
  readonly tasks: TaskService;
  readonly provider: AssistantProvider;
  /** How long a reply may hold its session before another instance may assume it died. */
  readonly replyLeaseMs: number;
  readonly clock?: () => Date;
}

export class ChatService {
  private readonly prisma: PrismaClient;
  private readonly clock: () => Date;
  private readonly replies: ChatReplies;
  private closed = false;

  constructor(private readonly options: ChatServiceOptions) {
    this.prisma = options.prisma;
    this.clock = options.clock ?? (() => new Date());
    this.replies = new ChatReplies({ ...options, log: options.logger.child({ component: 'chat' }), clock: this.clock });
  }

  // ---- sessions ------------------------------------------------------------------------

  async createSession(actor: ChatActor, title: string | null | undefined): Promise<ChatSession> {
    return this.prisma.chatSession.create({ data: { userId: actor.id, title: checkTitle(title, 'title') } });
  }

  /** Null when missing or not the actor's (a signed-out caller has none). */
  async findSession(actor: Actor | null, sessionId: string, query: SessionQuery = {}): Promise<ChatSession | null> {
    return this.prisma.chatSession.findFirst({ ...query, where: ownedSessionWhere(actor?.id ?? null, sessionId) });
  }

  /** The page of the actor's sessions the filter shows, in the order asked for (most recent activity first by default). */
  async listSessions(
    actor: Actor,
    list: { filter?: SessionListFilter | null; orderBy?: readonly SessionOrder[] | null },
    page: SessionPageQuery,
  ): Promise<ChatSession[]> {
    return this.prisma.chatSession.findMany({
      ...confinedCursor(page, { userId: actor.id }),
      where: sessionListWhere(actor.id, list.filter),
      orderBy: sessionListOrder(list.orderBy),
    });
  }

  /** How many of the actor's sessions the filter shows. */
  async countSessions(actor: Actor, filter: SessionListFilter | null | undefined): Promise<number> {
    return this.prisma.chatSession.count({ where: sessionListWhere(actor.id, filter) });
  }

  async renameSession(actor: ChatActor, sessionId: string, title: string | null | undefined): Promise<ChatSession> {
    const checked = checkTitle(title, 'title');
    return this.updateOwned(actor, sessionId, { title: checked });
  }

  async setArchived(actor: ChatActor, sessionId: string, archived: boolean): Promise<ChatSession> {
    return this.updateOwned(actor, sessionId, { isActive: !archived });
  }

  async deleteSession(actor: ChatActor, sessionId: string): Promise<ChatSession> {
    const session = await this.findSession(actor, sessionId);
    if (!session) throw new NotFoundError('Chat session');
    // Messages go with it (ON DELETE CASCADE); a reply still running finds its session gone and stops.
    const { count } = await this.prisma.chatSession.deleteMany({ where: { id: sessionId, userId: actor.id } });
    if (count === 0) throw new NotFoundError('Chat session');
    return session;
  }

  private async updateOwned(actor: Actor, sessionId: string, data: { title?: string | null; isActive?: boolean }): Promise<ChatSession> {
    const { count } = await this.prisma.chatSession.updateMany({ where: ownedSessionWhere(actor.id, sessionId), data });
    if (count === 0) throw new NotFoundError('Chat session');
    return this.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } });
  }

  /** A session the caller has just changed or added to, as stored now (for a mutation's payload). */
  async changedSession(sessionId: string, query: SessionQuery = {}): Promise<ChatSession> {
    return this.prisma.chatSession.findUniqueOrThrow({ ...query, where: { id: sessionId } });
  }

  // ---- messages ------------------------------------------------------------------------

  /** Null when missing or not in one of the actor's sessions. */
  async findMessage(actor: Actor | null, messageId: string, query: MessageQuery = {}): Promise<ChatMessage | null> {
    return this.prisma.chatMessage.findFirst({ ...query, where: ownedMessageWhere(actor?.id ?? null, messageId) });
  }

  /** A message the caller has just stored, as stored (for a mutation's payload). */
  async storedMessage(messageId: string, query: MessageQuery = {}): Promise<ChatMessage> {
    return this.prisma.chatMessage.findUniqueOrThrow({ ...query, where: { id: messageId } });
  }

  // A session's messages, newest message and message count, for a session the caller already
  // holds: each is read with those of the other sessions of the request (see db/related-rows.ts).

  /** A page of the session's messages, oldest first. */
  messagesOf(loaders: RelationLoaders, sessionId: string, window: RowWindow, query: MessageQuery): Promise<ChatMessage[]> {
    return loaders.rows(this.prisma, sessionMessages, sessionId, window, query);
  }

  /** The session's newest message: the last row of the oldest-first order, one index probe per session. */
  async lastMessageOf(loaders: RelationLoaders, sessionId: string, query: MessageQuery): Promise<ChatMessage | null> {
    return (await loaders.rows(this.prisma, sessionMessages, sessionId, { take: -1 }, query))[0] ?? null;
  }

  messageCountOf(loaders: RelationLoaders, sessionId: string): Promise<number> {
    return loaders.count(this.prisma, sessionMessages, sessionId);
  }

  /**
   * Stores the user's message (in a new session when `sessionId` is absent) and returns at once;
   * the assistant's reply is produced in the background and arrives through the subscriptions.
   * Sending to an archived session brings it back.
   */
  async sendMessage(
    actor: ChatActor,
    input: { sessionId?: string | null; content: string },
  ): Promise<{ session: ChatSession; message: ChatMessage }> {
    if (this.closed) throw new ConflictError('The server is shutting down; send the message again in a moment.');
    const content = checkContent(input.content, 'content');
    const now = this.clock();
    const leaseUntil = new Date(now.getTime() + this.options.replyLeaseMs);
    const { prisma } = this;

    const stored = await prisma.$transaction(async (tx) => {
      // Sends of one user wait for each other here, so the count below cannot be outrun.
      // NO KEY UPDATE: rows referencing the user (tasks, sessions) may still be written meanwhile.
      await tx.$queryRaw`SELECT 1 FROM users WHERE user_id = ${actor.id}::uuid FOR NO KEY UPDATE`;
      let sessionId = input.sessionId;
      if (sessionId) {
        const taken = await tx.chatSession.updateMany({
          where: { id: sessionId, userId: actor.id, OR: [{ replyLeaseUntil: null }, { replyLeaseUntil: { lt: now } }] },
          // A message is activity: `chatSessions` lists by updated_at, newest first.
          data: { replyLeaseUntil: leaseUntil, isActive: true, updatedAt: now },
        });
        if (taken.count === 0) {
          const exists = await tx.chatSession.findFirst({ where: { id: sessionId, userId: actor.id }, select: { id: true } });
          if (!exists) throw new NotFoundError('Chat session');
          throw new ConflictError(
            'The assistant is still answering the previous message of this session; send this one once that reply has arrived.',
            'sessionId',
          );
        }
      } else {
        sessionId = (await tx.chatSession.create({ data: { userId: actor.id, title: titleFrom(content), replyLeaseUntil: leaseUntil } }))
          .id;
      }
      const replying = await tx.chatSession.count({
        where: { userId: actor.id, id: { not: sessionId }, replyLeaseUntil: { gt: now } },
      });
      if (replying >= MAX_CONCURRENT_REPLIES_PER_USER) {
        // Thrown inside the transaction: the lease and any new session are rolled back.
        throw new RateLimitedError(
          `The assistant is already answering ${replying} of your messages; send this one once one of those replies has arrived.`,
          REPLY_CAP_RETRY_SECONDS,
        );
      }
      const message = await tx.chatMessage.create({ data: { sessionId, role: 'user', content } });
      const session = await tx.chatSession.findUniqueOrThrow({ where: { id: sessionId } });
      return { session, message, logged: await this.options.events.append(tx, [messageAdded(sessionId, message.id)]) };
    });

    this.options.events.publish(stored.logged);
    this.replies.start(actor, stored.session.id, leaseUntil);
    return stored;
  }

  /** Resolves once every reply in progress has been stored (tests, shutdown). */
  idle(): Promise<void> {
    return this.replies.idle();
  }

  /** Stops taking messages; replies in progress are cut short and stored as such. */
  async close(): Promise<void> {
    this.closed = true;
    await this.replies.abortAll();
  }
}
