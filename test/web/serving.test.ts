import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { WEB_APP_DIR, isWebAppRequest } from '../../src/system/web-app.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

/** The built web app is served at `/` by the API server itself; `/graphql` and `/health` are untouched. */
describe('serving the web app', () => {
  let server: TestServer;
  const index = readFileSync(`${WEB_APP_DIR}/index.html`, 'utf8');
  const assets = [...index.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!).filter((ref) => ref.startsWith('/assets/'));
  beforeAll(async () => {
    server = await startTestServer();
  });

  it('is built by the install, and loads nothing from another origin', () => {
    expect(assets.some((asset) => asset.endsWith('.js'))).toBe(true);
    expect(assets.some((asset) => asset.endsWith('.css'))).toBe(true);
    expect(index).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
  });

  it('answers / and any client route with index.html, revalidated and with a same-origin-only policy', async () => {
    for (const path of ['/', '/chat/Q2hhdFNlc3Npb246eA==', '/profile', '/processes']) {
      const response = await fetch(`${server.origin}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await response.text()).toBe(index);
    }
  });

  it('serves hashed assets compressed and cached for good; a missing file is a 404, not the page', async () => {
    const script = assets.find((asset) => asset.endsWith('.js'))!;
    const response = await fetch(`${server.origin}${script}`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('br');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect((await response.text()).length).toBeGreaterThan(1000);
    const missing = await fetch(`${server.origin}/assets/missing-0000.js`);
    expect(missing.status).toBe(404);
    await missing.body?.cancel();
  });

  it('leaves the API where it is: POST /graphql, GraphiQL on GET /graphql, /health', async () => {
    expect((await server.data(graphql(`query ServingServerInfo { serverInfo { version } }`))).serverInfo.version).toMatch(/^\d+\.\d+\.\d+/);
    const graphiql = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(await graphiql.text()).toContain('GraphiQL');
    const health = await fetch(`${server.origin}/health`);
    expect(((await health.json()) as { status: string }).status).toBe('ok');
    // GETs carry Yoga's CSRF header (or credentials), as every non-browser client can.
    const get = await fetch(`${server.url}?query=${encodeURIComponent('{ serverInfo { timeZone } }')}`, {
      headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' },
    });
    expect(((await get.json()) as { data: { serverInfo: { timeZone: string } } }).data.serverInfo.timeZone).toBe('Asia/Tehran');
  });

  it('sends only GET and HEAD outside the API to the app', () => {
    expect(isWebAppRequest('GET', '/')).toBe(true);
    expect(isWebAppRequest('HEAD', '/chat/abc')).toBe(true);
    expect(isWebAppRequest('POST', '/')).toBe(false);
    expect(isWebAppRequest('GET', '/graphql')).toBe(false);
    expect(isWebAppRequest('GET', '/graphql/stream')).toBe(false);
    expect(isWebAppRequest('GET', '/health')).toBe(false);
    expect(isWebAppRequest('GET', '/ready')).toBe(false);
    expect(isWebAppRequest('GET', '/metrics')).toBe(false);
  });
});
