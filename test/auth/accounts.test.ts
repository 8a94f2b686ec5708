import { parseOptions } from '@node-rs/argon2';
import { describe, expect, it, vi } from 'vitest';
import { hashSessionToken } from '../../src/auth/tokens.js';
import { seed, uniqueName } from '../helpers/seed.js';
import { startTestServer, type GraphQLResponse } from '../helpers/server.js';
import type { RegisterInput } from '../gql/graphql.js';
import { graphql } from '../helpers/graphql.js';

const server = await startTestServer();

const REGISTER = graphql(`
  mutation AccountsRegister($input: RegisterInput!) {
    register(input: $input) {
      token
      expiresAt
      user { id username name lastname timeZone usesServiceTimeZone role createdAt }
    }
  }
`);
const LOGIN = graphql(`
  mutation AccountsLogin($input: LoginInput!) {
    login(input: $input) { token expiresAt user { id username } }
  }
`);
const ME = graphql(`query AccountsMe { me { id username name lastname timeZone usesServiceTimeZone role } }`);

async function register(overrides: Partial<RegisterInput> = {}) {
  const input = { username: uniqueName('reg'), password: 'correct horse battery', name: 'Sara', lastname: 'Ahmadi', ...overrides };
  const data = await server.data(REGISTER, {
    variables: { input },
  });
  return { input, ...data.register! };
}

async function login(username: string, password: string) {
  return server.graphql(LOGIN, {
    variables: { input: { username, password } },
  });
}

function errorOf(result: Pick<GraphQLResponse, 'errors'>) {
  expect(result.errors, 'expected exactly one error').toHaveLength(1);
  return result.errors![0]!;
}

