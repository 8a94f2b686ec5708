// What HTTP clients get beyond plain JSON: subscriptions in Apollo Client's multipart protocol,
// a body that says what to use when no answer format fits the request's Accept header, and a
// short page for a browser opening /graphql while GraphiQL is off.
import type { ExecutionResult } from 'graphql';
import { isAsyncIterable, type FetchAPI, type Plugin } from 'graphql-yoga';

/** How often a multipart subscription sends a heartbeat (`{}`), as Apollo's protocol asks (every 5 s). */
export const MULTIPART_HEARTBEAT_MS = 5_000;

const BOUNDARY = 'graphql';
const PART_HEADERS = '\r\ncontent-type: application/json; charset=utf-8\r\n\r\n';

/** Whether a request's Accept header names `multipart/mixed` (Apollo Client sends it for subscriptions over HTTP). */
function acceptsMultipart(request: Request): boolean {
  return /(^|,)\s*multipart\/mixed\s*(;|,|$)/i.test(request.headers.get('accept') ?? '');
}

/**
 * A subscription answered in Apollo's multipart HTTP protocol (`subscriptionSpec=1.0`): each
 * event is a part `{"payload": <result>}`, a heartbeat part `{}` every 5 s keeps proxies and
 * the client from timing out, and the closing boundary ends the stream. Graphql-yoga answers
 * subscriptions only as SSE (its multipart format is that of incremental delivery, which
 * Apollo Client does not read for subscriptions), hence this.
 */
function multipartSubscription(result: AsyncIterable<ExecutionResult>, fetchAPI: FetchAPI, heartbeatMs: number): Response {
  const encoder = new fetchAPI.TextEncoder();
  const part = (body: unknown) => encoder.encode(`\r\n--${BOUNDARY}${PART_HEADERS}${JSON.stringify(body)}`);
  const iterator = result[Symbol.asyncIterator]();
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const stream = new fetchAPI.ReadableStream<Uint8Array>({
    start(controller) {
      // A first heartbeat at once: the response (and its headers) leaves with its first bytes.
      controller.enqueue(part({}));
      heartbeat = setInterval(() => controller.enqueue(part({})), heartbeatMs);
      heartbeat.unref?.();
    },
    async pull(controller) {
      try {
        const { done, value } = await iterator.next();
        if (done) {
          clearInterval(heartbeat);
          controller.enqueue(encoder.encode(`\r\n--${BOUNDARY}--\r\n`));
          controller.close();
          return;
        }
        // Results carry their errors already masked and coded; internals are not serialised.
        controller.enqueue(
          part({
            payload: {
              data: value.data ?? null,
              ...(value.errors ? { errors: value.errors } : {}),
              ...(value.extensions ? { extensions: value.extensions } : {}),
            },
          }),
        );
      } catch {
        // A failure of the stream itself: the protocol's transport error, then the end.
        clearInterval(heartbeat);
        controller.enqueue(
          part({ payload: null, errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }),
        );
        controller.enqueue(encoder.encode(`\r\n--${BOUNDARY}--\r\n`));
        controller.close();
      }
    },
    async cancel() {
      clearInterval(heartbeat);
      await iterator.return?.();
    },
  });
  return new fetchAPI.Response(stream, {
    status: 200,
    headers: {
      'content-type': `multipart/mixed;boundary="${BOUNDARY}";subscriptionSpec="1.0"`,
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    },
  });
}

/** The answer when no format the server speaks is acceptable: 406, saying what is. */
function notAcceptable(fetchAPI: FetchAPI, subscription: boolean): Response {
  const message = subscription
    ? 'Subscriptions over HTTP are answered as `text/event-stream` (SSE, e.g. graphql-sse or urql) or `multipart/mixed` (Apollo Client); send one of them in `Accept`, or use graphql-ws on this URL (WebSocket).'
    : 'Results are answered as `application/graphql-response+json` or `application/json`; send one of them in `Accept` (or none).';
  const body = JSON.stringify({ errors: [{ message, extensions: { code: 'NOT_ACCEPTABLE' } }] });
  return new fetchAPI.Response(body, {
    status: 406,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      accept: subscription ? 'text/event-stream, multipart/mixed' : 'application/graphql-response+json, application/json',
    },
  });
}

/**
 * Answers subscriptions in Apollo's multipart protocol when asked for `multipart/mixed`, and
 * replaces graphql-yoga's empty 406 by one that says what to use. Runs after Yoga's own
 * result processors: it acts only where they found nothing.
 */
export function useHttpClientFormats(heartbeatMs = MULTIPART_HEARTBEAT_MS): Plugin {
  return {
    onResultProcess({ request, result, resultProcessor, setResultProcessor }) {
      if (resultProcessor) return;
      const subscription = isAsyncIterable(result);
      if (subscription && acceptsMultipart(request)) {
        setResultProcessor(
          (value, fetchAPI) => multipartSubscription(value as AsyncIterable<ExecutionResult>, fetchAPI, heartbeatMs),
          'multipart/mixed',
        );
        return;
      }
      setResultProcessor((_value, fetchAPI) => notAcceptable(fetchAPI, subscription), 'application/json');
    },
  };
}

/**
 * The page a browser gets at `/graphql` while GraphiQL is off (production): what the URL is
 * and how to use it, instead of an empty 406. No script, no styles from elsewhere.
 */
export const API_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Behflow GraphQL API</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}code{background:#f2f2f2;padding:0 .25em}</style></head>
<body>
<h1>Behflow GraphQL API</h1>
<p>This address is the GraphQL endpoint of Behflow, for programs rather than browsers.</p>
<ul>
<li>Queries and mutations: <code>POST</code> this URL with <code>Content-Type: application/json</code> and <code>{"query": "..."}</code>; sign in with the <code>login</code> mutation and send <code>Authorization: Bearer &lt;token&gt;</code>.</li>
<li>Subscriptions: graphql-ws on this URL (WebSocket, token in <code>connectionParams.authorization</code>), or over HTTP as <code>text/event-stream</code> (SSE) or <code>multipart/mixed</code> (Apollo Client).</li>
<li>The schema, with every field described, is in <code>schema.graphql</code> of the server's source, and answers introspection.</li>
</ul>
<p>GraphiQL, the in-browser explorer, is off on this server (it is off by default when <code>NODE_ENV=production</code>); its operator can turn it on with <code>BEHFLOW_GRAPHIQL=true</code>. The Behflow web app is at <a href="/">/</a>.</p>
</body>
</html>
`;

/** Whether a request is a browser opening `/graphql` (a GET for HTML, with no operation in it). */
export function isBrowserVisit(method: string | undefined, url: string, accept: string | undefined): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (!/text\/html/i.test(accept ?? '')) return false;
  const query = url.indexOf('?');
  return query === -1 || !new URLSearchParams(url.slice(query + 1)).has('query');
}
