// Request bodies are bounded before Yoga sees them: Yoga's own limit pipes every body through a
// stream transform, a large share of a small request's cost.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_REQUEST_BYTES } from '../schema/document-limits.js';

/** The answer to a body over the limit, in the shape of GraphQL errors. */
function refuseTooLarge(res: ServerResponse) {
  const body = JSON.stringify({
    errors: [
      {
        message: `Request bodies may be at most ${MAX_REQUEST_BYTES} bytes.`,
        extensions: { code: 'REQUEST_TOO_LARGE', limit: MAX_REQUEST_BYTES },
      },
    ],
  });
  res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body);
}

/**
 * Bounds a request body to MAX_REQUEST_BYTES. With a Content-Length (every GraphQL client
 * sends one) the length is checked up front and Node reads no more than it. A chunked body is
 * read here, counting, and handed over whole. Returns whether the request may go on now; for
 * a chunked body it goes on once read (or is answered 413).
 */
export function boundedBody(req: IncomingMessage & { body?: unknown }, res: ServerResponse, next = () => {}): boolean {
  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    if (Number(declared) > MAX_REQUEST_BYTES) {
      refuseTooLarge(res);
      return false;
    }
    return true;
  }
  if (req.headers['transfer-encoding'] === undefined) return true;
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) {
      refuseTooLarge(res);
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.once('end', () => {
    if (size > MAX_REQUEST_BYTES) return;
    req.body = Buffer.concat(chunks);
    next();
  });
  return false;
}
