// The OpenAI-compatible assistant through the whole server, against a loopback chat-completions server.
import { describe, expect, it } from 'vitest';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { SEND } from '../chat/helpers.js';
import { failWith, hold, startFakeLLM, streamText, streamToolCalls } from './fake-llm.js';
import { graphql } from '../helpers/graphql.js';

const llm = await startFakeLLM();
const API_KEY = 'sk-test-secret-key';
const server = await startTestServer({
  env: { BEHFLOW_LLM_BASE_URL: llm.baseUrl, BEHFLOW_LLM_API_KEY: API_KEY, BEHFLOW_LLM_MODEL: 'fake-model', BEHFLOW_LLM_TIMEOUT_MS: '1500' },
});

const MESSAGES = graphql(
  `query OpenaiProviderMessages($id: ID!) { chatSession(id: $id) { messages(first: 50) { edges { node { id role content tokensUsed actions { tool arguments outcome detail } } } } } }`,
);

async function messagesOf(token: string, sessionId: string) {
  const data = await server.data(MESSAGES, { token, variables: { id: sessionId } });
  return data.chatSession!.messages.edges.map((edge) => edge.node);
}

async function send(token: string, content: string, sessionId?: string) {
  const sent = await server.data(SEND, { token, variables: { input: { content, sessionId } } });
  return sent.sendChatMessage!;
}

