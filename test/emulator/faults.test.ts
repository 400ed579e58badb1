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

  it('throttling (sandbox quota 2/1 for writes): createCharges past the second at once get 429 TooManyRequests, retryable', async () => {
    const { permission } = await completeCheckout(t, { amount: 1000 });
    await t.control('PUT', '/faults', { throttle: 'sandbox' });
    const create = () =>
      t.client.createCharge(
        { chargePermissionId: permission.chargePermissionId, chargeAmount: jpy(100) },
        { idempotencyKey: key() },
      );
    // The bucket leaks one write a second while the burst is on its way (exact: throttle.test.ts).
    const started = performance.now();
    const answers = await Promise.allSettled([create(), create(), create(), create()]);
    const seconds = (performance.now() - started) / 1000;
    const authorized = answers.filter((answer) => answer.status === 'fulfilled');
    const refused = answers.flatMap((answer) => (answer.status === 'rejected' ? [answer.reason as unknown] : []));
    expect(authorized.length).toBeGreaterThanOrEqual(2);
    expect(authorized.length).toBeLessThanOrEqual(2 + Math.ceil(seconds));
    if (seconds < 1) expect(refused.length).toBeGreaterThan(0);
    for (const failure of refused)
      expect(failure).toMatchObject({
        type: 'AmazonPay.TooManyRequests',
        nonRetryable: false,
        details: [{ status: 429 }],
      });
    // The bucket leaks one request per second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await create()).statusDetails.state).toBe('Authorized');
  });

  it('throttling (production quota 20/4 for getCharge): a burst past 20 immediate reads gets 429s', async () => {
    const { session } = await completeCheckout(t, { amount: 1000 });
    await t.control('PUT', '/faults', { throttle: 'production' });
    // The bucket leaks 4 reads a second while the burst is on its way, so the test bounds the
    // admitted reads by the time the burst took (the exact arithmetic is in throttle.test.ts).
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => signedRequest(t, { method: 'GET', path: `charges/${session.chargeId ?? ''}` })),
    );
    const seconds = (performance.now() - started) / 1000;
    const admitted = answers.filter((answer) => answer.status === 200).length;
    const refused = answers.filter((answer) => answer.status === 429);
    expect(refused.every((answer) => answer.body.reasonCode === 'TooManyRequests')).toBe(true);
    expect(admitted + refused.length).toBe(30);
    expect(admitted).toBeGreaterThanOrEqual(20);
    expect(admitted).toBeLessThanOrEqual(20 + Math.ceil(seconds * 4));
    if (seconds < 2) expect(admitted).toBeLessThan(30);
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
