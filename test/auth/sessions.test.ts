import type { Client } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/database.js';
import { seed, uniqueName } from '../helpers/seed.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

// Two instances on one database, as in a deployment with several servers.
const databaseUrl = await createTestDatabase();
const first = await startTestServer({ databaseUrl });
const second = await startTestServer({ databaseUrl });

const HEARTBEAT = 'subscription { heartbeat(intervalSeconds: 1) { sequence } }';

/** The first result of one operation over graphql-ws, or how the connection ended. */
async function overWebSocket(client: Client, query: string): Promise<{ result?: unknown; closeCode?: number; completed?: boolean }> {
  try {
    for await (const result of client.iterate({ query })) return { result };
    return { completed: true };
  } catch (error) {
    return { closeCode: (error as { code?: number }).code };
  }
}

interface LiveHeartbeat {
  /** Resolves with the first heartbeat. */
  readonly started: Promise<unknown>;
  /** Everything the server sent on the subscription. */
  readonly results: unknown[];
  /** Resolves when the server completes the subscription or the socket closes. */
  readonly ended: Promise<void>;
  /** Resolves with the code the socket was closed with. */
  readonly closeCode: Promise<number | undefined>;
  /** Waits for the heartbeat after the ones seen so far. */
  nextBeat(): Promise<unknown>;
}

/** A heartbeat subscription on its own graphql-ws connection, recording how it ends. */
function heartbeatOver(server: TestServer, token: string): LiveHeartbeat {
  const client = server.wsClient({ token });
  const results: unknown[] = [];
  const waiters: Array<(result: unknown) => void> = [];
  let resolveClose!: (code: number | undefined) => void;
  const closeCode = new Promise<number | undefined>((resolve) => (resolveClose = resolve));
  client.on('closed', (event) => resolveClose((event as { code?: number }).code));
  let resolveEnded!: () => void;
  const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
  client.subscribe(
    { query: HEARTBEAT },
    {
      next: (result) => {
        results.push(result);
        waiters.shift()?.(result);
      },
      error: () => resolveEnded(),
      complete: () => resolveEnded(),
    },
  );
  const nextBeat = () => new Promise<unknown>((resolve) => waiters.push(resolve));
  return { started: nextBeat(), results, ended, closeCode, nextBeat };
}

const SESSION_ENDED = { errors: [{ message: 'Your session has ended; sign in again.', extensions: { code: 'UNAUTHENTICATED' } }] };

/** The subscription got the "session ended" error as its last result, and the socket was closed with 4403. */
async function expectEndedBySession(live: LiveHeartbeat) {
  await live.ended;
  expect(live.results.at(-1)).toMatchObject(SESSION_ENDED);
  expect(await live.closeCode).toBe(4403);
}

/** Reads a server-sent-events subscription until the server ends it; returns every event's data. */
async function readEventStream(server: TestServer, query: string, token: string, onFirstEvent: () => Promise<void>): Promise<string[]> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  expect(response.status).toBe(200);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: string[] = [];
  let buffer = '';
  let triggered = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return events;
    buffer += value;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('data:')) events.push(line.slice(5).trim());
    if (!triggered && events.some((event) => event.includes('heartbeat'))) {
      triggered = true;
      await onFirstEvent();
    }
  }
}

