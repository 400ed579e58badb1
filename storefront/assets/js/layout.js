/** The header every page shows: shop name, links, cart count and the login state. */
import { api } from './api.js';
import { CART_CHANGED, cartCount } from './cart.js';
import { h } from './dom.js';

const SHOP_NAME = 'Amazon Pay デモショップ';

/**
 * @typedef {{ member: null | { memberId: string, name: string, email: string, amazonLinked: boolean },
 *   amazon: { signedIn: boolean, buyerId: string | null },
 *   pendingAmazonBuyer: null | { name: string, email: string } }} ShopSession
 */

/** @type {ShopSession} */
const SIGNED_OUT = { member: null, amazon: { signedIn: false, buyerId: null }, pendingAmazonBuyer: null };

/** @returns {Promise<ShopSession>} */
async function fetchSession() {
  try {
    return await api.get('/api/auth/session');
  } catch {
    return SIGNED_OUT;
  }
}

function navLink(href, label, ...extra) {
  const current = location.pathname === href;
  return h('a', { href, 'aria-current': current ? 'page' : false }, label, ...extra);
}

/** @type {HTMLElement | null} */
let countBadge = null;

function refreshCount() {
  if (countBadge === null) return;
  countBadge.textContent = String(cartCount());
  countBadge.setAttribute('aria-label', `${cartCount()}点`);
}

function renderHeader(header, session) {
  const count = h('span', { class: 'cart-count' });
  if (countBadge === null) {
    document.addEventListener(CART_CHANGED, refreshCount);
    window.addEventListener('storage', refreshCount);
  }
  countBadge = count;
  refreshCount();
  const account = session.member
    ? [
        navLink('/mypage', 'マイページ'),
        h('span', { class: 'session-state', 'data-testid': 'session-state' }, `${session.member.name} 様`),
      ]
    : [navLink('/login', 'ログイン'), h('span', { class: 'session-state', 'data-testid': 'session-state' }, 'ゲスト')];
  const amazonTag = session.amazon.signedIn
    ? h('span', { class: 'tag tag-amazon', text: 'Amazonでサインイン中' })
    : null;
  header.replaceChildren(
    h(
      'div',
      { class: 'container header-inner' },
      h('a', { class: 'brand', href: '/' }, SHOP_NAME),
      h(
        'nav',
        { class: 'site-nav', 'aria-label': 'サイト内' },
        navLink('/', '商品一覧'),
        navLink('/cart', 'カート', count),
        ...account,
        amazonTag,
      ),
    ),
  );
}

/** Renders the header (and footer) and answers the session the page can use. */
export async function initLayout() {
  const header = document.querySelector('[data-site-header]');
  const session = await fetchSession();
  if (header instanceof HTMLElement) renderHeader(header, session);
  const footer = document.querySelector('[data-site-footer]');
  if (footer instanceof HTMLElement) {
    footer.replaceChildren(
      h(
        'div',
        { class: 'container' },
        `${SHOP_NAME} — Amazon Pay の注文処理を試すためのデモです。実際の商品の販売・発送は行いません。`,
      ),
    );
  }
  return session;
}

/** Redraws the header after a login or logout on the same page. */
export async function refreshHeader() {
  const header = document.querySelector('[data-site-header]');
  const session = await fetchSession();
  if (header instanceof HTMLElement) renderHeader(header, session);
  return session;
}
