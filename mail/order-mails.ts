/**
 * The order e-mails, in Japanese, as plain template functions of the order view: the order
 * confirmation at placement (注文確認メール), the shipping and thanks mail at capture (サンクスメール),
 * and the cancel and refund notices (任意受注メール). C8: a guest's Amazon Pay order has no newsletter
 * and no mobile-mail preference, and every one of these mails shows both fields blank.
 */
import {
  DELIVERY_TIME_SLOT_LABELS,
  ORDER_MAIL_PREFERENCE_LABELS,
  PREFERENCE_NOT_WANTED,
  PREFERENCE_WANTED,
} from '../domain/messages.js';
import { tokyoDate } from '../domain/calendar.js';
import { formatYen } from '../domain/money.js';
import type { OrderView } from '../workflows/order/definitions.js';

/** What happened to the order; each event is mailed once per order (a refund once per refund). */
export type OrderMailEvent =
  | { kind: 'placed' }
  | { kind: 'captured'; amount: number }
  /**
   * `expired`: not canceled by the shop but by Amazon's 180-day limit on the payment authorization,
   * the order never having been captured (shipped). The same event as a cancel by ops: one per order.
   */
  | { kind: 'canceled'; expired?: boolean }
  /** `refundId`: the first refund Amazon made for this request (one request may refund several charges). */
  | { kind: 'refunded'; amount: number; refundId: string };

/** The activity's input: the event and the order as it was right after it (the workflow's view). */
export interface OrderMailInput {
  event: OrderMailEvent;
  order: OrderView;
}

export interface RenderedMail {
  to: string;
  subject: string;
  text: string;
}

/** Which mail this is, once per order: the sent-mail record's key and the Message-ID's left part. */
export function orderMailKey(orderId: string, event: OrderMailEvent): string {
  return event.kind === 'refunded' ? `${orderId}.refunded.${event.refundId}` : `${orderId}.${event.kind}`;
}

/** The buyer's address: the orderer's as confirmed on the order-procedure form, else Amazon's (C6). */
function recipientOf(order: OrderView): string | null {
  return order.procedure?.orderer.email ?? order.buyer?.email ?? null;
}

export function renderOrderMail(input: OrderMailInput, shopName: string): RenderedMail | null {
  const { order, event } = input;
  const to = recipientOf(order);
  if (to === null) return null;
  const { subject, body } = content(order, event, shopName);
  const name = order.procedure?.orderer.name ?? order.buyer?.name ?? '';
  const text = [`${name} 様`, '', ...body, '', ...footer(shopName)].join('\n');
  return { to, subject: `【${shopName}】${subject}（ご注文番号：${order.orderId}）`, text: `${text}\n` };
}

function content(order: OrderView, event: OrderMailEvent, shopName: string): { subject: string; body: string[] } {
  switch (event.kind) {
    case 'placed':
      return confirmationMail(order, shopName);
    case 'captured':
      return shippedMail(order, event.amount);
    case 'canceled':
      return canceledMail(order, event.expired === true);
    case 'refunded':
      return refundedMail(order, event.amount);
  }
}

/** 注文確認メール: everything the buyer ordered, the money, the orderer and the delivery. */
function confirmationMail(order: OrderView, shopName: string) {
  return {
    subject: 'ご注文内容のご確認',
    body: [
      `このたびは${shopName}をご利用いただき、誠にありがとうございます。`,
      '下記の内容でご注文を承りました。商品の発送まで今しばらくお待ちください。',
      '',
      `■ご注文番号：${order.orderId}`,
      `■ご注文日時：${tokyoDateTime(order.placedAt ?? order.updatedAt)}`,
      ...paymentLines(order),
      '',
      ...itemLines(order),
      ...totalLines(order),
      ...pendingPointsLines(order),
      '',
      ...ordererLines(order),
      '',
      ...deliveryLines(order),
    ],
  };
}

/** サンクスメール at capture (shipment): what was charged and the points that became usable. */
function shippedMail(order: OrderView, captured: number) {
  return {
    subject: '商品発送のお知らせ',
    body: [
      'ご注文いただいた商品を発送いたしました。',
      'このたびはご利用いただき、誠にありがとうございました。',
      '',
      `■ご注文番号：${order.orderId}`,
      `■発送日：${tokyoDay(order.updatedAt)}`,
      `■ご請求金額：${formatYen(captured)}（Amazon Payでのお支払い）`,
      ...(order.purchasePoints.state === 'usable' && order.purchasePoints.points > 0
        ? [`■ご利用いただけるようになったポイント：${order.purchasePoints.points}ポイント`]
        : []),
      '',
      ...itemLines(order),
      '',
      ...ordererLines(order),
      '',
      ...deliveryLines(order),
    ],
  };
}

