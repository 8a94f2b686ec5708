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
import { AssistantUnavailableError, type AssistantProvider, type HistoryMessage } from '../assistant/provider.js';
import { assistantInstructions } from '../assistant/instructions.js';
import type { ChatMessage, ChatSession, Prisma, PrismaClient } from '../db/prisma.js';
import type { Logger } from '../logger.js';
import type { EventLog, LoggedEvent, NewEvent } from '../events/log.js';
import type { BehflowPubSub } from '../pubsub/index.js';
import { BadUserInputError, ConflictError, NotFoundError, RateLimitedError } from '../errors.js';
import { refuseNul } from '../text.js';
import type { Actor, TaskService } from '../tasks/service.js';
import { escapeLike, searchWords } from '../tasks/rules.js';

export const MAX_MESSAGE_LENGTH = 8_000;
export const MAX_TITLE_LENGTH = 255;
/** Replies one user may have in progress at once, over all their sessions. */
export const MAX_CONCURRENT_REPLIES_PER_USER = 3;
/** The retry hint when that cap is reached: replies usually take seconds, not their whole lease. */
const REPLY_CAP_RETRY_SECONDS = 5;
/** Messages (the new one included) a reply sees of its conversation. */
export const HISTORY_WINDOW = 20;
/** A NOTIFY payload must stay under 8000 bytes; deltas are cut well below that. */
const MAX_DELTA_CHARS = 1_500;
/** Deltas arriving within this many ms travel as one event, unless a line or sentence ends first. */
const DELTA_COALESCE_MS = 25;
/** Where streamed text may go out at once: the end of a line or of a sentence. */
const DELTA_BOUNDARY = /(?:\n|[.!?:])\s*$/;

/** The session owner the service acts for. */
export interface ChatActor extends Actor {
  readonly username: string;
}

export type ChatRole = 'user' | 'assistant';

/** The event stream of one chat session's messages. */
export const chatStream = (sessionId: string) => `chat:${sessionId}`;

/** The event a stored message is logged as, in the transaction that stores it. */
const messageAdded = (sessionId: string, messageId: string): NewEvent => ({
  stream: chatStream(sessionId),
  topic: 'chat:message-added',
  payload: { messageId },
});

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

function checkTitle(title: string | null | undefined, field: string): string | null {
  if (title === null || title === undefined) return null;
  const trimmed = title.replace(/\s+/g, ' ').trim();
  refuseNul(trimmed, field);
  if (trimmed.length > MAX_TITLE_LENGTH) throw new BadUserInputError(`The title may have at most ${MAX_TITLE_LENGTH} characters.`, field);
  return trimmed || null;
}

function checkContent(content: string, field: string): string {
  const trimmed = content.trim();
  if (!trimmed) throw new BadUserInputError('The message is empty.', field);
  refuseNul(trimmed, field);
  if (trimmed.length > MAX_MESSAGE_LENGTH) {
    throw new BadUserInputError(`A message may have at most ${MAX_MESSAGE_LENGTH} characters (this one has ${trimmed.length}).`, field);
  }
  return trimmed;
}

