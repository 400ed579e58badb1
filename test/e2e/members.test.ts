/**
 * Members in a real browser: a logged-in member uses points and a coupon at the Amazon Pay checkout
 * (C5), and a shopper signs in with Amazon, registers, and logs out of both sessions (L1, L4).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updatePointAccount } from '../../activities/points.js';
import { adjustPoints } from '../../workflows/points/definitions.js';
import { Shopper, type TestApi } from '../support/api.js';
import {
  addToCart,
  chooseAtAmazon,
  confirmOrder,
  hasChromium,
  launchBrowser,
  newShopper,
  pageErrors,
  payAtAmazon,
  payWithAmazon,
  reportMissingChromium,
  screenshot,
  startE2eApi,
  totalsOf,
} from './support.js';

reportMissingChromium('test/e2e/members.test.ts');

describe.skipIf(!hasChromium)('storefront members in Chromium', () => {
  let api: TestApi;
  let browser: Browser;

  beforeAll(async () => {
    [api, browser] = await Promise.all([startE2eApi('e2e_members'), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('C5: a logged-in member uses points and a coupon; a refused coupon is shown at its field', async () => {
    // A member registered through the shop's form, with 1,000 points granted by ops.
    const registration = await new Shopper(api.url).post('/api/members', {
      email: 'hana.member@example.jp',
      password: 'correct-horse-1',
      name: '茶葉 花',
      postalCode: '420-0853',
      prefecture: '静岡県',
      address: '静岡市葵区追手町9-6',
      phone: '054-221-1111',
      newsletter: false,
      extra: { birthday: '1990-04-01' },
    });
    expect(registration.status, JSON.stringify(registration.body)).toBe(201);
    const memberId: string = registration.body.member.memberId;
    await updatePointAccount({ client: api.client, taskQueue: api.config.temporal.taskQueue }, memberId, adjustPoints, {
      key: 'e2e-welcome-points',
      points: 1000,
      reason: 'e2e: welcome points',
    });

    const { context, page } = await newShopper(browser, api.url);
    await page.goto('/login');
    await page.getByRole('textbox', { name: 'メールアドレス' }).fill('hana.member@example.jp');
    await page.getByRole('textbox', { name: 'パスワード' }).fill('correct-horse-1');
    await screenshot(page, 'login');
    await page.getByRole('button', { name: 'ログイン', exact: true }).click();
    await page.waitForURL(/\/mypage$/);
    await expect.poll(() => page.getByTestId('points-available').textContent()).toBe('1,000 pt');

    await addToCart(page, '八女玉露 50g', 2);
    await payWithAmazon(page, api.emulatorUrl);
    await chooseAtAmazon(page, { buyer: '山田 太郎' });
    await page.locator('#procedure').waitFor();
    // C5: members choose points and a coupon; registering again is not offered.
    await expect.poll(() => page.locator('#points-balance').textContent()).toBe('ご利用可能なポイント：1,000ポイント');
    expect(await page.getByLabel('会員登録する').isVisible()).toBe(false);

    await page.getByLabel('クーポンコード').fill('EXPIRED2025');
    await page.getByRole('button', { name: '金額を再計算' }).click();
    await expect
      .poll(() => page.locator('[data-path="couponCode"] .field-error').textContent())
      .toBe('このクーポンはご利用期限を過ぎています。');

    await page.getByLabel('クーポンコード').fill('WELCOME500');
    await page.getByLabel('ご利用ポイント').fill('300');
    await page.getByRole('button', { name: '金額を再計算' }).click();
    await expect.poll(async () => (await totalsOf(page))['total']).toBe('¥4,800');
    expect(await totalsOf(page)).toEqual({
      subtotal: '¥5,600',
      shipping: '無料',
      'gift-fee': '¥0',
      'coupon-discount': '−¥500',
      'points-discount': '−¥300',
      total: '¥4,800',
    });
    expect(await page.locator('.field-error').count()).toBe(0);
    await screenshot(page, 'member-review');

    await confirmOrder(page);
    await payAtAmazon(page);
    await page.getByRole('heading', { name: 'ご注文ありがとうございました' }).waitFor();
    // P1: a member earns purchase points (1% of ¥4,800 after coupon and points), usable after shipment.
    expect(await page.getByTestId('purchase-points').textContent()).toBe('48ポイント（発送後にご利用いただけます）');
    await screenshot(page, 'member-complete');

    await page.goto('/mypage');
    await expect.poll(() => page.getByTestId('points-available').textContent()).toBe('700 pt');
    expect(await page.locator('#orders tbody tr').count()).toBe(1);
    expect(await page.locator('#orders tbody').textContent()).toContain('¥4,800');
    await screenshot(page, 'member-mypage');
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });

  it('C6: a member registered through Amazon is asked for the missing shop field at 「注文確定」, then the order goes through', async () => {
    const { context, page } = await newShopper(browser, api.url);
    await page.goto('/login');
    await page.getByRole('button', { name: 'Amazonアカウントでログイン' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${api.emulatorUrl}/signin/`));
    await page.getByLabel('山田 太郎').check();
    await page.getByRole('button', { name: 'サインイン' }).click();
    await page.getByRole('button', { name: 'Amazonアカウントの情報で会員登録する' }).click();
    await page.waitForURL(/\/mypage/);
    await page.locator('#mypage').waitFor();

    await addToCart(page, '季節の和菓子 6個入');
    await payWithAmazon(page, api.emulatorUrl);
    await chooseAtAmazon(page, { buyer: '山田 太郎' });
    await page.locator('#procedure').waitFor();
    await confirmOrder(page);
    // 生年月日 is required by the shop and Amazon does not supply it.
    await page.locator('#additional-information').waitFor();
    expect(await page.locator('#additional-notice').textContent()).toBe(
      '会員情報の追加入力が必要です。追加情報をご入力のうえ、ご注文を確定してください。',
    );
    await screenshot(page, 'additional-information');
    await page.getByLabel('生年月日').fill('1980-01-23');
    await page.getByRole('button', { name: '登録して注文確定へ進む' }).click();
    await payAtAmazon(page);
    await page.getByRole('heading', { name: 'ご注文ありがとうございました' }).waitFor();
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });

  it('L1, L2, L4, L8: sign in with Amazon, register with the Amazon data, set a password, log out of both sessions', async () => {
    const { context, page } = await newShopper(browser, api.url);
    await page.goto('/login');
    await page.getByRole('button', { name: 'Amazonアカウントでログイン' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${api.emulatorUrl}/signin/`));
    await page.getByLabel('鈴木 次郎').check();
    await page.getByRole('button', { name: 'サインイン' }).click();

    // L1: an Amazon buyer the shop does not know registers with the Amazon data.
    await page.waitForURL(/\/amazon-sign-in$/);
    await page.locator('#link-or-register').waitFor();
    expect(await page.locator('#buyer-name').textContent()).toBe('鈴木 次郎');
    await screenshot(page, 'amazon-sign-in-link-or-register');
    await page.getByLabel('メールマガジンを受け取る').check();
    await page.getByRole('button', { name: 'Amazonアカウントの情報で会員登録する' }).click();
    await page.waitForURL(/\/mypage/);
    await page.locator('#mypage').waitFor();
    expect(await page.getByTestId('amazon-link').textContent()).toContain('AmazonID連携会員');
    expect(await page.locator('.site-nav').textContent()).toContain('Amazonでサインイン中');
    // C6: the shop's required extra field Amazon cannot supply is asked for.
    expect(await page.getByLabel('生年月日').isVisible()).toBe(true);
    await page.getByLabel('生年月日').fill('1985-08-15');
    await page.getByRole('button', { name: '登録する' }).click();
    await expect.poll(() => page.locator('#additional-information').isVisible()).toBe(false);

    // L8: no shop password yet; signed in with Amazon, one can be set without a current one.
    expect(await page.getByTestId('password-state').textContent()).toBe('未設定');
    await page.getByLabel('新しいパスワード').fill('matcha-latte-8');
    await page.getByRole('button', { name: 'パスワードを設定する' }).click();
    await expect.poll(() => page.getByTestId('password-state').textContent()).toBe('設定済み');

    // L4: logging out ends the shop session and the Amazon sign-in together.
    await page.getByRole('button', { name: 'ログアウト' }).click();
    await page.locator('#logged-out').waitFor();
    const loggedOut = (await page.locator('#logged-out').textContent()) ?? '';
    expect(loggedOut).toContain('ショップのログイン：終了しました');
    expect(loggedOut).toContain('Amazonアカウントのサインイン：終了しました');
    await expect.poll(() => page.locator('.site-nav').textContent()).not.toContain('Amazonでサインイン中');
    const session = await (await context.request.get('/api/auth/session')).json();
    expect(session).toMatchObject({ member: null, amazon: { signedIn: false, buyerId: null } });
    await screenshot(page, 'amazon-sign-in-logged-out');

    // L2: from now on the Amazon account alone logs the member in.
    await page.goto('/login');
    await page.getByRole('button', { name: 'Amazonアカウントでログイン' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${api.emulatorUrl}/signin/`));
    await page.getByLabel('鈴木 次郎').check();
    await page.getByRole('button', { name: 'サインイン' }).click();
    await page.waitForURL(/\/mypage/);
    await expect.poll(() => page.locator('#page-notice').textContent()).toBe('Amazonアカウントでログインしました。');
    expect(await page.getByTestId('amazon-link').textContent()).toContain('AmazonID連携会員');
    await screenshot(page, 'amazon-sign-in-again');
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
});
