/**
 * Fast tier, the order e-mails as the workflow asks for them: one per placement, capture, cancel and
 * refund, with the order as it was then; in the background, so an SMTP outage never holds up or fails
 * the order; the workflow closes only once its mails are sent or given up (3 days). The mails
 * themselves, through real SMTP: test/integration/orders/order-mails.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderMailInput } from '../../mail/order-mails.js';
import { cancelOrder, captureOrder, getOrder, refundOrder } from '../../workflows/order/definitions.js';
import { untilQuiet } from '../support/waiting.js';
import { completedOrder, startFastHarness, type FastHarness, type FastOrder } from './harness.js';
import type { StubWorld } from './stub-activities.js';

let h: FastHarness;
beforeAll(async () => {
  h = await startFastHarness('fast_mails');
});
afterAll(async () => {
  await h?.close();
});

/** A placed guest order of 2 × ¥1,200 + ¥600 shipping = ¥3,000. */
async function placedOrder(prepare?: (world: StubWorld) => void): Promise<FastOrder> {
  const order = await h.startOrder(prepare === undefined ? {} : { prepare });
  expect((await completedOrder(order)).status).toBe('Placed');
  return order;
}

const kinds = (sent: OrderMailInput[]) => sent.map((mail) => mail.event.kind);

async function untilMails(order: FastOrder, count: number): Promise<OrderMailInput[]> {
  const deadline = Date.now() + 20_000;
  while (order.world.mail.sent.length < count && Date.now() < deadline) await h.env.sleep('10 seconds');
  return order.world.mail.sent;
}

describe('order e-mails from the order workflow', () => {
  it('placement, capture and each refund ask for one mail each, carrying the order as it was then (a guest: preferences null)', async () => {
    const order = await placedOrder();
    await order.handle.executeUpdate(captureOrder, { args: [{}] });
    await order.handle.executeUpdate(refundOrder, { args: [{ amount: 1_000 }] });
    await order.handle.executeUpdate(refundOrder, { args: [{ amount: 500 }] });
    await untilQuiet(order.handle);
    const sent = order.world.mail.sent;
    expect(kinds(sent)).toEqual(['placed', 'captured', 'refunded', 'refunded']);
    expect(sent[0]?.order).toMatchObject({ status: 'Placed', newsletter: null, mobileMail: null });
    expect(sent[1]).toMatchObject({ event: { amount: 3_000 }, order: { status: 'Captured' } });
    expect(sent[2]).toMatchObject({ event: { amount: 1_000 }, order: { payment: { refundedAmount: 1_000 } } });
    expect(sent[3]).toMatchObject({ event: { amount: 500 }, order: { payment: { refundedAmount: 1_500 } } });
    // Each refund is its own mail (keyed by Amazon's refund id).
    expect(sent[2]?.event).not.toEqual(sent[3]?.event);
  });

  it('a cancel asks for its notice; the workflow completes once the mail is sent', async () => {
    const order = await placedOrder();
    await order.handle.executeUpdate(cancelOrder, { args: [{ reason: 'お客様都合' }] });
    const final = await order.handle.result();
    expect(final.status).toBe('Canceled');
    expect(kinds(order.world.mail.sent)).toEqual(['placed', 'canceled']);
  });

  it('an order never captured is canceled at 180 days: the buyer gets the cancel notice, saying it expired', async () => {
    const order = await placedOrder();
    // Awaiting the result lets the test server skip the 180 days (the authorization renewed every 30).
    const final = await order.handle.result();
    expect(final.status).toBe('Canceled');
    expect(final.payment?.attention).toBe('the charge permission closed after 180 days without capture');
    const sent = order.world.mail.sent;
    expect(kinds(sent)).toEqual(['placed', 'canceled']);
    expect(sent[1]).toMatchObject({ event: { kind: 'canceled', expired: true }, order: { status: 'Canceled' } });
    // Asked for after Amazon's permission was closed: the mail tells what is already true.
    const names = order.world.calls.map((call) => call.name);
    expect(names.indexOf('closeChargePermission')).toBeLessThan(names.lastIndexOf('sendOrderMail'));
  });

  it('SMTP down: placement and capture answer at once, the mails are retried in the background and each sent once', async () => {
    const order = await placedOrder((world) => (world.mail.failingAttempts = 4));
    const captured = await order.handle.executeUpdate(captureOrder, { args: [{}] });
    expect(captured.status).toBe('Captured');
    expect(order.world.mail.sent).toEqual([]);
    expect(kinds(await untilMails(order, 2))).toEqual(['placed', 'captured']);
    expect(order.world.count('sendOrderMail')).toBe(4 + 2);
    expect((await order.handle.query(getOrder)).status).toBe('Captured');
  });

  it('SMTP down for more than 3 days: the cancel notice is given up, the canceled order completes all the same', async () => {
    const order = await placedOrder();
    await untilMails(order, 1);
    order.world.mail.failingAttempts = Number.POSITIVE_INFINITY;
    await order.handle.executeUpdate(cancelOrder, { args: [{ reason: 'お客様都合' }] });
    // Awaiting the result lets the test server skip the 3 days of retries.
    const final = await order.handle.result();
    expect(final.status).toBe('Canceled');
    expect(kinds(order.world.mail.sent)).toEqual(['placed']);
    expect(order.world.count('sendOrderMail')).toBeGreaterThan(10);
  });
});
