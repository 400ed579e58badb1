/** 商品一覧: the catalog from GET /api/products, each with 「カートに入れる」. */
import { api, messageOf } from '../api.js';
import { addToCart } from '../cart.js';
import { $, h, hideNotice, showNotice, yen } from '../dom.js';
import { initLayout } from '../layout.js';

const SALES_TYPE_TAGS = {
  pre_order: { label: '予約商品', note: 'Amazon Pay対象外（通常のご注文フォームでご注文ください）' },
  subscription: { label: '定期便', note: 'Amazon Pay対象外（定期・頒布会商品専用ショッピングカートでご注文ください）' },
};

const status = $('#add-status');
let statusTimer = 0;

function productCard(product, index) {
  const tag = SALES_TYPE_TAGS[product.salesType];
  const button = h(
    'button',
    { type: 'button', class: 'btn btn-primary btn-block', 'aria-label': `${product.name}をカートに入れる` },
    'カートに入れる',
  );
  button.addEventListener('click', () => {
    addToCart(product.productId);
    showNotice(
      status,
      'success',
      `「${product.name}」をカートに入れました。`,
      h('a', { href: '/cart' }, 'カートを見る'),
    );
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => hideNotice(status), 6000);
  });
  const initial = product.name
    .replace(/^【.+?】/, '')
    .trim()
    .charAt(0);
  return h(
    'article',
    { class: 'product', 'data-product-id': product.productId },
    h('div', { class: `product-art art-${index % 6}`, 'aria-hidden': 'true' }, initial),
    h(
      'div',
      { class: 'product-body' },
      tag ? h('p', {}, h('span', { class: 'tag tag-warn', text: tag.label })) : null,
      h('h2', { text: product.name }),
      h('p', { class: 'muted', text: product.description }),
      tag ? h('p', { class: 'hint', text: tag.note }) : null,
      h('p', { class: 'price' }, yen(product.price), h('small', { text: '（税込）' })),
      button,
    ),
  );
}

await initLayout();
try {
  const { products } = await api.get('/api/products');
  $('#products').replaceChildren(...products.map(productCard));
} catch (error) {
  showNotice($('#page-notice'), 'error', messageOf(error));
} finally {
  $('#loading').hidden = true;
}
