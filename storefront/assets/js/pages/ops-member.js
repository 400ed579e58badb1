/**
 * 会員詳細 (/ops/member/{memberId}): the member as stored (`GET /ops/members/{memberId}`) — contact
 * data, preferences, the shop's extra fields — the registration and the Amazon link with both
 * date-times shown as stored, to the second (L7: a member registered at purchase on the Amazon Pay
 * checkout has the same time in both), the point account, and the newest orders, each linked to
 * 受注詳細.
 */
import { api, messageOf } from '../api.js';
import { $, dateTime, dateTimeSeconds, h, number, showNotice, yen } from '../dom.js';
import { OPS_STATUS_LABELS, requireStaff } from '../ops-console.js';

const memberId = decodeURIComponent(location.pathname.split('/').pop() ?? '');
const notice = $('#page-notice');

const REGISTERED_VIA_LABELS = {
  form: '会員登録フォーム',
  amazon_sign_in: 'Amazonアカウントでログイン',
  amazon_pay_checkout: 'Amazon Payでのご購入時',
};

/** @param {boolean | null} value */
const preference = (value) => (value === null ? '未回答' : value ? '希望する' : '希望しない');

/** @param {HTMLElement} list @param {[string, Node | string, string?][]} rows */
function facts(list, rows) {
  list.replaceChildren(
    ...rows.flatMap(([label, value, key]) => [h('dt', {}, label), h('dd', key ? { 'data-fact': key } : {}, value)]),
  );
}

/** @param {any} order */
function orderRow(order) {
  return h(
    'tr',
    { 'data-order-id': order.orderId },
    h('td', {}, h('a', { href: `/ops/order/${encodeURIComponent(order.orderId)}` }, order.orderId)),
    h('td', {}, dateTime(order.placedAt ?? order.createdAt)),
    h('td', {}, OPS_STATUS_LABELS[order.status] ?? order.status),
    h('td', { class: 'num' }, yen(order.payment?.amount ?? order.totals?.total ?? 0)),
  );
}

function renderMember({ member, points, orders, ordersTotal }) {
  $('#member-number').textContent = member.memberId;
  facts($('#profile'), [
    ['会員ID', member.memberId, 'member-id'],
    ['氏名', member.name, 'name'],
    ['メールアドレス', member.email, 'email'],
    ['郵便番号', member.postalCode ?? '—'],
    ['住所', `${member.prefecture ?? ''}${member.address ?? ''}` || '—'],
    ['電話番号', member.phone ?? '—'],
    ['メールマガジン', preference(member.newsletter)],
    ['携帯メール', preference(member.mobileMail)],
    ...member.extra.map(({ label, value }) => /** @type {[string, string]} */ ([label, value ?? '—'])),
  ]);
  facts($('#link'), [
    ['登録日時', dateTimeSeconds(member.registeredAt), 'registered-at'],
    ['登録経路', REGISTERED_VIA_LABELS[member.registeredVia] ?? member.registeredVia, 'registered-via'],
    [
      'ID連携',
      member.amazonLinked ? h('span', { class: 'tag tag-amazon' }, 'AmazonID連携会員') : '連携していません',
      'amazon-link',
    ],
    ['AmazonID連携日時', member.amazonLinkedAt ? dateTimeSeconds(member.amazonLinkedAt) : '—', 'amazon-linked-at'],
    ['パスワード', member.hasPassword ? '設定済み' : '未設定（Amazonアカウントでログイン）', 'password'],
  ]);
  facts($('#points'), [
    ['利用可能', `${number(points.available)} pt`, 'points-available'],
    ['保有（利用手続き中を含む）', `${number(points.balance)} pt`, 'points-balance'],
    ['利用手続き中', `${number(points.reserved)} pt`, 'points-reserved'],
    ['付与予定（発送後に利用可能）', `${number(points.pending)} pt`, 'points-pending'],
  ]);
  $('#orders-count').textContent = `${number(ordersTotal)}件`;
  $('#order-rows').replaceChildren(
    ...(orders.length === 0
      ? [h('tr', {}, h('td', { colspan: '4', class: 'muted' }, '受注はありません。'))]
      : orders.map(orderRow)),
  );
  $('#all-orders').setAttribute('href', `/ops/?${new URLSearchParams({ memberId: member.memberId })}`);
  $('#member').hidden = false;
}

try {
  await requireStaff();
  renderMember(await api.get(`/ops/members/${encodeURIComponent(memberId)}`));
} catch (error) {
  showNotice(notice, 'error', messageOf(error));
} finally {
  $('#loading').hidden = true;
}
