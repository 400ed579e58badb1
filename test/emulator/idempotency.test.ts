import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAmazonPayClient } from '../../amazon-pay/client.js';
import { jpy } from '../../amazon-pay/schemas.js';
import { completeCheckout, key, signedRequest, STORE_ID, startTestEmulator, type TestEmulator } from './support.js';

interface Ledger {
  charges: { chargeId: string; chargePermissionId: string }[];
}

describe('emulator: idempotency keys on POST', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });

  const payload = { webCheckoutDetails: { checkoutReviewReturnUrl: 'http://shop.test/review' }, storeId: STORE_ID };

  it('same key and body → the stored response again (same status and body, same object)', async () => {
    const k = key();
    const first = await signedRequest(t, {
      method: 'POST',
      path: 'checkoutSessions',
      payload,
      headers: { 'x-amz-pay-idempotency-key': k },
    });
    const second = await signedRequest(t, {
      method: 'POST',
      path: 'checkoutSessions',
      payload,
      headers: { 'x-amz-pay-idempotency-key': k },
    });
    expect(first.status).toBe(201);
    expect(second).toEqual(first);
  });

  it('same key with another body → 400 DuplicateIdempotencyKey', async () => {
    const k = key();
    await t.client.createCheckoutSession(payload, { idempotencyKey: k });
    await expect(
      t.client.createCheckoutSession(
        { ...payload, merchantMetadata: { merchantReferenceId: 'other' } },
        { idempotencyKey: k },
      ),
    ).rejects.toMatchObject({
      type: 'AmazonPay.DuplicateIdempotencyKey',
      nonRetryable: true,
      details: [{ status: 400 }],
    });
  });

  it('a retried createCharge does not make a second charge', async () => {
    const { permission } = await completeCheckout(t, { amount: 5000 });
    const k = key();
    const input = { chargePermissionId: permission.chargePermissionId, chargeAmount: jpy(3000) };
    const a = await t.client.createCharge(input, { idempotencyKey: k });
    const b = await t.client.createCharge(input, { idempotencyKey: k });
    expect(b.chargeId).toBe(a.chargeId);
    const { body } = await t.control<Ledger>('GET', '/ledger');
    expect(body.charges.filter((c) => c.chargePermissionId === permission.chargePermissionId)).toHaveLength(2);
    expect((await t.client.getChargePermission(permission.chargePermissionId)).limits.amountBalance).toEqual(
      jpy(62000),
    );
  });

  it('a stored error is replayed too (the call is not re-evaluated)', async () => {
    const { permission } = await completeCheckout(t, { amount: 5000 });
    const k = key();
    const input = { chargePermissionId: permission.chargePermissionId, chargeAmount: jpy(65001) };
    await expect(t.client.createCharge(input, { idempotencyKey: k })).rejects.toMatchObject({
      type: 'AmazonPay.TransactionAmountExceeded',
    });
    await expect(t.client.createCharge(input, { idempotencyKey: k })).rejects.toMatchObject({
      type: 'AmazonPay.TransactionAmountExceeded',
    });
  });

  it('the key must be ≤ 32 characters of [A-Za-z0-9_-]', async () => {
    await expect(t.client.createCheckoutSession(payload, { idempotencyKey: 'x'.repeat(33) })).rejects.toMatchObject({
      type: 'AmazonPay.InvalidParameterValue',
    });
    await expect(t.client.createCheckoutSession(payload, { idempotencyKey: 'bad key!' })).rejects.toMatchObject({
      type: 'AmazonPay.InvalidParameterValue',
    });
    expect(
      (await t.client.createCheckoutSession(payload, { idempotencyKey: 'A'.repeat(32) })).statusDetails.state,
    ).toBe('Open');
  });

  it('create calls without a key are refused (400 MissingHeaderValue)', async () => {
    const r = await signedRequest(t, { method: 'POST', path: 'checkoutSessions', payload });
    expect(r.status).toBe(400);
    expect(r.body.reasonCode).toBe('MissingHeaderValue');
  });

  it('keys are kept per merchant key id: another key id with the same idempotency key makes its own object', async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await t.control('POST', '/keys', {
      publicKeyId: 'SANDBOX-ASECONDMERCHANTKEY',
      publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    const other = createAmazonPayClient(t.config, {
      emulatorUrl: t.url,
      publicKeyId: 'SANDBOX-ASECONDMERCHANTKEY',
      privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    const k = key();
    const a = await t.client.createCheckoutSession(payload, { idempotencyKey: k });
    const b = await other.createCheckoutSession(payload, { idempotencyKey: k });
    expect(b.checkoutSessionId).not.toBe(a.checkoutSessionId);
    expect((await t.client.createCheckoutSession(payload, { idempotencyKey: k })).checkoutSessionId).toBe(
      a.checkoutSessionId,
    );
  });
});
