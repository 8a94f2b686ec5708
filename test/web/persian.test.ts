import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../helpers/seed.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { CHROMIUM, callApi, hasChromium, launchChromium, openApp, registerAccount } from './driver.js';

if (!hasChromium)
  process.stdout.write(
    `[tests] skipping the Persian web app test: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)\n`,
  );

describe.skipIf(!hasChromium)('the web app in Persian', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('switches to Persian right-to-left, keeps the Jalali calendar in the profile, and takes and shows Jalali dates', async () => {
    const account = await registerAccount(server.origin, uniqueName('web'), { name: 'دارا', lastname: 'کاظمی' });
    const { context, page } = await openApp(browser, server.origin, { token: account.token, path: '/profile' });
    try {
      await page.getByRole('heading', { name: 'Profile' }).waitFor();
      await page.getByText('فا', { exact: true }).first().click();
      await page.getByRole('heading', { name: 'نمایه' }).waitFor();
      expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['fa', 'rtl']);

      await page.getByRole('form', { name: 'نمایه' }).getByText('خورشیدی', { exact: true }).click();
      await page.getByRole('button', { name: 'ذخیره' }).click();
      await page.getByText('ذخیره شد.').waitFor();
      const me = await callApi<{ me: { calendar: string } }>(server.origin, account.token, '{ me { calendar } }');
      expect(me.me.calendar).toBe('JALALI');

      await page.getByRole('link', { name: 'کارها' }).click();
      await page.getByRole('button', { name: 'کار تازه' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('textbox', { name: 'نام' }).fill('تمدید گذرنامه');
      // Typed with Persian digits, in the Jalali calendar (the profile's choice); far ahead, so never overdue.
      await dialog.getByRole('textbox', { name: 'تاریخ' }).fill('۱۴۱۵-۰۱-۱۵');
      await dialog.getByLabel('ساعت').fill('09:30');
      await dialog.getByTestId('due-preview').getByText('2036-04-03').waitFor();
      await dialog.getByRole('button', { name: 'افزودن' }).click();
      const row = page.locator('[data-testid="task"][data-task-name="تمدید گذرنامه"]');
      await row.waitFor();
      expect(await row.getByTestId('task-due').innerText()).toBe('موعد: ۱۵ فروردین ۱۴۱۵، ۹:۳۰');
      const tasks = await callApi<{ tasks: { edges: Array<{ node: { dueAtJalali: string; dueAt: string } }> } }>(
        server.origin,
        account.token,
        '{ tasks { edges { node { dueAt dueAtJalali } } } }',
      );
      expect(tasks.tasks.edges[0]!.node).toEqual({ dueAtJalali: '1415-01-15T09:30:00', dueAt: '2036-04-03T06:00:00.000Z' });

      // Right to left: the navigation is on the right, the check box before (right of) the name.
      const width = page.viewportSize()!.width;
      const nav = (await page.getByRole('navigation', { name: 'اصلی' }).boundingBox())!;
      expect(nav.x).toBeGreaterThan(width / 2);
      const checkbox = (await row.getByRole('checkbox').boundingBox())!;
      const name = (await row.getByText('تمدید گذرنامه').boundingBox())!;
      expect(checkbox.x).toBeGreaterThan(name.x);

      // On a phone: the menu folds behind a button, and nothing overflows sideways.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByRole('button', { name: 'منو' }).waitFor();
      // Folded away: out of reach of the keyboard and of screen readers.
      await page.getByRole('link', { name: 'نمایه' }).waitFor({ state: 'detached' });
      // (Fractional widths may round the scroll width up by a pixel.)
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(391);
      await page.getByRole('button', { name: 'منو' }).click();
      await page.getByRole('link', { name: 'نمایه' }).click();
      await page.getByRole('heading', { name: 'نمایه' }).waitFor();

      // The language stays after a reload.
      await page.reload();
      await page.getByRole('heading', { name: 'نمایه' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    } finally {
      await context.close();
    }
  });
});
