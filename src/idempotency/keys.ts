// The idempotency keys of signed-in users' mutation requests, kept in PostgreSQL so a retry
// finds the first outcome on whichever instance it lands. One statement per function.
import type { PrismaClient } from '../db/prisma.js';

/** A key's request and, once it finished, the outcome its client was sent. */
export interface KeptRequest<Outcome> {
  readonly requestHash: string;
  /** Null while the request runs, or when its outcome could not be recorded. */
  readonly response: Outcome | null;
}

/** Forgets `key` if it is older than the window. */
export function forgetExpiredKey(prisma: PrismaClient, userId: string, key: string, windowSeconds: number): Promise<number> {
  return prisma.$executeRaw`DELETE FROM idempotency_keys WHERE user_id = ${userId}::uuid AND key = ${key} AND created_at < now() - make_interval(secs => ${windowSeconds})`;
}

/** Takes `key` for the request `requestHash`; false when it was taken already. */
export async function claimKey(prisma: PrismaClient, userId: string, key: string, requestHash: string): Promise<boolean> {
  const inserted =
    await prisma.$executeRaw`INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES (${userId}::uuid, ${key}, ${requestHash}) ON CONFLICT DO NOTHING`;
  return inserted > 0;
}

/** The request that took `key`; null when it is gone (forgotten meanwhile). */
export async function keptRequest<Outcome>(prisma: PrismaClient, userId: string, key: string): Promise<KeptRequest<Outcome> | null> {
  const [row] = await prisma.$queryRaw<
    Array<{ request_hash: string; response: Outcome | null }>
  >`SELECT request_hash, response FROM idempotency_keys WHERE user_id = ${userId}::uuid AND key = ${key}`;
  return row ? { requestHash: row.request_hash, response: row.response } : null;
}

/** Lets `key` go, so a retry runs the request again. */
export function releaseKey(prisma: PrismaClient, userId: string, key: string): Promise<number> {
  return prisma.$executeRaw`DELETE FROM idempotency_keys WHERE user_id = ${userId}::uuid AND key = ${key}`;
}

/** Keeps the outcome of `key`'s request (JSON), for its retries. */
export function recordOutcome(prisma: PrismaClient, userId: string, key: string, outcome: unknown): Promise<number> {
  return prisma.$executeRaw`UPDATE idempotency_keys SET response = ${JSON.stringify(outcome)}::jsonb WHERE user_id = ${userId}::uuid AND key = ${key}`;
}
