// A session's messages as a relation read for all the sessions of a request at once, a
// bounded number of rows per session (see db/related-rows.ts for why Prisma's own relation
// loading is not used here).
import type { ChatMessage, Prisma } from '../db/prisma.js';
import type { Relation } from '../db/related-rows.js';

/** A session's messages, oldest first, through the (session_id, created_at) index. */
export const sessionMessages: Relation<ChatMessage> = {
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

/** What Pothos asks to load of a session for the selection. */
export type SessionQuery = { include?: Prisma.ChatSessionInclude; select?: Prisma.ChatSessionSelect };

/** A page of sessions as Pothos' Prisma connections ask for it. */
export type SessionPageQuery = SessionQuery & { take: number; skip?: number; cursor?: Prisma.ChatSessionWhereUniqueInput };
