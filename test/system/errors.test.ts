import { describe, expect, it } from 'vitest';
import { seed } from '../helpers/seed.js';
import { captureLogs } from '../helpers/logs.js';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

/** Unexpected failures: masked for the client, logged (without secrets) for the operator. */
describe('an unexpected failure', () => {
  it('reaches the client as "Unexpected error." and the server log with its cause', async () => {
    const { logger, lines } = captureLogs('error');
    const server = await startTestServer({ logger });
    const { token } = await seed(server).user().withChatSession({ title: 'Broken' }).create();
    // Break the database under the server: the message count can no longer be read.
    await server.prisma.$executeRawUnsafe('DROP TABLE chat_messages CASCADE');

    const result = await server.graphql(graphql(`query ErrorsChatSessions { chatSessions { edges { node { title messageCount } } } }`), {
      token,
    });
    expect(result.status).toBe(200);
    expect(result.errors).toEqual([
      expect.objectContaining({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
    ]);
    expect(JSON.stringify(result)).not.toMatch(/chat_messages|relation|prisma|SELECT/i);

    const logged = lines.join('');
    expect(logged).toContain('unexpected error');
    expect(logged).toMatch(/chat_messages/);
    expect(logged).not.toContain(token);
  });
});
