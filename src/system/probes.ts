// The endpoints around the API: `/health` (liveness), `/ready` (readiness) and `/metrics`.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type pg from 'pg';
import type { Logger } from '../logger.js';
import type { Metrics } from './metrics.js';
import { readiness } from './readiness.js';
import { VERSION } from './version.js';

export interface ProbeOptions {
  /** The pool behind Prisma, for the readiness check's cheap `SELECT 1`. */
  readonly pool: pg.Pool;
  /** The migrations this build expects to find applied (their folder names). */
  readonly migrations: readonly string[];
  readonly metrics: Metrics;
  /** The bearer token `/metrics` asks for; open when undefined. */
  readonly metricsToken: string | undefined;
  readonly log: Logger;
  /** Whether the server is draining (stopping): no longer ready, still alive. */
  readonly draining: () => boolean;
}

export interface Probes {
  health(res: ServerResponse): void;
  ready(res: ServerResponse): Promise<void>;
  metrics(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** A JSON answer that no cache keeps. */
export function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Compares a presented `Authorization` header with the token in constant time. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

export function createProbes({ pool, migrations, metrics, metricsToken, log, draining }: ProbeOptions): Probes {
  return {
    /**
     * Liveness: the process is up and its event loop turns. It never depends on the database
     * (a database outage is no reason to restart every instance) nor on draining.
     */
    health: (res) =>
      sendJson(res, 200, {
        status: draining() ? 'stopping' : 'ok',
        version: VERSION,
        uptimeSeconds: Math.round(process.uptime()),
        time: new Date().toISOString(),
      }),

    /** Readiness: send traffic here only while the database answers, is migrated, and the server is not draining. */
    async ready(res) {
      const report = await readiness({ pool, migrations, draining: draining(), log });
      sendJson(res, report.ready ? 200 : 503, { ...report, version: VERSION, time: new Date().toISOString() });
    },

    /** `GET /metrics` in Prometheus' text format; with a token configured, only for `Authorization: Bearer <token>`. */
    async metrics(req, res) {
      if (metricsToken && !tokenMatches(req.headers.authorization, metricsToken)) {
        res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="metrics"' });
        res.end('A bearer token is required.\n');
        return;
      }
      const { contentType, body } = await metrics.scrape();
      res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
      res.end(body);
    },
  };
}
