/**
 * Orders as tests start them, with nothing started yet: the demo items, an item for an exact total,
 * and the workflow input with test settings. Shared by the full-stack harness and the fast tier.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { CartItem } from '../../domain/cart.js';
import { newOrderId } from '../../domain/ids.js';
import { DEFAULT_FEE_TABLE } from '../../domain/totals.js';
import type { OrderInput, OrderSettings } from '../../workflows/order/definitions.js';
import type { orderWorkflow } from '../../workflows/index.js';

/** A handle on an order's workflow: `result()` is the order view. */
export type OrderHandle = WorkflowHandle<typeof orderWorkflow>;

export const TEA: CartItem = {
  productId: 'tea-sencha',
  name: '静岡煎茶 100g',
  salesType: 'normal',
  unitPrice: 1_200,
  quantity: 2,
};
export const KYUSU: CartItem = {
  productId: 'kyusu',
  name: '常滑焼 急須',
  salesType: 'normal',
  unitPrice: 6_500,
  quantity: 1,
};

/** An item whose price makes the order total exactly `total` (shipping ¥600, free from ¥5,000). */
export function itemTotalling(total: number): CartItem {
  return {
    productId: 'custom',
    name: 'テスト商品',
    salesType: 'normal',
    unitPrice: total >= 5000 ? total : total - 600,
    quantity: 1,
  };
}

function testOrderId(): string {
  return newOrderId(new Date(), Math.random);
}

export interface OrderStart {
  memberId?: string | null;
  items?: CartItem[];
  settings?: Partial<OrderSettings>;
  orderId?: string;
}

/** The workflow input of a test order: standard points at 1%, the default fees, a test shop. */
export function orderInput(o: OrderStart = {}): OrderInput {
  const orderId = o.orderId ?? testOrderId();
  return {
    orderId,
    memberId: o.memberId ?? null,
    items: o.items ?? [TEA],
    settings: {
      pointsMode: 'standard',
      pointsRatePercent: 1,
      fees: { ...DEFAULT_FEE_TABLE },
      shopName: 'テスト商店',
      checkoutResultReturnUrl: `http://shop.test/checkout/complete?orderId=${orderId}`,
      ...o.settings,
    },
  };
}

export const orderIdOf = (handle: WorkflowHandle) => handle.workflowId.replace(/^order:/, '');
