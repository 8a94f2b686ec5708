import { describe, expect, it } from 'vitest';
import { seed } from '../helpers/seed.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { graphql, type ResultOf } from '../helpers/graphql.js';
import { SEND } from './helpers.js';

const server: TestServer = await startTestServer();

const ADDED = graphql(
  `subscription SubscriptionsAdded($id: ID!) { chatMessageAdded(sessionId: $id) { type cursor message { id role content actions { tool outcome } session { id } } } }`,
);
const STREAM = graphql(
  `subscription SubscriptionsStream($id: ID!) { chatReplyStream(sessionId: $id) { kind text messageId message { id role content } } }`,
);

async function newSession(token: string): Promise<string> {
  const data = await server.data(
    graphql(`mutation SubscriptionsCreateChatSession { createChatSession(input: {}) { chatSession { id } } }`),
    { token },
  );
  return data.createChatSession!.chatSession.id;
}

describe('chatMessageAdded', () => {
  it("delivers the user's message and the assistant's reply to every subscriber of the owner", async () => {
    const { token } = await seed(server).user().create();
    const sessionId = await newSession(token);
    const first = server.subscribe(ADDED, { token, variables: { id: sessionId } });
    const second = server.subscribe(ADDED, { token, variables: { id: sessionId } });
    await Promise.all([first.live, second.live]);

    const sent = await server.data(SEND, { token, variables: { input: { content: 'add buy bread tomorrow', sessionId } } });
    for (const subscription of [first, second]) {
      const user = (await subscription.next()).data!.chatMessageAdded.message;
      expect(user).toEqual({
        id: sent.sendChatMessage!.message.id,
        role: 'USER',
        content: 'add buy bread tomorrow',
        actions: null,
        session: { id: sessionId },
      });
      const reply = (await subscription.next()).data!.chatMessageAdded.message;
      expect(reply).toMatchObject({
        role: 'ASSISTANT',
        content: expect.stringMatching(/^Added \*\*Buy bread\*\*/),
        actions: [{ tool: 'add_task', outcome: 'SUCCEEDED' }],
      });
      subscription.close();
    }
  });

  it('does not deliver messages of other sessions', async () => {
    const { token } = await seed(server).user().create();
    const watched = await newSession(token);
    const other = await newSession(token);
    const subscription = server.subscribe(ADDED, { token, variables: { id: watched } });
    await subscription.live;
    await server.data(SEND, { token, variables: { input: { content: 'hello from elsewhere', sessionId: other } } });
    await server.data(SEND, { token, variables: { input: { content: 'help', sessionId: watched } } });
    await server.running.chat.idle();
    expect((await subscription.next()).data!.chatMessageAdded.message!.content).toBe('help');
    subscription.close();
  });
});

describe('chatReplyStream', () => {
  it('streams the reply as text, then DONE with the stored message', async () => {
    const { token } = await seed(server).user().create();
    const sessionId = await newSession(token);
    const stream = server.subscribe(STREAM, { token, variables: { id: sessionId } });
    await stream.live;

    await server.data(SEND, { token, variables: { input: { content: 'what can you do?', sessionId } } });
    const deltas: string[] = [];
    let done: ResultOf<typeof STREAM>['chatReplyStream'] | undefined;
    while (!done) {
      const event = (await stream.next()).data!.chatReplyStream;
      if (event.kind === 'DELTA') {
        expect(event.messageId).toBeNull();
        deltas.push(event.text!);
      } else done = event;
    }
    expect(done.kind).toBe('DONE');
    const text = deltas.join('');
    expect(done.message).toMatchObject({ id: done.messageId, role: 'ASSISTANT', content: text });
    expect(text).toMatch(/^Here is what I can do:/);
    // The built-in assistant streams like a model: its eight-line answer comes line by line.
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas[0]).toBe('Here is what I can do:\n');
    stream.close();
  });
});

describe('the assistant acts through the task service', () => {
  it('fires task events when it changes tasks', async () => {
    const { token } = await seed(server).user().create();
    const events = server.subscribe(graphql(`subscription SubscriptionsTaskEvents { taskEvents { type task { name priority } } }`), {
      token,
    });
    const sessionId = await newSession(token);
    await events.live;

    await server.data(SEND, { token, variables: { input: { content: 'add a high priority task to file taxes', sessionId } } });
    await server.running.chat.idle();
    expect((await events.next()).data!.taskEvents).toEqual({ type: 'CREATED', task: { name: 'File taxes', priority: 'HIGH' } });
    await server.data(SEND, { token, variables: { input: { content: 'mark the taxes task done', sessionId } } });
    await server.running.chat.idle();
    expect((await events.next()).data!.taskEvents.type).toBe('COMPLETED');
    events.close();
  });
});
