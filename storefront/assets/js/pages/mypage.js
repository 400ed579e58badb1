/**
 * マイページ: member data (L2 link state, L8 password state), the additional-information step (C6),
 * points, orders, password setting, and logout — which ends the Amazon sign-in too (L4).
 */
import { api, ApiError, messageOf } from '../api.js';
import {
  $,
  clearFieldErrors,
  dateTime,
  h,
  hideNotice,
  number,
  param,
  showFieldErrors,
  showNotice,
  yen,
} from '../dom.js';
import { initLayout, refreshHeader } from '../layout.js';
import { formatPostalCode, ORDER_STATUS_LABELS } from '../order-view.js';

const notice = $('#page-notice');

/** What brought the member here (set by the sign-in pages), as a one-time message. */
function welcomeMessage() {
  if (param('signedIn') === 'amazon') return 'Amazonアカウントでログインしました。';
  if (param('linked') === '1')
    return 'Amazonアカウントと連携しました。次回からAmazonアカウントだけでログインできます。';
  if (param('registered') === 'amazon') return 'Amazonアカウントの情報で会員登録しました。';
  return null;
}

function fact(label, value, testId) {
  return [h('dt', {}, label), h('dd', testId ? { 'data-testid': testId } : {}, value)];
}

function renderMember(member) {
  const address = [formatPostalCode(member.postalCode ?? ''), member.prefecture ?? '', member.address ?? '']
    .filter(Boolean)
    .join(' ');
  $('#member-facts').replaceChildren(
    ...fact('お名前', `${member.name} 様`),
    ...fact('メールアドレス', member.email),
    ...fact('ご住所', address || '—'),
    ...fact('電話番号', member.phone ?? '—'),
    ...fact('登録日時', dateTime(member.registeredAt)),
    ...fact(
      'Amazon連携',
      member.amazonLinked
        ? h(
            'span',
            {},
            h('span', { class: 'tag tag-amazon' }, 'AmazonID連携会員'),
            ` 連携日時 ${dateTime(member.amazonLinkedAt)}`,
          )
        : '連携していません',
      'amazon-link',
    ),
    ...fact('パスワード', member.hasPassword ? '設定済み' : '未設定', 'password-state'),
    ...fact('メールマガジン', member.newsletter ? '受け取る' : '受け取らない'),
  );
  $('#password-state').textContent = member.hasPassword
    ? '現在のパスワードと新しいパスワードを入力してください。'
    : 'パスワードは未設定です。Amazonアカウントでログイン中は、現在のパスワードなしで設定できます。';
  $('#current-password-field').hidden = !member.hasPassword;
  renderAdditionalInformation(member.additionalInformationRequired);
}

/** C6: the shop's required extra fields Amazon does not supply. */
function renderAdditionalInformation(missing) {
  const section = $('#additional-information');
  section.hidden = missing.length === 0;
  $('#additional-fields').replaceChildren(
    ...missing.map(({ key, label }) =>
      h(
        'div',
        { class: 'field', 'data-path': `extra.${key}` },
        h('label', { for: `extra-${key}`, class: 'required' }, label),
        h('input', { id: `extra-${key}`, name: key, type: 'text', maxlength: '200' }),
      ),
    ),
  );
}

function renderPoints(points) {
  $('#points').replaceChildren(
    h('dt', { class: 'lead' }, 'ご利用可能'),
    h('dd', { class: 'lead', 'data-testid': 'points-available' }, `${number(points.available)} pt`),
    h('dt', {}, '保有ポイント'),
    h('dd', {}, `${number(points.balance)} pt`),
    h('dt', {}, 'ご注文で確保中'),
    h('dd', {}, `${number(points.reserved)} pt`),
    h('dt', {}, '付与予定'),
    h('dd', {}, `${number(points.pending)} pt`),
  );
}

