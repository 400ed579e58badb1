/**
 * The Amazon Pay checkout in a real browser: Debian's Chromium on the demo storefront, the API with
 * a worker on the run's Temporal dev server and database, Amazon's pages served by the emulator.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../support/api.js';
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

const ADDRESS_UNUSABLE = 'ご指定のお届け先は利用できません。別のお届け先を選択してください';
const CONSENT_REQUIRED = '個人情報保護方針に同意してください。同意いただくとご注文を確定できます。';
const IN_APP_BROWSER_NOTICE =
  'アプリ内ブラウザではAmazon Payをご利用いただけません。SafariやChromeなどのブラウザでこのページを開き直してください。';
/** LINE's in-app browser on Android (the system WebView, `wv`, with LINE's token). */
const LINE_IN_APP_UA =
  'Mozilla/5.0 (Linux; Android 13; SO-51C Build/64.1.A.0.869; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 Line/13.20.1/IAB';

reportMissingChromium('test/e2e/checkout.test.ts');

describe.skipIf(!hasChromium)('storefront checkout in Chromium', () => {
  let api: TestApi;
  let browser: Browser;

  beforeAll(async () => {
    [api, browser] = await Promise.all([startE2eApi('e2e_checkout'), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('C1, C2, C3, C8, M1: a guest pays with Amazon Pay, fills the order procedure and the order completes on the shop', async () => {
    const { context, page } = await newShopper(browser, api.url);
    await addToCart(page, '静岡煎茶 100g', 2);
    await screenshot(page, 'products');

    // C1: the cart offers the shop's own order form and the Amazon Pay button side by side.
    await page
      .getByRole('navigation')
      .getByRole('link', { name: /^カート/ })
      .click();
    await expect.poll(() => page.getByRole('link', { name: 'このサイトでお支払い' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('button', { name: 'Amazon Pay' }).isVisible()).toBe(true);
    // The cart shows the shop's fee table, the same one the order is totalled with.
    await expect.poll(() => page.locator('#cart-total').textContent()).toBe('¥3,000');
    expect(await page.locator('#cart-shipping').textContent()).toBe('¥600');
    expect(await page.locator('#fee-rules').textContent()).toContain('送料¥600（¥5,000以上のご注文で無料）');
    await page.getByRole('link', { name: 'このサイトでお支払い' }).click();
    await page.waitForURL(/\/normal-order$/);
    expect(await page.locator('main').textContent()).toContain('Amazon Payはお支払い方法としてお選びいただけません');
    await screenshot(page, 'normal-order');

    // C2: Amazon's page (sign in, address, payment), back to the shop's order-procedure screen.
    await payWithAmazon(page, api.emulatorUrl);
    await chooseAtAmazon(page, { buyer: '山田 太郎' });
    await page.locator('#procedure').waitFor();
    expect(await page.locator('#buyer').textContent()).toContain('山田 太郎');
    expect(await page.locator('#shipping-address').textContent()).toContain('東京都渋谷区神南1-2-3');
    expect(await page.locator('#payment-method').textContent()).toBe('Visa ****1234');
    // C6: the orderer comes prefilled from the Amazon account.
    expect(await page.getByLabel('お名前').inputValue()).toBe('山田 太郎');
    expect(await page.getByLabel('郵便番号').inputValue()).toBe('1500041');
    expect(await page.getByLabel('都道府県').inputValue()).toBe('東京都');
    // Guests register or not; points and coupons are for members (C4/C5).
    expect(await page.getByLabel('会員登録する').isVisible()).toBe(true);
    expect(await page.getByLabel('ご利用ポイント').isVisible()).toBe(false);
    expect(await totalsOf(page)).toMatchObject({ subtotal: '¥2,400', shipping: '¥600', total: '¥3,000' });

    // C3: delivery slot, gift wrapping and noshi; the totals follow.
    await page.getByLabel('お届け時間帯').selectOption({ label: '午前中' });
    expect(
      await page.getByLabel('ギフト包装をする').evaluate((input) => input.closest('label')?.textContent?.trim()),
    ).toBe('ギフト包装をする（¥330）');
    await page.getByLabel('ギフト包装をする').check();
    await page.getByLabel('のし', { exact: true }).selectOption('御礼');
    await page.getByLabel('のしの名入れ').fill('山田');
    await expect.poll(async () => (await totalsOf(page))['gift-fee']).toBe('¥330');
    expect((await totalsOf(page))['total']).toBe('¥3,330');
    await screenshot(page, 'guest-review');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'guest-review-mobile');
    await page.setViewportSize({ width: 1200, height: 900 });

    // C3: consent to the privacy policy is required; the refusal is shown at the checkbox.
    await page.getByRole('button', { name: '注文確定' }).click();
    await expect
      .poll(() => page.locator('[data-path="privacyPolicyConsent"] .field-error').textContent())
      .toBe(CONSENT_REQUIRED);
    await confirmOrder(page);

    // The amount-confirmation hop at Amazon, then the order completes on the shop's own site.
    await payAtAmazon(page);
    await page.getByRole('heading', { name: 'ご注文ありがとうございました' }).waitFor();
    const orderId = (await page.locator('#order-number').textContent()) ?? '';
    expect(orderId).toMatch(/^ORD-\d{8}-[0-9A-Z]{8}$/);
    // M1: the shop memo names how it was paid.
    expect(await page.getByTestId('shop-memo').textContent()).toBe(
      'Amazonアカウントで指定したお支払い方法（Visa ****1234）',
    );
    expect(await page.getByTestId('purchase-points').textContent()).toMatch(/^0ポイント/);
    expect(await totalsOf(page)).toMatchObject({ 'gift-fee': '¥330', total: '¥3,330' });
    await screenshot(page, 'guest-checkout-complete');

    // C8: a guest order stores no newsletter / mobile-mail preference (empty, not false).
    const stored = await api.database.models.Order.findOne({ orderId }).lean();
    expect(stored?.status).toBe('Placed');
    expect(stored?.view).toMatchObject({ newsletter: null, mobileMail: null, isGuest: true });
    // The placed order empties the cart.
    expect(await page.locator('.cart-count').textContent()).toBe('0');
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });

  it('C4, L7: a guest registers as a member at purchase, with the newsletter; a pending authorization is waited for', async () => {
    const { context, page } = await newShopper(browser, api.url);
    await addToCart(page, '八女玉露 50g');
    await payWithAmazon(page, api.emulatorUrl);
    // Jiro's Visa ****0077 authorizes after a pending phase: the complete page polls until placed.
    await chooseAtAmazon(page, { buyer: '鈴木 次郎', payment: 'Visa ****0077 (テスト: 保留→承認)' });
    await page.locator('#procedure').waitFor();

    await page.getByLabel('会員登録する').check();
    await page.getByLabel('メールマガジンを受け取る').check();
    await confirmOrder(page);
    await payAtAmazon(page);
    // Pending authorization: the emulator's notification places the order; if it is lost under load,
    // the workflow's own poll (30 s) does.
    await page.getByRole('heading', { name: 'ご注文ありがとうございました' }).waitFor({ timeout: 50_000 });
    expect(await page.locator('#registered').textContent()).toContain('会員登録が完了し、ログインしました');
    // C4: the new member is logged in in this browser (the header says so).
    await page.getByTestId('session-state').filter({ hasText: '様' }).waitFor();
    // P1 (standard mode): no purchase points on the order that registered.
    expect(await page.getByTestId('purchase-points').textContent()).toMatch(/^0ポイント/);
    await screenshot(page, 'register-at-purchase-complete');

    const orderId = (await page.locator('#order-number').textContent()) ?? '';
    const stored = await api.database.models.Order.findOne({ orderId }).lean();
    const memberId = (stored?.view as { registeredMemberId?: string } | undefined)?.registeredMemberId;
    expect(memberId).toBeTruthy();
    expect(stored?.view).toMatchObject({ newsletter: true, mobileMail: null });
    const member = await api.database.models.Member.findOne({ memberId }).lean();
    expect(member?.email).toBe(stored?.view && (stored.view as { buyer: { email: string } }).buyer.email);
    // L7: registered at purchase = linked to Amazon at the same instant.
    expect(member?.amazonLinkedAt?.toISOString()).toBe(member?.registeredAt.toISOString());
    expect(member?.newsletter).toBe(true);
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  }, 90_000);

  it('C7: an unusable Amazon address shows the message; the buyer picks another at Amazon and completes', async () => {
    const { context, page } = await newShopper(browser, api.url);
    await addToCart(page, '常滑焼 急須');
    await payWithAmazon(page, api.emulatorUrl);
    // Hanako's only address has a phone number too short to deliver with.
    await chooseAtAmazon(page, { buyer: '佐藤 花子' });
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.locator('p').first().textContent()).toBe(ADDRESS_UNUSABLE);
    expect(await page.locator('#procedure').isVisible()).toBe(false);
    await screenshot(page, 'address-unusable');

    await page.getByRole('link', { name: 'Amazonで別のお届け先を選択する' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${api.emulatorUrl}/checkout/`));
    await chooseAtAmazon(page, { buyer: '山田 太郎', address: '大阪府' });
    await page.locator('#procedure').waitFor();
    expect(await page.locator('#shipping-address').textContent()).toContain('大阪府大阪市北区梅田3-1-1');
    expect(await page.getByRole('alert').count()).toBe(0);

    await confirmOrder(page);
    await payAtAmazon(page);
    await page.getByRole('heading', { name: 'ご注文ありがとうございました' }).waitFor();
    expect(await page.locator('#details').textContent()).toContain('大阪府');
    await screenshot(page, 'address-changed-complete');
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });

  it('B: in LINE\u2019s in-app browser the cart and the login say Amazon needs a regular browser; the shop\u2019s own ways work, the button still leads to Amazon', async () => {
    const { context, page } = await newShopper(browser, api.url, {
      userAgent: LINE_IN_APP_UA,
      viewport: { width: 390, height: 844 },
    });
    await addToCart(page, '静岡煎茶 100g');
    await page.goto('/cart');
    const notice = page.locator('#in-app-browser-notice');
    await expect.poll(() => notice.isVisible()).toBe(true);
    expect(await notice.locator('p').first().textContent()).toBe(IN_APP_BROWSER_NOTICE);
    expect(await notice.textContent()).toContain('LINEのアプリ内ブラウザで表示しています');
    // The notice sits right above the button, which stays: the user agent may mislead, and the shop's own form is unaffected.
    const button = page.getByRole('button', { name: 'Amazon Pay' });
    expect(await button.isEnabled()).toBe(true);
    const [noticeBox, buttonBox] = await Promise.all([notice.boundingBox(), button.boundingBox()]);
    expect(noticeBox!.y + noticeBox!.height).toBeLessThanOrEqual(buttonBox!.y);
    await screenshot(page, 'in-app-browser-notice');

    await page.getByRole('link', { name: 'このサイトでお支払い' }).click();
    await page.waitForURL(/\/normal-order$/);
    await page.goto('/login');
    await expect
      .poll(() => page.locator('#in-app-browser-notice p').first().textContent())
      .toContain('アプリ内ブラウザではAmazonアカウントでのログインをご利用いただけません。');
    expect(await page.locator('#login-email').isEnabled()).toBe(true);
    await payWithAmazon(page, api.emulatorUrl);
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });

  it('B: a regular browser gets no in-app browser notice', async () => {
    const { context, page } = await newShopper(browser, api.url);
    await addToCart(page, '静岡煎茶 100g');
    await page.goto('/cart');
    await expect.poll(() => page.getByRole('button', { name: 'Amazon Pay' }).isVisible()).toBe(true);
    await expect.poll(() => page.locator('#loading').isHidden()).toBe(true);
    expect(await page.locator('#in-app-browser-notice').isHidden()).toBe(true);
    await page.goto('/login');
    await page.getByRole('button', { name: 'Amazonアカウントでログイン' }).waitFor();
    expect(await page.locator('#in-app-browser-notice').isHidden()).toBe(true);
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });

  it('R2: pre-order and subscription items are refused with where to order them instead', async () => {
    const { context, page } = await newShopper(browser, api.url);
    await addToCart(page, '静岡煎茶 100g');
    await addToCart(page, '【予約】新茶 2027 初摘み');
    await addToCart(page, '【定期便】毎月のお茶セット');
    await page.goto('/cart');
    await page.getByRole('button', { name: 'Amazon Pay' }).click();
    const alert = page.locator('#checkout-error');
    await expect.poll(() => alert.textContent()).toContain('Amazon Payではご注文いただけません');
    const message = (await alert.textContent()) ?? '';
    expect(message).toContain(
      '予約販売の商品（【予約】新茶 2027 初摘み）はAmazon Payではご注文いただけません。カートの「このサイトでお支払い」から通常のご注文フォームでご注文ください。',
    );
    expect(message).toContain(
      '定期・頒布会の商品（【定期便】毎月のお茶セット）はAmazon Payではご注文いただけません。定期・頒布会商品専用ショッピングカートからご注文ください。',
    );
    expect(new URL(page.url()).pathname).toBe('/cart');
    expect(await page.locator('tr.refused').count()).toBe(2);
    await screenshot(page, 'cart-refused');
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
});
