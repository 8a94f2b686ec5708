// A session's newest message and its message count, for lists of sessions.
//
// Prisma cannot take "the first N related rows" per parent in SQL when it loads a relation for
// many parents: it reads every related row and trims in memory, so a list of long
// conversations would read all their messages. Its relation count aggregates the whole
// chat_messages table. Here each request gathers the sessions it needs in one batch and asks
// PostgreSQL for exactly one row (or one count) per session, through the
// (session_id, created_at) index; the messages themselves are then read by id.
import type { ChatMessage, Prisma, PrismaClient } from '../db/prisma.js';

type Load<V> = (sessionIds: readonly string[]) => Promise<Map<string, V>>;

type Waiters<V> = Map<string, Array<{ resolve: (value: V | undefined) => void; reject: (error: unknown) => void }>>;

/** Gathers the ids asked for during one turn of the event loop and loads them together. */
function batcher<V>(load: Load<V>): (sessionId: string) => Promise<V | undefined> {
  let pending: Waiters<V> | null = null;
  const run = async (batch: Waiters<V>) => {
    try {
      const values = await load([...batch.keys()]);
      for (const [id, waiters] of batch) for (const waiter of waiters) waiter.resolve(values.get(id));
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
    }
  };
  return (sessionId) =>
    new Promise((resolve, reject) => {
      let batch = pending;
      if (!batch) {
        const started: Waiters<V> = new Map();
        batch = pending = started;
        // Sibling fields of a list resolve in the same turn; nothing is cached beyond the
        // batch, so a long-lived subscription context never sees stale values.
        setImmediate(() => {
          pending = null;
          void run(started);
        });
      }
      const waiters = batch.get(sessionId) ?? [];
      waiters.push({ resolve, reject });
      batch.set(sessionId, waiters);
    });
}

/** The newest message's id of each session that has one: one index probe per session. */
async function loadLastMessageIds(prisma: PrismaClient, sessionIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await prisma.$queryRaw<Array<{ sessionId: string; messageId: string }>>`
    SELECT listed.session_id::text AS "sessionId", last.message_id::text AS "messageId"
      FROM unnest(${sessionIds}::uuid[]) AS listed(session_id)
      CROSS JOIN LATERAL (
        SELECT m.message_id
          FROM chat_messages m
         WHERE m.session_id = listed.session_id
         ORDER BY m.created_at DESC, m.message_id DESC
         LIMIT 1
      ) AS last`;
  return new Map(rows.map((row) => [row.sessionId, row.messageId]));
}

/** Those messages, with whatever the GraphQL selection needs of them (Pothos' query). */
async function loadLastMessages(prisma: PrismaClient, sessionIds: readonly string[], query: MessageQuery): Promise<Map<string, ChatMessage>> {
  const ids = await loadLastMessageIds(prisma, sessionIds);
  if (ids.size === 0) return new Map();
  const select = query.select ? { ...query.select, id: true } : undefined;
  const messages = (await prisma.chatMessage.findMany({ ...query, ...(select ? { select } : {}), where: { id: { in: [...ids.values()] } } })) as ChatMessage[];
  const byId = new Map(messages.map((message) => [message.id, message]));
  const result = new Map<string, ChatMessage>();
  for (const [sessionId, messageId] of ids) {
    const message = byId.get(messageId);
    if (message) result.set(sessionId, message);
  }
  return result;
}

async function loadMessageCounts(prisma: PrismaClient, sessionIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await prisma.$queryRaw<Array<{ sessionId: string; count: number }>>`
    SELECT m.session_id::text AS "sessionId", count(*)::int AS count
      FROM chat_messages m
     WHERE m.session_id = ANY(${sessionIds}::uuid[])
     GROUP BY m.session_id`;
  return new Map(rows.map((row) => [row.sessionId, row.count]));
}

/** What Pothos asks to load of a message for the selection (`include` or `select`). */
export type MessageQuery = { include?: Prisma.ChatMessageInclude; select?: Prisma.ChatMessageSelect };

export interface SessionSummaries {
  lastMessage(sessionId: string, query: MessageQuery): Promise<ChatMessage | null>;
  messageCount(sessionId: string): Promise<number>;
}

// One set of batches per operation context (a request, or a subscription).
const byContext = new WeakMap<object, SessionSummaries>();

export function sessionSummaries(context: { prisma: PrismaClient }): SessionSummaries {
  let summaries = byContext.get(context);
  if (!summaries) {
    // The same field under different selections loads in one batch per selection.
    const lastMessageBySelection = new Map<string, (sessionId: string) => Promise<ChatMessage | undefined>>();
    const messageCount = batcher((ids) => loadMessageCounts(context.prisma, ids));
    summaries = {
      lastMessage: async (sessionId, query) => {
        const key = JSON.stringify(query);
        let load = lastMessageBySelection.get(key);
        if (!load) {
          load = batcher((ids) => loadLastMessages(context.prisma, ids, query));
          lastMessageBySelection.set(key, load);
        }
        return (await load(sessionId)) ?? null;
      },
      messageCount: async (sessionId) => (await messageCount(sessionId)) ?? 0,
    };
    byContext.set(context, summaries);
  }
  return summaries;
}