describe('graphql-ws connection credentials', () => {
  it('accepts a valid token and identifies the viewer on every operation', async () => {
    const { token, user } = await seed(first).user().create();
    const outcome = await overWebSocket(first.wsClient({ token }), '{ me { username } }');
    expect(outcome.result).toEqual({ data: { me: { username: user.username } } });
  });

  it('lets a connection without a token in; its operations needing a session fail with UNAUTHENTICATED', async () => {
    const client = first.wsClient();
    const outcome = await overWebSocket(client, '{ me { id } }');
    expect(outcome.result).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    const heartbeat = await overWebSocket(client, HEARTBEAT);
    expect(heartbeat.result).toEqual({ data: { heartbeat: { sequence: 0 } } });
  });

  it('closes a connection presenting a bad, expired, revoked or malformed token with 4403', async () => {
    const expired = await seed(first).user().create();
    await first.prisma.authSession.update({ where: { id: expired.sessionId }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    const revoked = await seed(first).user().create();
    await first.data(graphql(`mutation AuthSessionsLogout { logout { revokedSessions } }`), { token: revoked.token });

    const cases: Record<string, Record<string, unknown>> = {
      'unknown token': { authorization: `Bearer ${'Z'.repeat(43)}` },
      'expired session': { authorization: `Bearer ${expired.token}` },
      'revoked session': { authorization: `Bearer ${revoked.token}` },
      'not a bearer token': { authorization: 'Basic dXNlcjpwYXNz' },
      'not a string': { authorization: 42 },
    };
    for (const [name, connectionParams] of Object.entries(cases)) {
      const outcome = await overWebSocket(first.wsClient({ connectionParams }), '{ serverInfo { version } }');
      expect(outcome, name).toEqual({ closeCode: 4403 });
    }
  });
});

describe('open subscriptions end with their session', () => {
  it('on logout on another instance: a final UNAUTHENTICATED error, then the socket is closed with 4403', async () => {
    const { token } = await seed(first).user().create();
    const live = heartbeatOver(second, token);
    expect(await live.started).toEqual({ data: { heartbeat: { sequence: 0 } } });

    await first.data(graphql(`mutation AuthSessionsLogout2 { logout { revokedSessions } }`), { token });
    await expectEndedBySession(live);
  });

  it("on logoutEverywhere: every connection of the user ends, another user's stays", async () => {
    const owner = await seed(first).user().create();
    const ownersOtherSession = await seed(first).session(owner.user.id);
    const bystander = await seed(first).user().create();

    const mine = heartbeatOver(first, owner.token);
    const onSecond = heartbeatOver(second, owner.token);
    const otherSessionOfMine = heartbeatOver(second, ownersOtherSession.token);
    const theirs = heartbeatOver(second, bystander.token);
    await Promise.all([mine, onSecond, otherSessionOfMine, theirs].map((live) => live.started));

    await second.data(graphql(`mutation AuthSessionsLogoutEverywhere { logoutEverywhere { revokedSessions } }`), { token: owner.token });
    for (const live of [mine, onSecond, otherSessionOfMine]) await expectEndedBySession(live);
    // Another user's stream goes on.
    expect(await theirs.nextBeat()).toEqual({ data: { heartbeat: { sequence: 1 } } });
  });

  it("on changePassword: the other sessions' subscriptions end, the current one's continues", async () => {
    const username = uniqueName('pw');
    const registered = await first.data(
      graphql(`mutation AuthSessionsRegister($input: RegisterInput!) { register(input: $input) { token } }`),
      { variables: { input: { username, password: 'first password', name: 'P', lastname: 'W' } } },
    );
    const { token } = registered.register!;
    const other = await first.data(graphql(`mutation AuthSessionsLogin($input: LoginInput!) { login(input: $input) { token } }`), {
      variables: { input: { username, password: 'first password' } },
    });
    const current = heartbeatOver(first, token);
    const elsewhere = heartbeatOver(second, other.login!.token);
    await Promise.all([current.started, elsewhere.started]);

    await first.data(
      graphql(`mutation AuthSessionsChangePassword($input: ChangePasswordInput!) { changePassword(input: $input) { revokedSessions } }`),
      {
        token,
        variables: { input: { currentPassword: 'first password', newPassword: 'second password' } },
      },
    );
    await expectEndedBySession(elsewhere);
    expect(await current.nextBeat()).toEqual({ data: { heartbeat: { sequence: 1 } } });
  });

  it('at expiry, without any request', async () => {
    const { token } = await seed(first).user().sessionLasting(1_500).create();
    const live = heartbeatOver(second, token);
    await live.started;
    await expectEndedBySession(live);
  });

  it('over server-sent events too: the stream gets an UNAUTHENTICATED error and ends', async () => {
    const { token } = await seed(first).user().create();
    const events = await readEventStream(first, HEARTBEAT, token, async () => {
      await second.data(graphql(`mutation AuthSessionsLogout3 { logout { revokedSessions } }`), { token });
    });
    const payloads = events.filter((event) => event.startsWith('{')).map((event) => JSON.parse(event) as unknown);
    expect(payloads[0]).toEqual({ data: { heartbeat: { sequence: 0 } } });
    expect(payloads.at(-1)).toMatchObject(SESSION_ENDED);
  });

  it('over server-sent events at expiry', async () => {
    const { token } = await seed(first).user().sessionLasting(1_500).create();
    const events = await readEventStream(second, HEARTBEAT, token, async () => {});
    const payloads = events.filter((event) => event.startsWith('{')).map((event) => JSON.parse(event) as unknown);
    expect(payloads.at(-1)).toMatchObject(SESSION_ENDED);
  });
});
