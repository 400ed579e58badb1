/**
 * The ops console in a real browser: a staff account (made as `npm run ops:user` makes it), sign-in
 * through /ops/login coming back to the console, an order placed by the test found in 受注一覧 by its
 * charge permission id and status, and 受注詳細 with the amount limit (A2), what may still be
 * authorized, the shop memo (M1) and the Amazon ids; an amount past the limit refused on the page
 * with the API's message before anything is sent; a raise within the limit, a capture and a partial
 * refund, each confirmed, shown in the order and its history.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amountLimit } from '../../domain/amount-limits.js';
import { exceedsAmountLimitMessage } from '../../domain/messages.js';
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

reportMissingChromium('test/e2e/ops-console.test.ts');

const yen = (amount: number) => `¥${amount.toLocaleString('ja-JP')}`;
const OPERATOR: TestStaff = { login: 'hanako', name: '運用 花子', role: 'operator', password: 'correct horse battery' };

describe.skipIf(!hasChromium)('ops console in Chromium', () => {
  let api: TestApi;
  let browser: Browser;

  beforeAll(async () => {
    [api, browser] = await Promise.all([startE2eApi('e2e_ops_console'), launchBrowser()]);
    await addStaff(api.database, OPERATOR);
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('A2, M1: staff sign in, find the order in 受注一覧, see its amount limit; past the limit is refused on the page, a raise within it, a capture and a refund are confirmed and audited', async () => {
    const shopper = new Shopper(api.url);
    const run = await startCheckout(shopper, api.emulatorUrl, [{ productId: 'tea-sencha', quantity: 2 }]);
    const complete = await finishCheckout(shopper, api.emulatorUrl, run);
    expect(complete.status, JSON.stringify(complete.body)).toBe(200);
    const placed = complete.body.order;
    expect(placed.status).toBe('Placed');
    const limit = amountLimit(placed.payment.orderAmount);

    // Not signed in: the console sends staff to the sign-in page, which comes back to it.
    const { context, page } = await newShopper(browser, api.url);
    await page.goto(`/ops/?status=Placed`);
    await page.waitForURL(/\/ops\/login\?next=/);
    await signInAsStaff(page, OPERATOR);
    await page.waitForURL((url) => url.pathname === '/ops/' && url.searchParams.get('status') === 'Placed');
    await expect.poll(() => page.getByTestId('staff-state').textContent()).toBe('運用 花子（オペレーター）');

    // 受注一覧: searched by the Amazon charge permission id, the order is the one row, status 受注（未売上）.
    await page.getByLabel('Amazon Charge Permission ID').fill(placed.chargePermissionId);
    await page.getByRole('button', { name: '検索' }).click();
    await expect.poll(() => page.getByTestId('result-count').textContent()).toBe('1件');
    const row = page.locator(`tr[data-order-id="${run.orderId}"]`);
    expect(await row.getByTestId('order-status').textContent()).toBe('受注（未売上）');
    await screenshot(page, 'ops-orders');

    // 受注詳細: the limit and what may still be authorized (A2), the shop memo (M1), the Amazon ids.
    await row.getByRole('link', { name: run.orderId }).click();
    await page.waitForURL(new RegExp(`/ops/order/${run.orderId}$`));
    const fact = (key: string) => page.locator(`[data-fact="${key}"]`).textContent();
    await expect.poll(() => fact('amount-limit')).toBe(yen(limit));
    expect(await fact('remaining-increase')).toBe(yen(limit - placed.payment.amount));
    expect(await fact('charge-permission-id')).toBe(placed.chargePermissionId);
    expect(await page.getByTestId('shop-memo').textContent()).toBe(placed.shopMemo);
    expect(await page.locator('#charges').textContent()).toContain(placed.payment.charges[0].chargeId);
    expect(await page.getByTestId('workflow-link').getAttribute('href')).toBe(
      `${api.config.codec.corsOrigins[0]}/namespaces/${api.config.temporal.namespace}/workflows/order%3A${run.orderId}`,
    );
    expect(await page.getByTestId('audit').textContent()).toContain('操作はまだありません。');
    await screenshot(page, 'ops-order');

    // A2: a total past the limit is refused on the page, with the API's message, and nothing is sent.
    const auditRowsBefore = await api.database.models.Audit.countDocuments({ target: run.orderId });
    await page.getByLabel('変更後の金額（円）').fill(String(limit + 1));
    await page.getByRole('button', { name: '金額変更…' }).click();
    await expect
      .poll(() => page.locator('#action-notice').textContent())
      .toBe(exceedsAmountLimitMessage(limit + 1, limit, limit - placed.payment.amount));
    expect(await page.getByTestId('change-amount-confirm').isVisible()).toBe(false);
    expect(await api.database.models.Audit.countDocuments({ target: run.orderId })).toBe(auditRowsBefore);

    // A2: a raise within the limit, confirmed: a new authorization for the difference, the room shrinks.
    const raised = placed.payment.amount + 1_000;
    await page.getByLabel('変更後の金額（円）').fill(String(raised));
    await page.getByRole('button', { name: '金額変更…' }).click();
    const changeConfirm = page.getByTestId('change-amount-confirm');
    await expect
      .poll(() => changeConfirm.textContent())
      .toContain(`金額を ${yen(placed.payment.amount)} から ${yen(raised)} に変更します`);
    await changeConfirm.getByRole('button', { name: '実行する' }).click();
    await expect.poll(() => fact('amount'), { timeout: 20_000 }).toBe(yen(raised));
    expect(await fact('remaining-increase')).toBe(yen(limit - raised));

    // Capture (full): a confirmation step, then the order is captured and the action is in the history.
    await page.getByRole('button', { name: '売上確定（キャプチャ）…' }).click();
    const confirm = page.getByTestId('capture-confirm');
    await expect.poll(() => confirm.textContent()).toContain(`全額 ${yen(raised)} を売上確定します`);
    await confirm.getByRole('button', { name: '実行する' }).click();
    await expect.poll(() => fact('status'), { timeout: 20_000 }).toBe('売上確定');
    expect(await fact('captured-amount')).toBe(yen(raised));
    const history = () => page.getByTestId('audit').textContent();
    expect(await history()).toContain('売上確定');
    expect(await history()).toContain('金額変更');
    expect(await history()).toContain('hanako（スタッフ）');
    // Captured: the amount can no longer change or be canceled; refunds are offered.
    expect(await page.getByLabel('変更後の金額（円）').isDisabled()).toBe(true);
    expect(await page.getByLabel('理由', { exact: true }).isDisabled()).toBe(true);
    await screenshot(page, 'ops-order-captured');

    // Refund part of it, confirmed.
    await page.getByLabel('金額（円）', { exact: true }).fill('500');
    await page.getByRole('button', { name: '返金…' }).click();
    const refundConfirm = page.getByTestId('refund-confirm');
    await expect.poll(() => refundConfirm.textContent()).toContain(`${yen(500)} を返金します`);
    await refundConfirm.getByRole('button', { name: '実行する' }).click();
    await expect.poll(() => fact('status'), { timeout: 20_000 }).toBe('一部返金');
    expect(await fact('refunded-amount')).toBe(yen(500));
    expect(await history()).toContain('返金');

    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
});
