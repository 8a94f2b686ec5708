import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer();

describe('credentials containing a NUL character', () => {
  it('are refused as bad input naming the field, not as an unexpected error', async () => {
    const login = `mutation($input: LoginInput!) { login(input: $input) { token } }`;
    const username = await server.graphql(login, { variables: { input: { username: 'sara\u0000', password: 'whatever1' } } });
    expect(username.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.username' });
  });
});
