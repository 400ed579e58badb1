import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jpy } from '../../amazon-pay/schemas.js';
import { SANDBOX_PENDING_DELAY_MS } from '../../emulator/app.js';
import {
  completeCheckout,
  key,
  openConfirmedSession,
  signedRequest,
  startTestEmulator,
  type TestEmulator,
} from './support.js';

interface Ledger {
  charges: {
    chargeId: string;
    chargePermissionId: string;
    statusDetails: { state: string; reasonCode: string | null };
  }[];
}

const PENDING_SECONDS = SANDBOX_PENDING_DELAY_MS / 1000;

describe('emulator: sandbox simulation codes and pending authorizations', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    // Pending authorizations and captures resolve after 30 s, as in Amazon's sandbox: the tests move
    // the emulator's clock past it instead of waiting (or racing) real time.
    t = await startTestEmulator({ pendingAuthDelayMs: SANDBOX_PENDING_DELAY_MS });
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(['BuyerCanceled', 'AmazonCanceled', 'Declined'])(
    'completeCheckoutSession %s → 422 CheckoutSessionCanceled, session Canceled with that reason',
    async (code) => {
      const s = await openConfirmedSession(t, { amount: 5000 });
      await expect(
        t.client.completeCheckoutSession(
          s.checkoutSessionId,
          { chargeAmount: jpy(5000) },
          { idempotencyKey: key(), simulationCode: code },
        ),
      ).rejects.toMatchObject({
        type: 'AmazonPay.CheckoutSessionCanceled',
        details: [{ status: 422 }],
      });
      expect((await t.client.getCheckoutSession(s.checkoutSessionId)).statusDetails).toMatchObject({
        state: 'Canceled',
        reasonCode: code,
      });
    },
  );

  it('completeCheckoutSession AuthorizationInitiated → a pending charge that becomes Authorized after the delay', async () => {
    const { session } = await completeCheckout(t, {
      amount: 5000,
      canHandlePendingAuthorization: true,
      simulationCode: 'AuthorizationInitiated',
    });
    const chargeId = session.chargeId ?? '';
    expect((await t.client.getCharge(chargeId)).statusDetails.state).toBe('AuthorizationInitiated');
    await t.control('POST', '/clock', { advanceSeconds: PENDING_SECONDS });
    expect((await t.client.getCharge(chargeId)).statusDetails).toMatchObject({ state: 'Authorized', reasonCode: null });
  });

  it('AuthorizationInitiated needs Authorize + canHandlePendingAuthorization (else InvalidSandboxSimulationSpecified)', async () => {
    const s = await openConfirmedSession(t, { amount: 5000, canHandlePendingAuthorization: false });
    await expect(
      t.client.completeCheckoutSession(
        s.checkoutSessionId,
        { chargeAmount: jpy(5000) },
        { idempotencyKey: key(), simulationCode: 'AuthorizationInitiated' },
      ),
    ).rejects.toMatchObject({ type: 'AmazonPay.InvalidSandboxSimulationSpecified', details: [{ status: 400 }] });
  });

  it('test instrument "pending then declined": AuthorizationInitiated, then Declined/HardDeclined when the clock is advanced', async () => {
    const { session, permission } = await completeCheckout(t, {
      amount: 5000,
      buyer: 'jiro',
      cardIndex: 2,
      canHandlePendingAuthorization: true,
    });
    const chargeId = session.chargeId ?? '';
    expect((await t.client.getCharge(chargeId)).statusDetails.state).toBe('AuthorizationInitiated');
    // Short of the delay by 5 s (real time moves the emulator's clock too).
    await t.control('POST', '/clock', { advanceSeconds: PENDING_SECONDS - 5 });
    expect((await t.client.getCharge(chargeId)).statusDetails.state).toBe('AuthorizationInitiated');
    await t.control('POST', '/clock', { advanceSeconds: 5 });
    expect((await t.client.getCharge(chargeId)).statusDetails).toMatchObject({
      state: 'Declined',
      reasonCode: 'HardDeclined',
    });
    expect((await t.client.getChargePermission(permission.chargePermissionId)).limits.amountBalance).toEqual(
      jpy(70000),
    );
  });

  it('test instrument "pending then authorized" chosen via authorizationBehavior resolves to Authorized', async () => {
    const { session } = await completeCheckout(t, {
      amount: 5000,
      authorizationBehavior: 'pending_then_authorized',
      canHandlePendingAuthorization: true,
    });
    expect((await t.client.getCharge(session.chargeId ?? '')).statusDetails.state).toBe('AuthorizationInitiated');
    await t.control('POST', '/clock', { advanceSeconds: PENDING_SECONDS });
    expect((await t.client.getCharge(session.chargeId ?? '')).statusDetails.state).toBe('Authorized');
  });

  it('"pending then declined" without canHandlePendingAuthorization declines at once: 422 CheckoutSessionCanceled (Declined)', async () => {
    const s = await openConfirmedSession(t, {
      amount: 5000,
      authorizationBehavior: 'pending_then_declined',
      canHandlePendingAuthorization: false,
    });
    await expect(
      t.client.completeCheckoutSession(s.checkoutSessionId, { chargeAmount: jpy(5000) }, { idempotencyKey: key() }),
    ).rejects.toMatchObject({
      type: 'AmazonPay.CheckoutSessionCanceled',
    });
    expect((await t.client.getCheckoutSession(s.checkoutSessionId)).statusDetails.reasonCode).toBe('Declined');
  });

  it.each(['SoftDeclined', 'HardDeclined', 'AmazonRejected', 'TransactionTimedOut'])(
    'createCharge %s → 400 with that reasonCode, a Declined charge',
    async (code) => {
      const { permission } = await completeCheckout(t, { amount: 5000, paymentIntent: 'Confirm' });
      await expect(
        t.client.createCharge(
          { chargePermissionId: permission.chargePermissionId, chargeAmount: jpy(5000) },
          { idempotencyKey: key(), simulationCode: code },
        ),
      ).rejects.toMatchObject({
        type: `AmazonPay.${code}`,
        nonRetryable: true,
        details: [{ status: 400, reasonCode: code }],
      });
      const { body } = await t.control<Ledger>('GET', '/ledger');
      const declined = body.charges.filter((c) => c.chargePermissionId === permission.chargePermissionId);
      expect(declined.map((c) => c.statusDetails)).toEqual([
        {
          state: 'Declined',
          reasonCode: code,
          reasonDescription: expect.any(String),
          lastUpdatedTimestamp: expect.any(String),
        },
      ]);
      expect((await t.client.getChargePermission(permission.chargePermissionId)).limits.amountBalance).toEqual(
        jpy(70000),
      );
    },
  );

  it('createCharge CaptureInitiated (captureNow) → CaptureInitiated, then Captured when the clock is advanced', async () => {
    const { permission } = await completeCheckout(t, { amount: 5000, paymentIntent: 'Confirm' });
    const c = await t.client.createCharge(
      { chargePermissionId: permission.chargePermissionId, chargeAmount: jpy(5000), captureNow: true },
      { idempotencyKey: key(), simulationCode: 'CaptureInitiated' },
    );
    expect(c.statusDetails.state).toBe('CaptureInitiated');
    await t.control('POST', '/clock', { advanceSeconds: PENDING_SECONDS });
    expect((await t.client.getCharge(c.chargeId)).statusDetails.state).toBe('Captured');
    await expect(
      t.client.createCharge(
        { chargePermissionId: permission.chargePermissionId, chargeAmount: jpy(100) },
        { idempotencyKey: key(), simulationCode: 'CaptureInitiated' },
      ),
    ).rejects.toMatchObject({ type: 'AmazonPay.InvalidSandboxSimulationSpecified' });
  });

  it('closeChargePermission AmazonClosed → Closed with reason AmazonClosed', async () => {
    const { permission } = await completeCheckout(t, { amount: 5000, paymentIntent: 'Confirm' });
    const closed = await t.client.closeChargePermission(
      permission.chargePermissionId,
      { closureReason: 'x' },
      { simulationCode: 'AmazonClosed' },
    );
    expect(closed.statusDetails).toMatchObject({ state: 'Closed', reasons: [{ reasonCode: 'AmazonClosed' }] });
  });

  it('invalid combinations → 400 InvalidSandboxSimulationSpecified', async () => {
    const { permission, session } = await completeCheckout(t, { amount: 5000 });
    await expect(
      t.client.createCharge(
        { chargePermissionId: permission.chargePermissionId, chargeAmount: jpy(100) },
        { idempotencyKey: key(), simulationCode: 'AmazonClosed' },
      ),
    ).rejects.toMatchObject({ type: 'AmazonPay.InvalidSandboxSimulationSpecified' });
    await expect(
      t.client.createCharge(
        { chargePermissionId: permission.chargePermissionId, chargeAmount: jpy(100) },
        { idempotencyKey: key(), simulationCode: 'NoSuchCode' },
      ),
    ).rejects.toMatchObject({ type: 'AmazonPay.InvalidSandboxSimulationSpecified' });
    const onGet = await signedRequest(t, {
      method: 'GET',
      path: `charges/${session.chargeId ?? ''}`,
      headers: { 'x-amz-pay-simulation-code': 'HardDeclined' },
    });
    expect(onGet).toMatchObject({ status: 400, body: { reasonCode: 'InvalidSandboxSimulationSpecified' } });
  });
});
