/** Rendering shared by the review and complete pages: items, totals, address, payment method. */
import { h, yen } from './dom.js';

/** @param {HTMLElement} tbody @param {{ name: string, unitPrice: number, quantity: number }[]} items */
export function renderItems(tbody, items) {
  tbody.replaceChildren(
    ...items.map((item) =>
      h(
        'tr',
        {},
        h('td', {}, item.name),
        h('td', { class: 'num' }, yen(item.unitPrice)),
        h('td', { class: 'num' }, String(item.quantity)),
        h('td', { class: 'num' }, yen(item.unitPrice * item.quantity)),
      ),
    ),
  );
}

/** The order's totals; discounts only when there are any. @param {HTMLElement} list */
export function renderTotals(list, totals) {
  const rows = [
    ['商品小計', yen(totals.subtotal), 'subtotal'],
    ['送料', totals.shipping === 0 ? '無料' : yen(totals.shipping), 'shipping'],
    ['ギフト料金', yen(totals.giftFee), 'gift-fee'],
    totals.couponDiscount > 0
      ? ['クーポン割引', `−${yen(totals.couponDiscount)}`, 'coupon-discount', 'discount']
      : null,
    totals.pointsDiscount > 0
      ? ['ポイント割引', `−${yen(totals.pointsDiscount)}`, 'points-discount', 'discount']
      : null,
  ].filter((row) => row !== null);
  list.replaceChildren(
    ...rows.flatMap(([label, value, key, extra = '']) => [
      h('dt', { class: extra }, label),
      h('dd', { class: extra, 'data-total': key }, value),
    ]),
    h('dt', { class: 'grand' }, 'お支払い合計'),
    h('dd', { class: 'grand', 'data-total': 'total' }, yen(totals.total)),
  );
}

/** 〒100-0001 東京都千代田区… */
export function formatPostalCode(digits) {
  return /^\d{7}$/.test(digits ?? '') ? `〒${digits.slice(0, 3)}-${digits.slice(3)}` : (digits ?? '');
}

export function formatAddress(address) {
  return h(
    'span',
    {},
    `${address.name} 様`,
    h('br'),
    `${formatPostalCode(address.postalCode)} ${address.prefecture}${address.city}${address.addressLines.join(' ')}`,
    h('br'),
    `電話 ${address.phoneNumber}`,
  );
}

export const ORDER_STATUS_LABELS = {
  CheckoutCreated: 'お手続き中',
  AddressSelected: 'お手続き中',
  ProcedureEntered: 'お手続き中',
  Confirmed: 'お支払い確認中',
  Authorizing: 'お支払い承認待ち',
  Placed: 'ご注文確定',
  Failed: 'ご注文不成立',
  Abandoned: 'お手続き期限切れ',
};
