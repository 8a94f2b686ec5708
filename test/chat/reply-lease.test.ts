// The reply lease against replies that outlive it or fail before they are stored. The service
// runs on the real database and pub/sub; only the assistant is a scripted in-process fake.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssistantProvider, ReplyResult } from '../../src/assistant/provider.js';
import { ChatService, type ChatActor } from '../../src/chat/service.js';
import { connectDatabase, type Database } from '../../src/db/prisma.js';
import { createLogger } from '../../src/logger.js';
import { createEventLog } from '../../src/events/log.js';
import { createPubSubSystem, type ChatReplyEvent, type PubSubSystem } from '../../src/pubsub/index.js';
import { createTaskService } from '../../src/tasks/service.js';
import { createTestDatabase } from '../helpers/database.js';
import { started } from '../helpers/live.js';
import { seed } from '../helpers/seed.js';

type Answer = () => Promise<ReplyResult>;

/** Answers replies in order with the scripted answers. */
const answers: Answer[] = [];
const provider: AssistantProvider = {
  name: 'builtin',
  reply: () => {
    const answer = answers.shift();
    return answer ? answer() : Promise.reject(new Error('no scripted answer'));
  },
};

/** An answer that waits until released; `started` resolves once the reply asked for it. */
function held() {
  let release!: (result: ReplyResult) => void;
  let started!: () => void;
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  const result = new Promise<ReplyResult>((resolve) => (release = resolve));
  const answer: Answer = () => {
    started();
    return result;
  };
  return { answer, release, started: startedPromise };
}

const logger = createLogger('silent');
let database: Database;
let events: PubSubSystem;
let chat: ChatService;
let now = new Date('2031-03-01T10:00:00Z');
const LEASE_MS = 1_000;

beforeAll(async () => {
  const connectionString = await createTestDatabase();
  database = connectDatabase({ connectionString, poolSize: 4, logger });
  events = createPubSubSystem({ connectionString, pool: database.pool, logger });
  await events.ready();
  const eventLog = createEventLog({ transport: events.transport, logger });
  const tasks = createTaskService({ prisma: database.prisma, sql: database.sql, events: eventLog, logger, timeZone: 'UTC' });
  chat = new ChatService({
    prisma: database.prisma,
    pubsub: events.pubsub,
    events: eventLog,
    logger,
    tasks,
    provider,
    replyLeaseMs: LEASE_MS,
    clock: () => now,
  });
});
afterAll(async () => {
  await chat?.close();
  await events?.close();
  await database?.close();
});

async function newActor(): Promise<ChatActor> {
  const { user } = await seed(database).user().create();
  return { id: user.id, timeZone: 'UTC', username: user.username };
}

const leaseOf = async (sessionId: string) =>
  (await database.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } })).replyLeaseUntil;

describe('the reply lease', () => {
  it('is released only by the reply holding it, not by an older one that outlived its lease', async () => {
    const actor = await newActor();
    const late = held();
    answers.push(late.answer);
    const { session } = await chat.sendMessage(actor, { content: 'first question' });
    await late.started;

    // The first reply's lease runs out; the next message takes a new one.
    now = new Date(now.getTime() + 5 * LEASE_MS);
    const current = held();
    answers.push(current.answer);
    await chat.sendMessage(actor, { sessionId: session.id, content: 'second question' });
    await current.started;
    const currentLease = await leaseOf(session.id);
    expect(currentLease).toEqual(new Date(now.getTime() + LEASE_MS));

    // The late reply announces itself once stored (the current one is still held).
    const replies = await started(events.pubsub.subscribe('chat:reply', session.id));
    late.release({ content: 'a late answer', tokensUsed: null });
    let reply: IteratorResult<ChatReplyEvent>;
    do reply = await replies.next();
    while (reply.value.kind === 'DELTA');
    await replies.return?.();
    expect(reply.value).toMatchObject({ kind: 'DONE' });
    expect(await database.prisma.chatMessage.count({ where: { sessionId: session.id, content: 'a late answer' } })).toBe(1);
    expect(await leaseOf(session.id)).toEqual(currentLease);
    await expect(chat.sendMessage(actor, { sessionId: session.id, content: 'third question' })).rejects.toMatchObject({ code: 'CONFLICT' });

    current.release({ content: 'the current answer', tokensUsed: null });
    await chat.idle();
    expect(await leaseOf(session.id)).toBeNull();
  });

  it('is released, and subscribers told, when the reply fails before it is stored; the message stays', async () => {
    const actor = await newActor();
    const session = await chat.createSession(actor, 'failing');
    const stream = await started(events.pubsub.subscribe('chat:reply', session.id));
    const first = stream.next();

    // A token count no INTEGER column holds: storing the reply fails.
    answers.push(async () => ({ content: 'an answer that cannot be stored', tokensUsed: 2 ** 40 }));
    await chat.sendMessage(actor, { sessionId: session.id, content: 'will this work?' });
    let timer: NodeJS.Timeout | undefined;
    const event = await Promise.race([
      first,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no chat:reply event')), 10_000))),
    ]).finally(() => clearTimeout(timer));
    expect(event.value).toMatchObject({ kind: 'ERROR', messageId: null });
    await chat.idle();
    expect(await leaseOf(session.id)).toBeNull();
    const messages = await database.prisma.chatMessage.findMany({ where: { sessionId: session.id } });
    expect(messages.map((message) => [message.role, message.content])).toEqual([['user', 'will this work?']]);

    // The session is not locked until the lease would have run out.
    answers.push(async () => ({ content: 'all good now', tokensUsed: 3 }));
    await chat.sendMessage(actor, { sessionId: session.id, content: 'again' });
    await chat.idle();
    expect(await database.prisma.chatMessage.count({ where: { sessionId: session.id } })).toBe(3);
    await stream.return?.();
  });
});
