/**
 * Fast tier, after placement: the 30-day authorization expiry, the 180-day charge permission, the
 * background poll of pending objects and unanswered requests, and the ops refusals — stubbed
 * activities, skipped time. Full-stack versions: test/workflow/order-payment.test.ts, order-retries.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMAZON_UNAVAILABLE_MESSAGE } from '../../domain/messages.js';
import { cancelOrder, captureOrder, changeAmount, getOrder, refundOrder } from '../../workflows/order/definitions.js';
import { KYUSU } from '../support/orders.js';
import type { ProcedureOverrides } from '../support/checkout.js';
import { refusalOf } from '../support/refusal.js';
import { DAY_MS, HOUR_MS } from '../support/time.js';
import { untilOrder, untilQuiet } from '../support/waiting.js';
import {
  completedOrder,
  elapsedMs,
  startFastHarness,
  stubMember,
  type FastHarness,
  type FastOrder,
} from './harness.js';
import type { StubWorld } from './stub-activities.js';

let h: FastHarness;
beforeAll(async () => {
  h = await startFastHarness('fast_payment');
});
afterAll(async () => {
  await h?.close();
});

/** A placed guest order for 2 × ¥1,200 + ¥600 shipping = ¥3,000 (or a member's ¥6,500 KYUSU). */
async function placedOrder(
  o: { memberId?: string; form?: ProcedureOverrides; prepare?: (world: StubWorld) => void } = {},
): Promise<FastOrder> {
  const order = await h.startOrder({
    ...(o.memberId === undefined ? {} : { memberId: o.memberId, items: [KYUSU] }),
    prepare: (world) => {
      if (o.memberId !== undefined) stubMember(o.memberId, 0)(world);
      o.prepare?.(world);
    },
  });
  expect((await completedOrder(order, o.form)).status).toBe('Placed');
  return order;
}

describe('the 30-day authorization expiry', () => {
  it('A1: an authorization not captured within 30 days is renewed for the same amount; the order can still be captured', async () => {
    const order = await placedOrder();
    const chargeId = (await order.handle.query(getOrder)).chargeId;
    await h.env.sleep('30 days');
    const renewed = await untilOrder(order.handle, (v) => (v.payment?.charges.length ?? 0) === 2);
    expect(renewed.payment?.charges).toMatchObject([
      { chargeId, state: 'Canceled', reasonCode: 'ExpiredUnused' },
      { amount: 3_000, state: 'Authorized' },
    ]);
    expect(renewed.payment?.attention).toBeNull();
    expect(order.world.count('authorizeCharge')).toBe(1);
    const captured = await order.handle.executeUpdate(captureOrder, { args: [{}] });
    expect(captured).toMatchObject({ status: 'Captured', payment: { capturedAmount: 3_000 } });
  });

  it('A1: when Amazon still shows the authorization at 30 days (its clock behind ours), the order looks again 6 hours later', async () => {
    const order = await placedOrder({
      prepare: (w) => (w.amazon.authorizationLifetimeMs = 30 * DAY_MS + 3 * HOUR_MS),
    });
    await h.env.sleep('30 days');
    await untilQuiet(order.handle);
    expect(order.world.count('readCharge')).toBeGreaterThanOrEqual(2);
    expect((await order.handle.query(getOrder)).payment?.charges).toHaveLength(1);
    await h.env.sleep('6 hours');
    const renewed = await untilOrder(order.handle, (v) => (v.payment?.charges.length ?? 0) === 2);
    expect(renewed.payment?.charges.map((c) => c.state)).toEqual(['Canceled', 'Authorized']);
  });

  it('A1, A2: a pending increase Amazon authorized and expired before the order looked again (found by the model-based run, seed 20261202) is renewed; the whole amount can be captured', async () => {
    const order = await placedOrder({ prepare: (w) => (w.amazon.nextAuthorization = 'AuthorizationInitiated') });
    await order.handle.executeUpdate(changeAmount, { args: [{ amount: 9_000 }] });
    const increase = (await order.handle.query(getOrder)).payment!.charges[1]!;
    expect(increase).toMatchObject({ amount: 6_000, state: 'AuthorizationInitiated' });
    // Amazon authorized it more than 30 days ago (the order's worker was away all that time): the
    // next look finds it expired, never having seen it authorized.
    const atAmazon = order.world.amazon.charges.get(increase.chargeId)!;
    Object.assign(atAmazon, { state: 'Authorized', authorizedAtMs: (await h.env.currentTimeMs()) - 31 * DAY_MS });
    order.world.amazon.nextAuthorization = 'Authorized';
    await h.env.sleep('1 hour');
    const renewed = await untilOrder(order.handle, (v) => (v.payment?.charges.length ?? 0) === 3);
    expect(renewed.payment?.charges).toMatchObject([
      { amount: 3_000, state: 'Authorized' },
      { chargeId: increase.chargeId, state: 'Canceled', reasonCode: 'ExpiredUnused' },
      { amount: 6_000, state: 'Authorized' },
    ]);
    expect(renewed.payment?.attention).toBeNull();
    const captured = await order.handle.executeUpdate(captureOrder, { args: [{}] });
    expect(captured).toMatchObject({ status: 'Captured', payment: { capturedAmount: 9_000 } });
  });

  it('A1: an expired authorization that cannot be renewed flags the order for ops; it stays placed', async () => {
    const order = await placedOrder();
    order.world.amazon.permissionState = 'NonChargeable';
    await h.env.sleep('30 days');
    const flagged = await untilOrder(order.handle, (v) => v.payment?.attention !== null);
    expect(flagged.status).toBe('Placed');
    expect(flagged.payment?.attention).toContain('could not be renewed');
  });
});

