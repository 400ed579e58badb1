/**
 * 受注詳細 (/ops/order/{orderId}): the order (items, totals, points, coupon, shop memo M1–M3), its
 * payment with the amount limit and what may still be authorized (A2) or that nothing may (A3), the
 * charges and refunds with their Amazon ids, the ops actions on it (audit rows), attention flags and
 * its workflow in the Temporal UI; and, for operators, the actions — capture (full or partial),
 * amount change, cancel, refund — each confirmed before it is sent, offered only when the order's
 * state allows it. An amount past the limit is refused here, with the message the API would give
 * (domain/messages.ts), before anything is called.
 */
import { api, messageOf } from '../api.js';
import { $, dateTime, h, hideNotice, showNotice, yen } from '../dom.js';
import { renderItems, renderTotals } from '../order-view.js';
import { OPS_STATUS_LABELS, PAYMENT_METHOD_LABELS, requireStaff } from '../ops-console.js';

const orderId = decodeURIComponent(location.pathname.split('/').pop() ?? '');
const notice = $('#page-notice');
const actionNotice = $('#action-notice');

const POINT_STATE_LABELS = { none: '付与なし', pending: '付与予定', usable: '付与済み', revoked: '取消済み' };

const ACTION_LABELS = {
  'order.capture': '売上確定',
  'order.change_amount': '金額変更',
  'order.cancel': 'キャンセル',
  'order.refund': '返金',
};

/** A2, as domain/messages.ts words it (exceedsAmountLimitMessage). */
const exceedsAmountLimitMessage = (requested, limit, remaining) =>
  `変更後の金額${yen(requested)}が増額の上限（${yen(limit)}）を超えています。残り増額可能額: ${yen(remaining)}`;
/** A3, as domain/messages.ts words it (giftCardOnlyIncreaseMessage). */
const giftCardOnlyIncreaseMessage = (authorized) =>
  `Amazonギフト券のみでお支払いの注文は増額できません（ショップメモをご確認ください）。変更できるのは現在の金額${yen(authorized)}以下です。`;

/** @param {HTMLElement} list @param {[string, Node | string, string?][]} rows */
function facts(list, rows) {
  list.replaceChildren(
    ...rows.flatMap(([label, value, key]) => [h('dt', {}, label), h('dd', key ? { 'data-fact': key } : {}, value)]),
  );
}

function attentionFlags(order) {
  const flags = [];
  if (order.payment?.attention) flags.push(order.payment.attention);
  if (order.registration && order.registration.outcome !== 'registered')
    flags.push(`会員登録できませんでした: ${order.registration.message ?? order.registration.outcome}`);
  if (order.failure) flags.push(`失敗: ${order.failure.message}`);
  if (order.payment?.unanswered) flags.push('Amazonからの応答待ちの操作があります（次の操作の前に再送されます）。');
  return flags;
}