/**
 * Cancel notice (before capture): nothing is charged; points used come back. An order that expired
 * (`expired`) says why it was canceled without anyone asking: the buyer did not, and waited 180 days.
 */
function canceledMail(order: OrderView, expired: boolean) {
  const payment = order.payment;
  return {
    subject: 'ご注文キャンセルのお知らせ',
    body: [
      ...(expired
        ? [
            'ご注文から180日以内に商品を発送できなかったため、Amazon Payでのお支払いの承認の有効期限が切れ、',
            '下記のご注文はキャンセルとなりました。代金のご請求はございません。',
            'ご迷惑をおかけし、誠に申し訳ございません。',
          ]
        : [
            '下記のご注文をキャンセルいたしました。',
            'Amazon Payでのお支払いの承認は取り消され、代金のご請求はございません。',
          ]),
      '',
      `■ご注文番号：${order.orderId}`,
      `■キャンセル日：${tokyoDay(order.updatedAt)}`,
      ...(expired ? ['■キャンセル理由：お支払いの承認の有効期限切れ（ご注文から180日）'] : []),
      `■キャンセルしたご注文の金額：${formatYen(payment?.amount ?? order.totals.total)}`,
      ...(payment !== null && payment.usedPointsReturned > 0
        ? [`■ご利用ポイント：${payment.usedPointsReturned}ポイントをお戻ししました`]
        : []),
      ...(order.purchasePoints.points > 0 ? ['■このご注文の獲得予定ポイントは取り消されました'] : []),
      '',
      ...itemLines(order),
      '',
      ...ordererLines(order),
    ],
  };
}

/** Refund notice: this refund, all refunds so far against what was charged, points taken back or returned. */
function refundedMail(order: OrderView, amount: number) {
  const payment = order.payment;
  return {
    subject: 'ご返金のお知らせ',
    body: [
      '下記のご注文の代金を返金いたしました。',
      '返金はAmazon Payでお支払いに使われた方法に対して行われます。反映までの日数はお支払い方法によって異なります。',
      '',
      `■ご注文番号：${order.orderId}`,
      `■返金日：${tokyoDay(order.updatedAt)}`,
      `■今回の返金額：${formatYen(amount)}`,
      `■返金額の合計：${formatYen(payment?.refundedAmount ?? amount)}（ご請求額 ${formatYen(payment?.capturedAmount ?? 0)}）`,
      ...(payment !== null && payment.purchasePointsRevoked > 0
        ? [`■返金に伴い差し引いた獲得ポイント（累計）：${payment.purchasePointsRevoked}ポイント`]
        : []),
      ...(payment !== null && payment.usedPointsReturned > 0
        ? [`■ご利用ポイント：${payment.usedPointsReturned}ポイントをお戻ししました`]
        : []),
      '',
      ...itemLines(order),
      '',
      ...ordererLines(order),
    ],
  };
}

// ---- Blocks shared by the mails ----------------------------------------------------------------

function heading(title: string): string {
  return `━━ ${title} ━━━━━━━━━━━━━━━━━━━━`;
}

const RULE = '────────────────────────';
/** A full-width space: how Japanese mails indent a detail line under its item. */
const INDENT = '\u3000';

function paymentLines(order: OrderView): string[] {
  return ['■お支払い方法：Amazon Pay', ...(order.shopMemo === null ? [] : [`${INDENT}${order.shopMemo}`])];
}

function itemLines(order: OrderView): string[] {
  return [
    heading('ご注文商品'),
    ...order.items.flatMap((item) => [
      item.name,
      `${INDENT}${formatYen(item.unitPrice)} × ${item.quantity} ＝ ${formatYen(item.unitPrice * item.quantity)}`,
    ]),
  ];
}

