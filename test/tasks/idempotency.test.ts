// Safe retries: a mutation sent with an Idempotency-Key is applied once however often it is
// retried within the window, on any instance, and a retry gets the first outcome.
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/database.js';
import { seed } from '../helpers/seed.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, graphql } from '../helpers/graphql.js';

const databaseUrl = await createTestDatabase();
const first = await startTestServer({ databaseUrl });
const second = await startTestServer({ databaseUrl });
const CREATE = graphql(`mutation IdempotencyCreate($name: String!) { createTask(input: { name: $name }) { task { id name } } }`);

const create = (server: TestServer, token: string, name: string, key?: string) =>
  server.graphql(CREATE, {
    token,
    variables: { name },
    headers: key ? { 'idempotency-key': key } : {},
  });
const countNamed = (name: string) => first.prisma.task.count({ where: { name } });

describe('Idempotency-Key', () => {
  it('applies a retried mutation once and answers the retry, on another instance too, with the first outcome', async () => {
    const { token } = await seed(first).user().create();
    const key = randomUUID();
    const name = `once ${key}`;
    const original = await create(first, token, name, key);
    expect(original.errors).toBeUndefined();
    const retried = await create(first, token, name, key);
    const elsewhere = await create(second, token, name, key);
    expect(retried.data).toEqual(original.data);
    expect(elsewhere.data).toEqual(original.data);
    expect(await countNamed(name)).toBe(1);
    // Without a key, the same request is a new one.
    await create(first, token, name);
    expect(await countNamed(name)).toBe(2);
  });

  it('answers a retry after a lost answer with the outcome the client never received', async () => {
    const { token } = await seed(first).user().create();
    const key = randomUUID();
    const name = `lost ${key}`;
    // The request reaches the server, and the connection drops before any answer is read.
    await new Promise<void>((resolve, reject) => {
      const body = JSON.stringify({ query: CREATE, variables: { name } });
      const outgoing = request(first.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
          'idempotency-key': key,
        },
      });
      outgoing.on('error', () => {});
      outgoing.end(body, () => {
        outgoing.destroy();
        resolve();
      });
      outgoing.on('response', () => reject(new Error('the answer was meant to be lost')));
    });
    await expect.poll(() => countNamed(name)).toBe(1);
    // Once the first run is recorded, the retry gets its outcome; while it runs, CONFLICT says to retry shortly.
    let retried: Awaited<ReturnType<typeof create>> | undefined;
    await expect
      .poll(async () => {
        retried = await create(second, token, name, key);
        return retried.errors?.[0]?.extensions?.code ?? 'answered';
      })
      .toBe('answered');
    expect(retried?.data?.createTask?.task.name).toBe(name);
    const [task] = await first.prisma.task.findMany({ where: { name } });
    expect(Buffer.from(retried!.data!.createTask!.task.id, 'base64').toString()).toContain(task!.id);
    expect(await countNamed(name)).toBe(1);
  });

  it('replays a failed outcome too, and refuses the key for a different request with CONFLICT', async () => {
    const { token } = await seed(first).user().create();
    const key = randomUUID();
    const missing = Buffer.from(`Task:${randomUUID()}`).toString('base64');
    const DELETE = graphql(`mutation IdempotencyDelete($id: ID!) { deleteTask(input: { id: $id }) { deletedTaskId } }`);
    const once = await first.graphql(DELETE, { token, variables: { id: missing }, headers: { 'idempotency-key': key } });
    expectError(once, 'NOT_FOUND');
    const again = await second.graphql(DELETE, { token, variables: { id: missing }, headers: { 'idempotency-key': key } });
    expect(again.data).toEqual(once.data);
    expect(again.errors?.[0]).toMatchObject({
      message: once.errors?.[0]?.message,
      path: ['deleteTask'],
      extensions: { code: 'NOT_FOUND' },
    });

    const reused = await create(first, token, `other ${key}`, key);
    expect(reused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'Idempotency-Key' });
    expect(await countNamed(`other ${key}`)).toBe(0);
  });

  it('keeps keys per user, and refuses a key without a session or a malformed one', async () => {
    const alice = await seed(first).user().create();
    const bob = await seed(first).user().create();
    const key = randomUUID();
    const name = `shared key ${key}`;
    const forAlice = await create(first, alice.token, name, key);
    const forBob = await create(first, bob.token, name, key);
    expect(forBob.data?.createTask?.task.id).not.toBe(forAlice.data?.createTask?.task.id);
    expect(await countNamed(name)).toBe(2);

    const anonymous = await first.graphql(graphql(`mutation IdempotencyLogout { logout { revokedSessions } }`), {
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(anonymous.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT|UNAUTHENTICATED/);
    const malformed = await create(first, alice.token, `bad key ${key}`, 'x'.repeat(300));
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'Idempotency-Key' });
    expect(await countNamed(`bad key ${key}`)).toBe(0);
  });

  it('forgets a key after the window: the same key then applies the request anew', async () => {
    const { token, user } = await seed(first).user().create();
    const key = randomUUID();
    const name = `window ${key}`;
    await create(first, token, name, key);
    // Move the record back past the 24 h window instead of waiting for it.
    await first.prisma.idempotencyKey.update({
      where: { userId_key: { userId: user.id, key } },
      data: { createdAt: new Date(Date.now() - 25 * 3600_000) },
    });
    await create(first, token, name, key);
    expect(await countNamed(name)).toBe(2);
  });
});
