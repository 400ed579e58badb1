import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jpy } from '../../amazon-pay/schemas.js';
import { completeCheckout, key, startTestEmulator, type TestEmulator } from './support.js';

describe('emulator: Japanese amount limits (rules A2/A3)', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });

  const charge = (chargePermissionId: string, amount: number) =>
    t.client.createCharge({ chargePermissionId, chargeAmount: jpy(amount) }, { idempotencyKey: key() });

  it('A2: order ¥5,000 with allowOvercharge → limit ¥70,000; charges totalling ¥70,000 allowed, one more yen refused', async () => {
    const { permission } = await completeCheckout(t, { amount: 5000 });
    expect(permission.limits).toEqual({ amountLimit: jpy(70000), amountBalance: jpy(65000) });
    await charge(permission.chargePermissionId, 65000);
    expect((await t.client.getChargePermission(permission.chargePermissionId)).limits.amountBalance).toEqual(jpy(0));
    await expect(charge(permission.chargePermissionId, 1)).rejects.toMatchObject({
      type: 'AmazonPay.TransactionAmountExceeded',
      nonRetryable: true,
      details: [{ status: 400, reasonCode: 'TransactionAmountExceeded' }],
    });
  });

  it('A2: order ¥5,000 → an extra ¥65,001 (total ¥70,001) is refused', async () => {
    const { permission } = await completeCheckout(t, { amount: 5000 });
    await expect(charge(permission.chargePermissionId, 65001)).rejects.toMatchObject({
      type: 'AmazonPay.TransactionAmountExceeded',
    });
    // The refused charge took nothing from the balance.
    expect((await t.client.getChargePermission(permission.chargePermissionId)).limits.amountBalance).toEqual(
      jpy(65000),
    );
  });

  it('A3: order ¥10,000 → limit 9 × ¥10,000 = ¥90,000; ¥90,000 allowed, ¥90,001 refused', async () => {
    const { permission } = await completeCheckout(t, { amount: 10000 });
    expect(permission.limits.amountLimit).toEqual(jpy(90000));
    await charge(permission.chargePermissionId, 80000);
    await expect(charge(permission.chargePermissionId, 1)).rejects.toMatchObject({
      type: 'AmazonPay.TransactionAmountExceeded',
    });

    const other = await completeCheckout(t, { amount: 10000 });
    await expect(charge(other.permission.chargePermissionId, 80001)).rejects.toMatchObject({
      type: 'AmazonPay.TransactionAmountExceeded',
    });
  });

  it('A2/A3 with paymentIntent Confirm: one charge of exactly the limit is allowed, limit + 1 refused', async () => {
    const a = await completeCheckout(t, { amount: 5000, paymentIntent: 'Confirm' });
    await expect(charge(a.permission.chargePermissionId, 70001)).rejects.toMatchObject({
      type: 'AmazonPay.TransactionAmountExceeded',
    });
    expect((await charge(a.permission.chargePermissionId, 70000)).statusDetails.state).toBe('Authorized');
    const b = await completeCheckout(t, { amount: 10000, paymentIntent: 'Confirm' });
    await expect(charge(b.permission.chargePermissionId, 90001)).rejects.toMatchObject({
      type: 'AmazonPay.TransactionAmountExceeded',
    });
    expect((await charge(b.permission.chargePermissionId, 90000)).statusDetails.state).toBe('Authorized');
  });

  it('the limit is the amount set in updateCheckoutSession: ¥7,778 → max(9 × 7,778, 70,000) = ¥70,002', async () => {
    const { permission } = await completeCheckout(t, { amount: 7778, paymentIntent: 'Confirm' });
    expect(permission.limits.amountLimit).toEqual(jpy(70002));
  });

  it('a canceled authorization gives its amount back; a capture keeps only what was captured', async () => {
    const { session, permission } = await completeCheckout(t, { amount: 5000 });
    const extra = await charge(permission.chargePermissionId, 65000);
    await t.client.cancelCharge(extra.chargeId, { cancellationReason: '増額のやり直し' });
    expect((await t.client.getChargePermission(permission.chargePermissionId)).limits.amountBalance).toEqual(
      jpy(65000),
    );
    await t.client.captureCharge(session.chargeId ?? '', { captureAmount: jpy(4000) }, { idempotencyKey: key() });
    expect((await t.client.getChargePermission(permission.chargePermissionId)).limits.amountBalance).toEqual(
      jpy(66000),
    );
    // Refunds do not restore the balance.
    await t.client.createRefund(
      { chargeId: session.chargeId ?? '', refundAmount: jpy(4000) },
      { idempotencyKey: key() },
    );
    expect((await t.client.getChargePermission(permission.chargePermissionId)).limits.amountBalance).toEqual(
      jpy(66000),
    );
  });

  it('gift card only: no overcharge, the limit is the amount; ¥1 more is refused even with allowOvercharge', async () => {
    const { permission } = await completeCheckout(t, { amount: 5000, instrument: 'gift_card' });
    expect(permission.limits).toEqual({ amountLimit: jpy(5000), amountBalance: jpy(0) });
    await expect(charge(permission.chargePermissionId, 1)).rejects.toMatchObject({
      type: 'AmazonPay.TransactionAmountExceeded',
    });
    const confirmOnly = await completeCheckout(t, { amount: 5000, instrument: 'gift_card', paymentIntent: 'Confirm' });
    await expect(charge(confirmOnly.permission.chargePermissionId, 5001)).rejects.toMatchObject({
      type: 'AmazonPay.TransactionAmountExceeded',
    });
    expect((await charge(confirmOnly.permission.chargePermissionId, 5000)).statusDetails.state).toBe('Authorized');
  });

  it('gift card + card keeps the overcharge limit', async () => {
    const { permission } = await completeCheckout(t, { amount: 5000, instrument: 'gift_card_and_card' });
    expect(permission.limits.amountLimit).toEqual(jpy(70000));
  });

  it('at most 25 charges per charge permission (TransactionCountExceeded)', async () => {
    const { permission } = await completeCheckout(t, { amount: 1000 });
    for (let i = 2; i <= 25; i += 1) await charge(permission.chargePermissionId, 100);
    await expect(charge(permission.chargePermissionId, 100)).rejects.toMatchObject({
      type: 'AmazonPay.TransactionCountExceeded',
      details: [{ status: 400 }],
    });
  });

  it('a charge is at most ¥10,000,000', async () => {
    const { permission } = await completeCheckout(t, { amount: 2_000_000, paymentIntent: 'Confirm' });
    expect(permission.limits.amountLimit).toEqual(jpy(18_000_000));
    await expect(charge(permission.chargePermissionId, 10_000_001)).rejects.toMatchObject({
      type: 'AmazonPay.TransactionAmountExceeded',
    });
    expect((await charge(permission.chargePermissionId, 10_000_000)).chargeAmount).toEqual(jpy(10_000_000));
  });

  it('refunds: at most what was captured, per charge', async () => {
    const { session } = await completeCheckout(t, { amount: 5000, paymentIntent: 'AuthorizeWithCapture' });
    const chargeId = session.chargeId ?? '';
    await t.client.createRefund({ chargeId, refundAmount: jpy(3000) }, { idempotencyKey: key() });
    await expect(
      t.client.createRefund({ chargeId, refundAmount: jpy(2001) }, { idempotencyKey: key() }),
    ).rejects.toMatchObject({
      type: 'AmazonPay.TransactionAmountExceeded',
    });
    expect(
      (await t.client.createRefund({ chargeId, refundAmount: jpy(2000) }, { idempotencyKey: key() })).refundAmount,
    ).toEqual(jpy(2000));
    const uncaptured = await completeCheckout(t, { amount: 5000 });
    await expect(
      t.client.createRefund(
        { chargeId: uncaptured.session.chargeId ?? '', refundAmount: jpy(1) },
        { idempotencyKey: key() },
      ),
    ).rejects.toMatchObject({
      type: 'AmazonPay.InvalidChargeStatus',
    });
  });
});
