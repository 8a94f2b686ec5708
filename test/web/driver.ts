// Drives the web app in Debian's Chromium (never a downloaded browser build), for the
// end-to-end tests and the README's screenshots.
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface Account {
  readonly username: string;
  readonly password: string;
  readonly token: string;
}

/** Registers an account through the public API, as the app's register screen does. */
export async function registerAccount(
  origin: string,
  username: string,
  options: { password?: string; name?: string; lastname?: string; timeZone?: string } = {},
): Promise<Account> {
  const password = options.password ?? 'correct horse battery';
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation ($input: RegisterInput!) { register(input: $input) { token } }',
      variables: {
        input: {
          username,
          password,
          name: options.name ?? 'Sara',
          lastname: options.lastname ?? 'Rahimi',
          timeZone: options.timeZone ?? 'Asia/Tehran',
        },
      },
    }),
  });
  const body = (await response.json()) as { data?: { register: { token: string } }; errors?: unknown };
  if (!body.data) throw new Error(`could not register ${username}: ${JSON.stringify(body.errors)}`);
  return { username, password, token: body.data.register.token };
}

/** Sends an operation with an account's token; throws on any error. */
export async function callApi<T = unknown>(
  origin: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (body.errors || !body.data) throw new Error(`API error: ${JSON.stringify(body.errors)}`);
  return body.data;
}

export interface OpenOptions {
  /** Signed in with this token (as if the person had signed in before). */
  readonly token?: string;
  readonly language?: 'en' | 'fa';
  readonly viewport?: { width: number; height: number };
  readonly colorScheme?: 'light' | 'dark';
  readonly path?: string;
}

/** A new browser context (its own storage) with the app open. */
export async function openApp(
  browser: Browser,
  origin: string,
  options: OpenOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
    locale: options.language === 'fa' ? 'fa-IR' : 'en-GB',
  });
  await context.addInitScript(
    ({ token, language }) => {
      // Only on the first load of the context: a reload keeps what the app stored since.
      if (sessionStorage.getItem('behflow.test.seeded')) return;
      sessionStorage.setItem('behflow.test.seeded', '1');
      if (token) localStorage.setItem('behflow.session', token);
      localStorage.setItem('behflow.language', language);
    },
    { token: options.token ?? null, language: options.language ?? 'en' },
  );
  // A step that cannot happen fails soon, naming what it waited for.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto(`${origin}${options.path ?? '/'}`);
  return { context, page };
}