function totalLines(order: OrderView): string[] {
  const t = order.totals;
  return [
    RULE,
    `商品合計：${formatYen(t.subtotal)}`,
    `送料：${formatYen(t.shipping)}`,
    ...(t.giftFee > 0 ? [`ギフト包装・のし：${formatYen(t.giftFee)}`] : []),
    ...(t.couponDiscount > 0
      ? [`クーポン割引${order.couponCode === null ? '' : `（${order.couponCode}）`}：-${formatYen(t.couponDiscount)}`]
      : []),
    ...(t.pointsDiscount > 0 ? [`ポイント利用：-${formatYen(t.pointsDiscount)}（${t.pointsDiscount}ポイント）`] : []),
    RULE,
    `お支払い金額（税込）：${formatYen(t.total)}`,
  ];
}

function pendingPointsLines(order: OrderView): string[] {
  const { points, state } = order.purchasePoints;
  return state === 'pending' && points > 0
    ? [`獲得予定ポイント：${points}ポイント（商品の発送後にご利用いただけます）`]
    : [];
}

/** The orderer, with C8's two preferences: blank (not 「希望しない」) when the order has none. */
function ordererLines(order: OrderView): string[] {
  const orderer = order.procedure?.orderer;
  return [
    heading('ご注文者'),
    `お名前：${orderer?.name ?? order.buyer?.name ?? ''}`,
    `フリガナ：${orderer?.furigana ?? ''}`,
    `メールアドレス：${recipientOf(order) ?? ''}`,
    `電話番号：${orderer?.phoneNumber ?? ''}`,
    `郵便番号：${orderer === undefined ? '' : postalCode(orderer.postalCode)}`,
    `住所：${orderer === undefined ? '' : [`${orderer.prefecture}${orderer.address}`, orderer.building].filter(Boolean).join(' ')}`,
    `${ORDER_MAIL_PREFERENCE_LABELS.newsletter}：${preference(order.newsletter)}`,
    `${ORDER_MAIL_PREFERENCE_LABELS.mobileMail}：${preference(order.mobileMail)}`,
  ];
}

function deliveryLines(order: OrderView): string[] {
  const address = order.shippingAddress;
  const procedure = order.procedure;
  const noshi = procedure?.gift.noshi ?? null;
  return [
    heading('お届け先'),
    `お名前：${address?.name ?? ''}`,
    `郵便番号：${address === null ? '' : postalCode(address.postalCode)}`,
    `住所：${address === null ? '' : `${address.prefecture}${address.city}${address.addressLines.join(' ')}`}`,
    `電話番号：${address?.phoneNumber ?? ''}`,
    `お届け希望日：${procedure === null || procedure.delivery.date === 'unspecified' ? '指定なし' : japaneseDate(procedure.delivery.date)}`,
    `お届け時間帯：${procedure === null ? '' : DELIVERY_TIME_SLOT_LABELS[procedure.delivery.timeSlot]}`,
    `ギフト包装：${procedure?.gift.wrapping === true ? 'あり' : 'なし'}`,
    `のし：${noshi === null ? 'なし' : `${noshi.type}${noshi.name === undefined ? '' : `（名入れ：${noshi.name}）`}`}`,
  ];
}

function footer(shopName: string): string[] {
  return [
    RULE,
    shopName,
    '本メールはご注文に関する大切なお知らせのため、メールマガジンの購読の有無にかかわらずお送りしています。',
  ];
}

/** C8: null is "never asked" and prints nothing. */
function preference(value: boolean | null): string {
  if (value === null) return '';
  return value ? PREFERENCE_WANTED : PREFERENCE_NOT_WANTED;
}

/** 7 digits as 〒123-4567 (as stored); anything else as it is. */
function postalCode(digits: string): string {
  return /^\d{7}$/.test(digits) ? `〒${digits.slice(0, 3)}-${digits.slice(3)}` : digits;
}

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** `2026年12月01日 09:05` in Japan time. */
function tokyoDateTime(iso: string): string {
  const jst = new Date(Date.parse(iso) + JST_OFFSET_MS).toISOString();
  return `${japaneseDate(jst.slice(0, 10))} ${jst.slice(11, 16)}`;
}

/** `2026年12月01日`, the Japan date of an instant. */
function tokyoDay(iso: string): string {
  return japaneseDate(tokyoDate(new Date(iso)));
}

/** `2026-12-01` → `2026年12月01日`. */
function japaneseDate(isoDate: string): string {
  return `${isoDate.slice(0, 4)}年${isoDate.slice(5, 7)}月${isoDate.slice(8, 10)}日`;
}