describe('the 180-day charge permission', () => {
  it('A1: a captured order\u2019s permission is closed at 180 days and its workflow completes', async () => {
    const order = await placedOrder();
    await order.handle.executeUpdate(captureOrder, { args: [{}] });
    const final = await order.handle.result();
    expect(final.status).toBe('Captured');
    expect(elapsedMs(final)).toBeGreaterThanOrEqual(180 * DAY_MS);
    expect(order.world.count('closeChargePermission')).toBe(1);
    expect(order.world.amazon.permissionState).toBe('Closed');
  });

  it('A1, P1: an order never captured is renewed every 30 days, then canceled at 180 days, flagged, its pending points revoked', async () => {
    const order = await placedOrder({ memberId: 'M-NEVER-SHIPPED' });
    expect(order.world.account('M-NEVER-SHIPPED').pending).toBe(65);
    const final = await order.handle.result();
    expect(final.status).toBe('Canceled');
    expect(final.payment?.attention).toBe('the charge permission closed after 180 days without capture');
    expect(final.purchasePoints.state).toBe('revoked');
    expect(order.world.account('M-NEVER-SHIPPED').pending).toBe(0);
    // Renewed at 30, 60, 90, 120 and 150 days.
    expect(order.world.count('authorizeCharge')).toBe(5);
  });

  it('A1: a coupon used by an order never captured is given back when the order is canceled at 180 days', async () => {
    const order = await placedOrder({ memberId: 'M-COUPON-EXPIRED', form: { couponCode: 'WELCOME500' } });
    expect(order.world.couponUses.get('WELCOME500:M-COUPON-EXPIRED')).toBe(order.orderId);
    const final = await order.handle.result();
    expect(final).toMatchObject({ status: 'Canceled', couponCode: 'WELCOME500' });
    expect(order.world.count('releaseCoupon')).toBe(1);
    expect(order.world.couponUses.has('WELCOME500:M-COUPON-EXPIRED')).toBe(false);
  });
});

describe('the background poll after placement', () => {
  it('A1: a capture that goes pending (later than 7 days after authorization) is followed until captured; points become usable', async () => {
    const order = await placedOrder({
      memberId: 'M-LATE-CAPTURE',
      prepare: (w) => (w.amazon.nextCapture = 'CaptureInitiated'),
    });
    await h.env.sleep('8 days');
    const pending = await order.handle.executeUpdate(captureOrder, { args: [{}] });
    expect(pending.payment?.charges[0]?.state).toBe('CaptureInitiated');
    expect(order.world.account('M-LATE-CAPTURE')).toMatchObject({ balance: 65, pending: 0 });
    order.world.decide(pending.chargeId as string, 'Captured');
    await h.env.sleep('2 minutes');
    const captured = await untilOrder(order.handle, (v) => v.payment?.charges[0]?.state === 'Captured');
    expect(captured.payment).toMatchObject({ capturedAmount: 6_500 });
  });

  it('A1: a refund sent while Amazon was unreachable is sent again in the background with the same key, and made once', async () => {
    const order = await placedOrder();
    await order.handle.executeUpdate(captureOrder, { args: [{}] });
    order.world.amazon.outages.push('refundCharge');
    const refused = await refusalOf(order.handle.executeUpdate(refundOrder, { args: [{ amount: 1_000 }] }));
    expect(refused).toMatchObject({ type: 'Order.AmazonUnavailable', message: AMAZON_UNAVAILABLE_MESSAGE });
    expect((await order.handle.query(getOrder)).payment?.unanswered).toMatchObject({ kind: 'refund', amount: 1_000 });

    await h.env.sleep('2 minutes');
    const resent = await untilOrder(order.handle, (v) => v.payment?.unanswered === null);
    expect(resent.payment?.refunds).toMatchObject([{ amount: 1_000 }]);
    const sent = order.world.calls.filter((c) => c.name === 'refundCharge').map((c) => (c.arg as { seq: number }).seq);
    expect(sent).toHaveLength(2);
    expect(new Set(sent).size).toBe(1);
    expect(order.world.amazon.refunds.size).toBe(1);
  });
});

