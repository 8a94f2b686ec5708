import type { Socket } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../helpers/seed.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { CHROMIUM, callApi, hasChromium, launchChromium, openApp, registerAccount } from './driver.js';

if (!hasChromium)
  process.stdout.write(
    `[tests] skipping the web app browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)\n`,
  );

const TASKS = '{ tasks(first: 50) { edges { node { name description status priority tags dueAt dueAtJalali } } } }';
type TaskRow = {
  name: string;
  description: string | null;
  status: string;
  priority: string;
  tags: string[];
  dueAt: string | null;
  dueAtJalali: string | null;
};
const tasksOf = async (server: TestServer, token: string) =>
  (await callApi<{ tasks: { edges: Array<{ node: TaskRow }> } }>(server.origin, token, TASKS)).tasks.edges.map((edge) => edge.node);

const taskRow = (page: Page, name: string) => page.locator(`[data-testid="task"][data-task-name="${name}"]`);

/** The web app in Chromium against the real server: accounts, tasks, live updates. */
describe.skipIf(!hasChromium)('the web app', () => {
  let server: TestServer;
  let browser: Browser;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    server = await startTestServer();
    // The live (WebSocket) connections, to cut later as a dropped network would.
    server.running.app.server.on('upgrade', (_request, socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('registers, signs out, refuses a wrong password in words keeping what was typed, and signs in by keyboard', async () => {
    const username = uniqueName('web');
    const { context, page } = await openApp(browser, server.origin);
    // Everything the app loads comes from this server.
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(server.origin) && !request.url().startsWith('data:')) elsewhere.push(request.url());
    });
    try {
      await page.getByRole('tab', { name: 'Register' }).click();
      const form = page.getByRole('form', { name: 'Register' });
      await form.getByLabel('Username').fill(username);
      await form.getByLabel(/^Password/).fill('correct horse battery');
      await form.getByLabel('First name').fill('Sara');
      await form.getByLabel('Last name').fill('Rahimi');
      await form.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { name: 'Tasks' }).waitFor();
      expect(await page.getByTestId('viewer-name').innerText()).toBe('Sara Rahimi');

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('tab', { name: 'Sign in' }).waitFor();

      // The same username again: the server's reason, in words, next to the field; nothing typed is lost.
      await page.getByRole('tab', { name: 'Register' }).click();
      await form.getByLabel('Username').fill(username);
      await form.getByLabel(/^Password/).fill('another password');
      await form.getByLabel('First name').fill('Other');
      await form.getByLabel('Last name').fill('Person');
      await form.getByRole('button', { name: 'Create account' }).click();
      await form.getByText('This username is taken.').first().waitFor();
      expect(await form.getByLabel('First name').inputValue()).toBe('Other');

      await page.getByRole('tab', { name: 'Sign in' }).click();
      const signIn = page.getByRole('form', { name: 'Sign in' });
      await signIn.getByLabel('Username').fill(username);
      await signIn.getByLabel(/^Password/).fill('wrong password');
      await signIn.getByLabel(/^Password/).press('Enter');
      await signIn.getByRole('alert').getByText('Invalid username or password.').waitFor();
      expect(await signIn.getByLabel('Username').inputValue()).toBe(username);

      // By keyboard alone: Tab moves to the password, whose focus is visible; Enter signs in.
      await signIn.getByLabel('Username').focus();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('password');
      expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('correct horse battery');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Tasks' }).waitFor();

      // The password: a wrong current one is refused next to its field, the form kept.
      await page.getByRole('link', { name: 'Profile' }).click();
      const password = page.getByRole('form', { name: 'Password' });
      await password.getByLabel(/^Current password/).fill('not it at all');
      await password.getByLabel(/^New password(?! again)/).fill('battery staple horse');
      await password.getByLabel(/^New password again/).fill('battery staple horse');
      await password.getByRole('button', { name: 'Change password' }).click();
      await password.getByText('The current password is not correct.').first().waitFor();
      expect(await password.getByLabel(/^New password again/).inputValue()).toBe('battery staple horse');
      await password.getByLabel(/^Current password/).fill('correct horse battery');
      await password.getByRole('button', { name: 'Change password' }).click();
      await password.getByText('Password changed').waitFor();
      expect(elsewhere).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('creates, edits (in either calendar), completes, reopens, filters and deletes a task', async () => {
    const account = await registerAccount(server.origin, uniqueName('web'));
    const { context, page } = await openApp(browser, server.origin, { token: account.token });
    try {
      await page.getByRole('button', { name: 'New task' }).click();
      const dialog = page.getByRole('dialog');
      // Refused by the server: said in words, and the dialog keeps what was typed.
      await dialog.getByLabel('Name').fill('   ');
      await dialog.getByLabel('Description').fill('Two pages');
      await dialog.getByRole('button', { name: 'Add' }).click();
      await dialog.getByRole('alert').waitFor();
      expect(await dialog.getByRole('alert').innerText()).toMatch(/name/i);
      expect(await dialog.getByLabel('Description').inputValue()).toBe('Two pages');

      await dialog.getByLabel('Name').fill('Write report');
      await dialog.getByLabel('Tags').fill('work');
      await dialog.getByLabel('Tags').press('Enter');
      await dialog.getByRole('textbox', { name: 'Date' }).fill('2035-12-24');
      await dialog.getByLabel('Time').fill('09:30');
      await dialog.getByRole('button', { name: 'Add' }).click();
      await dialog.waitFor({ state: 'detached' });
      const row = taskRow(page, 'Write report');
      await row.waitFor();
      expect(await row.getByTestId('task-due').innerText()).toBe('Due 24 Dec 2035, 09:30');
      expect(await tasksOf(server, account.token)).toMatchObject([
        {
          name: 'Write report',
          description: 'Two pages',
          tags: ['work'],
          dueAt: '2035-12-24T06:00:00.000Z',
          dueAtJalali: '1414-10-03T09:30:00',
        },
      ]);

      // Edit: name, priority, and the due date typed in the Jalali calendar.
      await page.getByRole('button', { name: 'Edit “Write report”' }).click();
      await dialog.getByLabel('Name').fill('Write the report');
      await dialog.getByRole('combobox', { name: 'Priority' }).click();
      await page.getByRole('option', { name: 'High' }).click();
      await dialog.getByText('Jalali', { exact: true }).click();
      expect(await dialog.getByRole('textbox', { name: 'Date' }).inputValue()).toBe('1414-10-03');
      await dialog.getByRole('textbox', { name: 'Date' }).fill('1414-10-05');
      await dialog.getByTestId('due-preview').getByText('2035-12-26').waitFor();
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      await taskRow(page, 'Write the report').waitFor();
      expect(await tasksOf(server, account.token)).toMatchObject([
        { name: 'Write the report', priority: 'HIGH', dueAtJalali: '1414-10-05T09:30:00' },
      ]);

      await page.getByRole('checkbox', { name: 'Complete “Write the report”' }).click();
      await taskRow(page, 'Write the report').getByText('Completed').waitFor();
      expect((await tasksOf(server, account.token))[0]!.status).toBe('COMPLETED');
      await page.getByRole('checkbox', { name: 'Reopen “Write the report”' }).click();
      await taskRow(page, 'Write the report').getByText('Pending').waitFor();
      expect((await tasksOf(server, account.token))[0]!.status).toBe('PENDING');

      // Filters and search narrow the list on the server.
      await page.getByLabel('Add a task and press Enter').fill('Buy milk');
      await page.getByLabel('Add a task and press Enter').press('Enter');
      await taskRow(page, 'Buy milk').waitFor();
      await page.getByText('High', { exact: true }).first().click();
      await taskRow(page, 'Buy milk').waitFor({ state: 'detached' });
      await page.getByText('High', { exact: true }).first().click();
      await page.getByRole('searchbox', { name: 'Search' }).fill('mil');
      await taskRow(page, 'Write the report').waitFor({ state: 'detached' });
      expect(await page.getByTestId('task').count()).toBe(1);
      await page.getByRole('searchbox', { name: 'Search' }).fill('');

      await page.getByRole('button', { name: 'Delete “Write the report”' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
      await taskRow(page, 'Write the report').waitFor({ state: 'detached' });
      expect((await tasksOf(server, account.token)).map((task) => task.name)).toEqual(['Buy milk']);
    } finally {
      await context.close();
    }
  });

  it('shows a task made in a second page live in the first, catches up after a dropped connection, and signs out on a 4403', async () => {
    const account = await registerAccount(server.origin, uniqueName('web'));
    const first = await openApp(browser, server.origin, { token: account.token });
    const second = await openApp(browser, server.origin, { token: account.token });
    try {
      const live = first.page.locator('[data-live-state="live"]');
      await live.waitFor();
      await second.page.getByLabel('Add a task and press Enter').fill('Made in the second page');
      await second.page.getByLabel('Add a task and press Enter').press('Enter');
      await taskRow(first.page, 'Made in the second page').waitFor();
      expect(await taskRow(first.page, 'Made in the second page').count()).toBe(1);

      // The network drops: the live connections are cut. A task made meanwhile is missed by
      // the stream, and shows once the app has reconnected and refetched.
      for (const socket of sockets) socket.destroy();
      await first.page.locator('[data-live-state="reconnecting"]').waitFor();
      await callApi(server.origin, account.token, 'mutation { createTask(input: { name: "Made while offline" }) { task { id } } }');
      await live.waitFor({ timeout: 15_000 });
      await taskRow(first.page, 'Made while offline').waitFor();
      expect(await taskRow(first.page, 'Made while offline').count()).toBe(1);

      // Signed out everywhere (say, from another device): the server closes the live
      // connection with 4403, and the app signs out with a message instead of retrying.
      await callApi(server.origin, account.token, 'mutation { logoutEverywhere { revokedSessions } }');
      await first.page.getByText('Your session has ended').waitFor();
      await first.page.getByRole('tab', { name: 'Sign in' }).waitFor();
      expect(await first.page.getByRole('tab', { name: 'Sign in' }).isVisible()).toBe(true);
    } finally {
      await first.context.close();
      await second.context.close();
    }
  });
});
