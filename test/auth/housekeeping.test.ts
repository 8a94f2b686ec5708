import { describe, expect, it } from 'vitest';
import { pruneAuthRecords } from '../../src/auth/housekeeping.js';
import { loadConfig } from '../../src/config.js';
import type { PrismaClient } from '../../src/db/prisma.js';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

const DAY = 86_400_000;
const ENV = {
  BEHFLOW_SESSION_RETENTION_DAYS: '30',
  BEHFLOW_LOGIN_WINDOW_SECONDS: '900',
  BEHFLOW_REGISTER_WINDOW_SECONDS: '3600',
};
const config = loadConfig(ENV);
// The timer runs at start and then hourly: the rows these tests write are pruned only by their own calls.
const server = await startTestServer({ env: ENV });
// Here the timer runs every second, to show it is started with the server; each finished run is announced.
const finishedRuns: Array<() => void> = [];
const ticking = await startTestServer({
  env: { ...ENV, BEHFLOW_HOUSEKEEPING_INTERVAL_SECONDS: '1' },
  onHousekeeping: () => finishedRuns.splice(0).forEach((resolve) => resolve()),
});
const nextRunFinished = () => new Promise<void>((resolve) => finishedRuns.push(resolve));

const ago = (ms: number) => new Date(Date.now() - ms);

async function sessionsOf(prisma: PrismaClient, userId: string) {
  const ended = async (data: { createdAt?: Date; revokedAt?: Date; expiresAt?: Date }) => {
    const { sessionId } = await seed({ prisma }).session(userId);
    await prisma.authSession.update({ where: { id: sessionId }, data });
    return sessionId;
  };
  return {
    revokedLongAgo: await ended({ revokedAt: ago(31 * DAY) }),
    revokedRecently: await ended({ revokedAt: ago(29 * DAY) }),
    expiredLongAgo: await ended({ createdAt: ago(70 * DAY), expiresAt: ago(40 * DAY) }),
    expiredRecently: await ended({ expiresAt: ago(DAY) }),
    // Revoked long ago, though it would not have expired yet: revocation is what ended it.
    revokedLongAgoUnexpired: await ended({ revokedAt: ago(31 * DAY), expiresAt: new Date(Date.now() + DAY) }),
  };
}

async function attempts(prisma: PrismaClient, username: string) {
  const attempt = (kind: 'login' | 'register', ageMs: number) =>
    prisma.loginAttempt
      .create({ data: { kind, username, clientAddress: '192.0.2.1', attemptedAt: ago(ageMs) }, select: { id: true } })
      .then((row) => row.id);
  return {
    loginOutsideWindow: await attempt('login', 901_000),
    loginInsideWindow: await attempt('login', 600_000),
    registerInsideWindow: await attempt('register', 901_000),
    registerOutsideWindow: await attempt('register', 3_601_000),
  };
}

const existingSessions = async (prisma: PrismaClient, ids: string[]) =>
  new Set((await prisma.authSession.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((row) => row.id));
const existingAttempts = async (prisma: PrismaClient, ids: string[]) =>
  new Set((await prisma.loginAttempt.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((row) => row.id));

describe('auth housekeeping', () => {
  it('deletes sessions ended more than the retention ago and attempts older than their window, keeping the rest', async () => {
    const { user, sessionId: active, token } = await seed(server).user().create();
    const sessions = await sessionsOf(server.prisma, user.id);
    const rows = await attempts(server.prisma, user.username);

    const result = await pruneAuthRecords(server.prisma, config);
    expect(result.sessions).toBeGreaterThanOrEqual(3);
    expect(result.attempts).toBeGreaterThanOrEqual(2);

    expect(await existingSessions(server.prisma, [active, ...Object.values(sessions)])).toEqual(
      new Set([active, sessions.revokedRecently, sessions.expiredRecently]),
    );
    expect(await existingAttempts(server.prisma, Object.values(rows))).toEqual(
      new Set([rows.loginInsideWindow, rows.registerInsideWindow]),
    );
    // The live session is untouched and still signs its user in.
    expect((await server.graphql(graphql(`query HousekeepingMe { me { id } }`), { token })).data).toMatchObject({
      me: { id: expect.any(String) },
    });

    // Idempotent: a second run (as by another instance) finds nothing more of these.
    await pruneAuthRecords(server.prisma, config);
    expect((await existingSessions(server.prisma, [active, ...Object.values(sessions)])).size).toBe(3);
    expect((await existingAttempts(server.prisma, Object.values(rows))).size).toBe(2);
  });

  it('follows the configured retention', async () => {
    const { user } = await seed(server).user().create();
    const sessions = await sessionsOf(server.prisma, user.id);
    await pruneAuthRecords(server.prisma, loadConfig({ ...ENV, BEHFLOW_SESSION_RETENTION_DAYS: '0' }));
    expect((await existingSessions(server.prisma, Object.values(sessions))).size).toBe(0);
  });

  it('runs on a timer started with the server', async () => {
    const { user } = await seed(ticking).user().create();
    const sessions = await sessionsOf(ticking.prisma, user.id);
    const rows = await attempts(ticking.prisma, user.username);
    const pruned = async () =>
      (await existingSessions(ticking.prisma, [sessions.revokedLongAgo, sessions.expiredLongAgo])).size === 0 &&
      (await existingAttempts(ticking.prisma, [rows.loginOutsideWindow, rows.registerOutsideWindow])).size === 0;
    // The run in progress when the rows were written may have missed them; the one after cannot.
    await nextRunFinished();
    if (!(await pruned())) await nextRunFinished();
    expect(await existingSessions(ticking.prisma, Object.values(sessions))).toEqual(
      new Set([sessions.revokedRecently, sessions.expiredRecently]),
    );
    expect(await existingAttempts(ticking.prisma, Object.values(rows))).toEqual(
      new Set([rows.loginInsideWindow, rows.registerInsideWindow]),
    );
  });
});
