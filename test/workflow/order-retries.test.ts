/**
 * Money and points when a buyer or staff try again: after Amazon refused, declined, or could not be
 * reached. Time-skipping server, real activities, the real SDK against the emulator, with faults put
 * between the worker and Amazon (test/support/amazon-faults.ts).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AMAZON_UNAVAILABLE_MESSAGE, REGISTRATION_EMAIL_TAKEN_MESSAGE } from '../../domain/messages.js';
import {
  amazonNotification,
  amazonReturn,
  captureOrder,
  changeAmount,
  completeOrder,
  confirmOrder,
  refundOrder,
  submitProcedure,
} from '../../workflows/order/definitions.js';
import { getPointAccount, pointsAccountWorkflowId } from '../../workflows/points/definitions.js';
import { idempotencyViolations, withAmazonFaults, type FaultyAmazonPay } from '../support/amazon-faults.js';
import { ordererOf, procedureForm } from '../support/checkout.js';
import { refusalOf } from '../support/refusal.js';
import { passTime } from '../support/time.js';
import { untilOrder } from '../support/waiting.js';
import {
  buyerAtAmazon,
  checkoutThrough,
  chooseAgain,
  confirmAtAmazon,
  itemTotalling,
  KYUSU,
  memberWithPoints,
  placedOrder,
  queryOrder,
  startOrder,
  startOrderHarness,
  type OrderHarness,
} from '../support/order-harness.js';

let h: OrderHarness;
let faults: FaultyAmazonPay;
beforeAll(async () => {
  h = await startOrderHarness('wf_retries', {
    amazonPay: (client) => {
      faults = withAmazonFaults(client);
      return faults.client;
    },
  });
});
beforeEach(() => {
  faults.journal.length = 0;
});
afterEach(() => {
  faults.clearPlans();
  h.emu.emulator.setFaults({ serverErrorRate: 0, calls: [] });
  expect(idempotencyViolations(faults.journal)).toEqual([]);
});
afterAll(async () => {
  await h?.close();
});

const account = (memberId: string) =>
  h.env.client.workflow.getHandle(pointsAccountWorkflowId(memberId)).query(getPointAccount);
const plantCharge = (chargeId: string, state: string) => h.emu.control('POST', `/charges/${chargeId}/state`, { state });

describe('C5: points on a 「注文確定」 pressed again after a failure', () => {
  it('C5, P3: the second 「注文確定」 holds the points again, and placement spends exactly them', async () => {
    const member = await memberWithPoints(h, 'retry.confirm@example.jp', 455);
    const handle = await startOrder(h, { memberId: member.memberId, items: [KYUSU] });
    const sessionId = await buyerAtAmazon(h, handle);
    const back = await handle.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: sessionId }] });
    await handle.executeUpdate(submitProcedure, {
      args: [procedureForm(back.ordererDefaults, { pointsToUse: 300 })],
    });

    h.emu.emulator.setFaults({ serverErrorRate: 1, calls: ['updateCheckoutSession'] });
    const first = await refusalOf(handle.executeUpdate(confirmOrder));
    expect(first.message).toBe(AMAZON_UNAVAILABLE_MESSAGE);
    expect(await account(member.memberId)).toMatchObject({ balance: 455, reserved: 0 });

    h.emu.emulator.setFaults({ serverErrorRate: 0, calls: [] });
    await handle.executeUpdate(confirmOrder);
    expect(await account(member.memberId)).toMatchObject({ balance: 455, reserved: 300, available: 155 });
    await confirmAtAmazon(h, sessionId);
    const placed = await handle.executeUpdate(completeOrder);
    expect(placed).toMatchObject({ status: 'Placed', pointsUsed: 300 });
    expect(await account(member.memberId)).toMatchObject({ balance: 155, reserved: 0 });
  });
});

describe('idempotency keys: a new attempt after Amazon answered gets a new key', () => {
  it('A1: a capture Amazon refused can be asked again, and captures', async () => {
    const { handle } = await placedOrder(h, 6_000);
    faults.plan('captureCharge', { kind: 'simulate', code: 'NotASimulationCode' });
    const refused = await refusalOf(handle.executeUpdate(captureOrder, { args: [{}] }));
    expect(refused.type).toBe('Order.CaptureRefused');
    const captured = await handle.executeUpdate(captureOrder, { args: [{}] });
    expect(captured).toMatchObject({ status: 'Captured', payment: { capturedAmount: 6_000 } });
  });

  it('A1: a charge not yet authorized is not sent to capture; once authorized, it captures', async () => {
    const { handle, view } = await placedOrder(h, 6_000);
    await plantCharge(view.chargeId as string, 'AuthorizationInitiated');
    const refused = await refusalOf(handle.executeUpdate(captureOrder, { args: [{}] }));
    expect(refused.type).toBe('Order.CaptureRefused');
    expect(refused.message).toContain('承認待ち');
    await plantCharge(view.chargeId as string, 'Authorized');
    const captured = await handle.executeUpdate(captureOrder, { args: [{}] });
    expect(captured).toMatchObject({ status: 'Captured', payment: { capturedAmount: 6_000 } });
  });

  it('A2: an increase Amazon refused can be asked again for the same amount', async () => {
    const { handle } = await placedOrder(h, 6_000);
    faults.plan('createCharge', { kind: 'simulate', code: 'NotASimulationCode' });
    const refused = await refusalOf(handle.executeUpdate(changeAmount, { args: [{ amount: 8_000 }] }));
    expect(refused.type).toBe('Order.AmountChangeRefused');
    const raised = await handle.executeUpdate(changeAmount, { args: [{ amount: 8_000 }] });
    expect(raised.payment?.amount).toBe(8_000);
  });

  it('a refund Amazon refused can be asked again, for the same amount or another', async () => {
    const { handle, view } = await placedOrder(h, 6_000);
    await handle.executeUpdate(captureOrder, { args: [{}] });
    faults.plan('createRefund', { kind: 'simulate', code: 'NotASimulationCode' });
    expect((await refusalOf(handle.executeUpdate(refundOrder, { args: [{ amount: 1_000 }] }))).type).toBe(
      'Order.RefundRefused',
    );
    expect((await handle.executeUpdate(refundOrder, { args: [{ amount: 1_000 }] })).payment?.refundedAmount).toBe(
      1_000,
    );
    faults.plan('createRefund', { kind: 'simulate', code: 'NotASimulationCode' });
    expect((await refusalOf(handle.executeUpdate(refundOrder, { args: [{ amount: 2_000 }] }))).type).toBe(
      'Order.RefundRefused',
    );
    expect((await handle.executeUpdate(refundOrder, { args: [{ amount: 2_500 }] })).payment?.refundedAmount).toBe(
      3_500,
    );
    expect(view.chargeId).not.toBeNull();
  });

  it('a refund whose answer was lost is sent again with its key: refunded once', async () => {
    const { handle, view } = await placedOrder(h, 6_000);
    await handle.executeUpdate(captureOrder, { args: [{}] });
    faults.plan('createRefund', { kind: 'lost' });
    const refunded = await handle.executeUpdate(refundOrder, { args: [{ amount: 1_000 }] });
    expect(refunded.payment?.refunds).toHaveLength(1);
    const ledger = await h.emu.control<{ refunds: { chargeId: string }[] }>('GET', '/ledger');
    expect(ledger.body.refunds.filter((r) => r.chargeId === view.chargeId)).toHaveLength(1);
  });
});

describe('a refund Amazon declines', () => {
  it('the order goes back to what was really refunded, is flagged for ops, and the refund can be sent again', async () => {
    const { handle } = await placedOrder(h, 6_000);
    await handle.executeUpdate(captureOrder, { args: [{}] });
    const refunding = await handle.executeUpdate(refundOrder, { args: [{ amount: 6_000 }] });
    const refundId = refunding.payment?.refunds[0]?.refundId as string;
    await h.emu.control('POST', `/refunds/${refundId}/state`, { state: 'Declined', reasonCode: 'AmazonRejected' });
    await handle.signal(amazonNotification, { objectType: 'REFUND', objectId: refundId });
    const declined = await untilOrder(handle, (v) => v.payment?.refunds[0]?.state === 'Declined');
    expect(declined.status).toBe('Captured');
    expect(declined.payment?.refundedAmount).toBe(0);
    expect(declined.payment?.attention).toContain(refundId);
    const again = await handle.executeUpdate(refundOrder, { args: [{ amount: 6_000 }] });
    expect(again.payment?.refunds).toHaveLength(2);
  });
});

describe('a capture cut off by an Amazon outage', () => {
  it('A1: what was captured is recorded, and capturing again finishes the rest', async () => {
    const { handle } = await placedOrder(h, 6_000);
    await handle.executeUpdate(changeAmount, { args: [{ amount: 9_000 }] });
    // The first authorization is captured, then Amazon stops answering for the second one.
    faults.plan('captureCharge', { kind: 'pass' });
    for (let i = 0; i < 20; i += 1) faults.plan('captureCharge', { kind: 'unavailable' });
    const cut = await refusalOf(handle.executeUpdate(captureOrder, { args: [{}] }));
    expect(cut.message).toBe(AMAZON_UNAVAILABLE_MESSAGE);
    faults.clearPlans();
    const midway = await queryOrder(handle);
    expect(midway.payment?.capturedAmount).toBe(6_000);
    const done = await handle.executeUpdate(captureOrder, { args: [{}] });
    expect(done).toMatchObject({ status: 'Captured', payment: { capturedAmount: 9_000 } });
  });
});

describe('an increase authorized only after the capture', () => {
  it('A1, A2: the late authorization is released, not left holding the buyer’s money', async () => {
    const handle = await startOrder(h, { items: [itemTotalling(6_000)] });
    await checkoutThrough(h, handle, { choice: { buyer: 'jiro', cardIndex: 1 } });
    await untilOrder(handle, (v) => v.status === 'Placed' || v.status === 'Authorizing');
    await passTime(h, '2 minutes');
    await untilOrder(handle, (v) => v.status === 'Placed');
    // The increase goes pending (this card authorizes after a delay), the capture takes the first authorization.
    const raised = await handle.executeUpdate(changeAmount, { args: [{ amount: 8_000 }] });
    expect(raised.payment?.charges.map((c) => c.state)).toEqual(['Authorized', 'AuthorizationInitiated']);
    await handle.executeUpdate(captureOrder, { args: [{ amount: 6_000 }] });
    await passTime(h, '2 minutes');
    const settled = await untilOrder(handle, (v) => v.payment?.charges[1]?.state === 'Canceled');
    expect(settled.payment?.charges.map((c) => c.state)).toEqual(['Captured', 'Canceled']);
    const late = h.emu.emulator.engine.charges.get(settled.payment?.charges[1]?.chargeId as string);
    expect(late?.status.state).toBe('Canceled');
  });
});

describe('P1: purchase points follow what the buyer is charged', () => {
  it('P1, A2: a lowered amount and a partial capture lower the purchase points', async () => {
    const member = await memberWithPoints(h, 'points.follow@example.jp', 0);
    const handle = await startOrder(h, { memberId: member.memberId, items: [KYUSU] });
    const placed = await checkoutThrough(h, handle);
    expect(placed.purchasePoints).toEqual({ points: 65, state: 'pending' });
    const lowered = await handle.executeUpdate(changeAmount, { args: [{ amount: 5_000 }] });
    expect(lowered.purchasePoints).toEqual({ points: 50, state: 'pending' });
    expect(await account(member.memberId)).toMatchObject({ pending: 50 });
    const captured = await handle.executeUpdate(captureOrder, { args: [{ amount: 4_000 }] });
    expect(captured.purchasePoints).toEqual({ points: 40, state: 'usable' });
    expect(await account(member.memberId)).toMatchObject({ balance: 40, pending: 0 });
  });
});

describe('M1, A3: the payment method is read again after completion', () => {
  it('M1, A3: a buyer who switched to a gift card on Amazon’s page gets the gift-card memo and no increase', async () => {
    const handle = await startOrder(h, { items: [itemTotalling(6_000)] });
    const sessionId = await buyerAtAmazon(h, handle, { instrument: 'card' });
    const back = await handle.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: sessionId }] });
    await handle.executeUpdate(submitProcedure, {
      args: [procedureForm(back.ordererDefaults)],
    });
    await handle.executeUpdate(confirmOrder);
    await chooseAgain(h, sessionId, { instrument: 'gift_card' });
    await confirmAtAmazon(h, sessionId);
    const placed = await handle.executeUpdate(completeOrder);
    expect(placed.paymentMethod?.kind).toBe('gift_card');
    expect(placed.shopMemo).toBe('Amazonギフト券');
    const refused = await refusalOf(handle.executeUpdate(changeAmount, { args: [{ amount: 6_001 }] }));
    expect((refused.details as { reason: string }).reason).toBe('gift_card_only');
  });
});

describe('C4: registration at purchase refused', () => {
  it('C4, L2: an e-mail already registered: the order is placed, and the buyer and ops are told', async () => {
    await memberWithPoints(h, 'taken.at.purchase@example.jp', 0);
    const handle = await startOrder(h, { items: [KYUSU] });
    const sessionId = await buyerAtAmazon(h, handle);
    const back = await handle.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: sessionId }] });
    const orderer = { ...ordererOf(back), email: 'taken.at.purchase@example.jp' };
    await handle.executeUpdate(submitProcedure, { args: [procedureForm(orderer, { registerAsMember: true })] });
    await handle.executeUpdate(confirmOrder);
    await confirmAtAmazon(h, sessionId);
    const placed = await handle.executeUpdate(completeOrder);
    expect(placed.status).toBe('Placed');
    expect(placed.registeredMemberId).toBeNull();
    expect(placed.registration).toEqual({ outcome: 'email_taken', message: REGISTRATION_EMAIL_TAKEN_MESSAGE });
  });
});