function renderOrder(detail, audit) {
  const { order, amountChange, workflowUrl } = detail;
  const payment = order.payment;
  $('#order-number').textContent = order.orderId;
  const flags = attentionFlags(order);
  const attention = $('#attention');
  attention.className = flags.length > 0 ? 'notice notice-error' : '';
  attention.setAttribute('data-testid', 'attention');
  attention.replaceChildren(
    ...(flags.length > 0
      ? [h('p', {}, h('strong', {}, '要確認')), h('ul', {}, ...flags.map((f) => h('li', {}, f)))]
      : []),
  );
  facts($('#summary'), [
    ['ステータス', OPS_STATUS_LABELS[order.status] ?? order.status, 'status'],
    ['受注日時', dateTime(order.placedAt ?? order.createdAt)],
    ['最終更新', dateTime(order.updatedAt)],
    ['会員', order.memberId ?? order.registeredMemberId ?? 'ゲスト'],
    ['購入者', order.buyer ? `${order.buyer.name}（${order.buyer.email}）` : '—'],
    ['進行状況', order.waitingFor ?? '—'],
    [
      'ワークフロー',
      h(
        'a',
        { href: workflowUrl, target: '_blank', rel: 'noopener', 'data-testid': 'workflow-link' },
        'Temporal UI で開く',
      ),
    ],
  ]);
  renderItems($('#items'), order.items ?? []);
  renderTotals($('#totals'), order.totals);
  facts($('#discounts'), [
    ['クーポン', order.couponCode ?? 'なし', 'coupon'],
    ['利用ポイント', `${order.pointsUsed ?? 0} pt`, 'points-used'],
    [
      '付与ポイント',
      `${order.purchasePoints?.points ?? 0} pt（${POINT_STATE_LABELS[order.purchasePoints?.state ?? 'none'] ?? order.purchasePoints?.state}）`,
      'purchase-points',
    ],
  ]);
  $('#shop-memo').textContent = order.shopMemo ?? '（なし）';

  const method = order.paymentMethod;
  facts($('#payment'), [
    ['お支払い方法', method ? PAYMENT_METHOD_LABELS[method.kind] : '—', 'payment-method'],
    ['カード', method?.cardBrand ? `${method.cardBrand} ****${method.cardLast4 ?? ''}` : '—'],
    ['Charge Permission ID', order.chargePermissionId ?? '—', 'charge-permission-id'],
    ...(payment && amountChange
      ? /** @type {[string, string, string][]} */ ([
          ['確定時の金額', yen(payment.orderAmount), 'order-amount'],
          ['現在の金額', yen(payment.amount), 'amount'],
          ['オーソリ済み', yen(amountChange.authorizedAmount), 'authorized-amount'],
          ['増額の上限（A2）', yen(amountChange.amountLimit), 'amount-limit'],
          [
            '残り増額可能額',
            amountChange.giftCardOnly
              ? `${yen(0)}（Amazonギフト券のみのため増額できません）`
              : yen(amountChange.remainingIncrease),
            'remaining-increase',
          ],
          ['売上確定額', yen(payment.capturedAmount), 'captured-amount'],
          ['返金額', yen(payment.refundedAmount), 'refunded-amount'],
          ['与信期限（180日）', dateTime(payment.permissionClosesAt)],
        ])
      : [['金額', yen(order.totals?.total ?? 0), 'amount']]),
  ]);

  $('#charges').replaceChildren(
    ...(payment?.charges ?? []).map((charge) =>
      h(
        'tr',
        {},
        h('td', {}, 'チャージ'),
        h('td', {}, h('code', {}, charge.chargeId)),
        h('td', {}, charge.state + (charge.reasonCode ? `（${charge.reasonCode}）` : '')),
        h('td', { class: 'num' }, yen(charge.amount)),
        h('td', { class: 'num' }, yen(charge.capturedAmount)),
        h('td', { class: 'num' }, yen(charge.refundedAmount)),
        h('td', {}, dateTime(charge.authorizedAt)),
      ),
    ),
    ...(payment?.refunds ?? []).map((refund) =>
      h(
        'tr',
        {},
        h('td', {}, '返金'),
        h('td', {}, h('code', {}, refund.refundId), h('br'), h('span', { class: 'muted' }, refund.chargeId)),
        h('td', {}, refund.state),
        h('td', { class: 'num' }, yen(refund.amount)),
        h('td', {}),
        h('td', {}),
        h('td', {}),
      ),
    ),
  );

  $('#audit').replaceChildren(
    ...(audit.length === 0
      ? [h('tr', {}, h('td', { colspan: '5', class: 'muted' }, '操作はまだありません。'))]
      : audit.map((row) =>
          h(
            'tr',
            {},
            h('td', {}, dateTime(row.at)),
            h('td', {}, `${row.actor}（${row.via === 'staff' ? 'スタッフ' : 'トークン'}）`),
            h('td', {}, ACTION_LABELS[row.action] ?? row.action),
            h('td', {}, row.status < 400 ? '成功' : `拒否（${row.status}）`),
            h('td', {}, changeText(row)),
          ),
        )),
  );
}

function changeText(row) {
  const before = row.before?.payment;
  const after = row.after?.payment;
  const parts = [];
  if (row.before?.status && row.after?.status && row.before.status !== row.after.status)
    parts.push(
      `${OPS_STATUS_LABELS[row.before.status] ?? row.before.status} → ${OPS_STATUS_LABELS[row.after.status] ?? row.after.status}`,
    );
  if (before && after && before.amount !== after.amount)
    parts.push(`金額 ${yen(before.amount)} → ${yen(after.amount)}`);
  return parts.join('、');
}

