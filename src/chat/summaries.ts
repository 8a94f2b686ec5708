// A session's messages, newest message and message count, for lists of sessions: each is read
// for all the sessions of a request at once, a bounded number of rows per session (see
// related-rows.ts for why Prisma's own relation loading is not used here).
import type { ChatMessage, Prisma, PrismaClient } from '../db/prisma.js';
import { relatedCount, relatedRows, type Relation, type RowWindow } from '../db/related-rows.js';

/** A session's messages, oldest first, through the (session_id, created_at) index. */
const sessionMessages: Relation<ChatMessage> = {
  name: 'ChatSession.messages',
  table: 'chat_messages',
  parentColumn: 'session_id',
  idColumn: 'message_id',
  orderColumns: ['created_at', 'message_id'],
  direction: 'asc',
  findMany: (prisma, args) => prisma.chatMessage.findMany(args as Prisma.ChatMessageFindManyArgs) as Promise<ChatMessage[]>,
};

/** What Pothos asks to load of a message for the selection (`include` or `select`). */
export type MessageQuery = { include?: Prisma.ChatMessageInclude; select?: Prisma.ChatMessageSelect };

export interface SessionSummaries {
  /** A page of the session's messages, in the form Pothos' Prisma connections ask for. */
  messages(sessionId: string, window: RowWindow, query: MessageQuery): Promise<ChatMessage[]>;
  lastMessage(sessionId: string, query: MessageQuery): Promise<ChatMessage | null>;
  messageCount(sessionId: string): Promise<number>;
}

export function sessionSummaries(context: { prisma: PrismaClient }): SessionSummaries {
  return {
    messages: (sessionId, window, query) => relatedRows(context, sessionMessages, sessionId, window, query),
    // The last row of the oldest-first order: one index probe per session.
    lastMessage: async (sessionId, query) => (await relatedRows(context, sessionMessages, sessionId, { take: -1 }, query))[0] ?? null,
    messageCount: (sessionId) => relatedCount(context, sessionMessages, sessionId),
  };
}
