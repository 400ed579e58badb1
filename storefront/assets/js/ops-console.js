/**
 * Shared by the ops console's pages (受注一覧, 受注詳細): the staff session (or the sign-in page with
 * `?next=` back here), the console header, and the words for statuses and payment methods.
 */
import { api, ApiError } from './api.js';
import { h } from './dom.js';

/** Every order status, in staff words. */
export const OPS_STATUS_LABELS = {
  CheckoutCreated: '手続き中（Amazon画面）',
  AddressSelected: '手続き中（住所選択済み）',
  ProcedureEntered: '手続き中（入力済み）',
  Confirmed: '確認中',
  Authorizing: 'オーソリ待ち',
  Placed: '受注（未売上）',
  Failed: '不成立',
  Abandoned: '期限切れ',
  Captured: '売上確定',
  PartiallyRefunded: '一部返金',
  Refunded: '返金済み',
  Canceled: 'キャンセル',
};

/** How an order was paid (M1's three cases). */
export const PAYMENT_METHOD_LABELS = {
  gift_card: 'Amazonギフト券のみ',
  gift_card_and_card: 'Amazonギフト券とクレジットカード',
  card: 'クレジットカード',
};

const ROLE_LABELS = { operator: 'オペレーター', viewer: '閲覧のみ' };

/**
 * @typedef {{ staff: { login: string, name: string, role: 'viewer' | 'operator' }, csrfToken: string }} StaffSession
 */

/** The sign-in page, coming back to this page afterwards. */
function toSignIn() {
  location.assign(`/ops/login?next=${encodeURIComponent(location.pathname + location.search)}`);
}

/**
 * The signed-in staff member (the header filled in), or off to the sign-in page.
 * @returns {Promise<StaffSession>}
 */
export async function requireStaff() {
  /** @type {StaffSession} */
  let session;
  try {
    session = await api.get('/ops/session');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) toSignIn();
    throw error;
  }
  renderHeader(session);
  return session;
}

/** @param {StaffSession} session */
function renderHeader(session) {
  const header = document.querySelector('[data-ops-header]');
  if (header === null) return;
  const signOut = h('button', { type: 'button', class: 'btn btn-small', id: 'sign-out' }, 'サインアウト');
  signOut.addEventListener('click', () => {
    /** @type {HTMLButtonElement} */ (signOut).disabled = true;
    void api.delete('/ops/session', { 'x-csrf-token': session.csrfToken }).finally(() => location.assign('/ops/login'));
  });
  header.replaceChildren(
    h(
      'div',
      { class: 'container header-inner' },
      h('a', { class: 'brand', href: '/ops/' }, '管理画面'),
      h(
        'nav',
        { class: 'site-nav', 'aria-label': '管理画面' },
        h('a', { href: '/ops/', 'aria-current': location.pathname === '/ops/' ? 'page' : false }, '受注一覧'),
        // 会員検索 (/ops/member-search) and 会員詳細 (/ops/member/{memberId}).
        h(
          'a',
          { href: '/ops/member-search', 'aria-current': location.pathname.startsWith('/ops/member') ? 'page' : false },
          '会員検索',
        ),
        h(
          'a',
          { href: '/ops/reconcile', 'aria-current': location.pathname === '/ops/reconcile' ? 'page' : false },
          '照合',
        ),
        h(
          'span',
          { class: 'session-state', 'data-testid': 'staff-state' },
          `${session.staff.name}（${ROLE_LABELS[session.staff.role]}）`,
        ),
        signOut,
      ),
    ),
  );
}