describe('OpenAI-compatible assistant', () => {
  it('calls tools on the task service, streams its answer, and keeps what it did', async () => {
    const { token, user } = await seed(server).user().inZone('Europe/Berlin').create();
    llm.script(
      streamToolCalls(
        [{ name: 'add_task', args: { name: 'Call mom', priority: 'high', tags: ['family'], due: '2030-01-02T18:00:00+01:00' } }],
        100,
      ),
      streamText(['Added **Call mom** ', 'for tomorrow ', 'at 18:00.'], 50),
    );
    const before = llm.requests.length;
    const session = await server.data(
      graphql(`mutation OpenaiProviderCreateChatSession { createChatSession(input: { title: "LLM" }) { chatSession { id } } }`),
      { token },
    );
    const sessionId = session.createChatSession!.chatSession.id;
    const added = server.subscribe(
      graphql(`subscription OpenaiProviderChatMessageAdded($id: ID!) { chatMessageAdded(sessionId: $id) { message { id role content } } }`),
      {
        token,
        variables: { id: sessionId },
      },
    );
    const stream = server.subscribe(
      graphql(
        `subscription OpenaiProviderChatReplyStream($id: ID!) { chatReplyStream(sessionId: $id) { kind text messageId message { content } } }`,
      ),
      {
        token,
        variables: { id: sessionId },
      },
    );
    await Promise.all([added.live, stream.live]);

    const sent = await send(token, 'add a high priority task to call mom on 2 January 2030 at 6pm #family', sessionId);
    expect((await added.next()).data?.chatMessageAdded.message).toMatchObject({ id: sent.message.id, role: 'USER' });
    const reply = (await added.next()).data?.chatMessageAdded.message;
    expect(reply).toMatchObject({ role: 'ASSISTANT', content: 'Added **Call mom** for tomorrow at 18:00.' });

    let streamed = '';
    for (;;) {
      const event = (await stream.next()).data!.chatReplyStream;
      if (event.kind === 'DELTA') streamed += event.text;
      else {
        expect(event).toMatchObject({ kind: 'DONE', messageId: reply!.id, message: { content: reply!.content } });
        break;
      }
    }
    expect(streamed).toBe(reply!.content);
    added.close();
    stream.close();

    const task = await server.prisma.task.findFirstOrThrow({ where: { userId: user.id } });
    expect(task).toMatchObject({
      name: 'Call mom',
      priority: 'high',
      tags: ['family'],
      dueDateGregorian: new Date('2030-01-02T17:00:00Z'),
    });

    const [, assistant] = await messagesOf(token, sessionId);
    expect(assistant!.tokensUsed).toBe(150);
    expect(assistant!.actions).toEqual([
      {
        tool: 'add_task',
        arguments: { name: 'Call mom', priority: 'high', tags: ['family'], due: '2030-01-02T18:00:00+01:00' },
        outcome: 'SUCCEEDED',
        detail: 'Created "Call mom"',
      },
    ]);

    const [first, second] = llm.requests.slice(before);
    expect(first!.path).toBe('/v1/chat/completions');
    expect(first!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(first!.body).toMatchObject({ model: 'fake-model', stream: true });
    expect(first!.body.tools!.map((tool) => tool.function.name).sort()).toEqual([
      ...[
        'add_task',
        'change_priority',
        'complete_task',
        'find_task',
        'get_task',
        'group_by_priority',
        'group_by_status',
        'list_tasks',
        'overdue_tasks',
      ],
      ...['remove_task', 'search_tasks', 'suggest_next', 'task_statistics', 'tasks_by_tag', 'update_task'],
    ]);
    const system = first!.body.messages[0];
    expect(system!.role).toBe('system');
    expect(system!.content).toMatch(
      /Current time: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00 \(\w+day\) in the Gregorian calendar; 14\d\d-\d\d-\d\dT\d\d:\d\d:\d\d in the Jalali/,
    );
    expect(system!.content).toContain("The user's time zone: Europe/Berlin");
    expect(system!.content).toMatch(/call find_task \(or search_tasks\) first/);
    expect(first!.body.messages.at(-1)).toEqual({
      role: 'user',
      content: 'add a high priority task to call mom on 2 January 2030 at 6pm #family',
    });
    // The second round carries the tool call and its result.
    const [assistantTurn, toolTurn] = second!.body.messages.slice(-2);
    expect(assistantTurn).toMatchObject({
      role: 'assistant',
      tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'add_task' } }],
    });
    expect(JSON.parse(assistantTurn!.tool_calls![0]!.function.arguments)).toMatchObject({ name: 'Call mom' });
    expect(toolTurn).toMatchObject({ role: 'tool', tool_call_id: 'call_0' });
    expect(JSON.parse(toolTurn!.content!).task).toMatchObject({ id: task.id, name: 'Call mom', priority: 'high' });
  });

  it('sends a bounded window of the conversation', async () => {
    const { token } = await seed(server).user().create();
    let sessionId: string | undefined;
    for (let index = 0; index < 12; index += 1) {
      llm.script(streamText([`answer ${index}`]));
      sessionId = (await send(token, `question ${index}`, sessionId)).chatSession.id;
      await server.running.chat.idle();
    }
    const last = llm.requests.at(-1)!.body.messages;
    expect(last).toHaveLength(1 + 20);
    expect(last[1]).toEqual({ role: 'assistant', content: 'answer 1' });
    expect(last[2]).toEqual({ role: 'user', content: 'question 2' });
    expect(last.at(-1)).toEqual({ role: 'user', content: 'question 11' });
    expect(last.at(-2)).toEqual({ role: 'assistant', content: 'answer 10' });
  });

  it('stops after a few tool rounds', async () => {
    const { token } = await seed(server).user().create();
    const search = streamToolCalls([{ name: 'search_tasks', args: { query: 'loop' } }]);
    const before = llm.requests.length;
    llm.script(search, search, search, search, search, search);
    const sent = await send(token, 'find the loop task forever');
    await server.running.chat.idle();
    expect(llm.requests.length - before).toBe(5);
    const [, reply] = await messagesOf(token, sent.chatSession.id);
    expect(reply!.content).toMatch(/stopped after 4 rounds/);
    expect(reply!.actions).toHaveLength(4);
    llm.script(streamText(['ok'])); // the sixth, unused answer is consumed here
    await send(token, 'thanks', sent.chatSession.id);
    await server.running.chat.idle();
  });

  it('reports tool failures to the model instead of failing the reply', async () => {
    const { token } = await seed(server).user().create();
    llm.script(
      streamToolCalls([
        { name: 'complete_task', args: { task_id: '11111111-1111-4111-8111-111111111111' } },
        { name: 'drop_database', args: {} },
      ]),
      streamText(['I could not find that task.']),
    );
    const sent = await send(token, 'complete task 1111');
    await server.running.chat.idle();
    const [, reply] = await messagesOf(token, sent.chatSession.id);
    expect(reply!.content).toBe('I could not find that task.');
    expect(reply!.actions).toMatchObject([
      { tool: 'complete_task', outcome: 'FAILED', detail: expect.stringMatching(/not found/i) },
      { tool: 'drop_database', outcome: 'FAILED', detail: 'There is no tool named drop_database.' },
    ]);
    const toolResults = llm.requests.at(-1)!.body.messages.filter((message) => message.role === 'tool');
    expect(toolResults.map((message) => JSON.parse(message.content!).error)).toEqual([
      expect.stringMatching(/not found/i),
      'There is no tool named drop_database.',
    ]);
  });

  it("turns a model error into an assistant message, keeping the user's", async () => {
    const { token } = await seed(server).user().create();
    llm.script(failWith(500));
    const sent = await send(token, 'hello?');
    const stream = server.subscribe(
      graphql(`subscription OpenaiProviderChatReplyStream2($id: ID!) { chatReplyStream(sessionId: $id) { kind text message { role } } }`),
      {
        token,
        variables: { id: sent.chatSession.id },
      },
    );
    await server.running.chat.idle();
    const messages = await messagesOf(token, sent.chatSession.id);
    expect(messages.map((message) => message.role)).toEqual(['USER', 'ASSISTANT']);
    expect(messages[0]!.content).toBe('hello?');
    expect(messages[1]!.content).toMatch(/Sorry, I could not answer:\*\* the language model answered with HTTP 500/);
    stream.close();
    // The session is free again.
    llm.script(streamText(['back']));
    await send(token, 'again', sent.chatSession.id);
    await server.running.chat.idle();
    expect((await messagesOf(token, sent.chatSession.id)).at(-1)!.content).toBe('back');
  });

  it('gives up on a model that does not answer in time, and says so', async () => {
    const { token } = await seed(server).user().create();
    const held = hold();
    llm.script(held.answer);
    const sent = await send(token, 'are you there?');
    const stream = server.subscribe(
      graphql(
        `subscription OpenaiProviderChatReplyStream3($id: ID!) { chatReplyStream(sessionId: $id) { kind text message { role content } } }`,
      ),
      {
        token,
        variables: { id: sent.chatSession.id },
      },
    );
    const event = (await stream.next(10_000)).data!.chatReplyStream;
    expect(event).toMatchObject({
      kind: 'ERROR',
      text: expect.stringMatching(/did not answer within 2 s/),
      message: { role: 'ASSISTANT' },
    });
    held.release(streamText(['too late']));
    stream.close();
    const messages = await messagesOf(token, sent.chatSession.id);
    expect(messages.map((message) => message.content)).toEqual(['are you there?', expect.stringMatching(/did not answer within/)]);
  });

  it('answers one message at a time per session: another one meanwhile is refused and not stored', async () => {
    const { token } = await seed(server).user().create();
    const held = hold();
    llm.script(held.answer);
    const sent = await send(token, 'first');
    await held.started;
    const second = await server.graphql(SEND, { token, variables: { input: { content: 'second', sessionId: sent.chatSession.id } } });
    expect(second.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.sessionId' });
    // Other sessions are not held up.
    llm.script(streamText(['elsewhere']));
    await send(token, 'other session');
    held.release(streamText(['first answer']));
    await server.running.chat.idle();
    const messages = await messagesOf(token, sent.chatSession.id);
    expect(messages.map((message) => message.content)).toEqual(['first', 'first answer']);
    llm.script(streamText(['second answer']));
    await send(token, 'second', sent.chatSession.id);
    await server.running.chat.idle();
    expect((await messagesOf(token, sent.chatSession.id)).map((message) => message.content)).toEqual([
      'first',
      'first answer',
      'second',
      'second answer',
    ]);
  });
});

