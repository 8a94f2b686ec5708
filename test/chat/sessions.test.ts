import { describe, expect, it } from 'vitest';
import { rowsRead } from '../helpers/rows-read.js';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { expectError, graphql } from '../helpers/graphql.js';
import { converse, SEND, sessionGlobalId } from './helpers.js';

const server = await startTestServer();

const rowsReadFromMessages = <T>(run: () => Promise<T>) => rowsRead('chat_messages', run);

/** A user with `count` sessions of `length` messages each, oldest message first. */
function withLongSessions(count: number, length: number) {
  const start = Date.now() - 86_400_000;
  const user = seed(server).user();
  for (let index = 0; index < count; index += 1) {
    user.withChatSession({
      title: `long ${index}`,
      messages: Array.from({ length }, (_, position) => ({
        role: position % 2 ? 'assistant' : 'user',
        content: `session ${index} message ${position}`,
        createdAt: new Date(start + position * 1000),
      })),
    });
  }
  return user;
}

const CREATE = graphql(`
  mutation ChatSessionsCreate($input: CreateChatSessionInput!) {
    createChatSession(input: $input) { chatSession { ...ChatSessionFields } }
  }
`);
const LIST = graphql(`query ChatSessionsList($filter: ChatSessionFilter, $first: Int, $after: String) {
  chatSessions(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id title isActive messageCount } } }
}`);

