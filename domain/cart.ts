/**
 * R2: which carts the Amazon Pay checkout accepts. Pre-order (予約販売) and subscription /
 * distribution (定期・頒布会) items cannot be ordered through it; the manual (制限事項) names where
 * they can be ordered instead, and the refusal says so.
 */
import { z } from 'zod';
import {
  EMPTY_CART_MESSAGE,
  preOrderItemsRefusedMessage,
  quantityOutOfRangeMessage,
  subscriptionItemsRefusedMessage,
} from './messages.js';
import { yenSchema } from './money.js';

const SALES_TYPES = ['normal', 'pre_order', 'subscription'] as const;
export type SalesType = (typeof SALES_TYPES)[number];

/** The shop's per-line quantity bounds (a cart line of 0 is a removed line, not an order). */
const MIN_QUANTITY = 1;
export const MAX_QUANTITY = 99;

export const cartItemSchema = z.strictObject({
  productId: z.string().min(1),
  name: z.string().min(1),
  salesType: z.enum(SALES_TYPES),
  /** Tax-included unit price in yen. */
  unitPrice: yenSchema,
  quantity: z.number().int(),
});
export type CartItem = z.infer<typeof cartItemSchema>;

type CartProblem =
  | { code: 'empty_cart'; message: string }
  | { code: 'pre_order_items'; productIds: string[]; message: string }
  | { code: 'subscription_items'; productIds: string[]; message: string }
  | { code: 'quantity_out_of_range'; productId: string; quantity: number; message: string };

export type CartCheck = { ok: true } | { ok: false; problems: CartProblem[] };

/** R2 plus basic cart sanity; reports every problem so the buyer can fix the cart in one go. */
export function checkAmazonPayCart(items: readonly CartItem[]): CartCheck {
  if (items.length === 0) return { ok: false, problems: [{ code: 'empty_cart', message: EMPTY_CART_MESSAGE }] };
  const problems: CartProblem[] = [];

  const preOrders = items.filter((item) => item.salesType === 'pre_order');
  if (preOrders.length > 0) {
    problems.push({
      code: 'pre_order_items',
      productIds: preOrders.map((item) => item.productId),
      message: preOrderItemsRefusedMessage(preOrders.map((item) => item.name)),
    });
  }
  const subscriptions = items.filter((item) => item.salesType === 'subscription');
  if (subscriptions.length > 0) {
    problems.push({
      code: 'subscription_items',
      productIds: subscriptions.map((item) => item.productId),
      message: subscriptionItemsRefusedMessage(subscriptions.map((item) => item.name)),
    });
  }
  for (const item of items) {
    if (!Number.isInteger(item.quantity) || item.quantity < MIN_QUANTITY || item.quantity > MAX_QUANTITY) {
      problems.push({
        code: 'quantity_out_of_range',
        productId: item.productId,
        quantity: item.quantity,
        message: quantityOutOfRangeMessage(item.name, MIN_QUANTITY, MAX_QUANTITY),
      });
    }
  }
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}
