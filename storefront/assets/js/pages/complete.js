/**
 * ご注文完了: back from Amazon's amount-confirmation page. Completes the order; a pending
 * authorization (Authorizing) is polled every second until the order is placed or failed.
 */
import { api, messageOf } from '../api.js';
import { clearCart, orderTokenFor, renewCheckoutKey } from '../cart.js';
import { $, h, number, param, showNotice } from '../dom.js';
import { initLayout, refreshHeader } from '../layout.js';
import { formatAddress, renderItems, renderTotals } from '../order-view.js';

const POLL_INTERVAL_MS = 1000;
const POLL_LIMIT_MS = 3 * 60_000;

const orderId = param('orderId') ?? '';
const token = orderTokenFor(orderId, param('token'));
const headers = token ? { 'x-order-token': token } : {};
const base = `/api/orders/${encodeURIComponent(orderId)}`;
const pageNotice = $('#page-notice');
const loading = $('#loading');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const PURCHASE_POINT_STATES = {
  none: '',
  pending: '（発送後にご利用いただけます）',
  usable: '（ご利用いただけます）',
  revoked: '（取り消されました）',
};

function fact(label, ...value) {
  return [h('dt', {}, label), h('dd', {}, ...value)];
}

/** Time-slot labels from the API (the same constants the order form uses). */
let slotLabels = {};

function renderOrder(order) {
  renderItems($('#items tbody'), order.items);
  renderTotals($('#totals'), order.totals);
  const points = order.purchasePoints;
  $('#details').replaceChildren(
    ...(order.shippingAddress ? fact('お届け先', formatAddress(order.shippingAddress)) : []),
    ...fact('お支払い方法', `Amazon Pay（${order.paymentMethod?.descriptor ?? '—'}）`),
    ...(order.procedure?.delivery ? fact('お届け希望', deliveryText(order.procedure.delivery)) : []),
    ...fact('ショップメモ', h('span', { 'data-testid': 'shop-memo' }, order.shopMemo ?? '—')),
    ...fact(
      '購入ポイント',
      h(
        'span',
        { 'data-testid': 'purchase-points' },
        `${number(points.points)}ポイント${PURCHASE_POINT_STATES[points.state] ?? ''}`,
      ),
    ),
    ...(order.pointsUsed > 0 ? fact('ご利用ポイント', `${number(order.pointsUsed)}ポイント`) : []),
    ...(order.couponCode ? fact('クーポン', order.couponCode) : []),
  );
}

function deliveryText(delivery) {
  const date =
    delivery.date === 'unspecified'
      ? '日付指定なし'
      : delivery.date.replace(/^(\d+)-(\d+)-(\d+)$/, (_, y, m, d) => `${Number(y)}年${Number(m)}月${Number(d)}日`);
  const slot =
    delivery.timeSlot === 'unspecified' ? '時間帯指定なし' : (slotLabels[delivery.timeSlot] ?? delivery.timeSlot);
  return `${date}・${slot}`;
}

function showPlaced(order) {
  $('#order-number').textContent = order.orderId;
  if (order.registeredMemberId) {
    const registered = $('#registered');
    registered.replaceChildren(
      '会員登録が完了し、ログインしました（AmazonID連携会員）。パスワードは',
      h('a', { href: '/reset-password' }, 'パスワード設定'),
      'から設定できます。',
    );
    registered.hidden = false;
    // The API logged the new member in: the header shows it.
    void refreshHeader();
  } else if (order.registration?.message) {
    // C4: the order is placed, but no member was made: say why and what to do (log in and link).
    const refused = $('#registration-refused');
    refused.replaceChildren(
      h('p', {}, order.registration.message),
      h('p', {}, h('a', { href: '/login' }, 'ログインはこちら')),
    );
    refused.hidden = false;
  }
  $('#placed').hidden = false;
  clearCart();
}

function showFailed(order) {
  $('#failure-message').textContent = order.failure?.message ?? 'ご注文を完了できませんでした。';
  $('#failed-order-number').textContent = order.orderId;
  $('#failed').hidden = false;
  // The failed order cannot be reopened: the next Amazon Pay checkout of this cart is a new order.
  renewCheckoutKey();
}

async function start() {
  await initLayout();
  if (!orderId || token === null) {
    showNotice(
      pageNotice,
      'error',
      'ご注文の情報が見つかりません。',
      h('p', { class: 'actions' }, h('a', { class: 'btn', href: '/cart' }, 'カートに戻る')),
    );
    return;
  }
  const [options, completed] = await Promise.all([
    api.get('/api/storefront/procedure-options'),
    api.post(`${base}/complete`, {}, headers),
  ]);
  slotLabels = Object.fromEntries(options.timeSlots.map((slot) => [slot.value, slot.label]));
  let order = completed.order;
  const started = Date.now();
  while (order.status === 'Authorizing' && Date.now() - started < POLL_LIMIT_MS) {
    loading.textContent = 'お支払いの承認をお待ちしています…';
    await sleep(POLL_INTERVAL_MS);
    ({ order } = await api.get(base, headers));
  }
  if (order.status === 'Placed') showPlaced(order);
  else if (order.status === 'Failed' || order.status === 'Abandoned') showFailed(order);
  else {
    showNotice(
      pageNotice,
      'info',
      'お支払いの承認に時間がかかっています。しばらくしてからこのページを再読み込みしてください。',
    );
    return;
  }
  renderOrder(order);
  $('#result').hidden = false;
}

try {
  await start();
} catch (error) {
  showNotice(
    pageNotice,
    'error',
    messageOf(error),
    h('p', { class: 'actions' }, h('a', { class: 'btn', href: '/cart' }, 'カートに戻る')),
  );
} finally {
  loading.hidden = true;
}