describe('chat sessions', () => {
  it('creates an empty session with a title', async () => {
    const { token } = await seed(server).user().create();
    const data = await server.data(CREATE, { token, variables: { input: { title: '  Weekly   planning ' } } });
    expect(data.createChatSession!.chatSession).toMatchObject({
      title: 'Weekly planning',
      isActive: true,
      messageCount: 0,
      lastMessage: null,
      messages: { totalCount: 0, edges: [] },
    });
  });

  it('starts a session from a first message, stores it, and the assistant answers in the background', async () => {
    const { token } = await seed(server).user().create();
    const sent = await server.data(SEND, { token, variables: { input: { content: '  hello there  ' } } });
    expect(sent.sendChatMessage!.message).toMatchObject({ role: 'USER', content: 'hello there' });
    expect(sent.sendChatMessage!.chatSession.title).toBe('hello there');
    await server.running.chat.idle();

    const data = await server.data(graphql(`query ChatSessionsOne($id: ID!) { chatSession(id: $id) { ...ChatSessionFields } }`), {
      token,
      variables: { id: sent.sendChatMessage!.chatSession.id },
    });
    const session = data.chatSession;
    expect(session!.messageCount).toBe(2);
    expect(session!.messages.totalCount).toBe(2);
    const [first, second] = session!.messages.edges.map((edge) => edge.node);
    expect(first).toMatchObject({ role: 'USER', content: 'hello there', actions: null, tokensUsed: null });
    expect(second).toMatchObject({ role: 'ASSISTANT', actions: [] });
    expect(second!.content).toMatch(/Hello! I manage your tasks/);
    expect(session!.lastMessage).toMatchObject({ id: second!.id, role: 'ASSISTANT' });
    expect(Date.parse(second!.createdAt)).toBeGreaterThanOrEqual(Date.parse(first!.createdAt));
  });

  it('keeps a conversation in one session, in chronological order', async () => {
    const { token } = await seed(server).user().create();
    const first = await converse(server, token, 'hi');
    await converse(server, token, 'help', first.sessionId);
    await converse(server, token, 'what can you do', first.sessionId);
    const data = await server.data(
      graphql(
        `query ChatSessionsChatSession($id: ID!) { chatSession(id: $id) { messageCount messages(first: 2) { pageInfo { hasNextPage endCursor } edges { node { role content } } } } }`,
      ),
      {
        token,
        variables: { id: first.sessionId },
      },
    );
    expect(data.chatSession!.messageCount).toBe(6);
    expect(data.chatSession!.messages.edges.map((edge) => edge.node.content.slice(0, 4))).toEqual(['hi', 'Hell']);
    const rest = await server.data(
      graphql(
        `query ChatSessionsChatSession2($id: ID!, $after: String) { chatSession(id: $id) { messages(first: 10, after: $after) { edges { node { role content } } } } }`,
      ),
      {
        token,
        variables: { id: first.sessionId, after: data.chatSession!.messages.pageInfo.endCursor },
      },
    );
    expect(rest.chatSession!.messages.edges.map((edge) => edge.node.role)).toEqual(['USER', 'ASSISTANT', 'USER', 'ASSISTANT']);
    expect(rest.chatSession!.messages.edges[0]!.node.content).toBe('help');
    expect(rest.chatSession!.messages.edges[2]!.node.content).toBe('what can you do');
  });

  it('lists sessions newest activity first, leaving archived ones out unless asked', async () => {
    const { token } = await seed(server).user().create();
    const ids: string[] = [];
    for (const title of ['one', 'two', 'three']) {
      const data = await server.data(CREATE, { token, variables: { input: { title } } });
      ids.push(data.createChatSession!.chatSession.id);
    }
    // Activity in "one" moves it to the top.
    await converse(server, token, 'hello', ids[0]);
    let list = await server.data(LIST, { token });
    expect(list.chatSessions.edges.map((edge) => edge.node.title)).toEqual(['one', 'three', 'two']);
    expect(list.chatSessions.totalCount).toBe(3);

    const archived = await server.data(
      graphql(
        `mutation ChatSessionsArchiveChatSession($input: ArchiveChatSessionInput!) { archiveChatSession(input: $input) { chatSession { id isActive } } }`,
      ),
      {
        token,
        variables: { input: { id: ids[2]! } },
      },
    );
    expect(archived.archiveChatSession!.chatSession.isActive).toBe(false);
    list = await server.data(LIST, { token });
    expect(list.chatSessions.edges.map((edge) => edge.node.title)).toEqual(['one', 'two']);
    list = await server.data(LIST, { token, variables: { filter: { includeArchived: true } } });
    expect(list.chatSessions.totalCount).toBe(3);
    list = await server.data(LIST, { token, variables: { filter: { archivedOnly: true } } });
    expect(list.chatSessions.edges.map((edge) => edge.node.title)).toEqual(['three']);

    // Paging through the list.
    const page = await server.data(LIST, { token, variables: { first: 1 } });
    expect(page.chatSessions.pageInfo.hasNextPage).toBe(true);
    const next = await server.data(LIST, { token, variables: { first: 5, after: page.chatSessions.pageInfo.endCursor } });
    expect(next.chatSessions.edges.map((edge) => edge.node.title)).toEqual(['two']);

    // Writing in an archived session brings it back.
    await converse(server, token, 'hello again', ids[2]);
    list = await server.data(LIST, { token });
    expect(list.chatSessions.edges.map((edge) => edge.node.title)).toEqual(['three', 'one', 'two']);
  });

  it('renames and deletes a session (its messages go with it)', async () => {
    const { token } = await seed(server).user().create();
    const { sessionId } = await converse(server, token, 'hello');
    const renamed = await server.data(
      graphql(
        `mutation ChatSessionsRenameChatSession($input: RenameChatSessionInput!) { renameChatSession(input: $input) { chatSession { id title } } }`,
      ),
      {
        token,
        variables: { input: { id: sessionId, title: 'Groceries' } },
      },
    );
    expect(renamed.renameChatSession!.chatSession).toEqual({ id: sessionId, title: 'Groceries' });

    const deleted = await server.data(
      graphql(
        `mutation ChatSessionsDeleteChatSession($input: DeleteChatSessionInput!) { deleteChatSession(input: $input) { deletedChatSessionId } }`,
      ),
      {
        token,
        variables: { input: { id: sessionId } },
      },
    );
    expect(deleted.deleteChatSession!.deletedChatSessionId).toBe(sessionId);
    const after = await server.data(
      graphql(`query ChatSessionsChatSession3($id: ID!) { chatSession(id: $id) { id } node(id: $id) { id } }`),
      {
        token,
        variables: { id: sessionId },
      },
    );
    expect(after).toEqual({ chatSession: null, node: null });
    const user = await server.prisma.chatSession.count({ where: { title: 'Groceries' } });
    expect(user).toBe(0);
  });

  it('refetches sessions and messages through node()', async () => {
    const { token } = await seed(server).user().create();
    const { sessionId, reply } = await converse(server, token, 'hello');
    const data = await server.data(
      graphql(`query ChatSessionsNodes($ids: [ID!]!) { nodes(ids: $ids) { id __typename ... on ChatMessage { role session { id } } } }`),
      {
        token,
        variables: { ids: [sessionId, reply.id] },
      },
    );
    expect(data.nodes).toEqual([
      { id: sessionId, __typename: 'ChatSession' },
      { id: reply.id, __typename: 'ChatMessage', role: 'ASSISTANT', session: { id: sessionId } },
    ]);
  });

  it('loads the sessions list with its last messages and counts in a fixed number of statements', async () => {
    const { token } = await seed(server).user().create();
    for (let index = 0; index < 3; index += 1) await converse(server, token, `hello ${index}`);
    const query = graphql(
      `query ChatSessionsWithLastMessages { chatSessions(first: 10) { edges { node { title messageCount lastMessage { content role } messages(first: 5) { edges { node { content } } } } } } }`,
    );
    const { result, statements } = await server.queries.record(() => server.data(query, { token }));
    expect(result.chatSessions.edges).toHaveLength(3);
    for (const edge of result.chatSessions.edges) {
      expect(edge.node.messageCount).toBe(2);
      expect(edge.node.lastMessage!.role).toBe('ASSISTANT');
      expect(edge.node.messages.edges[0]!.node.content).toBe(edge.node.title);
    }
    // Sessions, the page's message ids and those messages, the counts, the newest message ids
    // and those messages, each batched over the sessions: no query per session.
    const dataStatements = statements.filter((sql) => /chat_/.test(sql));
    expect(dataStatements.length).toBeLessThanOrEqual(6);
  });
});

