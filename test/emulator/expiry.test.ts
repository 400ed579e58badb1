import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jpy } from '../../amazon-pay/schemas.js';
import { completeCheckout, key, STORE_ID, startTestEmulator, type TestEmulator } from './support.js';

const HOUR = 3600;
const DAY = 24 * HOUR;

describe('emulator: expiries on the emulator clock', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });

  it('GET/POST /__emulator/clock reports and advances the clock', async () => {
    const before = (await t.control<{ now: number }>('GET', '/clock')).body.now;
    const after = (await t.control<{ now: number; amazonTimestamp: string }>('POST', '/clock', { advanceSeconds: 60 }))
      .body;
    expect(after.now - before).toBeGreaterThanOrEqual(60_000);
    expect(after.amazonTimestamp).toMatch(/^\d{8}T\d{6}Z$/);
  });

  it('a checkout session still Open 24 h after creation is Canceled (Expired)', async () => {
    const s = await t.client.createCheckoutSession(
      { webCheckoutDetails: { checkoutReviewReturnUrl: 'http://shop.test/r' }, storeId: STORE_ID },
      { idempotencyKey: key() },
    );
    await t.control('POST', '/clock', { advanceSeconds: DAY - 5 });
    expect((await t.client.getCheckoutSession(s.checkoutSessionId)).statusDetails.state).toBe('Open');
    await t.control('POST', '/clock', { advanceSeconds: 5 });
    expect((await t.client.getCheckoutSession(s.checkoutSessionId)).statusDetails).toMatchObject({
      state: 'Canceled',
      reasonCode: 'Expired',
    });
  });

  it('an authorization expires unused 30 days after it was made (Canceled/ExpiredUnused) and gives its amount back', async () => {
    const { session, permission } = await completeCheckout(t, { amount: 5000 });
    const chargeId = session.chargeId ?? '';
    const charge = await t.client.getCharge(chargeId);
    expect(charge.expirationTimestamp).not.toBeNull();
    await t.control('POST', '/clock', { advanceSeconds: 30 * DAY - 5 });
    expect((await t.client.getCharge(chargeId)).statusDetails.state).toBe('Authorized');
    await t.control('POST', '/clock', { advanceSeconds: 5 });
    expect((await t.client.getCharge(chargeId)).statusDetails).toMatchObject({
      state: 'Canceled',
      reasonCode: 'ExpiredUnused',
    });
    await expect(
      t.client.captureCharge(chargeId, { captureAmount: jpy(5000) }, { idempotencyKey: key() }),
    ).rejects.toMatchObject({ type: 'AmazonPay.InvalidChargeStatus' });
    const p = await t.client.getChargePermission(permission.chargePermissionId);
    expect(p.limits.amountBalance).toEqual(jpy(70000));
    expect(p.statusDetails.state).toBe('Chargeable');
    // Re-authorize within the permission, as the order workflow does.
    expect(
      (
        await t.client.createCharge(
          { chargePermissionId: permission.chargePermissionId, chargeAmount: jpy(5000) },
          { idempotencyKey: key() },
        )
      ).statusDetails.state,
    ).toBe('Authorized');
  });

  it('a charge permission closes 180 days after creation (Closed/Expired); new charges are refused', async () => {
    const { permission } = await completeCheckout(t, { amount: 5000, paymentIntent: 'AuthorizeWithCapture' });
    await t.control('POST', '/clock', { advanceSeconds: 180 * DAY - 5 });
    expect((await t.client.getChargePermission(permission.chargePermissionId)).statusDetails.state).toBe('Chargeable');
    await t.control('POST', '/clock', { advanceSeconds: 5 });
    expect((await t.client.getChargePermission(permission.chargePermissionId)).statusDetails).toMatchObject({
      state: 'Closed',
      reasons: [{ reasonCode: 'Expired' }],
    });
    await expect(
      t.client.createCharge(
        { chargePermissionId: permission.chargePermissionId, chargeAmount: jpy(1) },
        { idempotencyKey: key() },
      ),
    ).rejects.toMatchObject({
      type: 'AmazonPay.InvalidChargePermissionStatus',
    });
  });
});
