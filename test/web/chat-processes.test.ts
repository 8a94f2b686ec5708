import type { ServerResponse } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLLM, streamToolCalls, type FakeLLM } from '../assistant/fake-llm.js';
import { uniqueName } from '../helpers/seed.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { CHROMIUM, callApi, hasChromium, launchChromium, openApp, registerAccount } from './driver.js';

if (!hasChromium)
  process.stdout.write(
    `[tests] skipping the web app chat and processes tests: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)\n`,
  );

/** Streams a reply as a chat-completions server does: the first piece at once, the rest when released. */
function heldReply(first: string, rest: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const event = (delta: Record<string, unknown>, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-web', object: 'chat.completion.chunk', created: 0, model: 'fake-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const answer = async (res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(event({ role: 'assistant', content: '' }));
    res.write(event({ content: first }));
    await released;
    res.write(event({ content: rest }));
    res.write(event({}, 'stop'));
    res.end('data: [DONE]\n\n');
  };
  return { answer, release };
}

describe.skipIf(!hasChromium)('the web app: assistant and processes', () => {
  let server: TestServer;
  let browser: Browser;
  let llm: FakeLLM;
  const admin = uniqueName('admin');
  beforeAll(async () => {
    llm = await startFakeLLM();
    server = await startTestServer({
      env: { BEHFLOW_LLM_BASE_URL: llm.baseUrl, BEHFLOW_LLM_MODEL: 'fake-model', BEHFLOW_ADMIN_USERNAMES: admin },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('streams the reply as it is written, shows the actions it took, and keeps a refused message to send again', async () => {
    const account = await registerAccount(server.origin, uniqueName('web'));
    const reply = heldReply('Added **Buy milk**', ' to your list.');
    llm.script(streamToolCalls([{ name: 'add_task', args: { name: 'Buy milk', tags: ['home'] } }]), reply.answer);
    const { context, page } = await openApp(browser, server.origin, { token: account.token, path: '/chat' });
    try {
      await page.locator('[data-live-state="live"]').waitFor();
      await page.getByRole('button', { name: 'New chat' }).last().click();
      const box = page.getByRole('textbox', { name: 'Message' });
      await box.fill('add buy milk #home');
      await box.press('Enter');
      await page.getByTestId('chat-message').filter({ hasText: 'add buy milk #home' }).waitFor();

      // The first piece shows while the rest is still being written.
      const streaming = page.getByTestId('chat-streaming');
      await streaming.getByText('Buy milk').waitFor();
      expect(await streaming.innerText()).toContain('The assistant is writing');

      // A second message while the reply is coming is refused: said in words, text kept.
      await box.fill('and add bread');
      await box.press('Enter');
      await page.getByRole('alert').waitFor();
      expect(await page.getByRole('alert').innerText()).toMatch(/reply/i);
      expect(await box.inputValue()).toBe('and add bread');

      reply.release();
      const answer = page.getByTestId('chat-message').filter({ hasText: 'to your list.' });
      await answer.waitFor();
      await streaming.waitFor({ state: 'detached' });
      expect(await answer.locator('strong').innerText()).toBe('Buy milk');
      const actions = answer.getByTestId('chat-actions');
      expect(await actions.innerText()).toMatch(/Done · add_task/);
      // What the assistant did is real: the task exists.
      const tasks = await callApi<{ tasks: { edges: Array<{ node: { name: string; tags: string[] } }> } }>(
        server.origin,
        account.token,
        '{ tasks { edges { node { name tags } } } }',
      );
      expect(tasks.tasks.edges.map((edge) => edge.node)).toEqual([{ name: 'Buy milk', tags: ['home'] }]);
    } finally {
      await context.close();
    }
  });

  it('lets an administrator disable, enable and run a process, and shows its executions as they change', async () => {
    const account = await registerAccount(server.origin, admin);
    const process = 'reschedule_remaining_tasks';
    const { context, page } = await openApp(browser, server.origin, { token: account.token });
    try {
      await page.getByRole('link', { name: 'Processes' }).click();
      const card = page.locator(`[data-testid="process"][data-process-name="${process}"]`);
      await card.waitFor();
      const enabled = async () =>
        (
          await callApi<{ automatedProcess: { isEnabled: boolean } }>(
            server.origin,
            account.token,
            `{ automatedProcess(name: "${process}") { isEnabled } }`,
          )
        ).automatedProcess.isEnabled;
      const toggle = page.getByRole('switch', { name: `${process} enabled` });
      await toggle.click({ force: true });
      await expect.poll(enabled, { timeout: 10_000 }).toBe(false);
      await toggle.click({ force: true });
      await expect.poll(enabled, { timeout: 10_000 }).toBe(true);

      await page.getByRole('button', { name: `Run ${process} now` }).click();
      const rows = page.locator(`[data-testid="execution"][data-process-name="${process}"]`);
      await rows.first().waitFor();
      await rows.first().locator('[data-status="COMPLETED"]').waitFor({ timeout: 15_000 });

      // A run started elsewhere (here through the API) appears and completes without a reload.
      const { automatedProcess } = await callApi<{ automatedProcess: { id: string } }>(
        server.origin,
        account.token,
        `{ automatedProcess(name: "${process}") { id } }`,
      );
      await callApi(server.origin, account.token, 'mutation ($id: ID!) { runAutomatedProcess(input: { id: $id }) { execution { id } } }', {
        id: automatedProcess.id,
      });
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
      await rows.first().locator('[data-status="COMPLETED"]').waitFor({ timeout: 15_000 });
      expect(await rows.first().innerText()).toContain('Administrator');
    } finally {
      await context.close();
    }
  });
});