describe('listing sessions with long histories', () => {
  const LIST_SUMMARIES = graphql(
    `query ChatSessionsListSummaries { chatSessions(first: 20) { edges { node { title messageCount lastMessage { content role createdAt session { title } } } } } }`,
  );

  it('reads one message per session for lastMessage and counts the rest', async () => {
    const { token } = await withLongSessions(3, 40).create();
    const empty = await server.data(CREATE, { token, variables: { input: { title: 'empty' } } });
    expect(empty.createChatSession!.chatSession.id).toBeTruthy();

    const { result, rowsPerStatement } = await rowsReadFromMessages(() => server.data(LIST_SUMMARIES, { token }));
    const nodes = result.chatSessions.edges.map((edge) => edge.node);
    expect(nodes).toHaveLength(4);
    const byTitle = Object.fromEntries(nodes.map((node) => [node.title, node]));
    for (const index of [0, 1, 2]) {
      expect(byTitle[`long ${index}`]).toMatchObject({
        messageCount: 40,
        lastMessage: { content: `session ${index} message 39`, role: 'ASSISTANT', session: { title: `long ${index}` } },
      });
    }
    expect(byTitle.empty).toMatchObject({ messageCount: 0, lastMessage: null });
    // 120 messages exist in these sessions; no statement brings back more than one row per session.
    expect(rowsPerStatement.length).toBeGreaterThan(0);
    expect(Math.max(...rowsPerStatement)).toBeLessThanOrEqual(4);
  });

  it('uses the same number of statements for two sessions as for six', async () => {
    const few = await withLongSessions(2, 10).create();
    const many = await withLongSessions(6, 10).create();
    const fewRun = await server.queries.record(() => server.data(LIST_SUMMARIES, { token: few.token }));
    const manyRun = await server.queries.record(() => server.data(LIST_SUMMARIES, { token: many.token }));
    expect(fewRun.result.chatSessions.edges).toHaveLength(2);
    expect(manyRun.result.chatSessions.edges).toHaveLength(6);
    expect(
      manyRun.result.chatSessions.edges.every((edge) => edge.node.messageCount === 10 && /message 9$/.test(edge.node.lastMessage!.content)),
    ).toBe(true);
    expect(manyRun.statements.length).toBe(fewRun.statements.length);
  });
});

