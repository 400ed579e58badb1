import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/app.js';
import { completeCheckout, startTestEmulator, type TestEmulator } from './support.js';

describe('emulator: test-control API', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });

  it('plants a charge state (a mismatch for reconciliation) that the API then reports', async () => {
    const { session, permission } = await completeCheckout(t, { amount: 5000 });
    const planted = await t.control('POST', `/charges/${session.chargeId ?? ''}/state`, { state: 'Captured' });
    expect(planted.status).toBe(200);
    const charge = await t.client.getCharge(session.chargeId ?? '');
    expect(charge.statusDetails.state).toBe('Captured');
    expect(charge.captureAmount?.amount).toBe('5000');
    const { body } = await t.control<{
      charges: { chargeId: string }[];
      chargePermissions: { chargePermissionId: string }[];
    }>('GET', '/ledger');
    expect(body.charges.map((c) => c.chargeId)).toContain(session.chargeId);
    expect(body.chargePermissions.map((p) => p.chargePermissionId)).toContain(permission.chargePermissionId);
  });

  it('lists the test buyers with their payment descriptors', async () => {
    const { body } = await t.control<{ key: string; instruments: { paymentDescriptor: string }[] }[]>('GET', '/buyers');
    expect(body.map((b) => b.key)).toEqual(['taro', 'hanako', 'john', 'jiro']);
    expect(body[0]?.instruments.map((i) => i.paymentDescriptor)).toContain('Amazonギフトカード + Visa ****1234');
  });

  it('validates its input (unknown buyer, bad instrument)', async () => {
    const s = await t.client.createCheckoutSession(
      { webCheckoutDetails: { checkoutReviewReturnUrl: 'http://shop.test/r' }, storeId: 'store' },
      { idempotencyKey: 'control-test-1' },
    );
    expect(
      (
        await t.control('POST', `/checkoutSessions/${s.checkoutSessionId}/buyer`, {
          buyer: 'nobody',
          instrument: 'card',
        })
      ).status,
    ).toBe(400);
    expect(
      (await t.control('POST', `/checkoutSessions/${s.checkoutSessionId}/buyer`, { instrument: 'cash' })).status,
    ).toBe(400);
    expect((await t.control('POST', `/checkoutSessions/${s.checkoutSessionId}/confirm`)).status).toBe(422);
  });

  it('is absent when controlApi is off (production)', async () => {
    const emulator = createEmulator({ controlApi: false });
    const running = await emulator.start(0);
    try {
      expect((await fetch(`${running.url}/__emulator/clock`)).status).toBe(404);
      expect((await fetch(`${running.url}/health`)).status).toBe(200);
    } finally {
      await running.close();
    }
  });
});
