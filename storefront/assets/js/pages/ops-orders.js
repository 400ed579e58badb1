/**
 * 受注一覧 (/ops/): the read model's orders, newest first, searched by status, payment method,
 * ordering day (Japan time), member and Amazon charge permission id (`GET /ops/orders`). The search
 * lives in the page's address, so a result can be bookmarked, shared and gone back to. Pages follow
 * the list's cursor (`after`): 「次へ」 goes on from the last order shown, 「最新へ」 back to the first
 * page (the browser's back button to the previous one); past 1,000 the count reads 「1,000件以上」.
 */
import { api, messageOf } from '../api.js';
import { $, dateTime, h, showNotice, yen } from '../dom.js';
import { OPS_STATUS_LABELS, PAYMENT_METHOD_LABELS, requireStaff } from '../ops-console.js';

const PAGE_SIZE = 50;
const FILTERS = ['status', 'paymentMethod', 'from', 'to', 'memberId', 'chargePermissionId'];

const notice = $('#page-notice');
const form = /** @type {HTMLFormElement} */ ($('#search-form'));

/** @param {HTMLElement} select @param {Record<string, string>} labels */
function fillOptions(select, labels) {
  select.append(...Object.entries(labels).map(([value, label]) => h('option', { value }, label)));
}
fillOptions($('#status'), OPS_STATUS_LABELS);
fillOptions($('#paymentMethod'), PAYMENT_METHOD_LABELS);

const search = new URLSearchParams(location.search);
for (const name of FILTERS) {
  const input = /** @type {HTMLInputElement | null} */ (form.elements.namedItem(name));
  if (input !== null) input.value = search.get(name) ?? '';
}
const after = search.get('after');

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const next = new URLSearchParams();
  for (const name of FILTERS) {
    const value = /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value.trim();
    if (value !== '') next.set(name, value);
  }
  location.assign(`/ops/${next.size > 0 ? `?${next}` : ''}`);
});

/** What needs a look (A2's expired authorization, a declined refund, a refused registration). */
function attentionOf(order) {
  const flags = [];
  if (order.payment?.attention) flags.push('要対応');
  if (order.registration !== null && order.registration?.outcome !== 'registered') flags.push('会員登録不可');
  if (order.failure) flags.push('失敗');
  return flags;
}

/** @param {any} order */
function row(order) {
  const method = order.paymentMethod?.kind;
  return h(
    'tr',
    { 'data-order-id': order.orderId },
    h('td', {}, h('a', { href: `/ops/order/${encodeURIComponent(order.orderId)}` }, order.orderId)),
    h('td', {}, dateTime(order.placedAt ?? order.createdAt)),
    h('td', { 'data-testid': 'order-status' }, OPS_STATUS_LABELS[order.status] ?? order.status),
    h('td', {}, order.memberId ?? order.registeredMemberId ?? 'ゲスト'),
    h('td', {}, method ? PAYMENT_METHOD_LABELS[method] : '—'),
    h('td', { class: 'num' }, yen(order.payment?.amount ?? order.totals?.total ?? 0)),
    h('td', {}, ...attentionOf(order).map((flag) => h('span', { class: 'tag tag-warn' }, flag))),
  );
}

/** @param {HTMLElement} anchor @param {string | null | undefined} cursor the page's `after`; undefined: none */
function pageLink(anchor, cursor) {
  const params = new URLSearchParams(location.search);
  if (cursor === null) params.delete('after');
  else if (cursor !== undefined) params.set('after', cursor);
  if (cursor !== undefined) anchor.setAttribute('href', `/ops/${params.size > 0 ? `?${params}` : ''}`);
  else anchor.removeAttribute('href');
  anchor.setAttribute('aria-disabled', String(cursor === undefined));
}

/** @param {{ next: string | null, orders: unknown[] }} result */
function renderPager(result) {
  pageLink($('#first'), after === null ? undefined : null);
  pageLink($('#next'), result.next ?? undefined);
  $('#page-state').textContent = after === null ? '最新の受注から' : '続き';
  $('#pager').hidden = after === null && result.next === null;
}

/**
 * The number of matching orders, asked once the page is shown (counting reads up to 1,000 orders).
 * @param {URLSearchParams} query the page's filters
 */
async function showCount(query) {
  const filters = new URLSearchParams([...query].filter(([name]) => FILTERS.includes(name)));
  const count = $('#result-count');
  count.textContent = '件数を数えています…';
  try {
    const { total, totalExact } = await api.get(`/ops/orders/count?${filters}`);
    count.textContent = `${total.toLocaleString('ja-JP')}件${totalExact ? '' : '以上'}`;
  } catch {
    count.textContent = '';
  }
}

try {
  await requireStaff();
  const query = new URLSearchParams();
  for (const name of FILTERS) {
    const value = search.get(name);
    if (value) query.set(name, value);
  }
  if (after !== null) query.set('after', after);
  query.set('pageSize', String(PAGE_SIZE));
  const result = await api.get(`/ops/orders?${query}`);
  $('#order-rows').replaceChildren(...result.orders.map(row));
  $('#orders').hidden = result.orders.length === 0;
  if (result.orders.length === 0) showNotice(notice, 'info', '条件に合う受注はありません。');
  renderPager(result);
  $('#loading').hidden = true;
  await showCount(query);
} catch (error) {
  showNotice(notice, 'error', messageOf(error));
} finally {
  $('#loading').hidden = true;
}
