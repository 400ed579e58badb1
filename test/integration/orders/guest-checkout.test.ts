import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Shopper, startTestApi, type TestApi } from '../../support/api.js';
import { finishCheckout, startCheckout } from '../../support/checkout.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('orders_guest', { worker: true });
});
afterAll(async () => {
  await api?.close();
});

describe('guest checkout through HTTP → workflow → SDK → emulator → database', () => {
  it('C2, C8, M1, M2, P1: a guest order is placed with the shop memo and empty preferences, and no points', async () => {
    const shopper = new Shopper(api.url);
    const run = await startCheckout(shopper, api.emulatorUrl, [{ productId: 'tea-sencha', quantity: 2 }], {
      buyer: 'taro',
      instrument: 'card',
    });
    const completed = await finishCheckout(shopper, api.emulatorUrl, run);
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    const order = completed.body.order;
    expect(order.status).toBe('Placed');
    expect(order.totals).toMatchObject({ subtotal: 2400, shipping: 600, total: 3000 });
    expect(order.shopMemo).toBe('Amazonアカウントで指定したお支払い方法（Visa ****1234）');
    expect(order.newsletter).toBeNull();
    expect(order.mobileMail).toBeNull();
    expect(order.purchasePoints).toEqual({ points: 0, state: 'none' });
    expect(order.chargeId).toMatch(/^S01-/);

    const stored = await api.database.models.Order.findOne({ orderId: run.orderId }).lean();
    expect(stored?.status).toBe('Placed');
    expect(stored?.chargePermissionId).toBe(order.chargePermissionId);
  });
});