// ---- Actions ------------------------------------------------------------------------------------

/**
 * One action form: fields, a check before anything is sent, then a confirmation step.
 * @param {{ id: string, title: string, allowed: boolean, why: string, fields: HTMLElement[],
 *   check: (form: HTMLFormElement) => { body: Record<string, unknown>, confirm: string } | string,
 *   send: (body: Record<string, unknown>) => Promise<any>, note?: string }} spec
 */
function actionForm(spec) {
  const form = /** @type {HTMLFormElement} */ (h('form', { class: 'action', id: spec.id, novalidate: true }));
  const submit = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit', class: 'btn' }, `${spec.title}…`));
  const confirmBox = h('div', { class: 'notice notice-info', hidden: true, 'data-testid': `${spec.id}-confirm` });
  form.append(
    h('h3', {}, spec.title),
    ...(spec.note ? [h('p', { class: 'muted' }, spec.note)] : []),
    h('div', { class: 'fields' }, ...spec.fields),
    h('p', { class: 'actions' }, submit),
    ...(spec.allowed ? [] : [h('p', { class: 'muted', 'data-testid': `${spec.id}-why` }, spec.why)]),
    confirmBox,
  );
  for (const control of form.querySelectorAll('input, button, select')) {
    /** @type {HTMLInputElement} */ (control).disabled = !spec.allowed;
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    hideNotice(actionNotice);
    const checked = spec.check(form);
    if (typeof checked === 'string') {
      showNotice(actionNotice, 'error', checked);
      return;
    }
    const run = /** @type {HTMLButtonElement} */ (
      h('button', { type: 'button', class: 'btn btn-primary' }, '実行する')
    );
    const back = h('button', { type: 'button', class: 'btn' }, 'やめる');
    confirmBox.replaceChildren(h('p', {}, checked.confirm), h('p', { class: 'actions' }, run, back));
    confirmBox.hidden = false;
    submit.disabled = true;
    back.addEventListener('click', () => {
      confirmBox.hidden = true;
      submit.disabled = false;
    });
    run.addEventListener('click', () => {
      run.disabled = true;
      spec
        .send(checked.body)
        .then(() => load(`${spec.title}を実行しました。`))
        .catch((error) => {
          showNotice(actionNotice, 'error', messageOf(error));
          confirmBox.hidden = true;
          submit.disabled = false;
        });
    });
  });
  return form;
}

function field(id, label, attrs = {}) {
  return h(
    'div',
    { class: 'field', 'data-path': id },
    h('label', { for: id }, label),
    h('input', { id, name: id, ...attrs }),
  );
}

