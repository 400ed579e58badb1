import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createSign, generateKeyPairSync } from 'node:crypto';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutButtonConfig } from '../../amazon-pay/button.js';
import { createAmazonPayClient } from '../../amazon-pay/client.js';
import { NotificationVerificationError, verifyNotification } from '../../amazon-pay/notifications.js';
import { jpy } from '../../amazon-pay/schemas.js';
import { loadConfig } from '../../config/index.js';
import { Notifier } from '../../emulator/notifications.js';
import { verifyButtonSignature } from '../../emulator/signing.js';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  completeCheckout,
  key,
  MERCHANT_PRIVATE_KEY,
  NOTIFICATION_CERT,
  STORE_ID,
  startTestEmulator,
  type TestEmulator,
} from '../emulator/support.js';

const MERCHANT_PUBLIC_KEY = readFileSync(new URL('../../keys/sandbox/merchant-public.pem', import.meta.url), 'utf8');
const NOTIFICATION_KEY = readFileSync(
  new URL('../../keys/sandbox/emulator-notification-key.pem', import.meta.url),
  'utf8',
);

describe('adapter: client against the emulator', () => {
  let a: TestEmulator;
  let b: TestEmulator;
  beforeAll(async () => {
    [a, b] = await Promise.all([startTestEmulator(), startTestEmulator()]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('routes each client to its own emulator (two in one process)', async () => {
    const s = await a.client.createCheckoutSession(
      { webCheckoutDetails: { checkoutReviewReturnUrl: 'http://shop.test/r' }, storeId: STORE_ID },
      { idempotencyKey: key() },
    );
    expect((await a.client.getCheckoutSession(s.checkoutSessionId)).checkoutSessionId).toBe(s.checkoutSessionId);
    await expect(b.client.getCheckoutSession(s.checkoutSessionId)).rejects.toMatchObject({
      type: 'AmazonPay.ResourceNotFound',
    });
  });

  it('reads the configured private key file by default (keys/sandbox) and targets the configured emulator URL', async () => {
    const config = loadConfig({ NODE_ENV: 'test', AMAZON_PAY_TARGET: 'emulator', AMAZON_PAY_EMULATOR_URL: a.url });
    const client = createAmazonPayClient(config);
    expect(client.target).toEqual({ kind: 'emulator', url: a.url });
    const s = await client.createCheckoutSession(
      { webCheckoutDetails: { checkoutReviewReturnUrl: 'http://shop.test/r' }, storeId: STORE_ID },
      { idempotencyKey: key() },
    );
    expect(s.statusDetails.state).toBe('Open');
  });

  it("the amazon target keeps Amazon's host (no rewrite)", () => {
    const config = loadConfig({ NODE_ENV: 'test', AMAZON_PAY_TARGET: 'amazon' });
    expect(createAmazonPayClient(config, { privateKey: MERCHANT_PRIVATE_KEY }).target).toEqual({ kind: 'amazon' });
  });

  it('a business error from the emulator is non-retryable with reasonCode and status in details', async () => {
    const { permission } = await completeCheckout(a, { amount: 5000 });
    const failure = await a.client
      .createCharge(
        { chargePermissionId: permission.chargePermissionId, chargeAmount: jpy(65001) },
        { idempotencyKey: key() },
      )
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({
      type: 'AmazonPay.TransactionAmountExceeded',
      nonRetryable: true,
      details: [{ operation: 'createCharge', status: 400, reasonCode: 'TransactionAmountExceeded' }],
    });
  });

  it('a connection refused is a retryable NetworkError', async () => {
    const dead = await startTestEmulator();
    const url = dead.url;
    await dead.close();
    const client = createAmazonPayClient(a.config, { emulatorUrl: url, privateKey: MERCHANT_PRIVATE_KEY });
    await expect(client.getCharge('S01-0000000-0000000-C000001')).rejects.toMatchObject({
      type: 'AmazonPay.NetworkError',
      nonRetryable: false,
    });
  });

  it('a response the schemas reject is a non-retryable InvalidResponse', async () => {
    const app = express();
    app.get('/v2/charges/:id', (_req, res) => {
      res.json({ chargeId: 'not-a-charge-id', statusDetails: { state: 'Sleeping' } });
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const client = createAmazonPayClient(a.config, {
        emulatorUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        privateKey: MERCHANT_PRIVATE_KEY,
      });
      await expect(client.getCharge('S01-0000000-0000000-C000001')).rejects.toMatchObject({
        type: 'AmazonPay.InvalidResponse',
        nonRetryable: true,
      });
    } finally {
      server.close();
    }
  });

  it('checkout button config: the signature verifies for the exact payloadJSON', () => {
    const button = checkoutButtonConfig(a.client, {
      merchantId: 'A3EMULATORMERCHANT',
      sandbox: true,
      payload: {
        webCheckoutDetails: { checkoutReviewReturnUrl: 'http://shop.test/r' },
        storeId: STORE_ID,
        paymentDetails: { allowOvercharge: true },
      },
    });
    expect(button).toMatchObject({
      productType: 'PayAndShip',
      ledgerCurrency: 'JPY',
      checkoutLanguage: 'ja_JP',
      publicKeyId: 'SANDBOX-AEMULATORMERCHANTKEY000001',
    });
    const key = createPublicKey(MERCHANT_PUBLIC_KEY);
    expect(verifyButtonSignature(button.payloadJSON, button.signature, key)).toBe('AMZN-PAY-RSASSA-PSS-V2');
    expect(verifyButtonSignature(button.payloadJSON.replace('true', 'false'), button.signature, key)).toBeUndefined();
  });
});

describe('adapter: notification verification', () => {
  const notifier = new Notifier({
    merchantId: 'A3EMULATORMERCHANT',
    signingKeyPem: NOTIFICATION_KEY,
    certUrl: () => 'http://127.0.0.1/sns/cert.pem',
    url: () => undefined,
    duplicates: () => false,
    now: () => Date.now(),
    attempts: 1,
    baseDelayMs: 1,
  });
  const envelope = () =>
    notifier.envelope({
      MerchantID: 'A3EMULATORMERCHANT',
      ObjectType: 'CHARGE',
      ObjectId: 'S01-1234567-1234567-C000001',
      ChargePermissionId: 'C01-1234567-1234567',
      NotificationType: 'STATE_CHANGE',
      NotificationId: 'n-1',
      NotificationVersion: 'V2',
    });

  it('returns the parsed Message of a valid envelope (raw text or parsed JSON)', () => {
    const e = envelope();
    expect(verifyNotification(JSON.stringify(e), NOTIFICATION_CERT).message).toMatchObject({
      ObjectType: 'CHARGE',
      ObjectId: 'S01-1234567-1234567-C000001',
    });
    expect(verifyNotification(e, NOTIFICATION_CERT).envelope.MessageId).toBe(e.MessageId);
  });

  it('rejects a tampered field, another signer, a non-envelope and a bad certificate', () => {
    const e = envelope();
    expect(() => verifyNotification({ ...e, TopicArn: 'arn:aws:sns:x' }, NOTIFICATION_CERT)).toThrow(
      NotificationVerificationError,
    );
    const forged = createSign('RSA-SHA1')
      .update('anything')
      .sign(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 'base64');
    expect(() => verifyNotification({ ...e, Signature: forged }, NOTIFICATION_CERT)).toThrow(
      NotificationVerificationError,
    );
    expect(() => verifyNotification('not json', NOTIFICATION_CERT)).toThrow(NotificationVerificationError);
    expect(() => verifyNotification({ Type: 'SubscriptionConfirmation' }, NOTIFICATION_CERT)).toThrow(
      NotificationVerificationError,
    );
    expect(() => verifyNotification(e, MERCHANT_PUBLIC_KEY)).toThrow(NotificationVerificationError);
  });
});
