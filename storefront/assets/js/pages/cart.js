/**
 * カート (C1): both ways to pay side by side — 「このサイトでお支払い」 (the shop's normal order form)
 * and the Amazon Pay button, which starts the Amazon Pay checkout (POST /api/checkouts) and sends
 * the buyer to Amazon's page. R2 refusals (pre-order, subscription items) are shown as the API words them.
 * In an in-app browser, a notice above the button asks for a regular browser (B).
 */
import { noticeInAppBrowser } from '../amazon.js';
import { api, ApiError, messageOf } from '../api.js';
import { CART_CHANGED, MAX_QUANTITY, readCart, rememberCheckout, removeFromCart, setQuantity } from '../cart.js';
import { $, h, hideNotice, showNotice, yen } from '../dom.js';
import { initLayout } from '../layout.js';

const errorBox = $('#checkout-error');
/** @type {Map<string, any>} */
let catalog = new Map();
/** Product ids the last checkout attempt refused (R2), marked in the table. */
let refused = new Set();
/** The shop's fee table (GET /api/storefront/procedure-options), the one every order is totalled with. */
let fees = null;

function lineRow(line) {
  const product = catalog.get(line.productId);
  const quantity = h('input', {
    type: 'number',
    min: '1',
    max: String(MAX_QUANTITY),
    step: '1',
    value: String(line.quantity),
    inputmode: 'numeric',
    id: `qty-${line.productId}`,
  });
  quantity.addEventListener('change', () => {
    const value = Math.trunc(Number(/** @type {HTMLInputElement} */ (quantity).value));
    setQuantity(line.productId, Math.min(Math.max(Number.isFinite(value) ? value : 1, 1), MAX_QUANTITY));
  });
  const remove = h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `${product.name}を削除` }, '削除');
  remove.addEventListener('click', () => removeFromCart(line.productId));
  return h(
    'tr',
    { class: refused.has(line.productId) ? 'refused' : false, 'data-product-id': line.productId },
    h(
      'td',
      {},
      product.name,
      product.salesType !== 'normal' ? h('span', { class: 'tag tag-warn' }, 'Amazon Pay対象外') : null,
    ),
    h('td', { class: 'num' }, yen(product.price)),
    h(
      'td',
      {},
      h('label', { class: 'visually-hidden', for: `qty-${line.productId}` }, `数量（${product.name}）`),
      quantity,
    ),
    h('td', { class: 'num' }, yen(product.price * line.quantity)),
    h('td', { class: 'num' }, remove),
  );
}

function render() {
  const lines = readCart().items.filter((line) => catalog.has(line.productId));
  $('#empty').hidden = lines.length > 0;
  $('#cart').hidden = lines.length === 0;
  $('#cart-table tbody').replaceChildren(...lines.map(lineRow));
  const subtotal = lines.reduce((sum, line) => sum + catalog.get(line.productId).price * line.quantity, 0);
  $('#cart-subtotal').textContent = yen(subtotal);
  const shipping = fees === null ? null : subtotal >= fees.freeShippingThreshold ? 0 : fees.shippingFee;
  $('#cart-shipping').textContent = shipping === null ? '—' : shipping === 0 ? '無料' : yen(shipping);
  $('#cart-total').textContent = shipping === null ? yen(subtotal) : yen(subtotal + shipping);
}

function renderFeeRules() {
  if (fees === null) return;
  $('#fee-rules').textContent =
    `送料${yen(fees.shippingFee)}（${yen(fees.freeShippingThreshold)}以上のご注文で無料）。` +
    `ギフト包装${yen(fees.giftWrappingFee)}${fees.noshiFee > 0 ? `・のし${yen(fees.noshiFee)}` : '・のし無料'}、ポイント・クーポンはご注文手続きで反映します。`;
}

async function payWithAmazon(button) {
  const cart = readCart();
  const items = cart.items
    .filter((line) => catalog.has(line.productId))
    .map(({ productId, quantity }) => ({ productId, quantity }));
  hideNotice(errorBox);
  button.disabled = true;
  try {
    const created = await api.post('/api/checkouts', { items }, { 'Idempotency-Key': cart.checkoutKey });
    rememberCheckout(created.orderId, created.orderToken);
    const target = created.amazonPayButton?.redirectUrl;
    if (!target) {
      // With real Amazon, amazon.Pay.renderButton() takes the signed payload instead; not part of this demo.
      showNotice(
        errorBox,
        'error',
        'Amazon Payのボタンを表示できません（エミュレーター以外の接続先はこのデモの対象外です）。',
      );
      button.disabled = false;
      return;
    }
    location.assign(target);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'cart_refused') {
      refused = new Set(
        (error.details?.problems ?? []).flatMap(
          (problem) => problem.productIds ?? (problem.productId ? [problem.productId] : []),
        ),
      );
      render();
    }
    showNotice(errorBox, 'error', messageOf(error));
    button.disabled = false;
  }
}

noticeInAppBrowser($('#in-app-browser-notice'), 'Amazon Pay');
await initLayout();
try {
  const [{ products }, options] = await Promise.all([
    api.get('/api/products'),
    api.get('/api/storefront/procedure-options'),
  ]);
  catalog = new Map(products.map((product) => [product.productId, product]));
  fees = options.fees;
  renderFeeRules();
  render();
  document.addEventListener(CART_CHANGED, () => {
    refused = new Set();
    hideNotice(errorBox);
    render();
  });
  const amazonButton = /** @type {HTMLButtonElement} */ ($('#amazon-pay'));
  amazonButton.addEventListener('click', () => payWithAmazon(amazonButton));
} catch (error) {
  showNotice($('#page-notice'), 'error', messageOf(error));
} finally {
  $('#loading').hidden = true;
}
