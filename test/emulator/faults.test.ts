import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jpy } from '../../amazon-pay/schemas.js';
import { completeCheckout, key, signedRequest, STORE_ID, startTestEmulator, type TestEmulator } from './support.js';

describe('emulator: fault knobs', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(async () => {
    await t.control('PUT', '/faults', { throttle: 'off', serverErrorRate: 0, latencyRate: 0, latencyMs: 0, calls: [] });
  });

  it('off by default: a burst of reads is never throttled', async () => {
    const { session } = await completeCheckout(t, { amount: 1000 });
    const results = await Promise.all(Array.from({ length: 30 }, () => t.client.getCharge(session.chargeId ?? '')));
    expect(results).toHaveLength(30);
  });

  it('throttling (sandbox quota 2/1 for writes): the third immediate createCharge gets 429 TooManyRequests, retryable', async () => {
    const { permission } = await completeCheckout(t, { amount: 1000 });
    await t.control('PUT', '/faults', { throttle: 'sandbox' });
    const create = () =>
      t.client.createCharge(
        { chargePermissionId: permission.chargePermissionId, chargeAmount: jpy(100) },
        { idempotencyKey: key() },
      );
    await create();
    await create();
    await expect(create()).rejects.toMatchObject({
      type: 'AmazonPay.TooManyRequests',
      nonRetryable: false,
      details: [{ status: 429 }],
    });
    // The bucket leaks one request per second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await create()).statusDetails.state).toBe('Authorized');
  });

  it('throttling (production quota 20/4 for getCharge): the 21st immediate read gets 429', async () => {
    const { session } = await completeCheckout(t, { amount: 1000 });
    await t.control('PUT', '/faults', { throttle: 'production' });
    const statuses: number[] = [];
    for (let i = 0; i < 21; i += 1)
      statuses.push((await signedRequest(t, { method: 'GET', path: `charges/${session.chargeId ?? ''}` })).status);
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it('injected 5xx: retryable failures; the call did not happen, so a retry with the same key succeeds once', async () => {
    await t.control('PUT', '/faults', { serverErrorRate: 1, serverErrorStatus: 503, calls: ['createCheckoutSession'] });
    const k = key();
    const payload = { webCheckoutDetails: { checkoutReviewReturnUrl: 'http://shop.test/r' }, storeId: STORE_ID };
    await expect(t.client.createCheckoutSession(payload, { idempotencyKey: k })).rejects.toMatchObject({
      type: 'AmazonPay.ServiceUnavailable',
      nonRetryable: false,
      details: [{ status: 503 }],
    });
    await t.control('PUT', '/faults', { serverErrorRate: 0 });
    const a = await t.client.createCheckoutSession(payload, { idempotencyKey: k });
    const b = await t.client.createCheckoutSession(payload, { idempotencyKey: k });
    expect(b.checkoutSessionId).toBe(a.checkoutSessionId);
  });

  it('injected 500 limited to some calls leaves the others alone', async () => {
    const { session } = await completeCheckout(t, { amount: 1000 });
    await t.control('PUT', '/faults', { serverErrorRate: 1, serverErrorStatus: 500, calls: ['getChargePermission'] });
    await expect(t.client.getChargePermission(session.chargePermissionId ?? '')).rejects.toMatchObject({
      type: 'AmazonPay.InternalServerError',
      nonRetryable: false,
    });
    expect((await t.client.getCharge(session.chargeId ?? '')).statusDetails.state).toBe('Authorized');
  });

  it('injected latency delays the answer', async () => {
    await t.control('PUT', '/faults', { latencyRate: 1, latencyMs: 300 });
    const started = Date.now();
    await expect(t.client.getCharge('S01-0000000-0000000-C000001')).rejects.toMatchObject({
      type: 'AmazonPay.ResourceNotFound',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('bad fault settings are refused', async () => {
    const r = await t.control('PUT', '/faults', { serverErrorRate: 2 });
    expect(r.status).toBe(400);
  });
});
