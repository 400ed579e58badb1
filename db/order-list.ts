/**
 * The ops console's order list (受注一覧) from the read model: filters, newest first, one page and
 * the number of matching orders. The route and the db-access bench run this same code.
 */
import type { FilterQuery } from 'mongoose';
import type { Models } from './models/index.js';
import type { OrderDoc } from './models/order.js';

export interface OrderListFilter {
  status?: string | undefined;
  memberId?: string | undefined;
  paymentMethod?: string | undefined;
  chargePermissionId?: string | undefined;
  /** Ordered on or after this day (`YYYY-MM-DD`, Japan time). */
  from?: string | undefined;
  /** Ordered on or before this day (`YYYY-MM-DD`, Japan time). */
  to?: string | undefined;
}

export interface OrderListPage {
  total: number;
  orders: OrderDoc[];
}

/** A Japan-time day's first instant (JST has no daylight saving: UTC+9 all year). */
const tokyoDayStart = (day: string) => new Date(`${day}T00:00:00+09:00`);

/** The read-model query of the list's filters. */
export function orderListQuery(filter: OrderListFilter): FilterQuery<OrderDoc> {
  const { from, to, ...equal } = filter;
  const query: FilterQuery<OrderDoc> = Object.fromEntries(
    Object.entries(equal).filter(([, value]) => value !== undefined),
  );
  if (from !== undefined || to !== undefined) {
    query.createdAt = {
      ...(from === undefined ? {} : { $gte: tokyoDayStart(from) }),
      ...(to === undefined ? {} : { $lt: new Date(tokyoDayStart(to).getTime() + 86_400_000) }),
    };
  }
  return query;
}

export async function listOrders(
  models: Pick<Models, 'Order'>,
  filter: OrderListFilter,
  page: number,
  pageSize: number,
): Promise<OrderListPage> {
  const query = orderListQuery(filter);
  const [total, orders] = await Promise.all([
    models.Order.countDocuments(query),
    models.Order.find(query)
      .sort({ createdAt: -1 })
      .skip((page - 1) * pageSize)
      .limit(pageSize)
      .lean(),
  ]);
  return { total, orders };
}