describe('listing sessions with their first messages', () => {
  const LIST_PAGES = graphql(`query ChatSessionsListPages { chatSessions(first: 20) { edges { node { id title messages(first: 2) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { content } } } } } } }`);
  const PAGE = graphql(`query ChatSessionsPage($id: ID!, $first: Int, $after: String, $last: Int, $before: String) { chatSession(id: $id) {
    messages(first: $first, after: $after, last: $last, before: $before) { pageInfo { hasNextPage hasPreviousPage } edges { node { content } } } } }`);
  const contents = (connection: { edges: Array<{ node: { content: string } }> }) => connection.edges.map((edge) => edge.node.content);

  it('reads a page of messages per session, not every message of every session', async () => {
    const { token } = await withLongSessions(3, 40).create();
    await server.data(CREATE, { token, variables: { input: { title: 'empty' } } });

    const { result, rowsPerStatement } = await rowsReadFromMessages(() => server.data(LIST_PAGES, { token }));
    const byTitle = Object.fromEntries(result.chatSessions.edges.map((edge) => [edge.node.title, edge.node]));
    for (const index of [0, 1, 2]) {
      const messages = byTitle[`long ${index}`].messages;
      expect(contents(messages)).toEqual([`session ${index} message 0`, `session ${index} message 1`]);
      expect(messages.totalCount).toBe(40);
      expect(messages.pageInfo).toMatchObject({
        hasNextPage: true,
        hasPreviousPage: false,
        startCursor: messages.edges[0].cursor,
        endCursor: messages.edges[1].cursor,
      });
    }
    expect(byTitle.empty.messages).toEqual({
      totalCount: 0,
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      edges: [],
    });
    // 120 messages exist; a page of two reads at most three (one more, for hasNextPage) per session.
    expect(rowsPerStatement.length).toBeGreaterThan(0);
    expect(Math.max(...rowsPerStatement)).toBeLessThanOrEqual(9);

    // The cursors page on, in both directions, within the session.
    const session = byTitle['long 1'];
    const next = await server.data(PAGE, { token, variables: { id: session.id, first: 2, after: session.messages.pageInfo.endCursor } });
    expect(contents(next.chatSession!.messages)).toEqual(['session 1 message 2', 'session 1 message 3']);
    expect(next.chatSession!.messages.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: true });
    const last = await server.data(PAGE, { token, variables: { id: session.id, last: 2 } });
    expect(contents(last.chatSession!.messages)).toEqual(['session 1 message 38', 'session 1 message 39']);
    expect(last.chatSession!.messages.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
    const before = await server.data(PAGE, { token, variables: { id: session.id, last: 5, before: session.messages.pageInfo.endCursor } });
    expect(contents(before.chatSession!.messages)).toEqual(['session 1 message 0']);
    expect(before.chatSession!.messages.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false });
  });

  it('orders messages stored at the same instant by id, as the cursor does', async () => {
    const at = new Date(Date.now() - 60_000);
    const messages = Array.from({ length: 5 }, (_, position) => ({ role: 'user', content: `tied ${position}`, createdAt: at }));
    const { token, chatSessions } = await seed(server).user().withChatSession({ title: 'same instant', messages }).create();
    const session = chatSessions[0]!;
    const stored = await server.prisma.chatMessage.findMany({
      where: { sessionId: session.id },
      orderBy: { id: 'asc' },
      select: { content: true },
    });
    const list = await server.data(
      graphql(
        `query ChatSessionsChatSessions { chatSessions(first: 20) { edges { node { messages(first: 3) { pageInfo { endCursor } edges { node { content } } } } } } }`,
      ),
      { token },
    );
    const page = list.chatSessions.edges[0]!.node.messages;
    expect(contents(page)).toEqual(stored.slice(0, 3).map((row) => row.content));
    const id = sessionGlobalId(session.id);
    const rest = await server.data(PAGE, { token, variables: { id, first: 10, after: page.pageInfo.endCursor } });
    expect(contents(rest.chatSession!.messages)).toEqual(stored.slice(3).map((row) => row.content));
  });

  it('uses the same number of statements for two sessions as for six', async () => {
    const few = await withLongSessions(2, 10).create();
    const many = await withLongSessions(6, 10).create();
    const fewRun = await server.queries.record(() => server.data(LIST_PAGES, { token: few.token }));
    const manyRun = await server.queries.record(() => server.data(LIST_PAGES, { token: many.token }));
    expect(manyRun.result.chatSessions.edges).toHaveLength(6);
    expect(
      manyRun.result.chatSessions.edges.every(
        (edge) => edge.node.messages.totalCount === 10 && /message 1$/.test(edge.node.messages.edges[1]!.node.content),
      ),
    ).toBe(true);
    expect(manyRun.statements.length).toBe(fewRun.statements.length);
  });
});

