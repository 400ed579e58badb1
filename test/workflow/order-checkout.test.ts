/**
 * The order workflow's checkout rules on the time-skipping test server, with real activities
 * (database, SDK → emulator, point-account workflows).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADDRESS_UNUSABLE_MESSAGE,
  CHECKOUT_ABANDONED_MESSAGE,
  SINGLE_DESTINATION_MESSAGE,
} from '../../domain/messages.js';
import {
  amazonNotification,
  amazonReturn,
  completeOrder,
  confirmOrder,
  submitProcedure,
} from '../../workflows/order/definitions.js';
import { getPointAccount, pointsAccountWorkflowId } from '../../workflows/points/definitions.js';
import { procedureForm } from '../support/checkout.js';
import { refusalOf } from '../support/refusal.js';
import { passTime } from '../support/time.js';
import { untilOrder } from '../support/waiting.js';
import {
  buyerAtAmazon,
  checkoutThrough,
  chooseAgain,
  confirmAtAmazon,
  KYUSU,
  memberWithPoints,
  queryOrder,
  startOrder,
  startOrderHarness,
  TEA,
  type OrderHarness,
} from '../support/order-harness.js';

let h: OrderHarness;
beforeAll(async () => {
  h = await startOrderHarness('wf_checkout');
});
afterAll(async () => {
  await h?.close();
});

describe('order workflow: checkout (time-skipping)', () => {
  it('C2, C3, C8, M1: a guest pays by card; the procedure is kept; preferences stay empty; the memo names the payment', async () => {
    const handle = await startOrder(h, { items: [TEA] });
    const view = await checkoutThrough(h, handle, {
      form: {
        delivery: { date: 'unspecified', timeSlot: 'morning' },
        gift: { wrapping: true, noshi: { type: '御祝', name: '山田' } },
      },
    });
    expect(view.status).toBe('Placed');
    expect(view.procedure?.delivery.timeSlot).toBe('morning');
    expect(view.procedure?.gift).toEqual({ wrapping: true, noshi: { type: '御祝', name: '山田' } });
    expect(view.totals).toMatchObject({ subtotal: 2400, shipping: 600, giftFee: 330, total: 3330 });
    expect(view.newsletter).toBeNull();
    expect(view.mobileMail).toBeNull();
    expect(view.shopMemo).toBe('Amazonアカウントで指定したお支払い方法（Visa ****1234）');
    const stored = await h.database.models.Order.findOne({ orderId: view.orderId }).lean();
    expect(stored?.status).toBe('Placed');
  });

  it.each([
    ['gift_card', 'Amazonギフト券'],
    ['gift_card_and_card', 'Amazonギフト券と指定のお支払い方法（Visa ****1234）'],
  ] as const)('M1, M2: paid with %s → shop memo 「%s」', async (instrument, memo) => {
    const handle = await startOrder(h);
    const view = await checkoutThrough(h, handle, { choice: { instrument } });
    expect(view.shopMemo).toBe(memo);
    expect(view.paymentMethod?.kind).toBe(instrument);
  });

  it('C6: the orderer is prefilled from the Amazon account and address', async () => {
    const handle = await startOrder(h);
    const sessionId = await buyerAtAmazon(h, handle, { buyer: 'taro' });
    const back = await handle.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: sessionId }] });
    expect(back.ordererDefaults).toMatchObject({
      name: '山田 太郎',
      email: 'taro.yamada@example.jp',
      postalCode: '1500041',
      prefecture: '東京都',
    });
    expect(back.status).toBe('AddressSelected');
  });

  it('C7: an unusable address (too few phone digits, a non-Japanese address) is refused with the message of the manual; another address goes through', async () => {
    const handle = await startOrder(h);
    const sessionId = await buyerAtAmazon(h, handle, { buyer: 'hanako' });
    const tooShort = await refusalOf(handle.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: sessionId }] }));
    expect(tooShort.type).toBe('Order.AddressUnusable');
    expect(tooShort.message).toBe(ADDRESS_UNUSABLE_MESSAGE);
    expect(tooShort.details).toMatchObject({ reasons: ['phone_too_few_digits'] });
    expect((await queryOrder(handle)).status).toBe('CheckoutCreated');

    await chooseAgain(h, sessionId, { buyer: 'john' });
    const foreign = await refusalOf(handle.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: sessionId }] }));
    expect(foreign.message).toBe(ADDRESS_UNUSABLE_MESSAGE);
    expect(foreign.details).toMatchObject({ reasons: expect.arrayContaining(['country_not_jp']) });

    await chooseAgain(h, sessionId, { buyer: 'taro', addressIndex: 1 });
    const ok = await handle.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: sessionId }] });
    expect(ok.shippingAddress?.prefecture).toBe('大阪府');
  });

  it('R3: a checkout with more than one destination is refused; one destination goes through', async () => {
    const handle = await startOrder(h);
    const sessionId = await buyerAtAmazon(h, handle, { buyer: 'taro', addressIndex: 0, additionalAddressIndexes: [1] });
    const refused = await refusalOf(handle.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: sessionId }] }));
    expect(refused.type).toBe('Order.AddressUnusable');
    expect(refused.message).toBe(SINGLE_DESTINATION_MESSAGE);
    await chooseAgain(h, sessionId, { buyer: 'taro', addressIndex: 0 });
    expect((await handle.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: sessionId }] })).status).toBe(
      'AddressSelected',
    );
  });

  it('C2: a checkout session created for another order is refused', async () => {
    const first = await startOrder(h);
    const second = await startOrder(h);
    const sessionOfFirst = await buyerAtAmazon(h, first);
    const mismatch = await refusalOf(
      second.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: sessionOfFirst }] }),
    );
    expect(mismatch.type).toBe('Order.SessionMismatch');
  });

  it('C3: 「注文確定」 needs the privacy-policy consent; the form can be saved without it', async () => {
    const handle = await startOrder(h);
    const sessionId = await buyerAtAmazon(h, handle);
    const back = await handle.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: sessionId }] });
    const saved = await handle.executeUpdate(submitProcedure, {
      args: [procedureForm(back.ordererDefaults, { privacyPolicyConsent: false })],
    });
    expect(saved.status).toBe('ProcedureEntered');
    const refused = await refusalOf(handle.executeUpdate(confirmOrder));
    expect(refused.type).toBe('Order.ConsentRequired');
    const invalid = await refusalOf(
      handle.executeUpdate(submitProcedure, {
        args: [
          procedureForm(back.ordererDefaults, {
            delivery: { date: '2000-01-01', timeSlot: 'morning' },
          }),
        ],
      }),
    );
    expect(invalid.type).toBe('Order.InvalidProcedure');
    expect((invalid.details as { fields: { path: string }[] }).fields[0]?.path).toBe('delivery.date');
  });

  it('C4, L7, L8, P1: a guest registering at purchase becomes an Amazon-linked member without password, registered at the link time, with no purchase points (standard)', async () => {
    const handle = await startOrder(h, { items: [KYUSU] });
    const view = await checkoutThrough(h, handle, {
      choice: { buyer: 'jiro' },
      form: { registerAsMember: true, newsletter: true },
    });
    expect(view.status).toBe('Placed');
    expect(view.registeredMemberId).not.toBeNull();
    expect(view.newsletter).toBe(true);
    expect(view.mobileMail).toBeNull();
    expect(view.purchasePoints).toEqual({ points: 0, state: 'none' });
    const member = await h.database.models.Member.findOne({ memberId: view.registeredMemberId }).lean();
    expect(member).toMatchObject({
      passwordHash: null,
      newsletter: true,
      mobileMail: null,
      registeredVia: 'amazon_pay_checkout',
    });
    expect(member?.amazonBuyerId).toMatch(/^amzn1\.account\./);
    expect(member?.amazonLinkedAt?.getTime()).toBe(member?.registeredAt.getTime());
  });

  it('P2: in commerce-creator mode the registering guest earns purchase points, pending until capture', async () => {
    const handle = await startOrder(h, {
      items: [KYUSU],
      settings: { pointsMode: 'commerce_creator', pointsRatePercent: 5 },
    });
    const view = await checkoutThrough(h, handle, {
      choice: { buyer: 'taro', addressIndex: 2 },
      form: { registerAsMember: true, newsletter: false },
    });
    expect(view.purchasePoints).toEqual({ points: 325, state: 'pending' });
    const account = await h.env.client.workflow
      .getHandle(pointsAccountWorkflowId(view.registeredMemberId as string))
      .query(getPointAccount);
    expect(account).toMatchObject({ balance: 0, pending: 325 });
  });

  it('P2: in commerce-creator mode a guest who does not register earns nothing', async () => {
    const handle = await startOrder(h, {
      items: [KYUSU],
      settings: { pointsMode: 'commerce_creator', pointsRatePercent: 5 },
    });
    const view = await checkoutThrough(h, handle);
    expect(view.purchasePoints.points).toBe(0);
    expect(view.registeredMemberId).toBeNull();
  });

  it('C5, P1, P3: a member uses points and a coupon; points are a discount; purchase points are granted pending', async () => {
    const member = await memberWithPoints(h, 'points.member@example.jp', 1000);
    const handle = await startOrder(h, { memberId: member.memberId, items: [KYUSU] });
    const view = await checkoutThrough(h, handle, { form: { pointsToUse: 300, couponCode: 'WELCOME500' } });
    expect(view.status).toBe('Placed');
    expect(view.totals).toMatchObject({
      subtotal: 6500,
      shipping: 0,
      couponDiscount: 500,
      pointsDiscount: 300,
      total: 5700,
    });
    // P1: a member earns 1% of goods after discounts.
    expect(view.purchasePoints).toEqual({ points: 57, state: 'pending' });
    expect(view.newsletter).toBe(true);
    expect(view.mobileMail).toBe(false);
    const account = await h.env.client.workflow
      .getHandle(pointsAccountWorkflowId(member.memberId))
      .query(getPointAccount);
    expect(account).toMatchObject({ balance: 700, reserved: 0, pending: 57 });
    expect(await h.database.models.CouponUse.countDocuments({ code: 'WELCOME500', memberId: member.memberId })).toBe(1);

    // Usage counted once: the same coupon is refused on the member's next order.
    const next = await startOrder(h, { memberId: member.memberId, items: [KYUSU] });
    const sessionId = await buyerAtAmazon(h, next);
    const back = await next.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: sessionId }] });
    const reused = await refusalOf(
      next.executeUpdate(submitProcedure, {
        args: [procedureForm(back.ordererDefaults, { couponCode: 'WELCOME500' })],
      }),
    );
    expect(reused.message).toBe('このクーポンはすでにご利用済みです。');
  });

  it('C5: guests cannot use points or coupons; a member cannot use more points than they have', async () => {
    const guest = await startOrder(h);
    const sessionId = await buyerAtAmazon(h, guest);
    const back = await guest.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: sessionId }] });
    const refused = await refusalOf(
      guest.executeUpdate(submitProcedure, {
        args: [procedureForm(back.ordererDefaults, { pointsToUse: 10 })],
      }),
    );
    expect(refused.message).toBe('ポイント・クーポンは会員ログイン後にご利用いただけます。');

    const member = await memberWithPoints(h, 'few.points@example.jp', 100);
    const order = await startOrder(h, { memberId: member.memberId });
    const session = await buyerAtAmazon(h, order);
    const memberBack = await order.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: session }] });
    const tooMany = await refusalOf(
      order.executeUpdate(submitProcedure, {
        args: [procedureForm(memberBack.ordererDefaults, { pointsToUse: 101 })],
      }),
    );
    expect(tooMany.type).toBe('Order.PointsRefused');
  });

  it('C6: a member missing a required extra field is asked for it before the order can be confirmed', async () => {
    const member = await memberWithPoints(h, 'no.birthday@example.jp', 0, {});
    const handle = await startOrder(h, { memberId: member.memberId });
    const sessionId = await buyerAtAmazon(h, handle);
    const back = await handle.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: sessionId }] });
    expect(back.additionalInformationRequired).toEqual([{ key: 'birthday', label: '生年月日' }]);
    await handle.executeUpdate(submitProcedure, {
      args: [procedureForm(back.ordererDefaults)],
    });
    const refused = await refusalOf(handle.executeUpdate(confirmOrder));
    expect(refused.type).toBe('Order.AdditionalInformationRequired');
    await h.database.models.Member.updateOne(
      { memberId: member.memberId },
      { $set: { 'extra.birthday': '1990-01-01' } },
    );
    expect((await handle.executeUpdate(confirmOrder)).status).toBe('Confirmed');
  });

  it('A1: a pending authorization: the order waits and polls Amazon, then is placed when Amazon authorizes', async () => {
    const handle = await startOrder(h);
    const view = await checkoutThrough(h, handle, { choice: { buyer: 'jiro', cardIndex: 1 } });
    expect(view.status).toBe('Authorizing');
    // Amazon decides (emulator clock), and the workflow's poll timer fires (time skipping).
    await passTime(h, '1 minute');
    const placed = await untilOrder(handle, (v) => v.status === 'Placed' || v.status === 'Failed');
    expect(placed.status).toBe('Placed');
  });

  it('A1: a pending authorization: a notification wakes the order before its next poll', async () => {
    const handle = await startOrder(h);
    const view = await checkoutThrough(h, handle, { choice: { buyer: 'jiro', cardIndex: 1 } });
    expect(view.status).toBe('Authorizing');
    h.emu.emulator.advance(60_000);
    await handle.signal(amazonNotification, { objectType: 'CHARGE', objectId: view.chargeId as string });
    const placed = await untilOrder(handle, (v) => v.status === 'Placed' || v.status === 'Failed');
    expect(placed.status).toBe('Placed');
  });

  it('A1, C5: declined after pending: the order fails with a buyer message and the reserved points are released', async () => {
    const member = await memberWithPoints(h, 'declined@example.jp', 500);
    const handle = await startOrder(h, { memberId: member.memberId });
    const view = await checkoutThrough(h, handle, {
      choice: { buyer: 'jiro', cardIndex: 2 },
      form: { pointsToUse: 200 },
    });
    expect(view.status).toBe('Authorizing');
    await passTime(h, '1 minute');
    const failed = await untilOrder(handle, (v) => v.status === 'Placed' || v.status === 'Failed');
    expect(failed.status).toBe('Failed');
    expect(failed.failure?.message).toContain('承認されませんでした');
    const account = await h.env.client.workflow
      .getHandle(pointsAccountWorkflowId(member.memberId))
      .query(getPointAccount);
    expect(account).toMatchObject({ balance: 500, reserved: 0 });
  });

  it('A1: repeated and concurrent confirm / complete requests give one order and one charge', async () => {
    const handle = await startOrder(h);
    const sessionId = await buyerAtAmazon(h, handle);
    const back = await handle.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: sessionId }] });
    await handle.executeUpdate(submitProcedure, {
      args: [procedureForm(back.ordererDefaults)],
    });
    const confirms = await Promise.all([
      handle.executeUpdate(confirmOrder),
      handle.executeUpdate(confirmOrder),
      handle.executeUpdate(confirmOrder),
    ]);
    expect(new Set(confirms.map((v) => v.amazonPayRedirectUrl)).size).toBe(1);
    await confirmAtAmazon(h, sessionId);
    const completes = await Promise.all(Array.from({ length: 5 }, () => handle.executeUpdate(completeOrder)));
    expect(new Set(completes.map((v) => v.chargeId)).size).toBe(1);
    expect(completes.every((v) => v.status === 'Placed')).toBe(true);
    const ledger = await h.emu.control<{ charges: { chargePermissionId: string }[] }>('GET', '/ledger');
    expect(ledger.body.charges.filter((c) => c.chargePermissionId === completes[0]?.chargePermissionId)).toHaveLength(
      1,
    );
  });

  it('C2, C5: a checkout not completed in 24 hours is abandoned and its reserved points are released', async () => {
    const member = await memberWithPoints(h, 'abandon@example.jp', 400);
    const handle = await startOrder(h, { memberId: member.memberId });
    const sessionId = await buyerAtAmazon(h, handle);
    const back = await handle.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: sessionId }] });
    await handle.executeUpdate(submitProcedure, {
      args: [procedureForm(back.ordererDefaults, { pointsToUse: 150 })],
    });
    await handle.executeUpdate(confirmOrder);
    const account = h.env.client.workflow.getHandle(pointsAccountWorkflowId(member.memberId));
    expect(await account.query(getPointAccount)).toMatchObject({ reserved: 150, available: 250 });

    await h.env.sleep('23 hours');
    expect((await queryOrder(handle)).status).toBe('Confirmed');
    await h.env.sleep('2 hours');
    const abandoned = await queryOrder(handle);
    expect(abandoned.status).toBe('Abandoned');
    expect(abandoned.failure?.message).toBe(CHECKOUT_ABANDONED_MESSAGE);
    expect(await account.query(getPointAccount)).toMatchObject({ balance: 400, reserved: 0, available: 400 });
    const stored = await h.database.models.Order.findOne({ orderId: abandoned.orderId }).lean();
    expect(stored?.status).toBe('Abandoned');
  });
});
