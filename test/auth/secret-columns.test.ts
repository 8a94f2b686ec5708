// Password and token hashes are read by the operations that check them, and by nothing else.
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer();

/** The columns a statement reads: its select list, or what it returns. */
function columnsRead(sql: string): string {
  const returning = /\bRETURNING\b([\s\S]*)$/i.exec(sql);
  if (returning) return returning[1]!;
  const select = /^\s*(?:WITH[\s\S]*?\)\s*)?SELECT\b([\s\S]*?)\bFROM\b/i.exec(sql);
  return select?.[1] ?? '';
}

describe('secret columns', () => {
  it('are read only by sign-in and password change', async () => {
    const password = 'a long password';
    const username = uniqueName('secret');
    const reads: Record<string, string[]> = {};
    const run = async (name: string, query: string, variables: Record<string, unknown> = {}, token?: string) => {
      const { result, statements } = await server.queries.record(() => server.graphql(query, { variables, token }));
      expect(result.errors, name).toBeUndefined();
      reads[name] = statements.map(columnsRead).filter((columns) => /password_hash|token_hash/.test(columns));
      return result.data as Record<string, any>;
    };
    const registered = await run(
      'register',
      'mutation($input: RegisterInput!) { register(input: $input) { token user { id username } } }',
      {
        input: { username, password, name: 'S', lastname: 'C' },
      },
    );
    const token = registered.register.token as string;
    await run('login', 'mutation($input: LoginInput!) { login(input: $input) { token user { username } } }', {
      input: { username, password },
    });
    await run('me', '{ me { id username name lastname timeZone role createdAt updatedAt } }', {}, token);
    await run('updateProfile', 'mutation { updateProfile(input: { name: "New" }) { user { name timeZone } } }', {}, token);
    const created = await run(
      'createTask',
      'mutation { createTask(input: { name: "t" }) { task { id owner { id username name } } } }',
      {},
      token,
    );
    await run('tasks', '{ tasks(first: 5) { totalCount edges { node { id name owner { name lastname role } } } } }', {}, token);
    await run(
      'node',
      'query($id: ID!) { node(id: $id) { id ... on Task { owner { username } } } }',
      { id: created.createTask.task.id },
      token,
    );
    await run('chat', 'mutation { sendChatMessage(input: { content: "hello" }) { message { id } } }', {}, token);
    await run(
      'changePassword',
      'mutation($input: ChangePasswordInput!) { changePassword(input: $input) { revokedSessions user { username } } }',
      {
        input: { currentPassword: password, newPassword: 'another long password' },
      },
      token,
    );
    await run('logout', 'mutation { logout { revokedSessions } }', {}, token);

    const readers = Object.entries(reads)
      .filter(([, columns]) => columns.length > 0)
      .map(([name]) => name);
    expect(readers.sort()).toEqual(['changePassword', 'login']);
    for (const columns of [...reads.login!, ...reads.changePassword!]) expect(columns).not.toMatch(/token_hash/);
  });
});
