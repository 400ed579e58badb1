/**
 * Browser e2e support: Debian's Chromium driven by playwright-core, the API (storefront included)
 * with a worker and the in-process emulator, and the buyer's moves on Amazon's (emulator) pages.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { NOTIFICATION_PATH } from '../../api/notifications.js';
import { freePort } from '../../scripts/services.js';
import { startTestApi, type TestApi } from '../support/api.js';
import type { TestStaff } from '../support/staff.js';

const CHROMIUM_PATH = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);
const SCREENSHOT_DIR = path.resolve('test-artifacts', 'e2e');

/** Says once, clearly, why the browser tests of a file are skipped. */
export function reportMissingChromium(file: string): void {
  if (!hasChromium) {
    console.log(
      `e2e: ${file} skipped: ${CHROMIUM_PATH} is missing (install Debian's chromium: apt-get install chromium; .ci/run does this)`,
    );
  }
}

/**
 * The flags that keep Chromium quiet on a machine without internet (no background connections,
 * component updates or sync, no QUIC). Playwright gives every launch a fresh, empty
 * `--user-data-dir` of its own (it refuses that flag in `args`), so no profile carries over.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/**
 * The API on a port chosen before it starts, so PUBLIC_BASE_URL — the base of the return URLs
 * handed to Amazon — is the API's own URL and the browser comes back to this storefront.
 */
export async function startE2eApi(label: string): Promise<TestApi> {
  const port = await freePort();
  const api = await startTestApi(label, { worker: true, port, env: { PUBLIC_BASE_URL: `http://127.0.0.1:${port}` } });
  // Amazon's notifications reach the API as in production, so a pending authorization settles
  // within the emulator's delay instead of at the workflow's first poll (30 s).
  const response = await fetch(`${api.emulatorUrl}/__emulator/notifications`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${api.url}${NOTIFICATION_PATH}` }),
  });
  if (!response.ok) throw new Error(`emulator notification URL: ${response.status} ${await response.text()}`);
  return api;
}

/**
 * A fresh shopper: own cookies, localStorage and sessionStorage. `userAgent` stands in for another
 * browser (an app's in-app browser, B); `viewport` for a phone's screen.
 */
export async function newShopper(
  browser: Browser,
  baseURL: string,
  o: { userAgent?: string; viewport?: { width: number; height: number } } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    viewport: o.viewport ?? { width: 1200, height: 900 },
    ...(o.userAgent === undefined ? {} : { userAgent: o.userAgent }),
  });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
  uncaught.set(page, errors);
  return { context, page };
}

const uncaught = new WeakMap<Page, string[]>();

/** Uncaught exceptions of the storefront's JS on every page this shopper saw (tests expect none). */
export function pageErrors(page: Page): string[] {
  return uncaught.get(page) ?? [];
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// ---- The storefront -------------------------------------------------------------------------------

export async function addToCart(page: Page, productName: string, times = 1): Promise<void> {
  if (!page.url().endsWith('/')) await page.goto('/');
  for (let i = 0; i < times; i += 1) {
    await page.getByRole('button', { name: `${productName}をカートに入れる` }).click();
    await expect.poll(() => page.locator('#add-status').textContent()).toContain(productName);
  }
}

/** From the cart, presses the Amazon Pay button and lands on Amazon's (the emulator's) sign-in page. */
export async function payWithAmazon(page: Page, emulatorUrl: string): Promise<void> {
  await page.goto('/cart');
  await page.getByRole('button', { name: 'Amazon Pay' }).click();
  await page.waitForURL((url) => url.href.startsWith(`${emulatorUrl}/checkout/`));
}

// ---- Amazon's pages (served by the emulator) ------------------------------------------------------

/** Signs in as a test buyer, picks an address and a payment method, and returns to the review page. */
export async function chooseAtAmazon(
  page: Page,
  choice: { buyer: string; address?: string; payment?: string },
): Promise<void> {
  await page.getByLabel(choice.buyer).check();
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL(/\/select/);
  if (choice.address !== undefined) await page.getByLabel(choice.address).check();
  if (choice.payment !== undefined) await page.getByLabel(choice.payment, { exact: true }).check();
  await page.getByRole('button', { name: '続行' }).click();
  await page.waitForURL(/\/checkout\/review\?/);
}

/** The amount-confirmation hop: 「支払う」 on Amazon's page, back to /checkout/complete. */
export async function payAtAmazon(page: Page): Promise<void> {
  await page.waitForURL(/\/checkout\/[0-9a-f-]{36}\/confirm$/);
  await page.getByRole('button', { name: '支払う' }).click();
  await page.waitForURL(/\/checkout\/complete\?/);
}

/** On the review page, once the form is shown: tick the consent and press 「注文確定」. */
export async function confirmOrder(page: Page): Promise<void> {
  await page.getByLabel('個人情報保護方針に同意する').check();
  await page.getByRole('button', { name: '注文確定' }).click();
}

export async function totalsOf(page: Page): Promise<Record<string, string>> {
  return page
    .locator('[data-total]')
    .evaluateAll((cells) =>
      Object.fromEntries(cells.map((cell) => [cell.getAttribute('data-total') ?? '', cell.textContent ?? ''])),
    );
}

/** Fills the console's sign-in page (/ops/login) as `staff` and sends it. */
export async function signInAsStaff(page: Page, staff: Pick<TestStaff, 'login' | 'password'>): Promise<void> {
  await page.getByRole('textbox', { name: 'ログインID' }).fill(staff.login);
  await page.getByRole('textbox', { name: 'パスワード' }).fill(staff.password);
  await page.getByRole('button', { name: 'サインイン', exact: true }).click();
}
