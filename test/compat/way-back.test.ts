import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

/**
 * An operator trying this server on the original Behflow's database must be able to go back:
 * whatever happens here, the original backend still signs every user in. It checks passwords
 * with Python's `bcrypt.checkpw` on the stored `password_hash`, so that is how this test checks them.
 */
const ORIGINAL_SQL = readFileSync(new URL('../fixtures/behflow-original.sql', import.meta.url), 'utf8');
const LEGACY = { username: 'legacy_user', password: 'behflow-legacy-pass' };

const pythonBcrypt = (() => {
  try {
    execFileSync('python3', ['-c', 'import bcrypt'], { stdio: 'ignore' });
    return true;
  } catch {
    process.stdout.write('[way back] Python bcrypt is missing (apt-get install python3-bcrypt): checking with bcryptjs instead\n');
    return false;
  }
})();

/** What the original's `AuthService.verify_password` answers: `bcrypt.checkpw`, False on any exception ("Invalid salt"). */
async function originalAccepts(password: string, stored: string): Promise<boolean> {
  if (!pythonBcrypt) return bcrypt.compare(password, stored).catch(() => false);
  const script = [
    'import sys, bcrypt',
    'try:',
    '    print(bcrypt.checkpw(sys.argv[1].encode("utf-8"), sys.argv[2].encode("utf-8")))',
    'except Exception:',
    '    print(False)',
  ].join('\n');
  return execFileSync('python3', ['-c', script, password, stored], { encoding: 'utf8' }).trim() === 'True';
}

async function originalDatabase(): Promise<string> {
  const url = await createEmptyDatabase('behflow_way_back');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(ORIGINAL_SQL);
  await client.end();
  return url;
}

const storedHash = async (server: TestServer, username: string) =>
  (await server.prisma.user.findUniqueOrThrow({ where: { username }, select: { passwordHash: true } })).passwordHash;

const signIn = (server: TestServer, username: string, password: string) =>
  server.data(graphql(`mutation WayBackLogin($input: LoginInput!) { login(input: $input) { token } }`), {
    variables: { input: { username, password } },
  });

describe('an adopted database stays usable by the original backend (BEHFLOW_PASSWORD_HASH=auto, the default)', () => {
  let url: string;
  let server: TestServer;
  let legacyHash: string;
  beforeAll(async () => {
    url = await originalDatabase();
    server = await startTestServer({ databaseUrl: url });
    legacyHash = await storedHash(server, LEGACY.username);
  });

  it('keeps a legacy bcrypt hash exactly as it was after signing in here, so the original still accepts it', async () => {
    await signIn(server, LEGACY.username, LEGACY.password);
    await signIn(server, LEGACY.username, LEGACY.password);
    const after = await storedHash(server, LEGACY.username);
    expect(after).toBe(legacyHash);
    expect(await originalAccepts(LEGACY.password, after)).toBe(true);
    expect(await originalAccepts('not the password', after)).toBe(false);
  });

  it('hashes new accounts and changed passwords with bcrypt as the original does ($2b$, cost 12)', async () => {
    const password = 'a new account here';
    const { register } = await server.data(
      graphql(`mutation WayBackRegister($input: RegisterInput!) { register(input: $input) { token } }`),
      { variables: { input: { username: 'newcomer', password, name: 'New', lastname: 'Comer' } } },
    );
    const registered = await storedHash(server, 'newcomer');
    expect(registered).toMatch(/^\$2b\$12\$/);
    expect(await originalAccepts(password, registered)).toBe(true);

    await server.data(
      graphql(`mutation WayBackChangePassword($input: ChangePasswordInput!) { changePassword(input: $input) { user { id } } }`),
      {
        token: register!.token,
        variables: { input: { currentPassword: password, newPassword: 'changed here, read there' } },
      },
    );
    const changed = await storedHash(server, 'newcomer');
    expect(changed).toMatch(/^\$2b\$12\$/);
    expect(await originalAccepts('changed here, read there', changed)).toBe(true);
    await signIn(server, 'newcomer', 'changed here, read there');
  });

  it('refuses a new password bcrypt would cut short (over 72 bytes), naming the field', async () => {
    const result = await server.graphql(
      graphql(`mutation WayBackRegister2($input: RegisterInput!) { register(input: $input) { token } }`),
      {
        variables: { input: { username: 'longpass', password: 'ب'.repeat(40), name: 'Long', lastname: 'Pass' } },
      },
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.password' });
    expect(await server.prisma.user.count({ where: { username: 'longpass' } })).toBe(0);
  });

  it('still knows the database was adopted at a later start', async () => {
    await server.stop();
    server = await startTestServer({ databaseUrl: url });
    await server.data(graphql(`mutation WayBackRegister3($input: RegisterInput!) { register(input: $input) { token } }`), {
      variables: { input: { username: 'after_restart', password: 'registered later', name: 'Later', lastname: 'On' } },
    });
    const hash = await storedHash(server, 'after_restart');
    expect(hash).toMatch(/^\$2b\$12\$/);
    expect(await originalAccepts('registered later', hash)).toBe(true);
  });

  afterAll(() => server.stop());
});

describe('an operator who opts in to argon2id on an adopted database (BEHFLOW_PASSWORD_HASH=argon2id)', () => {
  it('re-hashes on sign-in, and the original backend then refuses that user (the documented consequence)', async () => {
    const server = await startTestServer({ databaseUrl: await originalDatabase(), env: { BEHFLOW_PASSWORD_HASH: 'argon2id' } });
    await signIn(server, LEGACY.username, LEGACY.password);
    const after = await storedHash(server, LEGACY.username);
    expect(after).toMatch(/^\$argon2id\$/);
    expect(await originalAccepts(LEGACY.password, after)).toBe(false);
    await signIn(server, LEGACY.username, LEGACY.password);
    await server.stop();
  });

  it('can change its mind: back on bcrypt, the next sign-in makes the hash readable by the original again', async () => {
    const url = await originalDatabase();
    const trial = await startTestServer({ databaseUrl: url, env: { BEHFLOW_PASSWORD_HASH: 'argon2id' } });
    await signIn(trial, LEGACY.username, LEGACY.password);
    expect(await storedHash(trial, LEGACY.username)).toMatch(/^\$argon2id\$/);
    await trial.stop();
    const back = await startTestServer({ databaseUrl: url });
    await signIn(back, LEGACY.username, LEGACY.password);
    const hash = await storedHash(back, LEGACY.username);
    expect(hash).toMatch(/^\$2b\$12\$/);
    expect(await originalAccepts(LEGACY.password, hash)).toBe(true);
    await back.stop();
  });
});

describe('a database this server created (BEHFLOW_PASSWORD_HASH=auto)', () => {
  it('hashes with argon2id, and moves a bcrypt hash to argon2id on sign-in', async () => {
    const server = await startTestServer();
    await server.data(graphql(`mutation WayBackRegister4($input: RegisterInput!) { register(input: $input) { token } }`), {
      variables: { input: { username: 'fresh', password: 'fresh password', name: 'Fresh', lastname: 'Start' } },
    });
    expect(await storedHash(server, 'fresh')).toMatch(/^\$argon2id\$/);
    await server.prisma.user.update({ where: { username: 'fresh' }, data: { passwordHash: await bcrypt.hash('fresh password', 10) } });
    await signIn(server, 'fresh', 'fresh password');
    expect(await storedHash(server, 'fresh')).toMatch(/^\$argon2id\$/);
    await server.stop();
  });
});
