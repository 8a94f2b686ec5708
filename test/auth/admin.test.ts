import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/database.js';
import { seed, uniqueName } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

const run = promisify(execFile);
const databaseUrl = await createTestDatabase();
const namedAdmin = uniqueName('boss');
const server = await startTestServer({ databaseUrl, env: { BEHFLOW_ADMIN_USERNAMES: ` ${namedAdmin} , someone_else ` } });

const REGISTER = graphql(`mutation AdminRegister($input: RegisterInput!) { register(input: $input) { token user { role } } }`);
const roleOf = async (token: string) => (await server.data(graphql(`query AdminMe { me { role } }`), { token })).me.role;

describe('administrators', () => {
  it('are named by BEHFLOW_ADMIN_USERNAMES at registration; everyone else is a user', async () => {
    const admin = await server.data(REGISTER, {
      variables: { input: { username: namedAdmin, password: 'admin password', name: 'A', lastname: 'D' } },
    });
    expect(admin.register!.user.role).toBe('ADMIN');
    const plain = await server.data(REGISTER, {
      variables: { input: { username: uniqueName('plain'), password: 'user password', name: 'U', lastname: 'S' } },
    });
    expect(plain.register!.user.role).toBe('USER');
  });

  it('are named by BEHFLOW_ADMIN_USERNAMES at start, for accounts that already exist', async () => {
    const existing = await seed(server).user().create();
    expect(await roleOf(existing.token)).toBe('USER');
    const second = await startTestServer({ databaseUrl, env: { BEHFLOW_ADMIN_USERNAMES: existing.user.username } });
    expect(await roleOf(existing.token)).toBe('ADMIN');
    await second.stop();
  });

  it('can be promoted with `npm run user:promote -- <username>`', async () => {
    const existing = await seed(server).user().create();
    const env = { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' };
    const { stdout } = await run('npm', ['run', '--silent', 'user:promote', '--', existing.user.username], { env });
    expect(stdout).toContain(`${existing.user.username} is now an administrator.`);
    // The running server sees the new role on the next request: roles are read per session lookup.
    expect(await roleOf(existing.token)).toBe('ADMIN');

    const missing = uniqueName('nobody');
    const failure = await run('npm', ['run', '--silent', 'user:promote', '--', missing], { env }).catch(
      (error) => error as { code: number; stderr: string },
    );
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain(`No user is named "${missing}".`);
  }, 60_000);
});