/** A new session's title: the start of its first message, on one line. */
function titleFrom(content: string): string {
  const line = content.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 59).trimEnd()}…` : line;
}

export class ChatService {
  private readonly log: Logger;
  private readonly clock: () => Date;
  private readonly running = new Map<Promise<void>, AbortController>();
  private closed = false;

  constructor(private readonly options: ChatServiceOptions) {
    this.log = options.logger.child({ component: 'chat' });
    this.clock = options.clock ?? (() => new Date());
  }

  async createSession(actor: ChatActor, title: string | null | undefined): Promise<ChatSession> {
    return this.options.prisma.chatSession.create({ data: { userId: actor.id, title: checkTitle(title, 'title') } });
  }

  /** Null when missing or not the actor's. */
  async findSession(actor: Actor, sessionId: string): Promise<ChatSession | null> {
    return this.options.prisma.chatSession.findFirst({ where: { id: sessionId, userId: actor.id } });
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
    const { count } = await this.options.prisma.chatSession.deleteMany({ where: { id: sessionId, userId: actor.id } });
    if (count === 0) throw new NotFoundError('Chat session');
    return session;
  }

  private async updateOwned(actor: Actor, sessionId: string, data: { title?: string | null; isActive?: boolean }): Promise<ChatSession> {
    const { count } = await this.options.prisma.chatSession.updateMany({ where: { id: sessionId, userId: actor.id }, data });
    if (count === 0) throw new NotFoundError('Chat session');
    return this.options.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } });
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
    const { prisma } = this.options;

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
    this.startReply(actor, stored.session.id, leaseUntil);
    return stored;
  }

  private startReply(actor: ChatActor, sessionId: string, leaseUntil: Date): void {
    const controller = new AbortController();
    const job: Promise<void> = this.produceReply(actor, sessionId, leaseUntil, controller.signal)
      .catch((error: unknown) => this.log.error({ err: error, sessionId }, 'assistant reply failed'))
      .finally(() => this.running.delete(job));
    this.running.set(job, controller);
  }

  /**
   * Produces, stores and announces the reply holding the lease `leaseUntil`. Whatever fails,
   * subscribers learn of it (an ERROR event) and the lease is released, so the user may send
   * again at once; their message stays stored.
   */
  private async produceReply(actor: ChatActor, sessionId: string, leaseUntil: Date, signal: AbortSignal): Promise<void> {
    const { prisma, pubsub } = this.options;
    let stored = false;
    try {
      stored = await this.storeReply(actor, sessionId, leaseUntil, signal);
    } catch (error) {
      pubsub.publish('chat:reply', sessionId, {
        kind: 'ERROR',
        text: '**Sorry, I could not answer:** something went wrong on the server. Your message is saved; please try again.',
        messageId: null,
      });
      throw error;
    } finally {
      if (!stored) {
        await prisma.chatSession
          .updateMany({ where: { id: sessionId, replyLeaseUntil: leaseUntil }, data: { replyLeaseUntil: null } })
          .catch((error: unknown) => this.log.error({ err: error, sessionId }, 'reply lease could not be released'));
      }
    }
  }

  /** True once the reply is stored (its lease released with it); false when the session was deleted meanwhile. */
  private async storeReply(actor: ChatActor, sessionId: string, leaseUntil: Date, signal: AbortSignal): Promise<boolean> {
    const { prisma, pubsub, provider } = this.options;
    const now = this.clock();
    const recent = await prisma.chatMessage.findMany({
      where: { sessionId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: HISTORY_WINDOW,
      select: { role: true, content: true, assistantState: true },
    });
    // What the reply just before this message left for it (e.g. the question it asked).
    const state = recent[1]?.role === 'assistant' ? recent[1].assistantState : null;
    const history: HistoryMessage[] = recent
      .reverse()
      .map((message) => ({ role: message.role === 'assistant' ? 'assistant' : 'user', content: message.content }));
    // The tools (and the fuzzy matching they use) are loaded with the first reply.
    const { createToolRunner } = await import('../assistant/tools.js');
    const tools = createToolRunner({ tasks: this.options.tasks, actor, now: this.clock, logger: this.log });

    let pending = '';
    let flushTimer: NodeJS.Timeout | undefined;
    const flush = () => {
      clearTimeout(flushTimer);
      flushTimer = undefined;
      for (let start = 0; start < pending.length; start += MAX_DELTA_CHARS) {
        pubsub.publish('chat:reply', sessionId, { kind: 'DELTA', text: pending.slice(start, start + MAX_DELTA_CHARS) });
      }
      pending = '';
    };
    // Token-sized deltas of a model are gathered into fewer NOTIFYs; a finished line or
    // sentence is not held back, so text reaches the client as it is produced.
    const onDelta = (text: string) => {
      if (!text) return;
      pending += text;
      if (DELTA_BOUNDARY.test(pending)) flush();
      else flushTimer ??= setTimeout(flush, DELTA_COALESCE_MS);
    };

    let content: string;
    let tokensUsed: number | null = null;
    let nextState: unknown;
    let failure: string | null = null;
    try {
      const result = await provider.reply({
        history,
        instructions: assistantInstructions({ now, timeZone: actor.timeZone, username: actor.username }),
        tools,
        now,
        timeZone: actor.timeZone,
        signal,
        onDelta,
        state,
      });
      ({ content, tokensUsed, state: nextState } = result);
    } catch (error) {
      failure = error instanceof AssistantUnavailableError ? error.message : 'something went wrong on the server';
      if (!(error instanceof AssistantUnavailableError)) this.log.error({ err: error, sessionId }, 'assistant failed');
      content = `**Sorry, I could not answer:** ${failure}. Your message is saved; please try again.`;
    }
    flush();

    let message: ChatMessage;
    let logged: readonly LoggedEvent[];
    try {
      ({ message, logged } = await prisma.$transaction(async (tx) => {
        const message = await tx.chatMessage.create({
          data: {
            sessionId,
            role: 'assistant',
            content,
            tokensUsed,
            actions: tools.actions as never,
            assistantState: (nextState ?? undefined) as never,
          },
        });
        // The reply is activity too, stamped in the transaction that stores it.
        await tx.chatSession.updateMany({ where: { id: sessionId }, data: { updatedAt: this.clock() } });
        await tx.chatSession.updateMany({ where: { id: sessionId, replyLeaseUntil: leaseUntil }, data: { replyLeaseUntil: null } });
        return { message, logged: await this.options.events.append(tx, [messageAdded(sessionId, message.id)]) };
      }));
    } catch (error) {
      const exists = await prisma.chatSession.count({ where: { id: sessionId } }).catch(() => 1);
      if (exists === 0) return false; // deleted while the reply was being produced
      throw error;
    }
    this.options.events.publish(logged);
    pubsub.publish(
      'chat:reply',
      sessionId,
      failure === null ? { kind: 'DONE', messageId: message.id } : { kind: 'ERROR', text: content, messageId: message.id },
    );
    return true;
  }

  /** Resolves once every reply in progress has been stored (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.keys()]);
  }

  /** Stops taking messages; replies in progress are cut short and stored as such. */
  async close(): Promise<void> {
    this.closed = true;
    for (const controller of this.running.values()) controller.abort();
    await this.idle();
  }
}

/** Which of a user's sessions a list shows. */
export interface SessionListFilter {
  readonly includeArchived?: boolean | null;
  readonly archivedOnly?: boolean | null;
  /** Words that must each appear in the title, in any case, anywhere in it. */
  readonly search?: string | null;
}

/** What sessions can be sorted by: `LAST_ACTIVITY` is `updated_at`, moved by every message and change. */
export type SessionOrderField = 'LAST_ACTIVITY' | 'CREATED_AT';
export interface SessionOrder {
  readonly field: SessionOrderField;
  readonly direction: 'ASC' | 'DESC';
}

/** The sessions of `userId` a list shows (active ones unless the filter says otherwise). */
export function sessionListWhere(userId: string, filter: SessionListFilter | null | undefined): Prisma.ChatSessionWhereInput {
  const conditions: Prisma.ChatSessionWhereInput[] = [{ userId }];
  if (filter?.archivedOnly) conditions.push({ isActive: false });
  else if (!filter?.includeArchived) conditions.push({ isActive: true });
  // Prisma's `contains` passes LIKE wildcards through: escaped, a word matches literally.
  for (const word of searchWords(filter?.search ?? undefined))
    conditions.push({ title: { contains: escapeLike(word), mode: 'insensitive' } });
  return { AND: conditions };
}

const SESSION_ORDER_COLUMNS: Record<SessionOrderField, 'updatedAt' | 'createdAt'> = { LAST_ACTIVITY: 'updatedAt', CREATED_AT: 'createdAt' };

/**
 * The sort of a session list: the keys given (a repeated field counts once), most recent
 * activity first when none are; ties broken by id in the last key's direction, so cursors stay stable.
 */
export function sessionListOrder(orderBy: readonly SessionOrder[] | null | undefined): Prisma.ChatSessionOrderByWithRelationInput[] {
  const keys = orderBy && orderBy.length > 0 ? orderBy : [{ field: 'LAST_ACTIVITY', direction: 'DESC' } as const];
  const seen = new Set<SessionOrderField>();
  const order: Prisma.ChatSessionOrderByWithRelationInput[] = [];
  for (const key of keys) {
    if (seen.has(key.field)) continue;
    seen.add(key.field);
    order.push({ [SESSION_ORDER_COLUMNS[key.field]]: key.direction === 'ASC' ? 'asc' : 'desc' });
  }
  order.push({ id: keys[keys.length - 1]!.direction === 'ASC' ? 'asc' : 'desc' });
  return order;
}
