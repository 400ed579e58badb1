/**
 * After placement, on the time-skipping server with real activities: amount changes at the exact
 * A2 boundaries, A3, capture (once), cancel, refund (≤ captured), notifications, and the timers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  amazonNotification,
  cancelOrder,
  captureOrder,
  changeAmount,
  refundOrder,
} from '../../workflows/order/definitions.js';
import { getPointAccount, pointsAccountWorkflowId } from '../../workflows/points/definitions.js';
import { refusalOf } from '../support/refusal.js';
import { DAY_MS, MINUTE_MS, passTime } from '../support/time.js';
import { untilOrder, untilQuiet } from '../support/waiting.js';
import {
  checkoutThrough,
  KYUSU,
  memberWithPoints,
  placedOrder,
  queryOrder,
  startOrder,
  startOrderHarness,
  type OrderHarness,
} from '../support/order-harness.js';

let h: OrderHarness;
beforeAll(async () => {
  h = await startOrderHarness('wf_payment');
});
afterAll(async () => {
  await h?.close();
});

describe('A2: raising the amount up to max(9 × order amount, ¥70,000), at its exact boundaries', () => {
  it.each([
    [5_000, 70_000],
    [7_777, 70_000],
    [7_778, 70_002],
    [10_000, 90_000],
  ])('order ¥%i: raise to ¥%i allowed, one yen more refused', async (total, cap) => {
    const { handle } = await placedOrder(h, total);
    const over = await refusalOf(handle.executeUpdate(changeAmount, { args: [{ amount: cap + 1 }] }));
    expect(over.type).toBe('Order.AmountChangeRefused');
    expect(over.message).toContain(`¥${cap.toLocaleString('en-US')}`);
    const raised = await handle.executeUpdate(changeAmount, { args: [{ amount: cap }] });
    expect(raised.payment?.amount).toBe(cap);
    // The increase is an extra authorization for the difference; the original one stays.
    expect(raised.payment?.charges.map((c) => [c.amount, c.state])).toEqual([
      [total, 'Authorized'],
      [cap - total, 'Authorized'],
    ]);
    expect(raised.payment?.amountBalance).toBe(0);
    // Capture takes both authorizations.
    const captured = await handle.executeUpdate(captureOrder, { args: [{}] });
    expect(captured.payment?.capturedAmount).toBe(cap);
  });

  it('lowering is allowed until capture; the capture takes the lower amount', async () => {
    const { handle } = await placedOrder(h, 8_000);
    const lowered = await handle.executeUpdate(changeAmount, { args: [{ amount: 6_500 }] });
    expect(lowered.payment?.amount).toBe(6_500);
    const captured = await handle.executeUpdate(captureOrder, { args: [{}] });
    expect(captured.payment?.capturedAmount).toBe(6_500);
    const afterCapture = await refusalOf(handle.executeUpdate(changeAmount, { args: [{ amount: 6_000 }] }));
    expect(afterCapture.type).toBe('Order.InvalidState');
  });
});

describe('A3: an order paid only with an Amazon gift card cannot be raised', () => {
  it('refuses even ¥1 more, allows lowering', async () => {
    const { handle } = await placedOrder(h, 6_000, { choice: { instrument: 'gift_card' } });
    const refused = await refusalOf(handle.executeUpdate(changeAmount, { args: [{ amount: 6_001 }] }));
    expect(refused.type).toBe('Order.AmountChangeRefused');
    expect((refused.details as { reason: string }).reason).toBe('gift_card_only');
    expect((await handle.executeUpdate(changeAmount, { args: [{ amount: 5_999 }] })).payment?.amount).toBe(5_999);
  });
});

describe('capture, cancel, refund', () => {
  it('A1: concurrent capture requests capture once', async () => {
    const { handle, view } = await placedOrder(h, 5_000);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => handle.executeUpdate(captureOrder, { args: [{}] })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const ledger = await h.emu.control<{
      charges: { chargeId: string; captureAmount: unknown; statusDetails: { state: string } }[];
    }>('GET', '/ledger');
    const charge = ledger.body.charges.find((c) => c.chargeId === view.chargeId);
    expect(charge?.statusDetails.state).toBe('Captured');
    expect((await queryOrder(handle)).payment?.capturedAmount).toBe(5_000);
  });

  it('partial capture, partial refund, refund over the capture refused, then the rest refunded', async () => {
    const { handle } = await placedOrder(h, 9_000);
    const captured = await handle.executeUpdate(captureOrder, { args: [{ amount: 7_000 }] });
    expect(captured).toMatchObject({ status: 'Captured', payment: { capturedAmount: 7_000 } });
    const partial = await handle.executeUpdate(refundOrder, { args: [{ amount: 2_000 }] });
    expect(partial).toMatchObject({ status: 'PartiallyRefunded', payment: { refundedAmount: 2_000 } });
    const over = await refusalOf(handle.executeUpdate(refundOrder, { args: [{ amount: 5_001 }] }));
    expect(over.type).toBe('Order.RefundRefused');
    const rest = await handle.executeUpdate(refundOrder, { args: [{ amount: 5_000 }] });
    expect(rest).toMatchObject({ status: 'Refunded', payment: { refundedAmount: 7_000 } });
  });

  it('P1: purchase points become usable on capture; a refund takes back its share', async () => {
    const member = await memberWithPoints(h, 'capture.points@example.jp', 0);
    const handle = await startOrder(h, { memberId: member.memberId, items: [KYUSU] });
    const placed = await checkoutThrough(h, handle);
    expect(placed.purchasePoints).toEqual({ points: 65, state: 'pending' });
    const account = h.env.client.workflow.getHandle(pointsAccountWorkflowId(member.memberId));
    expect(await account.query(getPointAccount)).toMatchObject({ balance: 0, pending: 65 });
    await handle.executeUpdate(captureOrder, { args: [{}] });
    expect(await account.query(getPointAccount)).toMatchObject({ balance: 65, pending: 0 });
    // Refund half of the goods: half of the purchase points are revoked (rounded down).
    await handle.executeUpdate(refundOrder, { args: [{ amount: 3_250 }] });
    // Points follow the refund once Amazon has made it (the order re-reads a pending refund).
    await h.env.sleep('2 minutes');
    const refunded = await untilOrder(handle, (v) => v.payment?.refunds[0]?.state === 'Refunded');
    expect(refunded.payment?.purchasePointsRevoked).toBe(32);
    expect(await account.query(getPointAccount)).toMatchObject({ balance: 33 });
  });

  it('cancel before capture: the charge is canceled, the permission closed, used points and the coupon given back, pending points revoked', async () => {
    const member = await memberWithPoints(h, 'cancel.points@example.jp', 1_000);
    const handle = await startOrder(h, { memberId: member.memberId, items: [KYUSU] });
    const placed = await checkoutThrough(h, handle, { form: { pointsToUse: 400, couponCode: 'WELCOME500' } });
    const account = h.env.client.workflow.getHandle(pointsAccountWorkflowId(member.memberId));
    expect(await account.query(getPointAccount)).toMatchObject({ balance: 600, pending: placed.purchasePoints.points });
    const canceled = await handle.executeUpdate(cancelOrder, { args: [{ reason: 'customer request' }] });
    expect(canceled.status).toBe('Canceled');
    expect(canceled.payment?.charges[0]?.state).toBe('Canceled');
    expect(await account.query(getPointAccount)).toMatchObject({ balance: 1_000, pending: 0, reserved: 0 });
    expect(await h.database.models.CouponUse.countDocuments({ memberId: member.memberId })).toBe(0);
    const permission = await h.emu.client.getChargePermission(canceled.chargePermissionId as string);
    expect(permission.statusDetails.state).toBe('Closed');
    expect(await handle.result()).toMatchObject({ status: 'Canceled' });
    const refused = await refusalOf(
      startOrder(h, { memberId: member.memberId }).then(async (next) =>
        next.executeUpdate(captureOrder, { args: [{}] }),
      ),
    );
    expect(refused.type).toBe('Order.InvalidState');
  });
});

describe('notifications are hints', () => {
  it('duplicates and stale notifications change nothing; a real change is picked up', async () => {
    const { handle, view } = await placedOrder(h, 5_000);
    const before = await queryOrder(handle);
    for (let i = 0; i < 3; i += 1)
      await handle.signal(amazonNotification, { objectType: 'CHARGE', objectId: view.chargeId as string });
    await handle.signal(amazonNotification, {
      objectType: 'CHARGE_PERMISSION',
      objectId: view.chargePermissionId as string,
    });
    await handle.signal(amazonNotification, { objectType: 'REFUND', objectId: 'S01-0000000-0000000-R000001' });
    const settled = await untilOrder(handle, (v) => v.version !== before.version || v.payment?.amountBalance !== null);
    // Only the permission's limits were new information; the charge is unchanged.
    expect(settled.payment?.charges).toEqual(before.payment?.charges);
    const versionAfterHints = settled.version;
    await handle.signal(amazonNotification, { objectType: 'CHARGE', objectId: view.chargeId as string });
    await untilQuiet(handle);
    expect((await queryOrder(handle)).version).toBe(versionAfterHints);

    // Amazon captures out of band (planted): the next notification makes the workflow see it.
    await h.emu.control('POST', `/charges/${view.chargeId}/state`, { state: 'Canceled', reasonCode: 'AmazonCanceled' });
    await handle.signal(amazonNotification, { objectType: 'CHARGE', objectId: view.chargeId as string });
    const seen = await untilOrder(handle, (v) => v.payment?.charges[0]?.state === 'Canceled');
    expect(seen.payment?.charges[0]).toMatchObject({ state: 'Canceled', reasonCode: 'AmazonCanceled' });
  });
});

describe('timers (time skipping; the emulator clock moved with the workflow\u2019s)', () => {
  it('30 days: an expired authorization is renewed within the charge permission', async () => {
    const { handle, view } = await placedOrder(h, 6_000);
    await passTime(h, 30 * DAY_MS + MINUTE_MS);
    const renewed = await untilOrder(handle, (v) => (v.payment?.charges.length ?? 0) === 2);
    expect(renewed.payment?.charges[0]).toMatchObject({
      chargeId: view.chargeId,
      state: 'Canceled',
      reasonCode: 'ExpiredUnused',
    });
    expect(renewed.payment?.charges[1]).toMatchObject({ amount: 6_000, state: 'Authorized' });
    expect(renewed.payment?.attention).toBeNull();
    const captured = await handle.executeUpdate(captureOrder, { args: [{}] });
    expect(captured.payment?.capturedAmount).toBe(6_000);
  });

  it('30 days: when the authorization cannot be renewed, the order is flagged for ops', async () => {
    const { handle, view } = await placedOrder(h, 5_500);
    // Amazon closed the permission behind our back: renewal is impossible.
    await h.emu.client.closeChargePermission(view.chargePermissionId as string, {
      closureReason: 'test',
      cancelPendingCharges: false,
    });
    await passTime(h, 30 * DAY_MS + MINUTE_MS);
    const flagged = await untilOrder(handle, (v) => v.payment?.attention !== null);
    expect(flagged.payment?.attention).toContain('could not be renewed');
  });

  it('7 days: a later capture goes pending and is followed until captured', async () => {
    const { handle } = await placedOrder(h, 5_200);
    await passTime(h, '8 days');
    const pending = await handle.executeUpdate(captureOrder, { args: [{}] });
    expect(pending.payment?.charges[0]?.state).toBe('CaptureInitiated');
    await passTime(h, '2 minutes');
    const captured = await untilOrder(handle, (v) => v.payment?.charges[0]?.state === 'Captured');
    expect(captured.payment?.charges[0]).toMatchObject({ state: 'Captured', capturedAmount: 5_200 });
  });

  it('180 days: the charge permission is closed and the order\u2019s workflow completes', async () => {
    const { handle, view } = await placedOrder(h, 5_300);
    await handle.executeUpdate(captureOrder, { args: [{}] });
    await h.env.sleep('181 days');
    const final = await handle.result();
    expect(final).toMatchObject({ status: 'Captured' });
    const permission = await h.emu.client.getChargePermission(view.chargePermissionId as string);
    expect(permission.statusDetails.state).toBe('Closed');
  });
});
