import { isIP } from 'node:net';
import type { Config } from '../config.js';
import type { AttemptKind, PrismaClient } from '../db/prisma.js';
import { RateLimitedError } from '../errors.js';

/*
 * Sliding-window rate limits whose state lives in PostgreSQL (`login_attempts`), so that every
 * instance sharing the database enforces the same limit. Rows older than their window no
 * longer count; housekeeping deletes them (see housekeeping.ts).
 */

/** The eight 16-bit groups of an IPv6 address (zone index dropped), or null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  const plain = address.split('%')[0]!;
  if (isIP(plain) !== 6) return null;
  let text = plain.toLowerCase();
  // A dotted IPv4 tail (`::ffff:192.0.2.1`) is two more groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  return tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * What a client address counts under. One IPv6 subscriber commonly holds a whole /64 and can
 * pick any address in it, so IPv6 addresses count by their /64 prefix; an IPv4-mapped IPv6
 * address (`::ffff:192.0.2.1`, as dual-stack sockets report IPv4 peers) counts as the IPv4
 * address it carries. Anything else is kept as it is.
 */
export function rateLimitKeyOf(address: string | null): string | null {
  if (address === null) return null;
  const groups = ipv6Groups(address);
  if (!groups) return address;
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/** What one limit counts: an action's attempts sharing a username or a client address. */
type LimitKey = { readonly username?: string; readonly clientAddress?: string | null };

interface Limit {
  readonly key: LimitKey;
  /** Attempts allowed within the window; the one being made is refused when it would be one more. */
  readonly max: number;
}

/**
 * Records an attempt, then refuses it with RATE_LIMITED when any of `limits` is exceeded.
 * Recording first means concurrent attempts (on any instance) all count: a burst cannot slip
 * past the limit between a check and a write. A refused attempt is removed again, so retrying
 * during a lockout does not push its end further away. Resolves with the recorded row's id.
 */
async function admit(
  prisma: PrismaClient,
  attempt: { readonly kind: AttemptKind; readonly username: string; readonly clientAddress: string | null; readonly windowSeconds: number },
  limits: readonly Limit[],
  refusal: (retryAfterSeconds: number) => string,
): Promise<string> {
  const { kind, username, clientAddress } = attempt;
  const windowMs = attempt.windowSeconds * 1000;
  const since = new Date(Date.now() - windowMs);
  const { id } = await prisma.loginAttempt.create({ data: { kind, username, clientAddress }, select: { id: true } });

  // The attempt just written is part of each count: over the limit means more than `max`.
  const counts = await Promise.all(
    limits.map((limit) => prisma.loginAttempt.count({ where: { kind, ...limit.key, attemptedAt: { gt: since } } })),
  );
  const exceeded = limits.flatMap((limit, index) => (counts[index]! > limit.max ? [{ limit, count: counts[index]! }] : []));
  if (exceeded.length === 0) return id;

  await prisma.loginAttempt.delete({ where: { id } }).catch(() => {});
  const waits = await Promise.all(
    exceeded.map(async ({ limit, count }) => {
      // Free again once the oldest `count - max` rows of the window (not counting the removed
      // one) have aged out: then `max - 1` remain and one more attempt fits.
      const oldestToExpire = await prisma.loginAttempt.findFirst({
        where: { kind, ...limit.key, attemptedAt: { gt: since } },
        orderBy: { attemptedAt: 'asc' },
        skip: Math.max(0, count - 1 - limit.max),
        select: { attemptedAt: true },
      });
      const freeAt = (oldestToExpire?.attemptedAt.getTime() ?? Date.now()) + windowMs;
      return Math.max(1, Math.ceil((freeAt - Date.now()) / 1000));
    }),
  );
  const wait = Math.max(...waits);
  throw new RateLimitedError(refusal(wait), wait);
}

export interface LoginAttempt {
  /** Marks the attempt as successful: it and the username's earlier failures from this address stop counting. */
  succeeded(): Promise<void>;
}

export interface LoginLimiter {
  /**
   * Records a sign-in attempt before the password is checked, and refuses it with
   * RATE_LIMITED when, within the sliding window, the username already failed too often from
   * this client address, or far too often from all addresses, or the address did across
   * usernames. A stranger's failures from another address do not lock the owner out.
   */
  begin(username: string, clientAddress: string | null): Promise<LoginAttempt>;
}

export function createLoginLimiter(prisma: PrismaClient, limits: Config['loginRateLimit']): LoginLimiter {
  return {
    async begin(rawUsername, rawClientAddress) {
      const username = rawUsername.toLowerCase();
      const clientAddress = rateLimitKeyOf(rawClientAddress);
      const id = await admit(
        prisma,
        { kind: 'login', username, clientAddress, windowSeconds: limits.windowSeconds },
        [
          { key: { username, clientAddress }, max: limits.maxFailuresPerUsername },
          { key: { username }, max: limits.maxFailuresPerUsernameAnyAddress },
          // Without an address there is nothing to group by; the username limit still holds.
          ...(clientAddress !== null ? [{ key: { clientAddress }, max: limits.maxFailuresPerAddress }] : []),
        ],
        (wait) => `Too many failed sign-in attempts. Try again in ${wait} seconds.`,
      );
      return {
        async succeeded() {
          // Only this address's failures: a success here must not reset a stranger's count elsewhere.
          await prisma.loginAttempt.deleteMany({ where: { OR: [{ id }, { kind: 'login', username, clientAddress }] } });
        },
      };
    },
  };
}

export interface RegistrationLimiter {
  /**
   * Records a registration attempt and refuses it with RATE_LIMITED when the client address
   * already registered too often within the sliding window. Every admitted attempt counts,
   * one refused as a taken username included, so the limit also slows probing for names.
   */
  admit(username: string, clientAddress: string | null): Promise<void>;
}

export function createRegistrationLimiter(prisma: PrismaClient, limits: Config['registerRateLimit']): RegistrationLimiter {
  return {
    async admit(username, rawClientAddress) {
      const clientAddress = rateLimitKeyOf(rawClientAddress);
      await admit(
        prisma,
        { kind: 'register', username: username.toLowerCase(), clientAddress, windowSeconds: limits.windowSeconds },
        // Requests whose address is unknown share one allowance rather than having none.
        [{ key: { clientAddress }, max: limits.maxPerAddress }],
        (wait) => `Too many accounts registered from this address. Try again in ${wait} seconds.`,
      );
    },
  };
}
