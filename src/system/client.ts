// Who a request comes from: its address behind the trusted proxies, its user agent, and the
// credentials it presents, over HTTP and over graphql-ws alike.
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Context } from '../schema/context.js';

/**
 * The client's address. With no trusted proxy it is the peer's, whatever `X-Forwarded-For`
 * says. Behind `trustedProxies` proxies, each of which appends the address it received the
 * request from, the client is the entry that many steps from the right of
 * `X-Forwarded-For, <peer>`: the entries further left were written by the client itself and
 * could be anything. An entry that is not an IP address (a misconfigured proxy) is not
 * trusted; the peer address is used instead.
 */
export function clientAddressOf(peer: string | null, forwardedFor: string | string[] | undefined, trustedProxies: number): string | null {
  if (trustedProxies === 0 || forwardedFor === undefined) return peer;
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  chain.push(peer ?? '');
  // Fewer entries than trusted proxies: the left-most, still written by a trusted proxy.
  const candidate = chain[Math.max(0, chain.length - 1 - trustedProxies)]!;
  return isIP(candidate) ? candidate : peer;
}

/** The address and user agent of a request (over graphql-ws, of its upgrade request). */
export function clientOf(req: IncomingMessage | undefined, trustedProxies: number): Context['client'] {
  const userAgent = req?.headers['user-agent'];
  return {
    address: req ? clientAddressOf(req.socket.remoteAddress ?? null, req.headers['x-forwarded-for'], trustedProxies) : null,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
  };
}

/** The credentials of a graphql-ws connection: `connectionParams.authorization`; `undefined` when none were sent. */
export function connectionAuthorization(params: Record<string, unknown> | undefined | null): unknown {
  return params?.authorization ?? params?.Authorization;
}

/** What Yoga's context factory is given, over HTTP (`request`) or graphql-ws (the rest). */
export interface OperationSource {
  request?: Request;
  connectionParams?: Record<string, unknown>;
  /** The graphql-ws subscribe payload. */
  params?: { extensions?: { headers?: Record<string, unknown> } | null };
}

/**
 * The credentials of an operation. Over graphql-ws: the connection's, or else the operation's
 * own `extensions.headers.authorization`, which is where GraphiQL (and other clients built on
 * graphql-tools' URL loader) put the headers typed by the user; browsers cannot set headers
 * on a WebSocket, and GraphiQL sends no connection parameters.
 */
export function authorizationOf(source: OperationSource): string | null {
  if (source.connectionParams) {
    const value = connectionAuthorization(source.connectionParams) ?? connectionAuthorization(source.params?.extensions?.headers);
    return typeof value === 'string' ? value : null;
  }
  return source.request?.headers.get('authorization') ?? null;
}
