/**
 * 照合 (the ops console's reconciliation page) in a real browser: an operator signs in, an order is
 * placed, Amazon's record of its charge changes while notifications are out (the emulator's control
 * API captures the charge with the notification URL unset), and 「今すぐ照合」 starts a run that shows
 * 実行中… while it polls, then the report with the charge's mismatches linked to the order's 受注詳細;
 * a viewer reads the reports without the button; a run that ends without a report shows Temporal's
 * reason.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualReconciliationWorkflowId } from '../../workflows/reconciliation.js';
import { Shopper, type TestApi } from '../support/api.js';
import { finishCheckout, startCheckout } from '../support/checkout.js';
import { addStaff, type TestStaff } from '../support/staff.js';
import {
  hasChromium,
  launchBrowser,
  newShopper,
  pageErrors,
  reportMissingChromium,
  screenshot,
  signInAsStaff,
  startE2eApi,
} from './support.js';

reportMissingChromium('test/e2e/ops-reconcile.test.ts');

const yen = (amount: number) => `¥${amount.toLocaleString('ja-JP')}`;
const OPERATOR: TestStaff = { login: 'hanako', name: '運用 花子', role: 'operator', password: 'correct horse battery' };
const VIEWER: TestStaff = { login: 'taro', name: '閲覧 太郎', role: 'viewer', password: 'viewer horse battery' };

describe.skipIf(!hasChromium)('ops console 照合 in Chromium', () => {
  let api: TestApi;
  let browser: Browser;
  /** The report of the operator's run, read again by the viewer. */
  let reportId = '';
  let orderId = '';

  /** The emulator's control API (what Amazon does on its own, and its fault knobs). */
  async function emulator(method: 'POST' | 'PUT', path: string, body: unknown): Promise<void> {
    const response = await fetch(`${api.emulatorUrl}/__emulator${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status, `${path}: ${await response.text()}`).toBe(200);
  }
  /** Every getCharge answered after `ms`, so a run stays 実行中 long enough to be seen. */
  const slowGetCharge = (ms: number) =>
    emulator('PUT', '/faults', { latencyRate: ms > 0 ? 1 : 0, latencyMs: ms, calls: ['getCharge'] });

  async function signIn(page: Page, staff: TestStaff): Promise<void> {
    await page.waitForURL(/\/ops\/login\?next=/);
    await signInAsStaff(page, staff);
  }

  beforeAll(async () => {
    [api, browser] = await Promise.all([startE2eApi('e2e_ops_reconcile'), launchBrowser()]);
    for (const staff of [OPERATOR, VIEWER]) await addStaff(api.database, staff);
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('an operator presses 今すぐ照合: 実行中… while it runs, then the report with the charge Amazon captured unseen, linked to 受注詳細', async () => {
    const shopper = new Shopper(api.url);
    const run = await startCheckout(shopper, api.emulatorUrl, [{ productId: 'tea-sencha', quantity: 1 }]);
    const complete = await finishCheckout(shopper, api.emulatorUrl, run);
    expect(complete.status, JSON.stringify(complete.body)).toBe(200);
    const placed = complete.body.order;
    expect(placed.status).toBe('Placed');
    orderId = run.orderId;
    const charge = placed.payment.charges[0] as { chargeId: string; amount: number };

    const { context, page } = await newShopper(browser, api.url);
    await page.goto('/ops/reconcile');
    await signIn(page, OPERATOR);
    await page.waitForURL((url) => url.pathname === '/ops/reconcile');
    const nav = page.getByRole('navigation', { name: '管理画面' });
    await expect.poll(() => nav.getByRole('link', { name: '照合' }).getAttribute('aria-current')).toBe('page');
    // Nothing has run yet in this shop's database.
    await expect
      .poll(() => page.getByTestId('no-runs').textContent())
      .toBe('照合の実行結果はまだありません。照合は毎時自動で実行されます。');
    expect(await page.locator('#runs').isVisible()).toBe(false);
    expect(await page.locator('#mismatches').isVisible()).toBe(false);

    // Amazon captures the charge while no notification reaches the shop: the read model still says Authorized.
    await emulator('PUT', '/notifications', { url: null });
    await emulator('POST', `/charges/${charge.chargeId}/state`, { state: 'Captured' });
    await slowGetCharge(1_500);

    const button = page.getByRole('button', { name: '今すぐ照合' });
    await button.click();
    const runState = page.getByTestId('run-state');
    await expect.poll(() => runState.textContent()).toContain('実行中…');
    expect(await button.isDisabled()).toBe(true);
    await expect
      .poll(() => runState.textContent(), { timeout: 30_000 })
      .toBe('照合が完了しました。不一致 2件（照合した注文 1件）。');
    expect(await button.isDisabled()).toBe(false);
    await slowGetCharge(0);

    // The run in the list, selected (its id in the address), and its mismatches against the order.
    reportId = new URL(page.url()).searchParams.get('run') ?? '';
    expect(reportId).toMatch(/^reconciliation:manual:/);
    const row = page.locator(`#run-rows tr[data-run-id="${reportId}"]`);
    expect(await row.getByTestId('run-kind').textContent()).toBe('手動');
    expect(await row.getByTestId('run-outcome').textContent()).toBe('不一致 2件');
    expect(await row.getAttribute('class')).toBe('selected');
    const mismatches = page.locator(`#mismatch-rows tr[data-order-id="${orderId}"]`);
    expect(await mismatches.count()).toBe(2);
    const cells = await mismatches.evaluateAll((rows) =>
      rows.map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent)),
    );
    expect(cells).toEqual([
      [`チャージ ${charge.chargeId}`, '状態', 'Authorized', 'Captured'],
      [`チャージ ${charge.chargeId}`, '売上額', yen(0), yen(charge.amount)],
    ]);
    expect(await page.locator('#mismatches').textContent()).toContain('照合は不一致を記録するだけで');
    await screenshot(page, 'ops-reconcile');

    // The order id leads to its 受注詳細, where staff act.
    await mismatches.first().getByRole('link', { name: orderId }).click();
    await page.waitForURL(new RegExp(`/ops/order/${orderId}$`));
    await expect.poll(() => page.getByTestId('order-number').textContent()).toBe(orderId);

    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });

  it('a viewer reads the reports and their mismatches from the console nav, without the button', async () => {
    expect(reportId).not.toBe('');
    const { context, page } = await newShopper(browser, api.url);
    await page.goto('/ops/');
    await signIn(page, VIEWER);
    await page.waitForURL((url) => url.pathname === '/ops/');
    await page.getByRole('navigation', { name: '管理画面' }).getByRole('link', { name: '照合' }).click();
    await page.waitForURL((url) => url.pathname === '/ops/reconcile');
    const row = page.locator(`#run-rows tr[data-run-id="${reportId}"]`);
    await expect.poll(() => row.getByTestId('run-outcome').textContent()).toBe('不一致 2件');
    expect(await page.locator(`#mismatch-rows tr[data-order-id="${orderId}"]`).count()).toBe(2);
    expect(await page.getByRole('button', { name: '今すぐ照合' }).count()).toBe(0);
    expect(await page.locator('#viewer-note').textContent()).toBe('今すぐ照合はオペレーターだけが実行できます。');
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });

  it('a run that ends without a report shows why (here: terminated while it ran)', async () => {
    const { context, page } = await newShopper(browser, api.url);
    await page.goto('/ops/reconcile');
    await signIn(page, OPERATOR);
    await page.waitForURL((url) => url.pathname === '/ops/reconcile');
    await slowGetCharge(4_000);
    try {
      await page.getByRole('button', { name: '今すぐ照合' }).click();
      const runState = page.getByTestId('run-state');
      await expect.poll(() => runState.textContent()).toContain('実行中…');
      const handle = api.client.workflow.getHandle(manualReconciliationWorkflowId(api.config.temporal.taskQueue));
      await expect.poll(async () => (await handle.describe()).status.name).toBe('RUNNING');
      await handle.terminate('stopped by the e2e test');
      // The API's words (reconciliationRunFailedMessage) around Temporal's reason.
      await expect
        .poll(() => runState.textContent(), { timeout: 15_000 })
        .toMatch(/^照合は完了しませんでした（.*stopped by the e2e test.*）。もう一度実行してください。$/);
      expect(await page.getByRole('button', { name: '今すぐ照合' }).isDisabled()).toBe(false);
    } finally {
      await slowGetCharge(0);
    }
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
});
