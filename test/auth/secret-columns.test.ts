// Password and token hashes are read by the operations that check them, and by nothing else.
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../helpers/seed.js';
import { graphql } from '../helpers/graphql.js';
import { startTestServer, type GraphQLResponse } from '../helpers/server.js';

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
    const run = async <TData>(name: string, request: () => Promise<GraphQLResponse<TData>>) => {
      const { result, statements } = await server.queries.record(request);
      expect(result.errors, name).toBeUndefined();
      reads[name] = statements.map(columnsRead).filter((columns) => /password_hash|token_hash/.test(columns));
      return result.data!;
    };
    const registered = await run('register', () =>
      server.graphql(
        graphql(`mutation SecretColumnsRegister($input: RegisterInput!) { register(input: $input) { token user { id username } } }`),
        {
          variables: { input: { username, password, name: 'S', lastname: 'C' } },
        },
      ),
    );
    const token = registered.register!.token;
    await run('login', () =>
      server.graphql(graphql(`mutation SecretColumnsLogin($input: LoginInput!) { login(input: $input) { token user { username } } }`), {
        variables: { input: { username, password } },
      }),
    );
    await run('me', () =>
      server.graphql(graphql(`query SecretColumnsMe { me { id username name lastname timeZone role createdAt updatedAt } }`), { token }),
    );
    await run('updateProfile', () =>
      server.graphql(graphql(`mutation SecretColumnsUpdateProfile { updateProfile(input: { name: "New" }) { user { name timeZone } } }`), {
        token,
      }),
    );
    const created = await run('createTask', () =>
      server.graphql(
        graphql(`mutation SecretColumnsCreateTask { createTask(input: { name: "t" }) { task { id owner { id username name } } } }`),
        { token },
      ),
    );
    await run('tasks', () =>
      server.graphql(
        graphql(`query SecretColumnsTasks { tasks(first: 5) { totalCount edges { node { id name owner { name lastname role } } } } }`),
        { token },
      ),
    );
    await run('node', () =>
      server.graphql(graphql(`query SecretColumnsNode($id: ID!) { node(id: $id) { id ... on Task { owner { username } } } }`), {
        token,
        variables: { id: created.createTask!.task.id },
      }),
    );
    await run('chat', () =>
      server.graphql(graphql(`mutation SecretColumnsChat { sendChatMessage(input: { content: "hello" }) { message { id } } }`), { token }),
    );
    await run('changePassword', () =>
      server.graphql(
        graphql(
          `mutation SecretColumnsChangePassword($input: ChangePasswordInput!) { changePassword(input: $input) { revokedSessions user { username } } }`,
        ),
        { token, variables: { input: { currentPassword: password, newPassword: 'another long password' } } },
      ),
    );
    await run('logout', () => server.graphql(graphql(`mutation SecretColumnsLogout { logout { revokedSessions } }`), { token }));

    const readers = Object.entries(reads)
      .filter(([, columns]) => columns.length > 0)
      .map(([name]) => name);
    expect(readers.sort()).toEqual(['changePassword', 'login']);
    for (const columns of [...reads.login!, ...reads.changePassword!]) expect(columns).not.toMatch(/token_hash/);
  });
});