describe('registration', () => {
  it('creates the account, signs it in and stores only an argon2id hash and the token digest', async () => {
    const before = Date.now();
    const { input, token, expiresAt, user } = await register();
    expect(user).toMatchObject({
      username: input.username,
      name: 'Sara',
      lastname: 'Ahmadi',
      role: 'USER',
      timeZone: 'Asia/Tehran',
      usesServiceTimeZone: true,
    });
    // The default session lifetime is 30 days.
    const lifetimeDays = (Date.parse(expiresAt) - before) / 86_400_000;
    expect(lifetimeDays).toBeGreaterThan(29.99);
    expect(lifetimeDays).toBeLessThan(30.01);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const me = await server.data(ME, { token });
    expect(me.me).toMatchObject({ id: user!.id, username: input.username });

    const stored = await server.prisma.user.findUniqueOrThrow({ where: { username: input.username }, include: { authSessions: true } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    expect(parseOptions(stored.passwordHash)).toMatchObject({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    expect(stored.passwordHash).not.toContain(input.password);
    expect(stored.authSessions).toHaveLength(1);
    expect(stored.authSessions[0]!.tokenHash).toBe(hashSessionToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it('takes an optional time zone, in its canonical spelling', async () => {
    const { user } = await register({ timeZone: 'europe/berlin' });
    expect(user).toMatchObject({ timeZone: 'Europe/Berlin', usesServiceTimeZone: false });
  });

  it('refuses a taken username, whatever its case', async () => {
    const { input } = await register();
    for (const username of [input.username, input.username.toUpperCase()]) {
      const result = await server.graphql(REGISTER, { variables: { input: { ...input, username } } });
      expect(errorOf(result).extensions).toMatchObject({ code: 'CONFLICT', field: 'input.username' });
    }
    expect(await server.prisma.user.count({ where: { username: { equals: input.username, mode: 'insensitive' } } })).toBe(1);
  });

  it('lets only one of concurrent registrations of case variants of a name through', async () => {
    const base = uniqueName('race');
    const variants = [
      base,
      base.toUpperCase(),
      `${base[0]!.toUpperCase()}${base.slice(1)}`,
      base.replace(/[a-z]$/, (c) => c.toUpperCase()),
    ];
    const results = await Promise.all(
      variants.map((username) =>
        server.graphql(REGISTER, { variables: { input: { username, password: 'correct horse battery', name: 'R', lastname: 'C' } } }),
      ),
    );
    const succeeded = results.filter((result) => result.errors === undefined);
    expect(succeeded).toHaveLength(1);
    for (const result of results.filter((result) => result.errors !== undefined)) {
      expect(errorOf(result).extensions).toMatchObject({ code: 'CONFLICT', field: 'input.username' });
    }
    expect(await server.prisma.user.count({ where: { username: { equals: base, mode: 'insensitive' } } })).toBe(1);
  });

  it.each([
    ['username', 'ab', 'input.username'],
    ['username', 'a'.repeat(51), 'input.username'],
    ['username', 'has space', 'input.username'],
    ['username', 'émile', 'input.username'],
    ['password', 'seven77', 'input.password'],
    ['password', 'x'.repeat(257), 'input.password'],
    ['name', '   ', 'input.name'],
    ['name', 'n'.repeat(101), 'input.name'],
    ['lastname', '', 'input.lastname'],
    ['timeZone', 'Mars/Olympus', 'input.timeZone'],
    ['timeZone', '+03:30', 'input.timeZone'],
  ])('refuses %s %j with a BAD_USER_INPUT naming the field, writing nothing', async (key, value, field) => {
    const username = uniqueName('bad');
    const input = { username, password: 'long enough password', name: 'N', lastname: 'L', [key]: value };
    const result = await server.graphql(REGISTER, { variables: { input } });
    expect(result.data).toEqual({ register: null });
    expect(errorOf(result).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await server.prisma.user.count({ where: { username: { in: [username, String(value)] } } })).toBe(0);
  });

  it('accepts the boundaries: 3- and 50-character usernames, 8- and 256-character passwords', async () => {
    const short = `a${uniqueName('').slice(-2)}`;
    const long = `${uniqueName('b')}${'c'.repeat(50)}`.slice(0, 50);
    expect(long).toHaveLength(50);
    // Registered, and signed in with the password at the boundary.
    expect((await register({ username: short, password: '12345678' })).user.username).toBe(short);
    expect((await register({ username: long, password: 'p'.repeat(256) })).user.username).toBe(long);
    expect((await login(long, 'p'.repeat(256))).errors).toBeUndefined();
  });
});

describe('sign-in', () => {
  it('opens a new session per sign-in; each token works on its own', async () => {
    const { input, token: first } = await register();
    const result = await login(input.username, input.password);
    expect(result.errors).toBeUndefined();
    const second = result.data!.login!.token;
    expect(second).not.toBe(first);
    for (const token of [first, second]) {
      expect((await server.data(ME, { token })).me.username).toBe(input.username);
    }
  });

  it('records the client user agent on the session', async () => {
    const { input } = await register();
    await server.graphql(LOGIN, {
      variables: { input: { username: input.username, password: input.password } },
      headers: { 'user-agent': 'behflow-test/1.0' },
    });
    const sessions = await server.prisma.authSession.findMany({ where: { user: { username: input.username } } });
    expect(sessions.map((session) => session.userAgent)).toContain('behflow-test/1.0');
  });

  it('answers a wrong password and an unknown username identically', async () => {
    const { input } = await register();
    const wrongPassword = await login(input.username, 'not the password');
    const unknownUser = await login(uniqueName('ghost'), 'not the password');
    expect(wrongPassword.data).toEqual({ login: null });
    expect(errorOf(wrongPassword)).toEqual(errorOf(unknownUser));
    expect(errorOf(wrongPassword)).toMatchObject({ message: 'Invalid username or password.', extensions: { code: 'UNAUTHENTICATED' } });
    expect(wrongPassword.status).toBe(unknownUser.status);
  });

  it('refuses an inactive account, and its open sessions stop working', async () => {
    const { input, token } = await register();
    await server.prisma.user.update({ where: { username: input.username }, data: { isActive: false } });
    const result = await login(input.username, input.password);
    expect(errorOf(result).extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await server.graphql(ME, { token })).extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('never echoes the password or the token in an error', async () => {
    const secret = `s3cret-${uniqueName('pw')}`;
    const result = await server.graphql(LOGIN, { variables: { input: { username: 'x'.repeat(60), password: secret } } });
    expect(errorOf(result).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.username' });
    expect(JSON.stringify(result)).not.toContain(secret);
    const badToken = 'A'.repeat(43);
    const me = await server.graphql(ME, { token: badToken });
    expect(JSON.stringify(me)).not.toContain(badToken);
  });
});

describe('session required', () => {
  it('answers every non-public root field without a session with UNAUTHENTICATED', async () => {
    const { token: ownerToken } = await seed(server).user().create();
    const id = (await server.data(graphql(`query AccountsMe2 { me { id } }`), { token: ownerToken })).me.id;
    const operations = [
      '{ me { id } }',
      `{ node(id: "${id}") { id } }`,
      `{ nodes(ids: ["${id}"]) { id } }`,
      'mutation { logout { revokedSessions } }',
      'mutation { logoutEverywhere { revokedSessions } }',
      'mutation { updateProfile(input: { name: "X" }) { user { id } } }',
      'mutation { changePassword(input: { currentPassword: "whatever1", newPassword: "whatever2" }) { revokedSessions } }',
    ];
    for (const query of operations) {
      for (const token of [undefined, 'A'.repeat(43)]) {
        const result = await server.graphql(query, { token });
        // Nothing resolved: no data at all, or null in the (nullable) field.
        expect(
          Object.values(result.data ?? {}).filter((value) => value !== null),
          query,
        ).toEqual([]);
        expect(errorOf(result).extensions, query).toMatchObject({ code: 'UNAUTHENTICATED' });
      }
    }
  });

  it('keeps serverInfo public', async () => {
    const result = await server.graphql(graphql(`query AccountsServerInfo { serverInfo { version timeZone } }`));
    expect(result.errors).toBeUndefined();
  });

  it('ignores a user-id header: only the bearer token identifies the caller', async () => {
    const { user } = await seed(server).user().create();
    for (const header of ['x-user-id', 'user-id', 'x-user']) {
      const result = await server.graphql(graphql(`query AccountsMe3 { me { id } }`), { headers: { [header]: user.id } });
      expect(errorOf(result).extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
  });
});

describe('profile and password', () => {
  const UPDATE = graphql(`
    mutation AccountsUpdate($input: UpdateProfileInput!) {
      updateProfile(input: $input) { user { name lastname timeZone usesServiceTimeZone } }
    }
  `);
  const CHANGE = graphql(`
    mutation AccountsChange($input: ChangePasswordInput!) {
      changePassword(input: $input) { revokedSessions user { username } }
    }
  `);

  it('changes name, last name and time zone; null returns to the service zone; absent fields stay', async () => {
    const { token } = await register();
    const changed = await server.data(UPDATE, {
      token,
      variables: { input: { name: '  Reza ', lastname: 'Karimi', timeZone: 'America/New_York' } },
    });
    expect(changed.updateProfile!.user).toEqual({
      name: 'Reza',
      lastname: 'Karimi',
      timeZone: 'America/New_York',
      usesServiceTimeZone: false,
    });

    const reset = await server.data(UPDATE, {
      token,
      variables: { input: { timeZone: null } },
    });
    expect(reset.updateProfile!.user).toEqual({ name: 'Reza', lastname: 'Karimi', timeZone: 'Asia/Tehran', usesServiceTimeZone: true });
  });

  it('keeps a calendar preference: Gregorian for a new account, Jalali once chosen, null refused', async () => {
    const { token } = await register();
    const CALENDAR = graphql(
      `mutation AccountsCalendar($input: UpdateProfileInput!) { updateProfile(input: $input) { user { calendar name } } }`,
    );
    expect((await server.data(graphql(`query AccountsMe4 { me { calendar } }`), { token })).me.calendar).toBe('GREGORIAN');
    const changed = await server.data(CALENDAR, {
      token,
      variables: { input: { calendar: 'JALALI' } },
    });
    expect(changed.updateProfile!.user).toMatchObject({ calendar: 'JALALI' });
    // Another change leaves it as it is.
    const renamed = await server.data(CALENDAR, {
      token,
      variables: { input: { name: 'Sara' } },
    });
    expect(renamed.updateProfile!.user).toEqual({ calendar: 'JALALI', name: 'Sara' });
    const refused = await server.graphql(CALENDAR, { token, variables: { input: { calendar: null } } });
    expect(errorOf(refused).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.calendar' });
    expect((await server.data(graphql(`query AccountsMe5 { me { calendar } }`), { token })).me.calendar).toBe('JALALI');
  });

  it('refuses an invalid profile change, naming the field, changing nothing', async () => {
    const { token, input } = await register();
    for (const [change, field] of [
      [{ timeZone: 'Nowhere/City' }, 'input.timeZone'],
      [{ name: '' }, 'input.name'],
      [{ lastname: 'l'.repeat(101) }, 'input.lastname'],
    ] as const) {
      const result = await server.graphql(UPDATE, { token, variables: { input: { name: 'Changed', ...change } } });
      expect(errorOf(result).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const stored = await server.prisma.user.findUniqueOrThrow({ where: { username: input.username } });
    expect(stored).toMatchObject({ name: 'Sara', lastname: 'Ahmadi', timeZone: null });
  });

  it('changes the password, signs out every other session and keeps this one', async () => {
    const { input, token } = await register();
    const other = (await login(input.username, input.password)).data!.login!.token;
    const third = (await login(input.username, input.password)).data!.login!.token;

    const wrong = await server.graphql(CHANGE, {
      token,
      variables: { input: { currentPassword: 'not it at all', newPassword: 'brand new secret' } },
    });
    expect(errorOf(wrong).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.currentPassword' });
    const weak = await server.graphql(CHANGE, { token, variables: { input: { currentPassword: input.password, newPassword: 'short' } } });
    expect(errorOf(weak).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.newPassword' });
    // Neither failed attempt revoked anything.
    expect((await server.graphql(ME, { token: other })).errors).toBeUndefined();

    const changed = await server.data(CHANGE, {
      token,
      variables: { input: { currentPassword: input.password, newPassword: 'brand new secret' } },
    });
    expect(changed.changePassword!.revokedSessions).toBe(2);
    expect((await server.graphql(ME, { token })).errors).toBeUndefined();
    for (const revoked of [other, third]) {
      expect(errorOf(await server.graphql(ME, { token: revoked })).extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    expect(errorOf(await login(input.username, input.password)).extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await login(input.username, 'brand new secret')).errors).toBeUndefined();
  });
});

describe('sign-out', () => {
  it('logout revokes only the current session, at once', async () => {
    const { input, token } = await register();
    const other = (await login(input.username, input.password)).data!.login!.token;
    const result = await server.data(graphql(`mutation AccountsLogout { logout { revokedSessions } }`), { token });
    expect(result.logout!.revokedSessions).toBe(1);
    expect(errorOf(await server.graphql(ME, { token })).extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await server.graphql(ME, { token: other })).errors).toBeUndefined();
    const session = await server.prisma.authSession.findUniqueOrThrow({ where: { tokenHash: hashSessionToken(token) } });
    expect(session.revokedAt).not.toBeNull();
  });

  it("logoutEverywhere revokes every session of the user and no one else's", async () => {
    const { input, token } = await register();
    const other = (await login(input.username, input.password)).data!.login!.token;
    const bystander = await seed(server).user().create();
    const result = await server.data(graphql(`mutation AccountsLogoutEverywhere { logoutEverywhere { revokedSessions } }`), { token });
    expect(result.logoutEverywhere!.revokedSessions).toBe(2);
    for (const revoked of [token, other]) {
      expect(errorOf(await server.graphql(ME, { token: revoked })).extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    expect((await server.graphql(ME, { token: bystander.token })).errors).toBeUndefined();
  });

  it('an expired session fails at once, though the server remembers it', async () => {
    const { token, sessionId } = await seed(server).user().create();
    const expiresAt = new Date(Date.now() + 60_000);
    await server.prisma.authSession.update({ where: { id: sessionId }, data: { expiresAt } });
    expect((await server.graphql(ME, { token })).errors).toBeUndefined();
    expect((await server.graphql(ME, { token })).errors).toBeUndefined();
    // The expiry itself, not a change to the database, ends it: the server (in this process)
    // reads a clock moved past the expiry, with the session still in its memory.
    vi.useFakeTimers({ toFake: ['Date'], now: expiresAt.getTime() + 1 });
    try {
      expect(errorOf(await server.graphql(ME, { token })).extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    } finally {
      vi.useRealTimers();
    }
    // Nothing else ended it: on the real clock it is still valid.
    expect((await server.graphql(ME, { token })).errors).toBeUndefined();
  });
});
