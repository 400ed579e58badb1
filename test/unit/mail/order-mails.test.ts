/**
 * The order e-mails' templates (mail/order-mails.ts) on order views of a guest and of a member: what
 * each mail says, and C8's two fields blank for a guest's Amazon Pay order. Sent through a real SMTP
 * server and read back from the catcher: test/integration/orders/order-mails.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ORDER_MAIL_PREFERENCE_LABELS } from '../../../domain/messages.js';
import { DEFAULT_FEE_TABLE, computeTotals } from '../../../domain/totals.js';
import { orderMailKey, renderOrderMail, type OrderMailEvent } from '../../../mail/order-mails.js';
import type { OrderView } from '../../../workflows/order/definitions.js';

const SHOP = 'テスト商店';

/** A guest's placed order: 2 × 静岡煎茶 ¥1,200 + ¥600 shipping, card, gift-wrapped with a noshi. */
function guestOrder(): OrderView {
  const items = [
    { productId: 'tea-sencha', name: '静岡煎茶 100g', salesType: 'normal' as const, unitPrice: 1_200, quantity: 2 },
  ];
  return {
    orderId: 'ORD-20261201-ABCDEFGH',
    status: 'Placed',
    version: 9,
    memberId: null,
    isGuest: true,
    items,
    totals: computeTotals({ items, giftWrapping: true, noshi: true, fees: DEFAULT_FEE_TABLE }),
    checkoutSessionId: '0a0b0c0d-0000-4000-8000-000000000001',
    buyer: { buyerId: 'amzn1.account.TARO', name: '山田 太郎', email: 'taro@example.jp' },
    shippingAddress: {
      name: '山田 花子',
      postalCode: '1500041',
      prefecture: '東京都',
      city: '渋谷区',
      addressLines: ['神南1-2-3', 'サンプルマンション101'],
      phoneNumber: '09012345678',
    },
    paymentMethod: { kind: 'card', cardBrand: 'Visa', cardLast4: '1234', descriptor: 'Visa ****1234' },
    ordererDefaults: null,
    procedure: {
      orderer: {
        name: '山田 太郎',
        email: 'taro.orderer@example.jp',
        phoneNumber: '0312345678',
        postalCode: '1500041',
        prefecture: '東京都',
        address: '渋谷区神南1-2-3',
        building: 'サンプルマンション101',
      },
      delivery: { date: '2026-12-10', timeSlot: 'morning' },
      gift: { wrapping: true, noshi: { type: '御祝', name: '山田' } },
      privacyPolicyConsent: true,
    },
    additionalInformationRequired: [],
    couponCode: null,
    pointsUsed: 0,
    amazonPayRedirectUrl: null,
    chargePermissionId: 'S01-0000001-0000001',
    chargeId: 'S01-0000001-0000001-C000001',
    shopMemo: 'Amazonアカウントで指定したお支払い方法（Visa ****1234）',
    newsletter: null,
    mobileMail: null,
    registeredMemberId: null,
    registration: null,
    purchasePoints: { points: 0, state: 'none' },
    failure: null,
    payment: {
      orderAmount: 3_330,
      amount: 3_330,
      amountLimit: 70_000,
      amountBalance: 66_670,
      charges: [],
      refunds: [],
      capturedAmount: 0,
      refundedAmount: 0,
      attention: null,
      permissionClosesAt: '2027-05-30T01:00:00.000Z',
      purchasePointsRevoked: 0,
      usedPointsReturned: 0,
      amazonRequests: 0,
      unanswered: null,
    },
    createdAt: '2026-12-01T00:55:00.000Z',
    placedAt: '2026-12-01T01:00:00.000Z',
    updatedAt: '2026-12-01T01:00:00.000Z',
    waitingFor: '',
  };
}

