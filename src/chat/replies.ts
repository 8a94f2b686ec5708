// The assistant's replies, produced in the background once a message is stored: the model
// call with the conversation so far, its text streamed to `chatReplyStream` as it comes, the
// reply stored with its session's lease released, and subscribers told of it either way.
import { assistantInstructions } from '../assistant/instructions.js';
import { AssistantUnavailableError, type AssistantProvider, type HistoryMessage } from '../assistant/provider.js';
import type { ChatMessage, PrismaClient } from '../db/prisma.js';
import type { EventLog, LoggedEvent } from '../events/log.js';
import type { Logger } from '../logger.js';
import type { BehflowPubSub } from '../pubsub/index.js';
import type { Actor, TaskService } from '../tasks/service.js';
import { messageAdded } from './events.js';
import { HISTORY_WINDOW } from './rules.js';

/** A NOTIFY payload must stay under 8000 bytes; deltas are cut well below that. */
const MAX_DELTA_CHARS = 1_500;
/** Deltas arriving within this many ms travel as one event, unless a line or sentence ends first. */
const DELTA_COALESCE_MS = 25;
/** Where streamed text may go out at once: the end of a line or of a sentence. */
const DELTA_BOUNDARY = /(?:\n|[.!?:])\s*$/;

/** The session owner a reply is produced for. */
export interface ChatActor extends Actor {
  readonly username: string;
}

export interface ChatRepliesOptions {
  readonly prisma: PrismaClient;
  readonly pubsub: BehflowPubSub;
  readonly events: EventLog;
  readonly log: Logger;
  readonly tasks: TaskService;
  readonly provider: AssistantProvider;
  readonly clock: () => Date;
}

export class ChatReplies {
  private readonly running = new Map<Promise<void>, AbortController>();

  constructor(private readonly options: ChatRepliesOptions) {}

  /** Starts the reply holding the session's lease `leaseUntil`; it goes on in the background. */
  start(actor: ChatActor, sessionId: string, leaseUntil: Date): void {
    const controller = new AbortController();
    const job: Promise<void> = this.produce(actor, sessionId, leaseUntil, controller.signal)
      .catch((error: unknown) => this.options.log.error({ err: error, sessionId }, 'assistant reply failed'))
      .finally(() => this.running.delete(job));
    this.running.set(job, controller);
  }

  /** Resolves once every reply in progress has been stored. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.keys()]);
  }

  /** Cuts the replies in progress short (each is stored as such) and waits for them. */
  async abortAll(): Promise<void> {
    for (const controller of this.running.values()) controller.abort();
    await this.idle();
  }

  /**
   * Produces, stores and announces the reply holding the lease `leaseUntil`. Whatever fails,
   * subscribers learn of it (an ERROR event) and the lease is released, so the user may send
   * again at once; their message stays stored.
   */
  private async produce(actor: ChatActor, sessionId: string, leaseUntil: Date, signal: AbortSignal): Promise<void> {
    const { prisma, pubsub, log } = this.options;
    let stored = false;
    try {
      stored = await this.store(actor, sessionId, leaseUntil, signal);
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
          .catch((error: unknown) => log.error({ err: error, sessionId }, 'reply lease could not be released'));
      }
    }
  }

  /** True once the reply is stored (its lease released with it); false when the session was deleted meanwhile. */
  private async store(actor: ChatActor, sessionId: string, leaseUntil: Date, signal: AbortSignal): Promise<boolean> {
    const { prisma, pubsub, provider, clock, log } = this.options;
    const now = clock();
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
    const tools = createToolRunner({ tasks: this.options.tasks, actor, now: clock, logger: log });

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
      if (!(error instanceof AssistantUnavailableError)) log.error({ err: error, sessionId }, 'assistant failed');
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
        await tx.chatSession.updateMany({ where: { id: sessionId }, data: { updatedAt: clock() } });
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
}
