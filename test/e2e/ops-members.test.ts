/**
 * The ops console's member pages in a real browser: members made the ways a shop gets them — through
 * Amazon sign-in, registered at purchase on the Amazon Pay checkout, linked later by logging in with
 * a password while signed in with Amazon, and through the form without a link — then staff sign in,
 * search with 「ID連携：Amazon連携」 and see exactly the linked ones (L5), download the CSV of that
 * search and the bulk CSV of every member with 「AmazonID連携日時」 (L6), and open 会員詳細 of the
 * member registered at purchase: registration and link time the same (L7), points, the order.
 */
import { readFile } from 'node:fs/promises';
import iconv from 'iconv-lite';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updatePointAccount } from '../../activities/points.js';
import { AMAZON_LINK_FILTER_LABEL, MEMBER_NOT_FOUND_MESSAGE } from '../../domain/messages.js';
import { adjustPoints } from '../../workflows/points/definitions.js';
import { amazonBuyerToken, Shopper, type TestApi } from '../support/api.js';
import { finishCheckout, procedureForm, startCheckout } from '../support/checkout.js';
import { memberForm } from '../support/members.js';
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

reportMissingChromium('test/e2e/ops-members.test.ts');

const VIEWER: TestStaff = { login: 'kaori', name: '閲覧 香織', role: 'viewer', password: 'correct horse battery' };

/** A downloaded member CSV as rows of cells (the exports have no commas, quotes or line breaks in these members' data). */
async function csvRows(download: Download, encoding: 'utf-8' | 'shift_jis'): Promise<string[][]> {
  const bytes = await readFile(await download.path());
  const text = encoding === 'utf-8' ? bytes.toString('utf8').replace(/^\uFEFF/, '') : iconv.decode(bytes, 'Shift_JIS');
  return text
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(','));
}

async function download(page: Page, link: string): Promise<Download> {
  const [started] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: link }).click()]);
  return started;
}

