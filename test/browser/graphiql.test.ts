import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';

/** GraphiQL in a real browser, against the real server: a subscription streams over graphql-ws. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  process.stdout.write(`[tests] skipping the GraphiQL browser test: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)\n`);
}

describe.skipIf(!hasChromium)('GraphiQL in a browser', () => {
  it('loads without any CDN and runs a subscription over WebSocket', async () => {
    const { chromium } = await import('playwright-core');
    const server = await startTestServer();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      const external: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(server.origin) && !request.url().startsWith('ws://127.0.0.1') && /^https?:/.test(request.url())) {
          external.push(request.url());
        }
      });
      const query = encodeURIComponent('subscription { heartbeat(intervalSeconds: 1) { sequence } }');
      await page.goto(`${server.url}?query=${query}`);
      await page.click('.graphiql-execute-button');
      // Two heartbeats a second apart prove a live stream, not a single response. (The editor
      // renders spaces as no-break spaces, hence \s.)
      await expect
        .poll(async () => page.locator('.graphiql-response').innerText(), { timeout: 15_000, interval: 250 })
        .toMatch(/"sequence":\s+[1-9]/);
      expect(external).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
