/**
 * The cart, kept in localStorage: `{ items: [{ productId, quantity }], checkoutKey }`.
 * `checkoutKey` is the Idempotency-Key of POST /api/checkouts: one per cart state, so pressing the
 * Amazon Pay button twice for the same cart joins the same order, and any change makes a new one.
 */
const STORAGE_KEY = 'demo-shop.cart';
export const MAX_QUANTITY = 99;
export const CART_CHANGED = 'cart:changed';

function newCheckoutKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `cart-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/** @returns {{ items: { productId: string, quantity: number }[], checkoutKey: string }} */
export function readCart() {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    if (stored !== null && Array.isArray(stored.items) && typeof stored.checkoutKey === 'string') {
      const items = stored.items.filter(
        (item) =>
          typeof item?.productId === 'string' &&
          Number.isInteger(item.quantity) &&
          item.quantity >= 1 &&
          item.quantity <= MAX_QUANTITY,
      );
      return { items, checkoutKey: stored.checkoutKey };
    }
  } catch {
    // A damaged entry is an empty cart.
  }
  return { items: [], checkoutKey: newCheckoutKey() };
}

function writeCart(items) {
  localStorage.setItem(STORAGE_KEY, JSON.stringify({ items, checkoutKey: newCheckoutKey() }));
  document.dispatchEvent(new CustomEvent(CART_CHANGED));
}

export function addToCart(productId, quantity = 1) {
  const items = readCart().items;
  const line = items.find((item) => item.productId === productId);
  if (line === undefined) items.push({ productId, quantity: Math.min(quantity, MAX_QUANTITY) });
  else line.quantity = Math.min(line.quantity + quantity, MAX_QUANTITY);
  writeCart(items);
}

export function setQuantity(productId, quantity) {
  const items = readCart().items.map((item) => (item.productId === productId ? { ...item, quantity } : item));
  writeCart(items.filter((item) => item.quantity >= 1));
}

export function removeFromCart(productId) {
  writeCart(readCart().items.filter((item) => item.productId !== productId));
}

export function clearCart() {
  writeCart([]);
}

/** A failed order cannot be reopened: the same cart needs a new checkout key. */
export function renewCheckoutKey() {
  writeCart(readCart().items);
}

export function cartCount() {
  return readCart().items.reduce((sum, item) => sum + item.quantity, 0);
}

// ---- The checkout in progress (this tab only) -------------------------------------------------

const CHECKOUT_KEY = 'demo-shop.checkout';

/** Keeps the order id and its token after POST /api/checkouts. */
export function rememberCheckout(orderId, orderToken) {
  sessionStorage.setItem(CHECKOUT_KEY, JSON.stringify({ orderId, orderToken }));
}

/** The order token for `orderId`: from the return URL, else from this tab's checkout. */
export function orderTokenFor(orderId, fromUrl) {
  if (fromUrl) return fromUrl;
  try {
    const stored = JSON.parse(sessionStorage.getItem(CHECKOUT_KEY) ?? 'null');
    if (stored?.orderId === orderId && typeof stored.orderToken === 'string') return stored.orderToken;
  } catch {
    // Nothing usable stored.
  }
  return null;
}