const valueOf = (form, name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value.trim();
const yenInput = (text) => (/^\d+$/.test(text) ? Number(text) : null);

function renderActions(detail, session) {
  const { order, amountChange } = detail;
  const payment = order.payment;
  const operator = session.staff.role === 'operator';
  const placed = order.status === 'Placed' && payment !== null && payment.capturedAmount === 0;
  const refundable = ['Captured', 'PartiallyRefunded'].includes(order.status) && payment !== null;
  const notOperator = '閲覧のみの権限では操作できません。';
  const stateWhy = (text) => (operator ? text : notOperator);
  const post = (action) => (body) =>
    api.post(`/ops/orders/${encodeURIComponent(order.orderId)}/${action}`, body, { 'x-csrf-token': session.csrfToken });
  const refundRoom = payment ? payment.capturedAmount - payment.refundedAmount : 0;

  $('#action-forms').replaceChildren(
    actionForm({
      id: 'capture',
      title: '売上確定（キャプチャ）',
      allowed: operator && placed,
      why: stateWhy('受注（未売上）の注文だけ売上確定できます。'),
      note: payment
        ? `空欄なら全額（${yen(payment.amount)}）。一部だけ売上確定するときは金額を入力します。`
        : undefined,
      fields: [field('capture-amount', '金額（円、任意）', { inputmode: 'numeric' })],
      check: (form) => {
        const text = valueOf(form, 'capture-amount');
        if (text === '') return { body: {}, confirm: `全額 ${yen(payment.amount)} を売上確定します。よろしいですか？` };
        const amount = yenInput(text);
        if (amount === null || amount < 1) return '金額は1円以上の整数で入力してください。';
        return { body: { amount }, confirm: `${yen(amount)} を売上確定します。よろしいですか？` };
      },
      send: post('capture'),
    }),
    actionForm({
      id: 'change-amount',
      title: '金額変更',
      allowed: operator && placed,
      why: stateWhy('売上確定前の注文だけ金額を変更できます。'),
      note: amountChange
        ? `増額の上限 ${yen(amountChange.amountLimit)}（残り増額可能額 ${yen(amountChange.remainingIncrease)}）${amountChange.giftCardOnly ? '。Amazonギフト券のみのため増額できません' : ''}`
        : undefined,
      fields: [
        field('new-amount', '変更後の金額（円）', {
          inputmode: 'numeric',
          ...(amountChange ? { max: String(amountChange.amountLimit) } : {}),
        }),
      ],
      check: (form) => {
        const amount = yenInput(valueOf(form, 'new-amount'));
        if (amount === null || amount < 1) return '金額は1円以上の整数で入力してください。';
        if (amountChange.giftCardOnly && amount > amountChange.authorizedAmount)
          return giftCardOnlyIncreaseMessage(amountChange.authorizedAmount);
        if (amount > amountChange.amountLimit)
          return exceedsAmountLimitMessage(amount, amountChange.amountLimit, amountChange.remainingIncrease);
        return {
          body: { amount },
          confirm: `金額を ${yen(payment.amount)} から ${yen(amount)} に変更します。よろしいですか？`,
        };
      },
      send: post('amount'),
    }),
    actionForm({
      id: 'cancel',
      title: 'キャンセル',
      allowed: operator && placed,
      why: stateWhy('売上確定前の注文だけキャンセルできます（売上確定後は返金）。'),
      fields: [field('cancel-reason', '理由', { maxlength: '200' })],
      check: (form) => {
        const reason = valueOf(form, 'cancel-reason');
        if (reason === '') return 'キャンセルの理由を入力してください。';
        return {
          body: { reason },
          confirm: `この注文をキャンセルします（理由: ${reason}）。元に戻せません。よろしいですか？`,
        };
      },
      send: post('cancel'),
    }),
    actionForm({
      id: 'refund',
      title: '返金',
      allowed: operator && refundable && refundRoom > 0,
      why: stateWhy('売上確定済みで、返金できる残額がある注文だけ返金できます。'),
      note: refundable ? `返金できる残額 ${yen(refundRoom)}` : undefined,
      fields: [
        field('refund-amount', '金額（円）', { inputmode: 'numeric' }),
        field('refund-reason', '理由（任意）', { maxlength: '200' }),
      ],
      check: (form) => {
        const amount = yenInput(valueOf(form, 'refund-amount'));
        if (amount === null || amount < 1) return '金額は1円以上の整数で入力してください。';
        if (amount > refundRoom) return `返金できるのは ${yen(refundRoom)} までです。`;
        const reason = valueOf(form, 'refund-reason');
        return {
          body: { amount, ...(reason === '' ? {} : { reason }) },
          confirm: `${yen(amount)} を返金します。よろしいですか？`,
        };
      },
      send: post('refund'),
    }),
  );
}

/** @type {import('../ops-console.js').StaffSession | null} */
let session = null;

/** @param {string} [done] a success message after an action */
async function load(done) {
  try {
    session ??= await requireStaff();
    const id = encodeURIComponent(orderId);
    const [detail, audit] = await Promise.all([api.get(`/ops/orders/${id}`), api.get(`/ops/orders/${id}/audit`)]);
    renderOrder(detail, audit.audit);
    renderActions(detail, session);
    $('#order').hidden = false;
    if (done) showNotice(actionNotice, 'success', done);
  } catch (error) {
    showNotice(notice, 'error', messageOf(error));
  } finally {
    $('#loading').hidden = true;
  }
}

await load();