describe('bad input', () => {
  it('refuses an empty or too long message, writing nothing', async () => {
    const { token, user } = await seed(server).user().create();
    const empty = await server.graphql(SEND, { token, variables: { input: { content: '   ' } } });
    expect(empty.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.content' });
    const long = await server.graphql(SEND, { token, variables: { input: { content: 'x'.repeat(8_001) } } });
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.content' });
    const nul = await server.graphql(SEND, { token, variables: { input: { content: 'hello\u0000there' } } });
    expect(nul.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.content' });
    expect(await server.prisma.chatSession.count({ where: { userId: user.id } })).toBe(0);
    const longest = await server.data(SEND, { token, variables: { input: { content: 'y'.repeat(8_000) } } });
    expect(longest.sendChatMessage!.message.content).toHaveLength(8_000);
    await server.running.chat.idle();
  });

  it('refuses a negative page size on sessions and on their messages, naming the argument', async () => {
    const { token } = await seed(server).user().create();
    const { sessionId } = await converse(server, token, 'hi');
    const sessions = await server.graphql(LIST, { token, variables: { first: -1 } });
    expect(sessions.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const messages = await server.graphql(
      graphql(
        `query ChatSessionsChatSession4($id: ID!, $last: Int) { chatSession(id: $id) { ...ChatSessionsLastMessages } } fragment ChatSessionsLastMessages on ChatSession { messages(last: $last) { totalCount } }`,
      ),
      {
        token,
        variables: { id: sessionId, last: -2 },
      },
    );
    expect(messages.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'last' });
    const nested = await server.graphql(
      graphql(`query ChatSessionsChatSessions2 { chatSessions(first: 5) { edges { node { messages(first: -3) { totalCount } } } } }`),
      { token },
    );
    expect(nested.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('refuses a too long title and malformed or foreign-type ids with coded errors', async () => {
    const { token } = await seed(server).user().create();
    const title = await server.graphql(CREATE, { token, variables: { input: { title: 't'.repeat(256) } } });
    expect(title.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
    const nulTitle = await server.graphql(CREATE, { token, variables: { input: { title: 'plans\u0000' } } });
    expect(nulTitle.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
    const created = await server.data(CREATE, { token, variables: { input: { title: 'plans' } } });
    const renamed = await server.graphql(
      graphql(
        `mutation ChatSessionsRenameChatSession2($input: RenameChatSessionInput!) { renameChatSession(input: $input) { chatSession { id } } }`,
      ),
      {
        token,
        variables: { input: { id: created.createChatSession!.chatSession.id, title: '\u0000' } },
      },
    );
    expect(renamed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
    // An ID that does not decode names no session: it answers as a missing one does.
    const malformed = await server.graphql(SEND, { token, variables: { input: { content: 'hi', sessionId: 'not-an-id' } } });
    expect(malformed.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const otherType = await server.graphql(SEND, {
      token,
      variables: { input: { content: 'hi', sessionId: Buffer.from('Task:00000000-0000-0000-0000-000000000001').toString('base64') } },
    });
    expectError(otherType, 'NOT_FOUND');
  });

  it('requires a signed-in user everywhere', async () => {
    const operations = [
      `{ chatSessions { totalCount } }`,
      `{ chatSession(id: "x") { id } }`,
      `mutation { createChatSession(input: {}) { chatSession { id } } }`,
      `mutation { sendChatMessage(input: { content: "hi" }) { message { id } } }`,
    ];
    for (const operation of operations) {
      const result = await server.graphql(operation);
      expect(result.errors?.[0]?.extensions?.code, operation).toBe('UNAUTHENTICATED');
    }
    const subscription = server.subscribe(
      graphql(`subscription ChatSessionsChatMessageAdded { chatMessageAdded(sessionId: "x") { cursor } }`),
    );
    const result = await subscription.next();
    expectError(result, 'UNAUTHENTICATED');
    subscription.close();
  });
});