describe.skipIf(!hasChromium)('ops console members in Chromium', () => {
  let api: TestApi;
  let browser: Browser;
  const ids = { amazonSignIn: '', atPurchase: '', linkedLater: '', unlinked: '' };
  let orderId = '';

  beforeAll(async () => {
    [api, browser] = await Promise.all([startE2eApi('e2e_ops_members'), launchBrowser()]);
    await addStaff(api.database, VIEWER);
    const signInWithAmazon = async (shopper: Shopper, buyer: string) =>
      shopper.post('/api/auth/amazon/sign-in', { buyerToken: await amazonBuyerToken(api.emulatorUrl, buyer) });

    // L1, L2: registered with the Amazon data after signing in with Amazon (taro).
    const taro = new Shopper(api.url);
    expect((await signInWithAmazon(taro, 'taro')).body.status).toBe('link_or_register');
    const viaAmazon = await taro.post('/api/auth/amazon/register', { newsletter: false });
    expect(viaAmazon.status, JSON.stringify(viaAmazon.body)).toBe(201);
    ids.amazonSignIn = viaAmazon.body.member.memberId;

    // C4, L7: a guest registering at purchase on the Amazon Pay checkout (jiro).
    const guest = new Shopper(api.url);
    const run = await startCheckout(guest, api.emulatorUrl, [{ productId: 'tea-sencha', quantity: 1 }], {
      buyer: 'jiro',
    });
    const placed = await finishCheckout(guest, api.emulatorUrl, run, (defaults) =>
      procedureForm(defaults, { registerAsMember: true, newsletter: true }),
    );
    expect(placed.body.order?.status, JSON.stringify(placed.body)).toBe('Placed');
    orderId = run.orderId;
    ids.atPurchase = placed.body.order.registeredMemberId;
    await updatePointAccount(
      { client: api.client, taskQueue: api.config.temporal.taskQueue },
      ids.atPurchase,
      adjustPoints,
      { key: 'e2e-ops-members', points: 300, reason: 'e2e: points for the member page' },
    );

    // L2: a form member who later logs in with the password while signed in with Amazon (hanako).
    const hanakoForm = memberForm('hanako.later@example.jp');
    const formMember = await new Shopper(api.url).post('/api/members', hanakoForm);
    expect(formMember.status, JSON.stringify(formMember.body)).toBe(201);
    ids.linkedLater = formMember.body.member.memberId;
    // She registered the day before she linked (within one second the two times would read the same).
    await api.database.models.Member.updateOne(
      { memberId: ids.linkedLater },
      { $set: { registeredAt: new Date(Date.now() - 86_400_000) } },
    );
    const later = new Shopper(api.url);
    expect((await signInWithAmazon(later, 'hanako')).body.status).toBe('link_or_register');
    const linked = await later.post('/api/auth/login', { email: hanakoForm.email, password: hanakoForm.password });
    expect(linked.body.linkedAmazon, JSON.stringify(linked.body)).toBe(true);

    // A member of the shop's form only: no link.
    const plain = await new Shopper(api.url).post('/api/members', memberForm('plain.member@example.jp'));
    expect(plain.status, JSON.stringify(plain.body)).toBe(201);
    ids.unlinked = plain.body.member.memberId;
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('L5, L6, L7: staff search with 「ID連携：Amazon連携」, download the search and every member as CSV, open 会員詳細', async () => {
    const linkedIds = [ids.amazonSignIn, ids.atPurchase, ids.linkedLater].sort();
    const { context, page } = await newShopper(browser, api.url);

    // Not signed in: 会員検索 sends staff to the sign-in page, which comes back to it.
    await page.goto('/ops/member-search');
    await page.waitForURL(/\/ops\/login\?next=/);
    await signInAsStaff(page, VIEWER);
    await page.waitForURL((url) => url.pathname === '/ops/member-search');
    await expect.poll(() => page.getByTestId('result-count').textContent()).toBe('4件');
    expect(await page.locator('.site-nav a[aria-current="page"]').textContent()).toBe('会員検索');

    // L5: the filter 「ID連携：Amazon連携」 gives exactly the linked members; the search is in the address.
    await page.getByLabel('ID連携', { exact: true }).selectOption({ label: AMAZON_LINK_FILTER_LABEL });
    await page.getByRole('button', { name: '検索' }).click();
    await page.waitForURL((url) => url.searchParams.get('idLink') === 'amazon');
    await expect.poll(() => page.getByTestId('result-count').textContent()).toBe('3件');
    const listed = async () =>
      (
        await page.locator('#member-rows tr').evaluateAll((rows) => rows.map((row) => row.dataset['memberId'] ?? ''))
      ).sort();
    expect(await listed()).toEqual(linkedIds);
    await page.reload();
    await expect.poll(() => page.getByTestId('result-count').textContent()).toBe('3件');
    expect(await page.getByLabel('ID連携', { exact: true }).inputValue()).toBe('amazon');
    await screenshot(page, 'ops-member-search');

    // L6: the CSV of this search (UTF-8): 「AmazonID連携日時」 filled, and exactly the linked members.
    const searchCsv = await csvRows(await download(page, '検索結果をCSVでダウンロード'), 'utf-8');
    const [header = [], ...searchRows] = searchCsv;
    const linkColumn = header.indexOf('AmazonID連携日時');
    const registeredColumn = header.indexOf('登録日時');
    expect(linkColumn).toBeGreaterThan(0);
    expect(searchRows.map((row) => row[0]).sort()).toEqual(linkedIds);
    expect(searchRows.every((row) => (row[linkColumn] ?? '') !== '')).toBe(true);

    // L6: the bulk download of every member, in Shift_JIS: the unlinked member has it empty.
    await page.getByLabel('文字コード').selectOption('shift_jis');
    const bulkCsv = await csvRows(await download(page, '全会員を一括ダウンロード'), 'shift_jis');
    const [bulkHeader = [], ...bulkRows] = bulkCsv;
    expect(bulkHeader).toEqual(header);
    expect(bulkRows.map((row) => row[0]).sort()).toEqual(Object.values(ids).sort());
    const bulkRow = (memberId: string) => bulkRows.find((row) => row[0] === memberId) ?? [];
    expect(bulkRow(ids.unlinked)[linkColumn]).toBe('');
    // L7: registered at purchase on the Amazon Pay checkout: registration time = link time; linked later: not.
    expect(bulkRow(ids.atPurchase)[linkColumn]).toBe(bulkRow(ids.atPurchase)[registeredColumn]);
    expect(bulkRow(ids.linkedLater)[linkColumn]).not.toBe(bulkRow(ids.linkedLater)[registeredColumn]);

    // 会員詳細 of the member registered at purchase: both times as stored (L7), points, the order.
    await page.getByRole('link', { name: ids.atPurchase }).click();
    await page.waitForURL((url) => url.pathname === `/ops/member/${ids.atPurchase}`);
    const fact = (key: string) => page.locator(`[data-fact="${key}"]`).textContent();
    await expect.poll(() => fact('member-id')).toBe(ids.atPurchase);
    expect(await fact('registered-via')).toBe('Amazon Payでのご購入時');
    expect(await fact('amazon-link')).toBe('AmazonID連携会員');
    expect(await fact('registered-at')).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(await fact('amazon-linked-at')).toBe(await fact('registered-at'));
    expect(await fact('registered-at')).toBe(bulkRow(ids.atPurchase)[registeredColumn]);
    expect(await fact('password')).toBe('未設定（Amazonアカウントでログイン）');
    expect(await fact('points-available')).toBe('300 pt');
    expect(await page.getByTestId('orders-count').textContent()).toBe('1件');
    expect(await page.locator('.site-nav a[aria-current="page"]').textContent()).toBe('会員検索');
    await screenshot(page, 'ops-member');

    // Each order opens 受注詳細.
    await page.getByTestId('member-orders').getByRole('link', { name: orderId }).click();
    await page.waitForURL((url) => url.pathname === `/ops/order/${orderId}`);
    await expect.poll(() => page.getByTestId('order-number').textContent()).toBe(orderId);

    // Back to the search: the filter is still in the address.
    await page.goBack();
    await page.goBack();
    await page.waitForURL((url) => url.pathname === '/ops/member-search');
    await expect.poll(() => page.getByTestId('result-count').textContent()).toBe('3件');

    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });

  it('L7: 会員詳細 of a member who linked Amazon after registering shows a later link time; an unknown member a clear message', async () => {
    const { context, page } = await newShopper(browser, api.url);
    await page.goto(`/ops/member/${ids.linkedLater}`);
    await signInAsStaff(page, VIEWER);
    await page.waitForURL((url) => url.pathname === `/ops/member/${ids.linkedLater}`);
    const fact = (key: string) => page.locator(`[data-fact="${key}"]`).textContent();
    await expect.poll(() => fact('registered-via')).toBe('会員登録フォーム');
    expect(await fact('amazon-link')).toBe('AmazonID連携会員');
    expect(await fact('amazon-linked-at')).not.toBe(await fact('registered-at'));
    expect(await fact('password')).toBe('設定済み');
    expect(await page.getByTestId('member-orders').textContent()).toBe('受注はありません。');

    await page.goto('/ops/member/M0000000000000000');
    await expect.poll(() => page.locator('#page-notice').textContent()).toBe(MEMBER_NOT_FOUND_MESSAGE);
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
});
