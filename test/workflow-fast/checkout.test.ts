/**
 * Fast tier, checkout phase: the order workflow's timers and branches with stubbed activities on the
 * time-skipping server (no database, no emulator). Full-stack versions: test/workflow/order-checkout.test.ts.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADDRESS_UNUSABLE_MESSAGE,
  AMAZON_UNAVAILABLE_MESSAGE,
  CHECKOUT_ABANDONED_MESSAGE,
  CHECKOUT_CANCELED_MESSAGE,
  PAYMENT_DECLINED_MESSAGE,
  SINGLE_DESTINATION_MESSAGE,
} from '../../domain/messages.js';
import { completeOrder, confirmOrder, getOrder } from '../../workflows/order/definitions.js';
import { KYUSU } from '../support/orders.js';
import { refusalOf } from '../support/refusal.js';
import { HOUR_MS } from '../support/time.js';
import {
  completedOrder,
  confirmedOrder,
  elapsedMs,
  returnFromAmazon,
  startFastHarness,
  stubMember,
  type FastHarness,
} from './harness.js';
import { SHORT_PHONE_ADDRESS, TOKYO_ADDRESS } from './stub-activities.js';

let h: FastHarness;
beforeAll(async () => {
  h = await startFastHarness('fast_checkout');
});
afterAll(async () => {
  await h?.close();
});

describe('the 24-hour checkout timer', () => {
  it('C2, C5: a checkout confirmed but not completed within 24 hours is abandoned; its held points and coupon go back', async () => {
    const order = await h.startOrder({
      memberId: 'M-ABANDON',
      items: [KYUSU],
      prepare: stubMember('M-ABANDON', 400),
    });
    await confirmedOrder(order, { pointsToUse: 150, couponCode: 'WELCOME500' });
    expect(order.world.account('M-ABANDON')).toMatchObject({ balance: 400, reserved: 150 });

    await h.env.sleep('23 hours');
    expect((await order.handle.query(getOrder)).status).toBe('Confirmed');
    await h.env.sleep('2 hours');
    const abandoned = await order.handle.query(getOrder);
    expect(abandoned).toMatchObject({
      status: 'Abandoned',
      failure: { code: 'Abandoned', message: CHECKOUT_ABANDONED_MESSAGE },
    });
    expect(order.world.account('M-ABANDON')).toMatchObject({ balance: 400, reserved: 0 });
    expect(order.world.couponUses.size).toBe(0);
    expect(order.world.views.get(order.orderId)?.status).toBe('Abandoned');
    // The workflow ends with the checkout: nothing of the order is left running.
    expect((await order.handle.result()).status).toBe('Abandoned');
  });

  it('C2: a buyer who never comes back from Amazon is abandoned 24 hours after the checkout started', async () => {
    const order = await h.startOrder();
    const abandoned = await order.handle.result();
    expect(abandoned.status).toBe('Abandoned');
    expect(elapsedMs(abandoned)).toBeGreaterThanOrEqual(24 * HOUR_MS);
    expect(elapsedMs(abandoned)).toBeLessThan(24 * HOUR_MS + 60_000);
    expect(order.world.count('readCheckoutSession')).toBe(0);
  });

  it('C2, A1: an order completed at 23 hours is placed and the checkout timer no longer applies', async () => {
    const order = await h.startOrder();
    await confirmedOrder(order);
    await h.env.sleep('23 hours');
    expect((await order.handle.executeUpdate(completeOrder)).status).toBe('Placed');
    await h.env.sleep('2 hours');
    expect((await order.handle.query(getOrder)).status).toBe('Placed');
  });

  it('C2: after the 24 hours the abandoned order\u2019s workflow is over; a late 「注文確定」 reaches nothing', async () => {
    const order = await h.startOrder();
    await returnFromAmazon(order);
    await h.env.sleep('25 hours');
    expect((await order.handle.query(getOrder)).status).toBe('Abandoned');
    await expect(order.handle.executeUpdate(confirmOrder)).rejects.toThrow(WorkflowNotFoundError);
  });
});

describe('Amazon unreachable: "try again later", the order unchanged', () => {
  it('C2: on the return from Amazon', async () => {
    const order = await h.startOrder();
    order.world.amazon.outages.push('readCheckoutSession');
    const refused = await refusalOf(returnFromAmazon(order));
    expect(refused).toMatchObject({ type: 'Order.AmazonUnavailable', message: AMAZON_UNAVAILABLE_MESSAGE });
    expect((await order.handle.query(getOrder)).status).toBe('CheckoutCreated');
    expect((await returnFromAmazon(order)).status).toBe('AddressSelected');
  });

  it('C2, C5: at 「注文確定」: the held points and coupon go back, the form stays, and pressing again works', async () => {
    const order = await h.startOrder({
      memberId: 'M-OUTAGE',
      items: [KYUSU],
      prepare: stubMember('M-OUTAGE', 455),
    });
    order.world.amazon.outages.push('setCheckoutAmount');
    const refused = await refusalOf(confirmedOrder(order, { pointsToUse: 300, couponCode: 'WELCOME500' }));
    expect(refused).toMatchObject({ type: 'Order.AmazonUnavailable', message: AMAZON_UNAVAILABLE_MESSAGE });
    const unchanged = await order.handle.query(getOrder);
    expect(unchanged).toMatchObject({ status: 'ProcedureEntered', pointsUsed: 300, couponCode: 'WELCOME500' });
    expect(order.world.account('M-OUTAGE').reserved).toBe(0);
    expect(order.world.couponUses.size).toBe(0);

    expect((await order.handle.executeUpdate(confirmOrder)).status).toBe('Confirmed');
    expect(order.world.account('M-OUTAGE').reserved).toBe(300);
    const placed = await order.handle.executeUpdate(completeOrder);
    expect(placed.status).toBe('Placed');
    expect(order.world.account('M-OUTAGE')).toMatchObject({ balance: 155, reserved: 0 });
  });

  it('C2, A1: on completion: the order stays confirmed, and completing again places it', async () => {
    const order = await h.startOrder();
    await confirmedOrder(order);
    order.world.amazon.outages.push('completeCheckout');
    const refused = await refusalOf(order.handle.executeUpdate(completeOrder));
    expect(refused.type).toBe('Order.AmazonUnavailable');
    expect((await order.handle.query(getOrder)).status).toBe('Confirmed');
    expect((await order.handle.executeUpdate(completeOrder)).status).toBe('Placed');
  });
});

describe('Amazon refuses: the order fails with a buyer message', () => {
  it('A1: the authorization is declined at completion', async () => {
    const order = await h.startOrder({
      prepare: (w) => (w.amazon.completion = { kind: 'refused', reasonCode: 'Declined' }),
    });
    const failed = await completedOrder(order);
    expect(failed).toMatchObject({
      status: 'Failed',
      failure: { code: 'Declined', message: PAYMENT_DECLINED_MESSAGE },
    });
  });

  it('A1: the charge comes back declined', async () => {
    const order = await h.startOrder({
      prepare: (w) => (w.amazon.completion = { kind: 'charge', state: 'Declined', reasonCode: 'SoftDeclined' }),
    });
    const failed = await completedOrder(order);
    expect(failed).toMatchObject({
      status: 'Failed',
      failure: { code: 'SoftDeclined', message: PAYMENT_DECLINED_MESSAGE },
    });
  });

  it('C2: the buyer canceled on Amazon\u2019s page', async () => {
    const order = await h.startOrder({
      prepare: (w) => (w.amazon.completion = { kind: 'refused', reasonCode: 'BuyerCanceled' }),
    });
    const failed = await completedOrder(order);
    expect(failed).toMatchObject({ status: 'Failed', failure: { message: CHECKOUT_CANCELED_MESSAGE } });
  });
});

describe('the return from Amazon refuses what the shop cannot ship', () => {
  it('C7: an unusable address is refused with the rule\u2019s message; another address goes through', async () => {
    const order = await h.startOrder({ prepare: (w) => (w.amazon.shippingAddresses = [SHORT_PHONE_ADDRESS]) });
    const refused = await refusalOf(returnFromAmazon(order));
    expect(refused).toMatchObject({
      type: 'Order.AddressUnusable',
      message: ADDRESS_UNUSABLE_MESSAGE,
      details: { reasons: ['phone_too_few_digits'] },
    });
    expect((await order.handle.query(getOrder)).status).toBe('CheckoutCreated');
    order.world.amazon.shippingAddresses = [TOKYO_ADDRESS];
    expect((await returnFromAmazon(order)).status).toBe('AddressSelected');
  });

  it('R3: more than one destination is refused', async () => {
    const order = await h.startOrder({
      prepare: (w) => (w.amazon.shippingAddresses = [TOKYO_ADDRESS, { ...TOKYO_ADDRESS, city: '大阪市' }]),
    });
    const refused = await refusalOf(returnFromAmazon(order));
    expect(refused).toMatchObject({ type: 'Order.AddressUnusable', message: SINGLE_DESTINATION_MESSAGE });
  });

  it('C2: a checkout session made for another order is refused', async () => {
    const order = await h.startOrder({ prepare: (w) => (w.amazon.sessionOrderId = 'SOMEONE-ELSE') });
    expect((await refusalOf(returnFromAmazon(order))).type).toBe('Order.SessionMismatch');
  });
});