/** A member's order with a coupon and points used, purchase points pending, preferences on file. */
function memberOrder(): OrderView {
  const order = guestOrder();
  const items = [
    { productId: 'kyusu', name: '常滑焼 急須', salesType: 'normal' as const, unitPrice: 6_500, quantity: 1 },
  ];
  return {
    ...order,
    memberId: 'M-1',
    isGuest: false,
    items,
    totals: computeTotals({
      items,
      giftWrapping: false,
      noshi: false,
      coupon: { code: 'WELCOME500', discount: 500 },
      pointsToUse: 300,
    }),
    procedure: {
      ...order.procedure!,
      gift: { wrapping: false, noshi: null },
      delivery: { date: 'unspecified', timeSlot: 'unspecified' },
    },
    couponCode: 'WELCOME500',
    pointsUsed: 300,
    newsletter: true,
    mobileMail: false,
    purchasePoints: { points: 57, state: 'pending' },
  };
}

const render = (order: OrderView, event: OrderMailEvent) => {
  const mail = renderOrderMail({ order, event }, SHOP);
  if (mail === null) throw new Error('no mail');
  return mail;
};

const EVENTS: OrderMailEvent[] = [
  { kind: 'placed' },
  { kind: 'captured', amount: 3_330 },
  { kind: 'canceled' },
  { kind: 'refunded', amount: 1_000, refundId: 'S01-0000001-0000001-R000001' },
];

