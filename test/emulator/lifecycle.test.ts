import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jpy } from '../../amazon-pay/schemas.js';
import {
  completeCheckout,
  key,
  openConfirmedSession,
  STORE_ID,
  startTestEmulator,
  type TestEmulator,
} from './support.js';

describe('emulator: objects, shapes and transitions through the real SDK', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });

  it('checkout session: created Open with constraints, amazonPayRedirectUrl only once they are gone', async () => {
    const created = await t.client.createCheckoutSession(
      {
        webCheckoutDetails: { checkoutReviewReturnUrl: 'http://shop.test/review' },
        storeId: STORE_ID,
        paymentDetails: { allowOvercharge: true },
      },
      { idempotencyKey: key() },
    );
    expect(created.checkoutSessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created.statusDetails.state).toBe('Open');
    expect(created.creationTimestamp).toMatch(/^\d{8}T\d{6}Z$/);
    expect(created.constraints.map((c) => c.constraintId).sort()).toEqual([
      'BuyerNotAssociated',
      'ChargeAmountNotSet',
      'CheckoutResultReturnUrlNotSet',
      'PaymentIntentNotSet',
    ]);
    expect(created.buyer).toBeNull();
    // Absent, not null, until there is a list (as on Amazon).
    expect(created.shippingAddressList).toBeUndefined();
    expect(created.webCheckoutDetails.amazonPayRedirectUrl).toBeNull();

    await t.control('POST', `/checkoutSessions/${created.checkoutSessionId}/buyer`, {
      buyer: 'taro',
      addressIndex: 1,
      instrument: 'card',
      cardIndex: 1,
    });
    const updated = await t.client.updateCheckoutSession(created.checkoutSessionId, {
      webCheckoutDetails: { checkoutResultReturnUrl: 'http://shop.test/result' },
      paymentDetails: { paymentIntent: 'Authorize', chargeAmount: jpy(5000), presentmentCurrency: 'JPY' },
    });
    expect(updated.constraints).toEqual([]);
    expect(updated.webCheckoutDetails.amazonPayRedirectUrl).toBe(
      `${t.url}/checkout/${created.checkoutSessionId}/confirm`,
    );
    expect(updated.paymentDetails.chargeAmount).toEqual({ amount: '5000', currencyCode: 'JPY' });
    expect(updated.buyer?.buyerId).toMatch(/^amzn1\.account\.[A-Z0-9]+$/);
    expect(updated.shippingAddress?.stateOrRegion).toBe('大阪府');
    // The SDK JSON.parses shippingAddressList elements: they arrived as JSON strings.
    expect(updated.shippingAddressList?.[0]?.stateOrRegion).toBe('大阪府');
    expect(updated.paymentPreferences?.[0]?.paymentDescriptor).toBe('Mastercard ****5678');
  });

  it.each([
    ['gift_card', 'Amazonギフトカード'],
    ['gift_card_and_card', 'Amazonギフトカード + Visa ****1234'],
    ['card', 'Visa ****1234'],
  ] as const)('payment descriptor for %s is "%s"', async (instrument, descriptor) => {
    const { permission } = await completeCheckout(t, { amount: 3000, instrument });
    expect(permission.paymentPreferences?.[0]?.paymentDescriptor).toBe(descriptor);
  });

  it('completeCheckoutSession refuses before the buyer confirmed, and with another amount (AmountMismatch)', async () => {
    const created = await t.client.createCheckoutSession(
      {
        webCheckoutDetails: {
          checkoutReviewReturnUrl: 'http://shop.test/review',
          checkoutResultReturnUrl: 'http://shop.test/result',
        },
        storeId: STORE_ID,
      },
      { idempotencyKey: key() },
    );
    await t.control('POST', `/checkoutSessions/${created.checkoutSessionId}/buyer`, { instrument: 'card' });
    await t.client.updateCheckoutSession(created.checkoutSessionId, {
      paymentDetails: { paymentIntent: 'Authorize', chargeAmount: jpy(4000) },
    });
    await expect(
      t.client.completeCheckoutSession(
        created.checkoutSessionId,
        { chargeAmount: jpy(4000) },
        { idempotencyKey: key() },
      ),
    ).rejects.toMatchObject({
      type: 'AmazonPay.InvalidCheckoutSessionStatus',
      nonRetryable: true,
    });
    await t.control('POST', `/checkoutSessions/${created.checkoutSessionId}/confirm`);
    await expect(
      t.client.completeCheckoutSession(
        created.checkoutSessionId,
        { chargeAmount: jpy(4001) },
        { idempotencyKey: key() },
      ),
    ).rejects.toMatchObject({
      type: 'AmazonPay.AmountMismatch',
    });
    const done = await t.client.completeCheckoutSession(
      created.checkoutSessionId,
      { chargeAmount: jpy(4000) },
      { idempotencyKey: key() },
    );
    expect(done.statusDetails.state).toBe('Completed');
    await expect(
      t.client.updateCheckoutSession(created.checkoutSessionId, { paymentDetails: { chargeAmount: jpy(1) } }),
    ).rejects.toMatchObject({
      type: 'AmazonPay.InvalidCheckoutSessionStatus',
      details: [{ status: 422 }],
    });
  });

  it('paymentIntent Confirm: a permission and no charge; Authorize: an Authorized charge; AuthorizeWithCapture: Captured', async () => {
    const confirm = await completeCheckout(t, { amount: 5000, paymentIntent: 'Confirm' });
    expect(confirm.session.chargeId).toBeNull();
    expect(confirm.permission.limits.amountBalance.amount).toBe('70000');

    const authorize = await completeCheckout(t, { amount: 5000, paymentIntent: 'Authorize' });
    const authorized = await t.client.getCharge(authorize.session.chargeId ?? '');
    expect(authorized.chargeId).toMatch(/^S01-\d{7}-\d{7}-C\d{6}$/);
    expect(authorized.chargePermissionId).toBe(authorize.permission.chargePermissionId);
    expect(authorized.statusDetails.state).toBe('Authorized');
    expect(authorize.permission.chargePermissionId).toMatch(/^C01-\d{7}-\d{7}$/);

    const capture = await completeCheckout(t, { amount: 5000, paymentIntent: 'AuthorizeWithCapture' });
    const captured = await t.client.getCharge(capture.session.chargeId ?? '');
    expect(captured.statusDetails.state).toBe('Captured');
    expect(captured.captureAmount).toEqual({ amount: '5000', currencyCode: 'JPY' });
  });

  it('charge: Authorized → Captured → refunds (RefundInitiated → Refunded), refundedAmount tracked', async () => {
    const { session } = await completeCheckout(t, { amount: 8000 });
    const chargeId = session.chargeId ?? '';
    const captured = await t.client.captureCharge(
      chargeId,
      { captureAmount: jpy(8000), softDescriptor: 'TEST SHOP' },
      { idempotencyKey: key() },
    );
    expect(captured.statusDetails.state).toBe('Captured');
    await expect(t.client.cancelCharge(chargeId, { cancellationReason: 'too late' })).rejects.toMatchObject({
      type: 'AmazonPay.InvalidChargeStatus',
    });
    const refund = await t.client.createRefund({ chargeId, refundAmount: jpy(3000) }, { idempotencyKey: key() });
    expect(refund.refundId).toMatch(/^S01-\d{7}-\d{7}-R\d{6}$/);
    expect(refund.statusDetails.state).toBe('RefundInitiated');
    const settled = await t.client.getRefund(refund.refundId);
    expect(settled.statusDetails.state).toBe('Refunded');
    expect((await t.client.getCharge(chargeId)).refundedAmount).toEqual({ amount: '3000', currencyCode: 'JPY' });
  });

  it('charge: Authorized → Canceled (MerchantCanceled); capture of a canceled charge is refused with 422', async () => {
    const { session } = await completeCheckout(t, { amount: 2000 });
    const canceled = await t.client.cancelCharge(session.chargeId ?? '', { cancellationReason: '在庫切れ' });
    expect(canceled.statusDetails).toMatchObject({ state: 'Canceled', reasonCode: 'MerchantCanceled' });
    await expect(
      t.client.captureCharge(session.chargeId ?? '', { captureAmount: jpy(2000) }, { idempotencyKey: key() }),
    ).rejects.toMatchObject({
      type: 'AmazonPay.InvalidChargeStatus',
      details: [{ status: 422, reasonCode: 'InvalidChargeStatus' }],
    });
  });

  it('capture more than authorized is refused; a partial capture captures that amount', async () => {
    const { session } = await completeCheckout(t, { amount: 6000 });
    await expect(
      t.client.captureCharge(session.chargeId ?? '', { captureAmount: jpy(6001) }, { idempotencyKey: key() }),
    ).rejects.toMatchObject({
      type: 'AmazonPay.TransactionAmountExceeded',
    });
    const captured = await t.client.captureCharge(
      session.chargeId ?? '',
      { captureAmount: jpy(5500) },
      { idempotencyKey: key() },
    );
    expect(captured.captureAmount?.amount).toBe('5500');
  });

  it('charge permission: update merchantMetadata, close with cancelPendingCharges, then no more charges', async () => {
    const { session, permission } = await completeCheckout(t, { amount: 5000 });
    const updated = await t.client.updateChargePermission(permission.chargePermissionId, {
      merchantMetadata: { merchantReferenceId: 'ORDER-42' },
    });
    expect(updated.merchantMetadata?.merchantReferenceId).toBe('ORDER-42');
    const closed = await t.client.closeChargePermission(permission.chargePermissionId, {
      closureReason: '注文キャンセル',
      cancelPendingCharges: true,
    });
    expect(closed.statusDetails).toMatchObject({ state: 'Closed', reasons: [{ reasonCode: 'MerchantClosed' }] });
    expect((await t.client.getCharge(session.chargeId ?? '')).statusDetails).toMatchObject({
      state: 'Canceled',
      reasonCode: 'ChargePermissionCanceled',
    });
    await expect(
      t.client.createCharge(
        { chargePermissionId: permission.chargePermissionId, chargeAmount: jpy(100) },
        { idempotencyKey: key() },
      ),
    ).rejects.toMatchObject({ type: 'AmazonPay.InvalidChargePermissionStatus' });
    await expect(
      t.client.updateChargePermission(permission.chargePermissionId, { merchantMetadata: { noteToBuyer: 'x' } }),
    ).rejects.toMatchObject({
      type: 'AmazonPay.InvalidChargePermissionStatus',
    });
  });

  it('without overcharge the limit is the amount: authorized in full → NonChargeable, captured in full → Closed', async () => {
    const { session, permission } = await completeCheckout(t, { amount: 5000, allowOvercharge: false });
    expect(permission.limits.amountLimit.amount).toBe('5000');
    expect(permission.statusDetails).toMatchObject({
      state: 'NonChargeable',
      reasons: [{ reasonCode: 'ChargeInProgress' }],
    });
    await t.client.captureCharge(session.chargeId ?? '', { captureAmount: jpy(5000) }, { idempotencyKey: key() });
    expect((await t.client.getChargePermission(permission.chargePermissionId)).statusDetails.state).toBe('Closed');
  });

  it('getBuyer: a sign-in token gives the buyer with the requested scopes', async () => {
    const { body } = await t.control<{ buyerToken: string }>('POST', '/signin', {
      buyer: 'hanako',
      scopes: ['name', 'email', 'phoneNumber', 'shippingAddress'],
    });
    const buyer = await t.client.getBuyer(body.buyerToken);
    expect(buyer).toMatchObject({
      name: '佐藤 花子',
      email: 'hanako.sato@example.jp',
      phoneNumber: '03-123',
      billingAddress: null,
    });
    expect(buyer.shippingAddress?.stateOrRegion).toBe('神奈川県');
    expect(buyer.buyerId).toMatch(/^amzn1\.account\./);
    await expect(t.client.getBuyer('no-such-token')).rejects.toMatchObject({
      type: 'AmazonPay.ResourceNotFound',
      details: [{ status: 404 }],
    });
  });

  it('unknown ids are 404 ResourceNotFound; bad bodies 400 InvalidParameterValue', async () => {
    await expect(t.client.getChargePermission('C01-0000000-0000000')).rejects.toMatchObject({
      type: 'AmazonPay.ResourceNotFound',
    });
    await expect(t.client.getRefund('S01-0000000-0000000-R000001')).rejects.toMatchObject({
      type: 'AmazonPay.ResourceNotFound',
    });
    await expect(
      t.client.createCheckoutSession(
        { webCheckoutDetails: { checkoutReviewReturnUrl: 'not a url' }, storeId: STORE_ID },
        { idempotencyKey: key() },
      ),
    ).rejects.toMatchObject({ type: 'AmazonPay.InvalidParameterValue', details: [{ status: 400 }] });
    const { permission } = await completeCheckout(t, { amount: 1000 });
    await expect(
      t.client.createCharge(
        { chargePermissionId: permission.chargePermissionId, chargeAmount: { amount: '10.5', currencyCode: 'JPY' } },
        { idempotencyKey: key() },
      ),
    ).rejects.toMatchObject({ type: 'AmazonPay.InvalidParameterValue' });
    await expect(
      t.client.createCharge(
        { chargePermissionId: permission.chargePermissionId, chargeAmount: { amount: '100', currencyCode: 'USD' } },
        { idempotencyKey: key() },
      ),
    ).rejects.toMatchObject({ type: 'AmazonPay.InvalidParameterValue' });
  });

  it('openConfirmedSession helper leaves the session Open and confirmable', async () => {
    const s = await openConfirmedSession(t, { amount: 1200 });
    expect((await t.client.getCheckoutSession(s.checkoutSessionId)).statusDetails.state).toBe('Open');
  });
});
