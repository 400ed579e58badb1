import { generateKeyPairSync } from 'node:crypto';
import sdk from '@amazonpay/amazon-pay-api-sdk-nodejs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAmazonPayClient } from '../../amazon-pay/client.js';
import { MERCHANT_PRIVATE_KEY, STORE_ID, key, signedRequest, startTestEmulator, type TestEmulator } from './support.js';

const KEY_ID = 'SANDBOX-AEMULATORMERCHANTKEY000001';
const sessionPayload = {
  webCheckoutDetails: { checkoutReviewReturnUrl: 'http://shop.test/review' },
  storeId: STORE_ID,
};

describe('emulator: request signatures', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each(['AMZN-PAY-RSASSA-PSS', 'AMZN-PAY-RSASSA-PSS-V2'] as const)(
    'accepts requests the SDK signs with %s (GET, POST, PATCH, DELETE)',
    async (algorithm) => {
      const client = createAmazonPayClient(t.config, {
        emulatorUrl: t.url,
        privateKey: MERCHANT_PRIVATE_KEY,
        algorithm,
      });
      const session = await client.createCheckoutSession(sessionPayload, { idempotencyKey: key() });
      expect((await client.getCheckoutSession(session.checkoutSessionId)).checkoutSessionId).toBe(
        session.checkoutSessionId,
      );
      const updated = await client.updateCheckoutSession(session.checkoutSessionId, {
        merchantMetadata: { merchantReferenceId: 'R-1' },
      });
      expect(updated.merchantMetadata?.merchantReferenceId).toBe('R-1');
      // A DELETE with a JSON body: signed over the body, answered 404 for an unknown charge (not 401).
      await expect(
        client.cancelCharge('S01-0000000-0000000-C000001', { cancellationReason: 'x' }),
      ).rejects.toMatchObject({ type: 'AmazonPay.ResourceNotFound' });
    },
  );

  it('rejects a body changed after signing', async () => {
    const r = await signedRequest(t, {
      method: 'POST',
      path: 'checkoutSessions',
      payload: sessionPayload,
      headers: { 'x-amz-pay-idempotency-key': key() },
      sendBody: JSON.stringify({ ...sessionPayload, storeId: 'amzn1.application-oa2-client.other' }),
    });
    expect(r.status).toBe(401);
    expect(r.body.reasonCode).toBe('InvalidRequestSignature');
  });

  it('accepts the same request unchanged (the tamper test above can fail)', async () => {
    const r = await signedRequest(t, {
      method: 'POST',
      path: 'checkoutSessions',
      payload: sessionPayload,
      headers: { 'x-amz-pay-idempotency-key': key() },
    });
    expect(r.status).toBe(201);
  });

  it('rejects a signature made with another private key under the registered key id', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const client = new sdk.WebStoreClient({
      publicKeyId: KEY_ID,
      privateKey: other,
      region: 'jp',
      sandbox: true,
      algorithm: 'AMZN-PAY-RSASSA-PSS-V2',
    });
    const r = await signedRequest(t, {
      method: 'GET',
      path: 'checkoutSessions/00000000-0000-4000-8000-000000000000',
      client,
    });
    expect(r.status).toBe(401);
    expect(r.body.reasonCode).toBe('InvalidRequestSignature');
  });

  it('rejects an unknown public key id with 401, and accepts it once registered through the control API', async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const client = new sdk.WebStoreClient({
      publicKeyId: 'SANDBOX-ANOTHERKEY',
      privateKey,
      region: 'jp',
      sandbox: true,
    });
    const before = await signedRequest(t, {
      method: 'POST',
      path: 'checkoutSessions',
      payload: sessionPayload,
      headers: { 'x-amz-pay-idempotency-key': key() },
      client,
    });
    expect(before.status).toBe(401);
    expect(before.body.reasonCode).toBe('InvalidAuthentication');
    expect((await t.control('POST', '/keys', { publicKeyId: 'SANDBOX-ANOTHERKEY', publicKeyPem })).status).toBe(201);
    const after = await signedRequest(t, {
      method: 'POST',
      path: 'checkoutSessions',
      payload: sessionPayload,
      headers: { 'x-amz-pay-idempotency-key': key() },
      client,
    });
    expect(after.status).toBe(201);
  });

  it('rejects a request without an authorization header', async () => {
    const r = await signedRequest(t, {
      method: 'GET',
      path: 'checkoutSessions/x',
      mutateHeaders: (h) => delete h.authorization,
    });
    expect(r.status).toBe(401);
    expect(r.body.reasonCode).toBe('InvalidRequestSignature');
  });

  it('rejects a malformed authorization header', async () => {
    const r = await signedRequest(t, {
      method: 'GET',
      path: 'checkoutSessions/x',
      mutateHeaders: (h) => (h.authorization = 'AMZN-PAY-RSASSA-PSS-V2 nonsense'),
    });
    expect(r.status).toBe(401);
  });

  it('rejects an x-amz-pay header added after signing', async () => {
    const r = await signedRequest(t, {
      method: 'POST',
      path: 'checkoutSessions',
      payload: sessionPayload,
      headers: { 'x-amz-pay-idempotency-key': key() },
      mutateHeaders: (h) => (h['x-amz-pay-simulation-code'] = 'Declined'),
    });
    expect(r.status).toBe(401);
  });

  it('rejects a changed signed header value (x-amz-pay-idempotency-key)', async () => {
    const r = await signedRequest(t, {
      method: 'POST',
      path: 'checkoutSessions',
      payload: sessionPayload,
      headers: { 'x-amz-pay-idempotency-key': key() },
      mutateHeaders: (h) => (h['x-amz-pay-idempotency-key'] = 'swapped'),
    });
    expect(r.status).toBe(401);
  });

  it('rejects a stale x-amz-pay-date (more than 15 minutes off the wall clock) and accepts 14 minutes', async () => {
    const realNow = Date.now();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(realNow - 16 * 60_000);
    const staleHeaders = t.client.sdk.getSignedHeaders({
      method: 'GET',
      urlFragment: 'checkoutSessions/00000000-0000-4000-8000-000000000000',
    });
    vi.setSystemTime(realNow - 14 * 60_000);
    const freshHeaders = t.client.sdk.getSignedHeaders({
      method: 'GET',
      urlFragment: 'checkoutSessions/00000000-0000-4000-8000-000000000000',
    });
    vi.useRealTimers();
    const stale = await fetch(`${t.url}/v2/checkoutSessions/00000000-0000-4000-8000-000000000000`, {
      headers: staleHeaders,
    });
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { reasonCode: string }).reasonCode).toBe('InvalidRequestSignature');
    const fresh = await fetch(`${t.url}/v2/checkoutSessions/00000000-0000-4000-8000-000000000000`, {
      headers: freshHeaders,
    });
    expect(fresh.status).toBe(404);
  });

  it('signature freshness uses the wall clock: advancing the emulator clock does not invalidate requests', async () => {
    const session = await t.client.createCheckoutSession(sessionPayload, { idempotencyKey: key() });
    await t.control('POST', '/clock', { advanceSeconds: 3600 });
    const read = await t.client.getCheckoutSession(session.checkoutSessionId);
    expect(read.checkoutSessionId).toBe(session.checkoutSessionId);
  });

  it('serves the same API under /sandbox/v2 and /live/v2 for key ids without an environment prefix', async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await t.control('POST', '/keys', {
      publicKeyId: 'AEMULATORPLAINKEY',
      publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    const privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const sandbox of [true, false]) {
      const config = { amazonPay: { ...t.config.amazonPay, sandbox, publicKeyId: 'AEMULATORPLAINKEY' } };
      const client = createAmazonPayClient(config, { emulatorUrl: t.url, privateKey });
      const session = await client.createCheckoutSession(sessionPayload, { idempotencyKey: key() });
      expect(session.releaseEnvironment).toBe(sandbox ? 'Sandbox' : 'Live');
    }
  });
});
