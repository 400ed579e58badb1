import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutButtonConfig, signInButtonConfig } from '../../amazon-pay/button.js';
import { createAmazonPayClient } from '../../amazon-pay/client.js';
import { jpy } from '../../amazon-pay/schemas.js';
import { key, MERCHANT_PRIVATE_KEY, STORE_ID, startTestEmulator, type TestEmulator } from './support.js';

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  redirect: 'manual' as const,
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

describe('emulator: hosted buyer pages', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });

  const button = () =>
    checkoutButtonConfig(t.client, {
      merchantId: 'A3EMULATORMERCHANT',
      sandbox: true,
      payload: {
        webCheckoutDetails: { checkoutReviewReturnUrl: 'http://shop.test/review?orderId=o-1' },
        storeId: STORE_ID,
        scopes: ['name', 'email', 'phoneNumber', 'billingAddress'],
        paymentDetails: { allowOvercharge: true },
      },
    });

  it('checkout: signed button → sign-in page → address and instrument → checkoutReviewReturnUrl?amazonCheckoutSessionId; then confirm → checkoutResultReturnUrl', async () => {
    const b = button();
    expect(b.redirectUrl).not.toBeNull();
    const start = await fetch(b.redirectUrl ?? '', { redirect: 'manual' });
    expect(start.status).toBe(303);
    const sessionPath = start.headers.get('location') ?? '';
    expect(sessionPath).toMatch(/^\/checkout\/[0-9a-f-]{36}$/);
    const sessionId = sessionPath.split('/').pop() ?? '';

    const signIn = await fetch(`${t.url}${sessionPath}`);
    expect(signIn.headers.get('content-type')).toMatch(/^text\/html/);
    const signInHtml = await signIn.text();
    expect(signInHtml).toContain('Amazonアカウントでログイン');
    expect(signInHtml).toContain('佐藤 花子');

    const select = await fetch(`${t.url}${sessionPath}/select?buyer=hanako`);
    const selectHtml = await select.text();
    expect(selectHtml).toContain('03-123');
    expect(selectHtml).toContain('Amazonギフトカード + JCB ****3333');

    const chosen = await fetch(
      `${t.url}${sessionPath}/select`,
      form({ buyer: 'hanako', addressIndex: '0', instrument: 'gift_card_and_card:0' }),
    );
    expect(chosen.status).toBe(303);
    const review = new URL(chosen.headers.get('location') ?? '');
    expect(`${review.origin}${review.pathname}`).toBe('http://shop.test/review');
    expect(review.searchParams.get('orderId')).toBe('o-1');
    expect(review.searchParams.get('amazonCheckoutSessionId')).toBe(sessionId);

    const read = await t.client.getCheckoutSession(sessionId);
    expect(read.paymentDetails.allowOvercharge).toBe(true);
    expect(read.buyer?.name).toBe('佐藤 花子');
    expect(read.shippingAddress?.phoneNumber).toBe('03-123');
    expect(read.paymentPreferences?.[0]?.paymentDescriptor).toBe('Amazonギフトカード + JCB ****3333');

    const updated = await t.client.updateCheckoutSession(sessionId, {
      webCheckoutDetails: { checkoutResultReturnUrl: 'http://shop.test/result' },
      paymentDetails: { paymentIntent: 'Authorize', chargeAmount: jpy(4200) },
    });
    const confirmUrl = updated.webCheckoutDetails.amazonPayRedirectUrl ?? '';
    const confirmPage = await fetch(confirmUrl);
    const confirmHtml = await confirmPage.text();
    expect(confirmHtml).toContain('ご注文の確認');
    expect(confirmHtml).toContain('¥4,200');
    const confirmed = await fetch(confirmUrl, form({}));
    expect(confirmed.status).toBe(303);
    const result = new URL(confirmed.headers.get('location') ?? '');
    expect(result.pathname).toBe('/result');
    expect(result.searchParams.get('amazonCheckoutSessionId')).toBe(sessionId);

    const done = await t.client.completeCheckoutSession(
      sessionId,
      { chargeAmount: jpy(4200) },
      { idempotencyKey: key() },
    );
    expect(done.statusDetails.state).toBe('Completed');
  });

  it('the buyer with a non-Japanese address is offered too', async () => {
    const start = await fetch(button().redirectUrl ?? '', { redirect: 'manual' });
    const html = await (await fetch(`${t.url}${start.headers.get('location') ?? ''}/select?buyer=john`)).text();
    expect(html).toContain('(US)');
  });

  it('a tampered button payload is refused (401, HTML)', async () => {
    const b = button();
    const url = new URL(b.redirectUrl ?? '');
    url.searchParams.set('payload', b.payloadJSON.replace('o-1', 'o-2'));
    const r = await fetch(url, { redirect: 'manual' });
    expect(r.status).toBe(401);
    expect(await r.text()).toContain('署名');
  });

  it('button signatures made with either algorithm are accepted', async () => {
    for (const algorithm of ['AMZN-PAY-RSASSA-PSS', 'AMZN-PAY-RSASSA-PSS-V2'] as const) {
      const client = createAmazonPayClient(t.config, {
        emulatorUrl: t.url,
        privateKey: MERCHANT_PRIVATE_KEY,
        algorithm,
      });
      const b = checkoutButtonConfig(client, {
        merchantId: 'M',
        sandbox: true,
        payload: { webCheckoutDetails: { checkoutReviewReturnUrl: 'http://shop.test/r' }, storeId: STORE_ID },
      });
      expect((await fetch(b.redirectUrl ?? '', { redirect: 'manual' })).status).toBe(303);
    }
  });

  it('cancel on the confirmation page → session Canceled (BuyerCanceled), back to the shop', async () => {
    const start = await fetch(button().redirectUrl ?? '', { redirect: 'manual' });
    const sessionPath = start.headers.get('location') ?? '';
    const sessionId = sessionPath.split('/').pop() ?? '';
    await fetch(`${t.url}${sessionPath}/select`, form({ buyer: 'taro', addressIndex: '2', instrument: 'card:0' }));
    await t.client.updateCheckoutSession(sessionId, {
      webCheckoutDetails: { checkoutResultReturnUrl: 'http://shop.test/result' },
      paymentDetails: { paymentIntent: 'Authorize', chargeAmount: jpy(1000) },
    });
    const canceled = await fetch(`${t.url}${sessionPath}/cancel`, form({}));
    expect(canceled.status).toBe(303);
    expect((await t.client.getCheckoutSession(sessionId)).statusDetails).toMatchObject({
      state: 'Canceled',
      reasonCode: 'BuyerCanceled',
    });
  });

  it('sign-in: signed button → buyer list → signInReturnUrl?buyerToken=…, and getBuyer reads that buyer', async () => {
    const b = signInButtonConfig(t.client, {
      merchantId: 'A3EMULATORMERCHANT',
      sandbox: true,
      storeId: STORE_ID,
      signInReturnUrl: 'http://shop.test/members/amazon',
      signInScopes: ['name', 'email', 'postalCode', 'phoneNumber'],
    });
    const start = await fetch(b.redirectUrl ?? '', { redirect: 'manual' });
    expect(start.status).toBe(303);
    const page = await fetch(`${t.url}${start.headers.get('location') ?? ''}`);
    expect(await page.text()).toContain('サインイン');
    const back = await fetch(`${t.url}${start.headers.get('location') ?? ''}`, form({ buyer: 'jiro' }));
    expect(back.status).toBe(303);
    const location = new URL(back.headers.get('location') ?? '');
    expect(location.pathname).toBe('/members/amazon');
    const token = location.searchParams.get('buyerToken') ?? '';
    expect(token).not.toBe('');
    const buyer = await t.client.getBuyer(token);
    expect(buyer).toMatchObject({
      name: '鈴木 次郎',
      postalCode: '460-0008',
      phoneNumber: '０８０－１１１１－２２２２',
      shippingAddress: null,
    });
  });
});
