import { parseOptions } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import { createPubSub } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { argon2Passwords, type Passwords } from '../../src/auth/passwords.js';
import { createAuthService } from '../../src/auth/service.js';
import { createSessionWatch } from '../../src/auth/session-watch.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { BehflowPubSub } from '../../src/pubsub/index.js';
import { uniqueName } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

const server = await startTestServer();

const LOGIN = graphql(`mutation PasswordsLogin($input: LoginInput!) { login(input: $input) { token user { username } } }`);

describe('accounts made by the original Behflow (bcrypt)', () => {
  it('sign in with their password and are moved to argon2id on success', async () => {
    const username = uniqueName('legacy');
    const password = 'the old password';
    const legacyHash = bcrypt.hashSync(password, 10);
    expect(legacyHash).toMatch(/^\$2b\$10\$/);
    await server.prisma.user.create({ data: { username, passwordHash: legacyHash, name: 'Old', lastname: 'Timer' } });

    const wrong = await server.graphql(LOGIN, { variables: { input: { username, password: 'not the old one' } } });
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    // A failed attempt leaves the legacy hash alone.
    expect((await server.prisma.user.findUniqueOrThrow({ where: { username } })).passwordHash).toBe(legacyHash);

    const first = await server.data(LOGIN, { variables: { input: { username, password } } });
    expect((await server.data(graphql(`query PasswordsMe { me { username } }`), { token: first.login!.token })).me.username).toBe(username);

    const upgraded = (await server.prisma.user.findUniqueOrThrow({ where: { username } })).passwordHash;
    expect(upgraded).toMatch(/^\$argon2id\$/);
    expect(parseOptions(upgraded)).toMatchObject({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });

    // And the same password keeps working against the new hash, which is not rewritten again.
    await server.data(LOGIN, { variables: { input: { username, password } } });
    expect((await server.prisma.user.findUniqueOrThrow({ where: { username } })).passwordHash).toBe(upgraded);
  });

  it('upgrades an argon2 hash made with weaker parameters', async () => {
    const username = uniqueName('weak');
    const { hash } = await import('@node-rs/argon2');
    const weak = await hash('a fine password', { memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await server.prisma.user.create({ data: { username, passwordHash: weak, name: 'W', lastname: 'K' } });
    await server.data(LOGIN, { variables: { input: { username, password: 'a fine password' } } });
    const stored = (await server.prisma.user.findUniqueOrThrow({ where: { username } })).passwordHash;
    expect(parseOptions(stored)).toMatchObject({ memoryCost: 19_456, timeCost: 2 });
  });
});

describe('no user enumeration through timing', () => {
  it("checks an unknown username's password against a hash as costly as a real one", async () => {
    const checked: string[] = [];
    const counting: Passwords = {
      ...argon2Passwords,
      hash: (password) => argon2Passwords.hash(password),
      check: (stored, password) => {
        checked.push(stored);
        return argon2Passwords.check(stored, password);
      },
    };
    const config = loadConfig({ DATABASE_URL: 'postgresql://unused/unused' });
    const pubsub = createPubSub() as unknown as BehflowPubSub;
    const logger = createLogger('silent');
    const sessionWatch = createSessionWatch({ prisma: server.prisma, pubsub, logger });
    const auth = createAuthService({
      prisma: server.prisma,
      sql: server.running.database.sql,
      config,
      logger,
      sessionWatch,
      passwords: counting,
    });
    const client = { address: null, userAgent: null };

    const { user } = await auth.register({ username: uniqueName('real'), password: 'real password!', name: 'R', lastname: 'U' }, client);

    await expect(auth.login({ username: user.username, password: 'wrong password' }, client)).rejects.toThrow(
      'Invalid username or password.',
    );
    await expect(auth.login({ username: uniqueName('ghost'), password: 'wrong password' }, client)).rejects.toThrow(
      'Invalid username or password.',
    );
    await sessionWatch.close();
    const { passwordHash } = await server.prisma.user.findUniqueOrThrow({ where: { id: user.id } });

    // One full check per attempt, the unknown name's against a hash of identical cost parameters.
    expect(checked).toHaveLength(2);
    const [real, dummy] = checked.map((stored) => parseOptions(stored));
    expect(checked[0]).toBe(passwordHash);
    expect(checked[1]).not.toBe(passwordHash);
    expect(dummy).toEqual(real);
  });
});
