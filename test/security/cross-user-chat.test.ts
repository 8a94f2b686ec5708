// Another user's chat sessions and messages must look exactly like missing ones, for every operation.
import { describe, expect, it } from 'vitest';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { converse } from '../chat/helpers.js';
import { graphql } from '../helpers/graphql.js';

const server = await startTestServer();

describe('chat across users', () => {
  it('hides every session and message of another user and refuses every change to them as NOT_FOUND', async () => {
    const owner = await seed(server).user().create();
    const intruder = await seed(server).user().create();
    const { sessionId, reply } = await converse(server, owner.token, 'hello');
    const missingSessionId = Buffer.from('ChatSession:00000000-0000-4000-8000-000000000000').toString('base64');
    const token = intruder.token;

    const reads = await server.data(
      graphql(
        `query CrossUserChatChatSession($id: ID!, $message: ID!) { chatSession(id: $id) { id } node(id: $id) { id } message: node(id: $message) { id } nodes(ids: [$id, $message]) { id } chatSessions(filter: { includeArchived: true }) { totalCount edges { node { id } } } }`,
      ),
      { token, variables: { id: sessionId, message: reply.id } },
    );
    expect(reads).toEqual({
      chatSession: null,
      node: null,
      message: null,
      nodes: [null, null],
      chatSessions: { totalCount: 0, edges: [] },
    });

    const mutations: Array<[string, Record<string, unknown>]> = [
      [
        `mutation($input: RenameChatSessionInput!) { renameChatSession(input: $input) { chatSession { id } } }`,
        { id: sessionId, title: 'mine now' },
      ],
      [`mutation($input: ArchiveChatSessionInput!) { archiveChatSession(input: $input) { chatSession { id } } }`, { id: sessionId }],
      [`mutation($input: DeleteChatSessionInput!) { deleteChatSession(input: $input) { deletedChatSessionId } }`, { id: sessionId }],
      [
        `mutation($input: SendChatMessageInput!) { sendChatMessage(input: $input) { message { id } } }`,
        { sessionId, content: 'hello from someone else' },
      ],
    ];
    for (const [mutation, input] of mutations) {
      const foreign = await server.graphql(mutation, { token, variables: { input } });
      const missing = await server.graphql(mutation, {
        token,
        variables: { input: { ...input, id: input.id && missingSessionId, sessionId: input.sessionId && missingSessionId } },
      });
      expect(foreign.errors?.[0]?.extensions?.code, mutation).toBe('NOT_FOUND');
      // Indistinguishable from a session that does not exist.
      expect(foreign.errors?.[0]?.message).toBe(missing.errors?.[0]?.message);
      expect(foreign.data).toEqual(missing.data);
    }

    for (const subscription of [
      `subscription($id: ID!) { chatMessageAdded(sessionId: $id) { cursor } }`,
      `subscription($id: ID!) { chatReplyStream(sessionId: $id) { kind } }`,
    ]) {
      const foreign = server.subscribe(subscription, { token, variables: { id: sessionId } });
      const result = await foreign.next();
      expect(result.errors?.[0]?.extensions?.code, subscription).toBe('NOT_FOUND');
      foreign.close();
    }

    // The owner's session is untouched.
    const after = await server.data(
      graphql(`query CrossUserChatChatSession2($id: ID!) { chatSession(id: $id) { title isActive messageCount } }`),
      {
        token: owner.token,
        variables: { id: sessionId },
      },
    );
    expect(after.chatSession).toEqual({ title: 'hello', isActive: true, messageCount: 2 });
  });

  it("never delivers another user's messages to a subscriber", async () => {
    const owner = await seed(server).user().create();
    const other = await seed(server).user().create();
    const { sessionId: othersSession } = await converse(server, other.token, 'hello');
    const mine = server.subscribe(
      graphql(`subscription CrossUserChatChatMessageAdded($id: ID!) { chatMessageAdded(sessionId: $id) { message { content } } }`),
      {
        token: owner.token,
        variables: { id: othersSession },
      },
    );
    expect((await mine.next()).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await converse(server, other.token, 'help', othersSession);
    expect(mine.pending).toEqual([]);
    mine.close();
  });
});
