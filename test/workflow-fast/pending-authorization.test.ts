/**
 * Fast tier: a pending authorization (Amazon decides later). The order waits, polls Amazon with backoff,
 * wakes early on a notification, and gives up after 48 hours — stubbed activities, skipped time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAYMENT_DECLINED_MESSAGE } from '../../domain/messages.js';
import { amazonNotification, getOrder } from '../../workflows/order/definitions.js';
import { KYUSU } from '../support/orders.js';
import { HOUR_MS } from '../support/time.js';
import { untilOrder } from '../support/waiting.js';
import { completedOrder, elapsedMs, startFastHarness, stubMember, type FastHarness } from './harness.js';
import type { StubWorld } from './stub-activities.js';

let h: FastHarness;
beforeAll(async () => {
  h = await startFastHarness('fast_pending');
});
afterAll(async () => {
  await h?.close();
});

describe('a pending authorization (Amazon decides later)', () => {
  const pending = (world: StubWorld) => {
    world.amazon.completion = { kind: 'charge', state: 'AuthorizationInitiated' };
  };

  it('A1: the order waits and polls Amazon (first after 30 s, then less often) until Amazon authorizes; then it is placed', async () => {
    const order = await h.startOrder({
      memberId: 'M-PENDING',
      items: [KYUSU],
      prepare: (w) => {
        pending(w);
        stubMember('M-PENDING', 0)(w);
      },
    });
    const view = await completedOrder(order);
    expect(view.status).toBe('Authorizing');
    const readsAtCompletion = order.world.count('readCharge');

    await h.env.sleep('1 minute');
    await untilOrder(order.handle, () => order.world.count('readCharge') > readsAtCompletion);
    expect((await order.handle.query(getOrder)).status).toBe('Authorizing');

    order.world.decide(view.chargeId as string, 'Authorized');
    await h.env.sleep('5 minutes');
    const placed = await untilOrder(order.handle, (v) => v.status !== 'Authorizing');
    expect(placed.status).toBe('Placed');
    // P1: the member's purchase points are granted at placement, pending until capture.
    expect(placed.purchasePoints).toEqual({ points: 65, state: 'pending' });
    expect(order.world.account('M-PENDING').pending).toBe(65);
  });

  it('A1: an Amazon notification wakes the order before its next poll', async () => {
    const order = await h.startOrder({ prepare: pending });
    const view = await completedOrder(order);
    const reads = order.world.count('readCharge');
    order.world.decide(view.chargeId as string, 'Authorized');
    await order.handle.signal(amazonNotification, { objectType: 'CHARGE', objectId: view.chargeId as string });
    const placed = await untilOrder(order.handle, (v) => v.status !== 'Authorizing');
    expect(placed.status).toBe('Placed');
    expect(order.world.count('readCharge')).toBe(reads + 1);
  });

  it('A1, C5: declined after pending: the order fails with the buyer message and the held points go back', async () => {
    const order = await h.startOrder({
      memberId: 'M-DECLINED',
      prepare: (w) => {
        pending(w);
        stubMember('M-DECLINED', 500)(w);
      },
    });
    const view = await completedOrder(order, { pointsToUse: 200 });
    expect(order.world.account('M-DECLINED').reserved).toBe(200);
    order.world.decide(view.chargeId as string, 'Declined', 'HardDeclined');
    await h.env.sleep('1 minute');
    const failed = await untilOrder(order.handle, (v) => v.status !== 'Authorizing');
    expect(failed).toMatchObject({
      status: 'Failed',
      failure: { code: 'HardDeclined', message: PAYMENT_DECLINED_MESSAGE },
    });
    expect(order.world.account('M-DECLINED')).toMatchObject({ balance: 500, reserved: 0 });
  });

  it('A1, C2: the 24-hour checkout timer does not abandon a pending order; Amazon silent for 48 hours fails it', async () => {
    const order = await h.startOrder({ prepare: pending });
    await completedOrder(order);
    await h.env.sleep('25 hours');
    expect((await order.handle.query(getOrder)).status).toBe('Authorizing');
    const failed = await order.handle.result();
    expect(failed).toMatchObject({
      status: 'Failed',
      failure: { code: 'AuthorizationTimedOut', message: PAYMENT_DECLINED_MESSAGE },
    });
    expect(elapsedMs(failed)).toBeGreaterThan(48 * HOUR_MS);
    // Polled with backoff up to every 10 minutes, not every 30 seconds for two days.
    expect(order.world.count('readCharge')).toBeLessThan(48 * 6 + 20);
  });
});