describe('ops refusals after placement', () => {
  it('A1: a capture while Amazon is unreachable is "try again later"; the order stays placed; capturing again captures', async () => {
    const order = await placedOrder();
    order.world.amazon.outages.push('readCharge');
    const refused = await refusalOf(order.handle.executeUpdate(captureOrder, { args: [{}] }));
    expect(refused).toMatchObject({ type: 'Order.AmazonUnavailable', message: AMAZON_UNAVAILABLE_MESSAGE });
    expect((await order.handle.query(getOrder)).status).toBe('Placed');
    expect((await order.handle.executeUpdate(captureOrder, { args: [{}] })).status).toBe('Captured');
  });

  it('A2: an increase Amazon declines is refused and the order amount stays', async () => {
    const order = await placedOrder({ prepare: (w) => (w.amazon.nextAuthorization = 'Declined') });
    const refused = await refusalOf(order.handle.executeUpdate(changeAmount, { args: [{ amount: 5_000 }] }));
    expect(refused.type).toBe('Order.AmountChangeRefused');
    const view = await order.handle.query(getOrder);
    expect(view.payment?.amount).toBe(3_000);
    expect(view.payment?.charges.map((c) => c.state)).toEqual(['Authorized', 'Declined']);
  });

  it('A2: above max(9 × order amount, ¥70,000) is refused before Amazon is asked', async () => {
    const order = await placedOrder();
    const refused = await refusalOf(order.handle.executeUpdate(changeAmount, { args: [{ amount: 70_001 }] }));
    expect(refused).toMatchObject({ type: 'Order.AmountChangeRefused', details: { amountLimit: 70_000 } });
    expect(order.world.count('authorizeCharge')).toBe(0);
  });

  it('A3: an order paid only with an Amazon gift card is never raised, not even by ¥1', async () => {
    const order = await placedOrder({ prepare: (w) => (w.amazon.paymentDescriptor = 'Amazon ギフトカード') });
    const refused = await refusalOf(order.handle.executeUpdate(changeAmount, { args: [{ amount: 3_001 }] }));
    expect(refused).toMatchObject({ type: 'Order.AmountChangeRefused', details: { reason: 'gift_card_only' } });
    expect((await order.handle.executeUpdate(changeAmount, { args: [{ amount: 2_999 }] })).payment?.amount).toBe(2_999);
  });

  it('A1, P1: cancel before capture: the charge canceled, the permission closed, pending points revoked, the workflow over', async () => {
    const order = await placedOrder({ memberId: 'M-CANCEL' });
    const canceled = await order.handle.executeUpdate(cancelOrder, { args: [{ reason: 'customer request' }] });
    expect(canceled).toMatchObject({ status: 'Canceled', purchasePoints: { state: 'revoked' } });
    expect(canceled.payment?.charges[0]?.state).toBe('Canceled');
    expect(order.world.amazon.permissionState).toBe('Closed');
    expect(order.world.account('M-CANCEL').pending).toBe(0);
    expect((await order.handle.result()).status).toBe('Canceled');
  });

  it('A1: a refund above what was captured is refused', async () => {
    const order = await placedOrder();
    await order.handle.executeUpdate(captureOrder, { args: [{ amount: 2_000 }] });
    const refused = await refusalOf(order.handle.executeUpdate(refundOrder, { args: [{ amount: 2_001 }] }));
    expect(refused).toMatchObject({ type: 'Order.RefundRefused', details: { refundable: 2_000 } });
  });
});