describe('the order e-mails', () => {
  it.each(EVENTS)(
    'C8: a guest Amazon Pay order leaves メールマガジンの購読 and モバイルメール受信可否 blank ($kind)',
    (event) => {
      const { text } = render(guestOrder(), event);
      expect(text).toMatch(new RegExp(`^${ORDER_MAIL_PREFERENCE_LABELS.newsletter}：$`, 'm'));
      expect(text).toMatch(new RegExp(`^${ORDER_MAIL_PREFERENCE_LABELS.mobileMail}：$`, 'm'));
      expect(text).not.toContain('希望しない');
    },
  );

  it("C8: a member's order shows the member's preferences, 希望する / 希望しない", () => {
    const { text } = render(memberOrder(), { kind: 'placed' });
    expect(text).toContain('メールマガジンの購読：希望する\n');
    expect(text).toContain('モバイルメール受信可否：希望しない\n');
  });

  it('注文確認メール: to the orderer, with the items, totals, payment method, orderer and delivery', () => {
    const mail = render(guestOrder(), { kind: 'placed' });
    expect(mail.to).toBe('taro.orderer@example.jp');
    expect(mail.subject).toBe('【テスト商店】ご注文内容のご確認（ご注文番号：ORD-20261201-ABCDEFGH）');
    const lines = mail.text.split('\n');
    expect(lines[0]).toBe('山田 太郎 様');
    for (const line of [
      '■ご注文番号：ORD-20261201-ABCDEFGH',
      '■ご注文日時：2026年12月01日 10:00',
      '■お支払い方法：Amazon Pay',
      '\u3000Amazonアカウントで指定したお支払い方法（Visa ****1234）',
      '静岡煎茶 100g',
      '\u3000¥1,200 × 2 ＝ ¥2,400',
      '商品合計：¥2,400',
      '送料：¥600',
      'ギフト包装・のし：¥330',
      'お支払い金額（税込）：¥3,330',
      'お名前：山田 太郎',
      'メールアドレス：taro.orderer@example.jp',
      '郵便番号：〒150-0041',
      '住所：東京都渋谷区神南1-2-3 サンプルマンション101',
      'お名前：山田 花子',
      'お届け希望日：2026年12月10日',
      'お届け時間帯：午前中',
      'ギフト包装：あり',
      'のし：御祝（名入れ：山田）',
      'テスト商店',
    ])
      expect(lines).toContain(line);
  });

  it('注文確認メール of a member: coupon, points used and the purchase points to come', () => {
    const { text } = render(memberOrder(), { kind: 'placed' });
    expect(text).toContain('クーポン割引（WELCOME500）：-¥500\n');
    expect(text).toContain('ポイント利用：-¥300（300ポイント）\n');
    expect(text).toContain('お支払い金額（税込）：¥5,700\n');
    expect(text).toContain('獲得予定ポイント：57ポイント（商品の発送後にご利用いただけます）\n');
    expect(text).toContain('お届け希望日：指定なし\n');
    expect(text).toContain('のし：なし\n');
  });

  it('サンクスメール at capture, the cancel and the refund notice: what happened, in their own words', () => {
    const captured = {
      ...memberOrder(),
      status: 'Captured' as const,
      purchasePoints: { points: 57, state: 'usable' as const },
    };
    const shipped = render(captured, { kind: 'captured', amount: 5_700 });
    expect(shipped.subject).toBe('【テスト商店】商品発送のお知らせ（ご注文番号：ORD-20261201-ABCDEFGH）');
    expect(shipped.text).toContain('■ご請求金額：¥5,700（Amazon Payでのお支払い）\n');
    expect(shipped.text).toContain('■ご利用いただけるようになったポイント：57ポイント\n');

    const canceled = render(guestOrder(), { kind: 'canceled' });
    expect(canceled.subject).toBe('【テスト商店】ご注文キャンセルのお知らせ（ご注文番号：ORD-20261201-ABCDEFGH）');
    expect(canceled.text).toContain('■キャンセルしたご注文の金額：¥3,330\n');

    const base = guestOrder();
    const refundedOrder = { ...base, payment: { ...base.payment!, capturedAmount: 3_330, refundedAmount: 1_000 } };
    const refunded = render(refundedOrder, EVENTS[3]!);
    expect(refunded.subject).toBe('【テスト商店】ご返金のお知らせ（ご注文番号：ORD-20261201-ABCDEFGH）');
    expect(refunded.text).toContain('■今回の返金額：¥1,000\n');
    expect(refunded.text).toContain('■返金額の合計：¥1,000（ご請求額 ¥3,330）\n');
  });

  it('the cancel notice of an order never captured, canceled at 180 days: says it expired and why, nothing charged', () => {
    const base = guestOrder();
    const expired = {
      ...base,
      status: 'Canceled' as const,
      updatedAt: '2027-05-30T01:00:00.000Z',
      payment: { ...base.payment!, attention: 'the charge permission closed after 180 days without capture' },
    };
    const mail = render(expired, { kind: 'canceled', expired: true });
    expect(mail.subject).toBe('【テスト商店】ご注文キャンセルのお知らせ（ご注文番号：ORD-20261201-ABCDEFGH）');
    const lines = mail.text.split('\n');
    expect(lines).toContain('下記のご注文はキャンセルとなりました。代金のご請求はございません。');
    expect(lines).toContain('■キャンセル日：2027年05月30日');
    expect(lines).toContain('■キャンセル理由：お支払いの承認の有効期限切れ（ご注文から180日）');
    expect(lines).toContain('■キャンセルしたご注文の金額：¥3,330');
    // Not worded as the shop's own cancel.
    expect(mail.text).not.toContain('キャンセルいたしました');
    expect(render(base, { kind: 'canceled' }).text).not.toContain('有効期限');
    // The same event as a cancel by ops: an order is canceled once, and mailed once.
    expect(orderMailKey(base.orderId, { kind: 'canceled', expired: true })).toBe('ORD-20261201-ABCDEFGH.canceled');
  });

  it('one mail per order and event; each refund a mail of its own', () => {
    const keys = EVENTS.map((event) => orderMailKey('ORD-20261201-ABCDEFGH', event));
    expect(keys).toEqual([
      'ORD-20261201-ABCDEFGH.placed',
      'ORD-20261201-ABCDEFGH.captured',
      'ORD-20261201-ABCDEFGH.canceled',
      'ORD-20261201-ABCDEFGH.refunded.S01-0000001-0000001-R000001',
    ]);
  });
});
