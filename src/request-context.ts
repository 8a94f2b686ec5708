// The request a piece of work belongs to, carried through its asynchronous calls, so that
// every log line written while serving it names it (see the logger's mixin).
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

interface RequestContext {
  readonly requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** A client's own id is kept when it is a short token (a proxy's, say); anything else is replaced. */
const ACCEPTED_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The id to use for a request that came with `offered` (an `X-Request-Id` header, perhaps). */
export function requestIdFor(offered: string | string[] | undefined): string {
  return typeof offered === 'string' && ACCEPTED_ID.test(offered) ? offered : randomUUID();
}

/** Runs `work` as part of the request `requestId`. */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return storage.run({ requestId }, work);
}

/** The id of the request being served, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