describe('the sessions list', () => {
  it('puts the session whose reply was stored last on top, even after others had activity', async () => {
    const { token } = await seed(server).user().create();
    const LIST = graphql(`query OpenaiProviderList { chatSessions { edges { node { id lastMessage { content } } } } }`);
    const held = hold();
    llm.script(held.answer);
    const slow = await send(token, 'slow question');
    await held.started;
    llm.script(streamText(['quick answer']));
    const created = await server.data(
      graphql(`mutation OpenaiProviderCreateQuickSession { createChatSession(input: {}) { chatSession { id } } }`),
      { token },
    );
    const quickId = created.createChatSession!.chatSession.id;
    const added = server.subscribe(
      graphql(`subscription OpenaiProviderQuickAdded($id: ID!) { chatMessageAdded(sessionId: $id) { message { role } } }`),
      { token, variables: { id: quickId } },
    );
    await added.live;
    await send(token, 'quick question', quickId);
    // The quick session's reply is stored once its message is announced.
    expect((await added.next()).data?.chatMessageAdded.message).toEqual({ role: 'USER' });
    expect((await added.next()).data?.chatMessageAdded.message).toEqual({ role: 'ASSISTANT' });
    added.close();
    let list = await server.data(LIST, { token });
    expect(list.chatSessions.edges.map((edge) => edge.node.id)).toEqual([quickId, slow!.chatSession.id]);

    held.release(streamText(['slow answer']));
    await server.running.chat.idle();
    list = await server.data(LIST, { token });
    expect(list.chatSessions.edges.map((edge) => edge.node)).toEqual([
      { id: slow!.chatSession.id, lastMessage: { content: 'slow answer' } },
      { id: quickId, lastMessage: { content: 'quick answer' } },
    ]);
  });
});

describe('without an API key', () => {
  it('sends no Authorization header', async () => {
    const keyless = await startTestServer({ env: { BEHFLOW_LLM_BASE_URL: llm.baseUrl } });
    const { token } = await seed(keyless).user().create();
    llm.script(streamText(['hi']));
    await keyless.data(SEND, { token, variables: { input: { content: 'hello' } } });
    await keyless.running.chat.idle();
    const request = llm.requests.at(-1)!;
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body.model).toBe('gpt-4o-mini');
  });
});
