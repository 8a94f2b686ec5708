import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';
import type { Logger } from '../logger.js';
import { fromProjectRoot } from '../project-root.js';

/** Where `npm install` (or `npm run web:build`) puts the built web app. */
export const WEB_APP_DIR = fromProjectRoot('web', 'dist');

export type WebAppHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

// The app loads nothing from elsewhere; its only connection is to this server's API.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  // Mantine writes its CSS variables into a style element.
  "style-src 'self' 'unsafe-inline'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/**
 * Serves the built web app: its hashed assets cached for good, `index.html` (also for every
 * other path, the app's own routes) revalidated each time. Files are listed once at start,
 * so a request costs a map lookup. Null, with a warning, when the app has not been built.
 */
export function webAppHandler(log: Logger, dir = WEB_APP_DIR): WebAppHandler | null {
  if (!existsSync(`${dir}/index.html`)) {
    log.warn({ dir }, 'the web app is not built (run `npm run web:build`); only the API is served');
    return null;
  }
  return sirv(dir, {
    single: true,
    etag: true,
    gzip: true,
    brotli: true,
    setHeaders: (res, pathname) => {
      res.setHeader('x-content-type-options', 'nosniff');
      if (pathname.startsWith('/assets/')) {
        res.setHeader('cache-control', 'public, max-age=31536000, immutable');
      } else {
        res.setHeader('cache-control', 'no-cache');
        res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
        res.setHeader('referrer-policy', 'no-referrer');
      }
    },
  });
}

/**
 * Whether a request is for the web app rather than the API: a GET or HEAD outside `/graphql`
 * and `/health`. A few comparisons, the method first: API requests (POST) stop at the first.
 */
/** Probes and metrics: never the web app, whatever the method. */
const OPERATOR_PATHS = new Set(['/health', '/ready', '/metrics']);

export function isWebAppRequest(method: string | undefined, path: string | undefined): boolean {
  return (
    (method === 'GET' || method === 'HEAD') &&
    path !== undefined &&
    path !== '/graphql' &&
    !path.startsWith('/graphql/') &&
    !OPERATOR_PATHS.has(path)
  );
}
