import { describe, expect, it } from 'vitest';
import { MAX_CONCURRENT_REPLIES_PER_USER } from '../../src/chat/service.js';
import { hold, startFakeLLM, streamText } from '../assistant/fake-llm.js';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { SEND, sessionGlobalId } from './helpers.js';
import { expectError } from '../helpers/graphql.js';

/** Each reply is a model call: one user may not have more than a few running at once, whatever the sessions. */
const llm = await startFakeLLM();
const server = await startTestServer({
  env: { BEHFLOW_LLM_BASE_URL: llm.baseUrl, BEHFLOW_LLM_MODEL: 'fake-model', BEHFLOW_LLM_TIMEOUT_MS: '60000' },
});

const send = (token: string, content: string, sessionId?: string) =>
  server.graphql(SEND, { token, variables: { input: { content, sessionId } } });

describe('replies in progress per user', () => {
  it('refuses a new reply while the cap is held (by any instance), writing nothing', async () => {
    const leaseUntil = new Date(Date.now() + 3_600_000);
    const seeded = seed(server).user();
    for (let index = 0; index < MAX_CONCURRENT_REPLIES_PER_USER; index += 1) seeded.withChatSession({ replyLeaseUntil: leaseUntil });
    const { user, token, chatSessions } = await seeded.withChatSession().create();
    const busy = chatSessions.slice(0, MAX_CONCURRENT_REPLIES_PER_USER);
    const idle = chatSessions.at(-1)!;

    const fresh = await send(token, 'a new session');
    expectError(fresh, 'RATE_LIMITED');
    expect(fresh.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    const existing = await send(token, 'to an idle session', sessionGlobalId(idle.id));
    expectError(existing, 'RATE_LIMITED');

    expect(await server.prisma.chatSession.count({ where: { userId: user.id } })).toBe(MAX_CONCURRENT_REPLIES_PER_USER + 1);
    expect(await server.prisma.chatMessage.count({ where: { session: { userId: user.id } } })).toBe(0);
    expect((await server.prisma.chatSession.findUniqueOrThrow({ where: { id: idle.id } })).replyLeaseUntil).toBeNull();

    // A lease past its time (an instance that died) no longer counts.
    await server.prisma.chatSession.update({ where: { id: busy[0]!.id }, data: { replyLeaseUntil: new Date(Date.now() - 1_000) } });
    llm.script(streamText(['Hello.']));
    const accepted = await send(token, 'now there is room', sessionGlobalId(idle.id));
    expect(accepted.errors).toBeUndefined();
    await server.running.chat.idle();
  });

  it('lets exactly the cap through when many sends race, then more once replies arrive', async () => {
    const { token } = await seed(server).user().create();
    const held = Array.from({ length: MAX_CONCURRENT_REPLIES_PER_USER }, () => hold());
    llm.script(...held.map((h) => h.answer));

    const results = await Promise.all(
      Array.from({ length: MAX_CONCURRENT_REPLIES_PER_USER + 4 }, (_, index) => send(token, `message ${index}`)),
    );
    const codes = results.map((result) => result.errors?.[0]?.extensions?.code ?? 'OK');
    expect(codes.filter((code) => code === 'OK')).toHaveLength(MAX_CONCURRENT_REPLIES_PER_USER);
    expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(4);

    await Promise.all(held.map((h) => h.started));
    held.forEach((h) => h.release(streamText(['Done.'])));
    await server.running.chat.idle();

    llm.script(streamText(['Again.']));
    const after = await send(token, 'after the replies');
    expect(after.errors).toBeUndefined();
    await server.running.chat.idle();
  });
});
