/**
 * The whole path for each checkout outcome: HTTP → API → order workflow → real SDK → emulator →
 * database. One API per point mode; a time-skipping API for the 24-hour timer.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updatePointAccount } from '../../../activities/points.js';
import { ADDRESS_UNUSABLE_MESSAGE, CHECKOUT_ABANDONED_MESSAGE } from '../../../domain/messages.js';
import { SANDBOX_PENDING_DELAY_MS } from '../../../emulator/app.js';
import { adjustPoints } from '../../../workflows/points/definitions.js';
import { Shopper, startTestApi, type TestApi } from '../../support/api.js';
import {
  chooseAtAmazon,
  confirmAtAmazon,
  finishCheckout,
  procedureForm,
  startCheckout,
} from '../../support/checkout.js';
import { createTimeSkippingEnv, eventually } from '../../support/servers.js';

let standard: TestApi;
let creator: TestApi;
beforeAll(async () => {
  [standard, creator] = await Promise.all([
    // Pending authorizations are decided when a test moves the emulator's clock, not by real time.
    startTestApi('paths_standard', { worker: true, emulator: { pendingAuthDelayMs: SANDBOX_PENDING_DELAY_MS } }),
    startTestApi('paths_creator', { worker: true, env: { POINTS_MODE: 'commerce_creator', POINTS_RATE_PERCENT: '2' } }),
  ]);
});
afterAll(async () => {
  await Promise.all([standard?.close(), creator?.close()]);
});

async function memberShopper(
  api: TestApi,
  email: string,
  points: number,
): Promise<{ shopper: Shopper; memberId: string }> {
  const shopper = new Shopper(api.url);
  const registered = await shopper.post('/api/members', {
    email,
    password: 'member-password',
    name: '会員 一郎',
    postalCode: '150-0041',
    prefecture: '東京都',
    address: '渋谷区神南1-2-3',
    phone: '03-1234-5678',
    newsletter: true,
    extra: { birthday: '1980-04-01' },
  });
  expect(registered.status).toBe(201);
  const memberId = registered.body.member.memberId as string;
  if (points > 0) {
    await updatePointAccount({ client: api.client, taskQueue: api.config.temporal.taskQueue }, memberId, adjustPoints, {
      key: `grant:${memberId}`,
      points,
      reason: 'test',
    });
  }
  return { shopper, memberId };
}

describe('checkout paths over HTTP', () => {
  it('R2: a cart with a pre-order item is refused with a message naming where it can be ordered; nothing is started', async () => {
    const shopper = new Shopper(standard.url);
    const refused = await shopper.post('/api/checkouts', {
      items: [
        { productId: 'tea-sencha', quantity: 1 },
        { productId: 'shincha-preorder', quantity: 1 },
      ],
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('cart_refused');
    expect(refused.body.error.message).toContain('【予約】新茶 2027 初摘み');
    expect(refused.body.error.message).toContain('このサイトでお支払い');
    const subscription = await shopper.post('/api/checkouts', {
      items: [{ productId: 'tea-subscription', quantity: 1 }],
    });
    expect(subscription.status).toBe(422);
    expect(subscription.body.error.message).toContain('定期・頒布会');
    expect(await standard.database.models.Order.countDocuments()).toBe(0);
  });

  it("C2: back from Amazon with a checkout session that is not this order's: 422 session_mismatch (well-formed, refused)", async () => {
    const shopper = new Shopper(standard.url);
    const created = await shopper.post('/api/checkouts', { items: [{ productId: 'tea-sencha', quantity: 1 }] });
    expect(created.status).toBe(201);
    const other = await shopper.request(
      'POST',
      `/api/orders/${created.body.orderId as string}/amazon-return`,
      { amazonCheckoutSessionId: '3f5c2a9e-8b1d-4c7e-9f0a-2d6b8e4c1a7f' },
      { 'x-order-token': created.body.orderToken as string },
    );
    expect(other.status, JSON.stringify(other.body)).toBe(422);
    expect(other.body.error.code).toBe('session_mismatch');
  });

  it('refuses bad carts: unknown products, zero quantities, unknown fields', async () => {
    const shopper = new Shopper(standard.url);
    expect((await shopper.post('/api/checkouts', { items: [{ productId: 'nope', quantity: 1 }] })).status).toBe(422);
    expect((await shopper.post('/api/checkouts', { items: [{ productId: 'tea-sencha', quantity: 0 }] })).status).toBe(
      400,
    );
    expect(
      (await shopper.post('/api/checkouts', { items: [{ productId: 'tea-sencha', quantity: 1, price: 1 }] })).status,
    ).toBe(400);
    expect((await shopper.post('/api/checkouts', { items: [] })).status).toBe(400);
  });

  it('the same create request sent concurrently with one Idempotency-Key makes one order', async () => {
    const shopper = new Shopper(standard.url);
    const key = `cart-${Date.now()}-dup`;
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        shopper.request(
          'POST',
          '/api/checkouts',
          { items: [{ productId: 'wagashi', quantity: 1 }] },
          { 'idempotency-key': key },
        ),
      ),
    );
    expect(responses.every((r) => r.status === 201)).toBe(true);
    expect(new Set(responses.map((r) => r.body.orderId)).size).toBe(1);
    const other = await shopper.request(
      'POST',
      '/api/checkouts',
      { items: [{ productId: 'wagashi', quantity: 2 }] },
      { 'idempotency-key': key },
    );
    expect(other.status).toBe(409);
  });

  it('a key whose order has finished is refused with 409, not reused', async () => {
    const shopper = new Shopper(standard.url);
    const key = `cart-${Date.now()}-finished`;
    const created = await shopper.request(
      'POST',
      '/api/checkouts',
      { items: [{ productId: 'wagashi', quantity: 1 }] },
      { 'idempotency-key': key },
    );
    await standard.client.workflow.getHandle(`order:${created.body.orderId as string}`).terminate('test: finished');
    const again = await shopper.request(
      'POST',
      '/api/checkouts',
      { items: [{ productId: 'wagashi', quantity: 1 }] },
      { 'idempotency-key': key },
    );
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('idempotency_key_reused');
  });

  it('order routes serve only the order\u2019s own buyer', async () => {
    const shopper = new Shopper(standard.url);
    const run = await startCheckout(shopper, standard.emulatorUrl, [{ productId: 'tea-sencha', quantity: 1 }]);
    expect((await shopper.request('GET', `/api/orders/${run.orderId}`, undefined, run.headers)).status).toBe(200);
    const stranger = new Shopper(standard.url);
    expect((await stranger.get(`/api/orders/${run.orderId}`)).status).toBe(404);
    expect(
      (await stranger.request('GET', `/api/orders/${run.orderId}`, undefined, { 'x-order-token': 'x'.repeat(32) }))
        .status,
    ).toBe(404);
  });

  it('C7: an unusable address then another one, through the same checkout session', async () => {
    const shopper = new Shopper(standard.url);
    const run = await startCheckout(shopper, standard.emulatorUrl, [{ productId: 'tea-gyokuro', quantity: 1 }], {
      buyer: 'hanako',
    });
    const refused = await shopper.request(
      'POST',
      `/api/orders/${run.orderId}/amazon-return`,
      { amazonCheckoutSessionId: run.sessionId },
      run.headers,
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toBe(ADDRESS_UNUSABLE_MESSAGE);
    expect(refused.body.error.details.changeAddressUrl).toBe(
      `${standard.emulatorUrl}/checkout?amazonCheckoutSessionId=${run.sessionId}`,
    );
    await chooseAtAmazon(standard.emulatorUrl, run.sessionId, { buyer: 'taro' });
    const completed = await finishCheckout(shopper, standard.emulatorUrl, run);
    expect(completed.body.order.status).toBe('Placed');
  });

  it('C4, P1: standard mode — a guest registering at purchase gets no purchase points for that order', async () => {
    const shopper = new Shopper(standard.url);
    const run = await startCheckout(shopper, standard.emulatorUrl, [{ productId: 'kyusu', quantity: 1 }], {
      buyer: 'jiro',
    });
    const completed = await finishCheckout(shopper, standard.emulatorUrl, run, (defaults) =>
      procedureForm(defaults, { registerAsMember: true, newsletter: true }),
    );
    expect(completed.body.order).toMatchObject({
      status: 'Placed',
      purchasePoints: { points: 0, state: 'none' },
      newsletter: true,
    });
    expect(completed.body.order.registeredMemberId).toMatch(/^M-ORD-/);
    // The buyer who came back from Amazon is now logged in as the new member; nobody else is.
    const session = await shopper.get('/api/auth/session');
    expect(session.body.member).toMatchObject({
      memberId: completed.body.order.registeredMemberId,
      amazonLinked: true,
      hasPassword: false,
    });
    expect(
      (await shopper.get('/api/members/me/orders')).body.orders.map((o: { orderId: string }) => o.orderId),
    ).toContain(run.orderId);
    expect((await new Shopper(standard.url).get('/api/auth/session')).body.member).toBeNull();
  });

  it('C4, P2: commerce-creator mode — a guest registering at purchase earns purchase points (pending)', async () => {
    const shopper = new Shopper(creator.url);
    const run = await startCheckout(shopper, creator.emulatorUrl, [{ productId: 'kyusu', quantity: 1 }], {
      buyer: 'jiro',
    });
    const completed = await finishCheckout(shopper, creator.emulatorUrl, run, (defaults) =>
      procedureForm(defaults, { registerAsMember: true, newsletter: false }),
    );
    expect(completed.body.order).toMatchObject({
      status: 'Placed',
      purchasePoints: { points: 130, state: 'pending' },
      newsletter: false,
      mobileMail: null,
    });
  });

  it('C5: a logged-in member uses points and a coupon', async () => {
    const { shopper, memberId } = await memberShopper(standard, 'path.member@example.jp', 800);
    const run = await startCheckout(shopper, standard.emulatorUrl, [{ productId: 'tea-gyokuro', quantity: 2 }]);
    const completed = await finishCheckout(shopper, standard.emulatorUrl, run, (defaults) =>
      procedureForm(defaults, { pointsToUse: 500, couponCode: 'TEA10' }),
    );
    expect(completed.body.order).toMatchObject({
      status: 'Placed',
      memberId,
      isGuest: false,
      pointsUsed: 500,
      couponCode: 'TEA10',
    });
    expect(completed.body.order.totals).toMatchObject({
      subtotal: 5600,
      couponDiscount: 560,
      pointsDiscount: 500,
      total: 4540,
    });
    const points = await shopper.get('/api/members/me/points');
    expect(points.body.points).toMatchObject({ balance: 300, pending: 45 });
    const orders = await shopper.get('/api/members/me/orders');
    expect(orders.body.orders.map((o: { orderId: string }) => o.orderId)).toContain(run.orderId);
    // The member's own session also opens the order, without the token.
    expect((await shopper.get(`/api/orders/${run.orderId}`)).status).toBe(200);
  });

  it('pending authorization then authorized: complete answers Authorizing, the notification places the order', async () => {
    standard.emulator.setNotificationUrl(`${standard.url}/api/amazon-pay/notifications`);
    try {
      const shopper = new Shopper(standard.url);
      const run = await startCheckout(shopper, standard.emulatorUrl, [{ productId: 'tea-sencha', quantity: 1 }], {
        buyer: 'jiro',
        cardIndex: 1,
      });
      const completed = await finishCheckout(shopper, standard.emulatorUrl, run);
      expect(completed.body.order.status).toBe('Authorizing');
      // Amazon decides and notifies the API, which signals the workflow.
      standard.emulator.advance(SANDBOX_PENDING_DELAY_MS);
      const placed = await pollOrder(shopper, run.orderId, run.headers, ['Placed', 'Failed']);
      expect(placed.status).toBe('Placed');
    } finally {
      standard.emulator.setNotificationUrl(undefined);
    }
  });

  it('declined: the order fails with a buyer-facing message', async () => {
    const shopper = new Shopper(standard.url);
    const run = await startCheckout(shopper, standard.emulatorUrl, [{ productId: 'tea-sencha', quantity: 1 }], {
      buyer: 'jiro',
      cardIndex: 2,
    });
    standard.emulator.setNotificationUrl(`${standard.url}/api/amazon-pay/notifications`);
    try {
      const completed = await finishCheckout(shopper, standard.emulatorUrl, run);
      expect(completed.body.order.status).toBe('Authorizing');
      standard.emulator.advance(SANDBOX_PENDING_DELAY_MS);
      const final = await pollOrder(shopper, run.orderId, run.headers, ['Placed', 'Failed']);
      expect(final.status).toBe('Failed');
      expect(final.failure.message).toBe(
        'Amazon Payでのお支払いが承認されませんでした。お支払い方法を変更して、もう一度ご注文ください。',
      );
    } finally {
      standard.emulator.setNotificationUrl(undefined);
    }
  });

  it('P1 concurrency: 10 simultaneous orders of one member spending points never overdraw the balance', async () => {
    const { shopper, memberId } = await memberShopper(standard, 'many.orders@example.jp', 1000);
    const runs = await Promise.all(
      Array.from({ length: 10 }, () =>
        startCheckout(shopper, standard.emulatorUrl, [{ productId: 'tea-gyokuro', quantity: 1 }]),
      ),
    );
    const outcomes = await Promise.all(
      runs.map(async (run) => {
        const back = await shopper.request(
          'POST',
          `/api/orders/${run.orderId}/amazon-return`,
          { amazonCheckoutSessionId: run.sessionId },
          run.headers,
        );
        const saved = await shopper.request(
          'PUT',
          `/api/orders/${run.orderId}/procedure`,
          procedureForm(back.body.order.ordererDefaults, { pointsToUse: 300 }),
          run.headers,
        );
        if (saved.status !== 200) return 'refused-at-procedure';
        const confirmed = await shopper.request('POST', `/api/orders/${run.orderId}/confirm`, {}, run.headers);
        if (confirmed.status !== 200) return 'refused-at-confirm';
        await confirmAtAmazon(standard.emulatorUrl, run.sessionId);
        const completed = await shopper.request('POST', `/api/orders/${run.orderId}/complete`, {}, run.headers);
        return completed.body.order.status as string;
      }),
    );
    const placed = outcomes.filter((o) => o === 'Placed').length;
    expect(placed).toBe(3);
    const points = await shopper.get('/api/members/me/points');
    expect(points.body.points).toMatchObject({ balance: 100, reserved: 0 });
    const spent = await standard.database.models.Order.find({ memberId, status: 'Placed' }).lean();
    expect(spent.reduce((sum, order) => sum + ((order.view as { pointsUsed: number }).pointsUsed ?? 0), 0)).toBe(900);
  });
});

describe('24-hour abandonment over HTTP (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let api: TestApi;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    api = await startTestApi('paths_abandon', { worker: true, timeSkipping: env });
  });
  afterAll(async () => {
    await api?.close();
    await env?.teardown();
  });

  it('a checkout left after 「注文確定」 for 24 hours is abandoned', async () => {
    const shopper = new Shopper(api.url);
    const run = await startCheckout(shopper, api.emulatorUrl, [{ productId: 'tea-sencha', quantity: 1 }]);
    const back = await shopper.request(
      'POST',
      `/api/orders/${run.orderId}/amazon-return`,
      { amazonCheckoutSessionId: run.sessionId },
      run.headers,
    );
    await shopper.request(
      'PUT',
      `/api/orders/${run.orderId}/procedure`,
      procedureForm(back.body.order.ordererDefaults),
      run.headers,
    );
    expect((await shopper.request('POST', `/api/orders/${run.orderId}/confirm`, {}, run.headers)).status).toBe(200);
    await env.sleep('25 hours');
    const order = await pollOrder(shopper, run.orderId, run.headers, ['Abandoned']);
    expect(order.status).toBe('Abandoned');
    expect(order.failure.message).toBe(CHECKOUT_ABANDONED_MESSAGE);
    const late = await shopper.request('POST', `/api/orders/${run.orderId}/complete`, {}, run.headers);
    expect(late.status).toBe(409);
  });
});

async function pollOrder(shopper: Shopper, orderId: string, headers: Record<string, string>, statuses: string[]) {
  const order = async () => (await shopper.request('GET', `/api/orders/${orderId}`, undefined, headers)).body.order;
  return eventually(order, (view) => statuses.includes(view.status), 10_000);
}
