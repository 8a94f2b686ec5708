import { createClient, type FormattedExecutionResult } from 'graphql-ws';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestDatabase } from '../helpers/database.js';
import { uniqueName } from '../helpers/seed.js';
import { startTestServer, type GraphQLResponse, type TestServer } from '../helpers/server.js';
import type { RegisterInput } from '../gql/graphql.js';
import { expectError, graphql } from '../helpers/graphql.js';

const REGISTER = graphql(
  `mutation RegisterRateLimitRegister($input: RegisterInput!) { register(input: $input) { token user { username } } }`,
);
const LIMIT = {
  BEHFLOW_REGISTER_MAX_PER_ADDRESS: '3',
  BEHFLOW_REGISTER_WINDOW_SECONDS: '3600',
  // As low as the registration limit: were registrations counted as failed sign-ins, it would show.
  BEHFLOW_LOGIN_MAX_FAILURES_PER_ADDRESS: '3',
};

// Two instances sharing a database, trusting no proxy (the default): the limit must hold across them.
const databaseUrl = await createTestDatabase();
const first = await startTestServer({ databaseUrl, env: LIMIT });
const second = await startTestServer({ databaseUrl, env: LIMIT });
// Behind one reverse proxy, which appends the address it received the request from.
const proxied = await startTestServer({ env: { ...LIMIT, BEHFLOW_TRUST_PROXY: 'true' } });

const newAccount = (overrides: Partial<RegisterInput> = {}): RegisterInput => ({
  username: uniqueName('reg'),
  password: 'a good password',
  name: 'Reg',
  lastname: 'Limit',
  ...overrides,
});

const register = (server: TestServer, input: RegisterInput, forwardedFor?: string) =>
  server.graphql(REGISTER, { variables: { input }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });

function expectRateLimited(result: Pick<GraphQLResponse, 'data' | 'errors'>) {
  // The payload is null: the mutation did nothing.
  expect((result.data as object | null | undefined) ?? { register: null }).toEqual({ register: null });
  expect(result.errors).toHaveLength(1);
  const error = result.errors![0]!;
  expect(error.extensions?.code).toBe('RATE_LIMITED');
  expect(error.extensions?.retryAfterSeconds).toBeGreaterThan(0);
  expect(error.extensions?.retryAfterSeconds).toBeLessThanOrEqual(3600);
  expect(error.message).toMatch(/^Too many accounts registered from this address\. Try again in \d+ seconds\.$/);
}

/** Runs one operation over a graphql-ws connection whose upgrade request carries `X-Forwarded-For`. */
const wsClients: Array<ReturnType<typeof createClient>> = [];
afterAll(async () => {
  for (const client of wsClients) await client.dispose();
});
async function registerOverWebSocket(server: TestServer, input: RegisterInput, forwardedFor: string) {
  class ForwardedWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers: { 'x-forwarded-for': forwardedFor } });
    }
  }
  const client = createClient({ url: server.wsUrl, webSocketImpl: ForwardedWebSocket, retryAttempts: 0, lazy: true });
  wsClients.push(client);
  return new Promise<FormattedExecutionResult<Record<string, unknown>, unknown>>((resolve, reject) => {
    let result: FormattedExecutionResult<Record<string, unknown>, unknown> | undefined;
    client.subscribe(
      { query: String(REGISTER), variables: { input } },
      { next: (value) => (result = value), error: reject, complete: () => (result ? resolve(result) : reject(new Error('no result'))) },
    );
  });
}

const registeredUsernames: string[] = [];
const LOGIN = graphql(`mutation RegisterRateLimitLogin($input: LoginInput!) { login(input: $input) { token } }`);

const attemptsFrom = (server: TestServer, clientAddress: string) =>
  server.prisma.loginAttempt.count({ where: { kind: 'register', clientAddress } });

