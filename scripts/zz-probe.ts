import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startServer } from '../src/server.js';
import { callApi, launchChromium, openApp, registerAccount } from '../test/web/driver.js';
const config = loadConfig({ ...process.env, DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres', LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: '0', BEHFLOW_SCHEDULER: 'false' });
const server = await startServer(config, createLogger('silent'));
const origin = `http://127.0.0.1:${server.port}`;
const b = await launchChromium();
const a = await registerAccount(origin, 'probe' + Date.now());
await callApi(origin, a.token, 'mutation { updateProfile(input: { calendar: JALALI }) { user { id } } }');
await callApi(origin, a.token, 'mutation { createTask(input: { name: "تمدید گذرنامه", dueAtJalali: "1415-01-15T09:30" }) { task { id } } }');
for (const language of ['fa', 'en'] as const) {
  const { page } = await openApp(b, origin, { token: a.token, language });
  await page.getByTestId('task').waitFor();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(1000);
  console.log(language, await page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      if (el.closest('nav, .mantine-AppShell-navbar')) continue;
      const r = el.getBoundingClientRect();
      if (r.right > 392 || r.left < -2) out.push(`${el.tagName}.${(el.className as any)?.toString?.().slice(0, 60)} ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
    return [document.documentElement.scrollWidth, ...out.slice(0, 12)];
  }));
}
await b.close(); await server.stop(); process.exit(0);