function renderOrders(orders) {
  $('#no-orders').hidden = orders.length > 0;
  $('#orders').hidden = orders.length === 0;
  $('#orders tbody').replaceChildren(
    ...orders.map((order) =>
      h(
        'tr',
        {},
        h('td', {}, order.orderId),
        h('td', {}, dateTime(order.placedAt ?? order.createdAt)),
        h('td', {}, ORDER_STATUS_LABELS[order.status] ?? order.status),
        h('td', { class: 'num' }, yen(order.totals.total)),
      ),
    ),
  );
}

async function load() {
  const [{ member }, { points }, { orders }] = await Promise.all([
    api.get('/api/members/me'),
    api.get('/api/members/me/points'),
    api.get('/api/members/me/orders'),
  ]);
  renderMember(member);
  renderPoints(points);
  renderOrders(orders);
}

// ---- Forms ----------------------------------------------------------------------------------------

const additionalForm = /** @type {HTMLFormElement} */ ($('#additional-form'));
additionalForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const extra = Object.fromEntries(
    [...additionalForm.querySelectorAll('input')].map((input) => [input.name, input.value.trim()]),
  );
  clearFieldErrors(additionalForm);
  api
    .post('/api/members/me/additional-information', { extra })
    .then(({ member }) => {
      renderMember(member);
      showNotice(notice, 'success', '会員情報を登録しました。');
    })
    .catch((error) => {
      const unplaced = error instanceof ApiError ? showFieldErrors(additionalForm, error.fields, error.message) : [];
      if (!(error instanceof ApiError) || error.fields.length === 0 || unplaced.length > 0)
        showNotice($('#additional-notice'), 'error', messageOf(error));
    });
});

const passwordForm = /** @type {HTMLFormElement} */ ($('#password-form'));
passwordForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const current = /** @type {HTMLInputElement} */ ($('#current-password'));
  const next = /** @type {HTMLInputElement} */ ($('#new-password'));
  const body = {
    newPassword: next.value,
    ...($('#current-password-field').hidden ? {} : { currentPassword: current.value }),
  };
  const box = $('#password-notice');
  clearFieldErrors(passwordForm);
  hideNotice(box);
  api
    .post('/api/members/me/password', body)
    .then(async () => {
      current.value = '';
      next.value = '';
      showNotice(box, 'success', 'パスワードを設定しました。');
      const { member } = await api.get('/api/members/me');
      renderMember(member);
    })
    .catch((error) => {
      const unplaced = error instanceof ApiError ? showFieldErrors(passwordForm, error.fields, error.message) : [];
      if (!(error instanceof ApiError) || error.fields.length === 0 || unplaced.length > 0)
        showNotice(box, 'error', messageOf(error));
    });
});

const logoutButton = /** @type {HTMLButtonElement} */ ($('#logout'));
logoutButton.addEventListener('click', () => {
  logoutButton.disabled = true;
  api
    .post('/api/auth/logout')
    .then(async (answer) => {
      // L4: the API ends the shop session and the Amazon sign-in together (amazonSignOut: true).
      $('#mypage').hidden = true;
      hideNotice(notice);
      const amazonLine = $('#logged-out li:last-child');
      amazonLine.hidden = answer.amazonSignOut !== true;
      $('#logged-out').hidden = false;
      await refreshHeader();
    })
    .catch((error) => {
      logoutButton.disabled = false;
      showNotice(notice, 'error', messageOf(error));
    });
});

// ---- Start ----------------------------------------------------------------------------------------

const session = await initLayout();
try {
  if (session.member === null) {
    showNotice(
      notice,
      'info',
      'マイページをご利用になるにはログインしてください。',
      h('p', { class: 'actions' }, h('a', { class: 'btn btn-primary', href: '/login?next=/mypage' }, 'ログイン画面へ')),
    );
  } else {
    await load();
    const welcome = welcomeMessage();
    if (welcome !== null) {
      showNotice(notice, 'success', welcome);
      history.replaceState(null, '', location.pathname);
    }
    $('#mypage').hidden = false;
  }
} catch (error) {
  showNotice(notice, 'error', messageOf(error));
} finally {
  $('#loading').hidden = true;
}