describe('registration rate limit', () => {
  it('refuses an address after too many registrations, on every instance, without creating the account', async () => {
    // Neither bad input nor a client-chosen X-Forwarded-For changes anything when no proxy is trusted.
    expect((await register(first, newAccount({ password: 'short' }), '198.51.100.1')).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    for (const [index, server] of [first, second, first].entries()) {
      const input = newAccount();
      const result = await register(server, input, `198.51.100.${index + 10}`);
      expect(result.errors).toBeUndefined();
      registeredUsernames.push(input.username);
    }
    // An input error is answered as before, costing nothing.
    expect((await register(second, newAccount({ username: 'x' }), '198.51.100.20')).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const refused = newAccount();
    expectRateLimited(await register(second, refused, '198.51.100.21'));
    expectRateLimited(await register(first, newAccount(), '203.0.113.99, 198.51.100.22'));
    expect(await first.prisma.user.count({ where: { username: refused.username } })).toBe(0);
    // Counted under the peer address; refused attempts are not recorded, so they do not extend the wait.
    expect(await attemptsFrom(first, '127.0.0.1')).toBe(3);
    expect(await first.prisma.loginAttempt.count({ where: { clientAddress: { startsWith: '198.51.100.' } } })).toBe(0);
  });

  it('keeps registrations and sign-ins apart', async () => {
    // The address is at its registration limit, yet its sign-ins are judged on their own.
    const failed = await first.graphql(LOGIN, { variables: { input: { username: uniqueName('nobody'), password: 'whatever it is' } } });
    expectError(failed, 'UNAUTHENTICATED');
    const [username] = registeredUsernames;
    expect(
      (await second.graphql(LOGIN, { variables: { input: { username: username!, password: 'a good password' } } })).errors,
    ).toBeUndefined();
    // A successful sign-in forgets that name's failed sign-ins, not the registrations it made.
    expect(await attemptsFrom(first, '127.0.0.1')).toBe(3);
    expectRateLimited(await register(first, newAccount()));
  });
});

describe('client address behind a trusted proxy (BEHFLOW_TRUST_PROXY)', () => {
  it('takes the address the proxy appended, whatever the client put to its left', async () => {
    const client = '203.0.113.7';
    for (let index = 0; index < 3; index += 1) {
      // A client may send its own X-Forwarded-For; the proxy appends the address it saw.
      const forged = `10.0.0.${index}, ${client}`;
      expect((await register(proxied, newAccount(), index === 0 ? client : forged)).errors).toBeUndefined();
    }
    expectRateLimited(await register(proxied, newAccount(), `192.0.2.55, ${client}`));
    expect(await attemptsFrom(proxied, client)).toBe(3);
    expect(await proxied.prisma.loginAttempt.count({ where: { clientAddress: { startsWith: '10.0.0.' } } })).toBe(0);

    // Another client behind the same proxy has its own allowance.
    expect((await register(proxied, newAccount(), '203.0.113.8')).errors).toBeUndefined();
    expect(await attemptsFrom(proxied, '203.0.113.8')).toBe(1);
  });

  it('applies to graphql-ws connections through their upgrade request', async () => {
    const client = '203.0.113.9';
    for (let index = 0; index < 3; index += 1) {
      const result = await registerOverWebSocket(proxied, newAccount(), `192.0.2.${index}, ${client}`);
      expect(result.errors).toBeUndefined();
    }
    expectRateLimited(await registerOverWebSocket(proxied, newAccount(), client));
    expect(await attemptsFrom(proxied, client)).toBe(3);
  });

  it('ignores the header over graphql-ws when no proxy is trusted', async () => {
    // `second` shares the database whose 127.0.0.1 allowance the first test used up.
    expectRateLimited(await registerOverWebSocket(second, newAccount(), '203.0.113.10'));
    expect(await attemptsFrom(second, '203.0.113.10')).toBe(0);
  });
});

describe('IPv6 clients', () => {
  it('share one allowance per /64: picking another address of the same prefix gains nothing', async () => {
    for (let index = 1; index <= 3; index += 1) {
      expect((await register(proxied, newAccount(), `2001:db8:aa:1::${index}`)).errors).toBeUndefined();
    }
    expectRateLimited(await register(proxied, newAccount(), '2001:db8:aa:1:ffff:ffff:ffff:fffe'));
    expectRateLimited(await register(proxied, newAccount(), '2001:0DB8:00AA:0001::abcd'));
    expect(await attemptsFrom(proxied, '2001:db8:aa:1::/64')).toBe(3);
    // The neighbouring /64 is someone else.
    expect((await register(proxied, newAccount(), '2001:db8:aa:2::1')).errors).toBeUndefined();
  });
});
