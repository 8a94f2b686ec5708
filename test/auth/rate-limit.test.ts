import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/database.js';
import { uniqueName } from '../helpers/seed.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, graphql } from '../helpers/graphql.js';

const LIMITS = {
  BEHFLOW_LOGIN_WINDOW_SECONDS: '600',
  BEHFLOW_LOGIN_MAX_FAILURES_PER_USERNAME: '3',
  BEHFLOW_LOGIN_MAX_FAILURES_PER_ADDRESS: '1000',
};
// Two instances sharing a database: the limit must hold across them.
const databaseUrl = await createTestDatabase();
const first = await startTestServer({ databaseUrl, env: LIMITS });
const second = await startTestServer({ databaseUrl, env: LIMITS });
// Every request of the tests comes from 127.0.0.1: the per-address limit gets a server of its own.
const addressLimited = await startTestServer({
  env: { ...LIMITS, BEHFLOW_LOGIN_MAX_FAILURES_PER_USERNAME: '1000', BEHFLOW_LOGIN_MAX_FAILURES_PER_ADDRESS: '4' },
});

const LOGIN = graphql(`mutation RateLimitLogin($input: LoginInput!) { login(input: $input) { token } }`);
const PASSWORD = 'the right password';

async function registered(server: TestServer) {
  const username = uniqueName('rl');
  await server.data(graphql(`mutation RateLimitRegister($input: RegisterInput!) { register(input: $input) { token } }`), {
    variables: { input: { username, password: PASSWORD, name: 'R', lastname: 'L' } },
  });
  return username;
}

const login = (server: TestServer, username: string, password: string) =>
  server.graphql(LOGIN, { variables: { input: { username, password } } });

/** Behind one trusted proxy, so each request says which address it comes from. */
const proxied = await startTestServer({
  env: { ...LIMITS, BEHFLOW_TRUST_PROXY: '1', BEHFLOW_LOGIN_MAX_FAILURES_PER_USERNAME_ANY_ADDRESS: '7' },
});
const loginFrom = (address: string, username: string, password: string) =>
  proxied.graphql(LOGIN, { variables: { input: { username, password } }, headers: { 'x-forwarded-for': address } });

describe('login rate limit across addresses', () => {
  it('locks out the address that guessed, not the owner signing in from another', async () => {
    const username = await registered(proxied);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await loginFrom('198.51.100.7', username, 'wrong guess')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect((await loginFrom('198.51.100.7', username, PASSWORD)).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    const owner = await loginFrom('203.0.113.9', username, PASSWORD);
    expect(owner.errors).toBeUndefined();
    expect(owner.data?.login?.token).toEqual(expect.any(String));
    // The owner's success does not lift the stranger's lockout.
    expect((await loginFrom('198.51.100.7', username, PASSWORD)).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });

  it('still bounds guessing spread over many addresses, per username', async () => {
    const username = await registered(proxied);
    // 3 addresses × 2 failures, and one more: 7 in all, the most allowed for the username.
    for (const address of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) {
      for (let attempt = 0; attempt < 2; attempt += 1) {
        expect((await loginFrom(address, username, 'wrong guess')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      }
    }
    expect((await loginFrom('192.0.2.4', username, 'wrong guess')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const refused = await loginFrom('192.0.2.5', username, 'wrong guess');
    expectError(refused, 'RATE_LIMITED');
  });
});

describe('login rate limit', () => {
  it('refuses a username from an address after too many failures there, on every instance, even with the right password', async () => {
    const username = await registered(first);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const failure = await login(attempt % 2 ? second : first, username, 'wrong guess');
      expectError(failure, 'UNAUTHENTICATED');
    }
    for (const [server, password] of [
      [second, 'wrong guess'],
      [first, PASSWORD],
      [second, PASSWORD],
    ] as const) {
      const refused = await login(server, username, password);
      expect(refused.data).toEqual({ login: null });
      expect(refused.errors).toHaveLength(1);
      const error = refused.errors![0]!;
      expect(error.extensions?.code).toBe('RATE_LIMITED');
      expect(error.extensions?.retryAfterSeconds).toBeGreaterThan(0);
      expect(error.extensions?.retryAfterSeconds).toBeLessThanOrEqual(600);
      expect(error.message).toMatch(/Too many failed sign-in attempts\. Try again in \d+ seconds\./);
    }
    // Case variants of the name share its limit.
    expect((await login(first, username.toUpperCase(), 'wrong guess')).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    // Another username is not affected.
    const other = await registered(first);
    expect((await login(second, other, PASSWORD)).errors).toBeUndefined();
  });

  it('applies to unknown usernames exactly as to real ones', async () => {
    const ghost = uniqueName('ghost');
    for (let attempt = 0; attempt < 3; attempt += 1) await login(first, ghost, 'wrong guess');
    expect((await login(second, ghost, 'wrong guess')).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });

  it('forgets the failures of a username once it signs in successfully', async () => {
    const username = await registered(first);
    await login(first, username, 'typo one');
    await login(first, username, 'typo two');
    expect((await login(second, username, PASSWORD)).errors).toBeUndefined();
    await login(first, username, 'typo three');
    await login(first, username, 'typo four');
    expect((await login(second, username, PASSWORD)).errors).toBeUndefined();
  });

  it('keeps its state in PostgreSQL: refused attempts do not extend the lockout', async () => {
    const username = uniqueName('count');
    for (let attempt = 0; attempt < 6; attempt += 1) await login(first, username, 'wrong guess');
    expect(await first.prisma.loginAttempt.count({ where: { username: username.toLowerCase() } })).toBe(3);
  });

  it('also limits a client address across usernames', async () => {
    for (let attempt = 0; attempt < 4; attempt += 1) {
      expect((await login(addressLimited, uniqueName('spray'), 'wrong guess')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const username = await registered(addressLimited);
    const refused = await login(addressLimited, username, PASSWORD);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('limits password-change guesses with a stolen session too', async () => {
    const username = await registered(first);
    const { token } = (await first.data(LOGIN, { variables: { input: { username, password: PASSWORD } } })).login!;
    const change = (currentPassword: string) =>
      first.graphql(
        graphql(`mutation RateLimitChangePassword($input: ChangePasswordInput!) { changePassword(input: $input) { revokedSessions } }`),
        {
          token,
          variables: { input: { currentPassword, newPassword: 'a brand new one' } },
        },
      );
    for (let attempt = 0; attempt < 3; attempt += 1) expect((await change('guess')).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await change(PASSWORD)).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });
});
