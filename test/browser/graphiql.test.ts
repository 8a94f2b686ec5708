import { describe, expect, it } from 'vitest';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';
import { CHROMIUM, hasChromium, launchChromium } from '../web/driver.js';

/** GraphiQL in a real browser, against the real server: a subscription streams over graphql-ws. */
if (!hasChromium) {
  process.stdout.write(
    `[tests] skipping the GraphiQL browser test: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)\n`,
  );
}

describe.skipIf(!hasChromium)('GraphiQL in a browser', () => {
  it('loads without any CDN and runs a subscription over WebSocket', async () => {
    const server = await startTestServer();
    const browser = await launchChromium();
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

  it('runs a signed-in subscription with the token typed into the headers editor', async () => {
    const server = await startTestServer();
    const { token } = await seed(server).user().create();
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const query = encodeURIComponent('subscription { taskEvents { type task { name } } }');
      await page.goto(`${server.url}?query=${query}`);
      await page.locator('.graphiql-execute-button').waitFor();
      // The editors load after the page (Monaco starts its workers first).
      await page.waitForTimeout(1_000);
      await page.getByText('Headers', { exact: true }).click();
      // Let the editor panel open before aiming at it.
      await page.waitForTimeout(300);
      // The headers editor opens right under its tab; typing needs a click into its text.
      const tab = (await page.getByText('Headers', { exact: true }).boundingBox())!;
      await page.mouse.click(tab.x + 20, tab.y + tab.height + 30);
      await page.keyboard.type(`{"authorization": "Bearer ${token}"`);
      // GraphiQL reads the editor's text after a short debounce.
      await page.waitForTimeout(500);
      await page.click('.graphiql-execute-button');
      // Until the subscription is live nothing arrives; keep creating tasks until one shows up.
      await expect
        .poll(
          async () => {
            await server.data(
              graphql(`mutation GraphiqlCreateTask { createTask(input: { name: "Made while GraphiQL listens" }) { task { id } } }`),
              { token },
            );
            // The editor renders spaces as no-break spaces.
            return (await page.locator('.graphiql-response').innerText()).replace(/\s+/g, ' ');
          },
          { timeout: 15_000, interval: 500 },
        )
        .toContain('"task": { "name": "Made while GraphiQL listens" }');
    } finally {
      await browser.close();
    }
  }, 60_000);
});
