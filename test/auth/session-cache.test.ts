// Sessions are answered from memory on each instance, yet every revocation and account change
// takes effect at once on all instances sharing the database.
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/database.js';
import { seed, uniqueName } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

const databaseUrl = await createTestDatabase();
const [a, b] = await Promise.all([startTestServer({ databaseUrl }), startTestServer({ databaseUrl })]);

const ME = graphql(`query SessionCacheMe { me { id } }`);
const refused = async (token: string) => (await b.graphql(ME, { token })).errors?.[0]?.extensions?.code;

async function registered() {
  const input = { username: uniqueName('cache'), password: 'a long password', name: 'Cache', lastname: 'Test' };
  const { register } = await a.data(
    graphql(`mutation SessionCacheRegister($input: RegisterInput!) { register(input: $input) { token } }`),
    { variables: { input } },
  );
  return { input, token: register!.token };
}

describe('the session cache', () => {
  it('answers signed-in requests without a database round trip, writing last_used_at at most once a minute', async () => {
    const { sessionId, token } = await seed(a).user().create();
    await a.prisma.authSession.update({ where: { id: sessionId }, data: { lastUsedAt: new Date(Date.now() - 120_000) } });
    const { statements } = await a.queries.record(async () => {
      for (let i = 0; i < 20; i += 1) await a.data(graphql(`query SessionCacheTypename { __typename }`), { token });
      // The last_used_at write does not hold up the request: wait for it to land.
      await expect
        .poll(async () => Date.now() - (await a.prisma.authSession.findUniqueOrThrow({ where: { id: sessionId } })).lastUsedAt.getTime(), {
          timeout: 5_000,
          interval: 20,
        })
        .toBeLessThan(60_000);
    });
    const sent = statements.filter((sql) => /auth_sessions/.test(sql) && !/"public"\."auth_sessions"/.test(sql));
    // 20 requests: one lookup, one last_used_at update, nothing else.
    expect(sent).toHaveLength(2);
    expect(sent.filter((sql) => /^SELECT/.test(sql))).toHaveLength(1);
    expect(sent.filter((sql) => /^UPDATE auth_sessions SET last_used_at/.test(sql))).toHaveLength(1);
  });

  it('forgets a session signed out on another instance before that sign-out returns', async () => {
    const { token } = await registered();
    expect(await refused(token)).toBeUndefined();
    expect(await refused(token)).toBeUndefined();
    await a.data(graphql(`mutation SessionCacheLogout { logout { revokedSessions } }`), { token });
    expect(await refused(token)).toBe('UNAUTHENTICATED');
  });

  it('forgets every session on sign-out everywhere and password change, on every instance', async () => {
    const { input, token } = await registered();
    const login = async () =>
      (
        await a.data(graphql(`mutation SessionCacheLogin($input: LoginInput!) { login(input: $input) { token } }`), {
          variables: { input: { username: input.username, password: input.password } },
        })
      ).login!.token;
    const [second, third] = [await login(), await login()];
    for (const session of [token, second, third]) expect(await refused(session)).toBeUndefined();
    await a.data(
      graphql(`mutation SessionCacheChangePassword($input: ChangePasswordInput!) { changePassword(input: $input) { revokedSessions } }`),
      {
        token,
        variables: { input: { currentPassword: input.password, newPassword: 'another long password' } },
      },
    );
    expect(await refused(second)).toBe('UNAUTHENTICATED');
    expect(await refused(third)).toBe('UNAUTHENTICATED');
    expect(await refused(token)).toBeUndefined();
    await a.data(graphql(`mutation SessionCacheLogoutEverywhere { logoutEverywhere { revokedSessions } }`), { token });
    expect(await refused(token)).toBe('UNAUTHENTICATED');
  });

  it("renders in the viewer's new time zone on every instance as soon as it is changed", async () => {
    const { token } = await seed(a).user().inZone('UTC').create();
    const { createTask } = await a.data(
      graphql(`mutation SessionCacheCreateTask { createTask(input: { name: "zoned", dueAt: "2031-01-01T12:00:00Z" }) { task { id } } }`),
      { token },
    );
    const rendered = async () =>
      (
        await b.data(graphql(`query SessionCacheTask($id: ID!) { task(id: $id) { dueAtJalali } }`), {
          token,
          variables: { id: createTask!.task.id },
        })
      ).task!.dueAtJalali;
    expect(await rendered()).toBe('1409-10-11T12:00:00');
    await a.data(
      graphql(`mutation SessionCacheUpdateProfile { updateProfile(input: { timeZone: "Asia/Tehran" }) { user { timeZone } } }`),
      { token },
    );
    expect(await rendered()).toBe('1409-10-11T15:30:00');
  });

  it('answers nothing from memory while the instance cannot hear announcements', async () => {
    const { user, token } = await seed(a).user().create();
    const other = await seed(a).session(user.id);
    expect(await refused(token)).toBeUndefined();
    expect(await refused(other.token)).toBeUndefined();
    // Cut the listening connections (the instances reconnect on their own).
    await a.prisma.$executeRawUnsafe(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
    );
    await expect.poll(() => b.running.events.isListening(), { timeout: 5_000, interval: 10 }).toBe(false);
    // Revoked behind every instance's back: no announcement can arrive now.
    await a.prisma.authSession.updateMany({ where: { userId: user.id }, data: { revokedAt: new Date() } });
    expect(await refused(token)).toBe('UNAUTHENTICATED');
    // Back: what was remembered from before is gone.
    await expect.poll(() => b.running.events.isListening(), { timeout: 10_000, interval: 20 }).toBe(true);
    expect(await refused(other.token)).toBe('UNAUTHENTICATED');
  });
});
