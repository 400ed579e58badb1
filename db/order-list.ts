/**
 * The ops console's order list (受注一覧) from the read model: filters, newest first, one page after a
 * cursor, and apart from it the number of matching orders up to a cap. The routes and the db-access bench
 * run this code.
 *
 * Shaped by FerretDB (figures: README, "Database accesses at a real shop's size"): it narrows a query
 * through an index only for an equality (or `$in`) to strings on an index's first field, and sorts,
 * skips, limits and counts in memory over what that narrowing read — so every query here names exactly
 * one such field, chosen to read as few rows as possible, and writes its other conditions with `$eq`,
 * which FerretDB applies in memory without letting it pick a less selective index (with `status` and
 * `memberId` both plain equalities it narrowed by `status`, 70 % of the orders). A charge permission
 * id or a member narrows to a handful of rows; everything else reads day by day, newest first, through
 * the list keys of `orderListKeys`, and stops once the page is full. Pages follow a (createdAt, _id)
 * cursor instead of skipping, so a deep page costs what the first does.
 */
import type { FilterQuery } from 'mongoose';
import { tokyoDate, tokyoHour } from '../domain/calendar.js';
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

/** The last order of the previous page: the next page starts after it. */
export interface OrderListCursor {
  createdAt: Date;
  orderId: string;
}

export interface OrderListPage {
  orders: OrderDoc[];
  /** The cursor of the next page; null on the last one. */
  next: OrderListCursor | null;
}

export interface OrderListCount {
  /** Matching orders, counted up to {@link ORDER_COUNT_CAP}. */
  total: number;
  /** False when the count stopped at the cap: there are at least `total`. */
  totalExact: boolean;
}

/**
 * Counting reads every counted row (FerretDB counts in memory): past this many the list says
 * 「N件以上」. 1,000 rows is 20 pages of 50, more than staff page through.
 */
export const ORDER_COUNT_CAP = 1_000;

/** The oldest day a list without `from` reaches back to; empty days cost one index lookup each. */
const EARLIEST_DAY = '2020-01-01';
/** FerretDB narrows through an index for `$in` lists of at most 1,000 values. */
const MAX_DAYS_PER_QUERY = 1_000;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** A Japan-time day's first instant (JST has no daylight saving: UTC+9 all year). */
const tokyoDayStart = (day: string) => new Date(`${day}T00:00:00+09:00`);
const dayBefore = (day: string, days = 1) =>
  new Date(new Date(`${day}T00:00:00Z`).getTime() - days * DAY_MS).toISOString().slice(0, 10);

const newestFirst = { createdAt: -1, _id: -1 } as const;

/** The rows after the cursor, in the list's order (applied in memory by FerretDB). */
function afterCursor(cursor: OrderListCursor | undefined): FilterQuery<OrderDoc> {
  if (cursor === undefined) return {};
  return {
    $or: [{ createdAt: { $lt: cursor.createdAt } }, { createdAt: cursor.createdAt, _id: { $lt: cursor.orderId } }],
  };
}

/** The filter's conditions that FerretDB applies in memory (`$eq` is never narrowed through an index). */
function inMemory(filter: OrderListFilter, fields: readonly ('status' | 'paymentMethod' | 'memberId')[]) {
  return Object.fromEntries(
    fields.filter((field) => filter[field] !== undefined).map((field) => [field, { $eq: filter[field] }]),
  ) as FilterQuery<OrderDoc>;
}

function createdBetween(filter: OrderListFilter): FilterQuery<OrderDoc> {
  if (filter.from === undefined && filter.to === undefined) return {};
  return {
    createdAt: {
      ...(filter.from === undefined ? {} : { $gte: tokyoDayStart(filter.from) }),
      ...(filter.to === undefined ? {} : { $lt: new Date(tokyoDayStart(filter.to).getTime() + DAY_MS) }),
    },
  };
}

/** A stretch of hours or days, newest first: the list reads it in one query, by its keys. */
interface Run {
  unit: 'hour' | 'day';
  /** `YYYY-MM-DDTHH` hours or `YYYY-MM-DD` days (Japan time). */
  keys: string[];
}

/** The list key that reads the fewest rows for the filter, and its value for an hour or a day. */
function runKey(filter: OrderListFilter, unit: Run['unit']): { field: keyof OrderDoc; key: (at: string) => string } {
  const prefix = unit === 'hour' ? 'createdHour' : 'createdDay';
  if (filter.status !== undefined) return { field: `${prefix}Status`, key: (at) => `${at}|${filter.status}` };
  if (filter.paymentMethod !== undefined)
    return { field: `${prefix}Payment`, key: (at) => `${at}|${filter.paymentMethod}` };
  return { field: prefix, key: (at) => at };
}

/** The hour before `YYYY-MM-DDTHH` (the label's arithmetic: Japan time has no daylight saving). */
const hourBefore = (hour: string) =>
  new Date(new Date(`${hour}:00:00Z`).getTime() - HOUR_MS).toISOString().slice(0, 13);

export function createOrderList(models: Pick<Models, 'Order'>, now: () => Date = () => new Date()) {
  const { Order } = models;

  /** A charge permission id or a member: one narrowing equality, everything else in memory. */
  function narrowQuery(filter: OrderListFilter): FilterQuery<OrderDoc> | null {
    if (filter.chargePermissionId !== undefined)
      return {
        chargePermissionId: filter.chargePermissionId,
        ...inMemory(filter, ['status', 'paymentMethod', 'memberId']),
        ...createdBetween(filter),
      };
    if (filter.memberId !== undefined)
      return { memberId: filter.memberId, ...inMemory(filter, ['status', 'paymentMethod']), ...createdBetween(filter) };
    return null;
  }

  /**
   * What to read, newest first, from a cursor's instant, or without one from now and an hour's slack
   * (a row stamped by a clock a little ahead is still listed): the hours of its day in runs of 1, 2, 4 … (a page of a busy day reads
   * about a page of rows), then the days before it in runs of 1, 2, 4 … up to 1,000 (an empty stretch
   * of years costs a few lookups). Only days within `from`–`to` (the walk is the date range).
   */
  function* runs(filter: OrderListFilter, cursor?: Date): Generator<Run> {
    // Nothing is older than the list reaches: an earlier `from` reads no more days.
    const oldest = filter.from !== undefined && filter.from > EARLIEST_DAY ? filter.from : EARLIEST_DAY;
    const start = cursor ?? now();
    let day = tokyoDate(start);
    let hour = tokyoHour(cursor ?? new Date(start.getTime() + HOUR_MS));
    if (filter.to !== undefined && filter.to < day) [day, hour] = [filter.to, `${filter.to}T23`];
    if (filter.to !== undefined && hour > `${filter.to}T23`) hour = `${filter.to}T23`;
    if (day < oldest) return;
    for (let length = 1; hour >= `${day}T00`; length *= 2) {
      const keys: string[] = [];
      for (; keys.length < length && hour >= `${day}T00`; hour = hourBefore(hour)) keys.push(hour);
      yield { unit: 'hour', keys };
    }
    day = dayBefore(day);
    for (let length = 1; day >= oldest; length = Math.min(length * 2, MAX_DAYS_PER_QUERY)) {
      const keys: string[] = [];
      for (; keys.length < length && day >= oldest; day = dayBefore(day)) keys.push(day);
      yield { unit: 'day', keys };
    }
  }

  function runQuery(filter: OrderListFilter, run: Run): FilterQuery<OrderDoc> {
    const { field, key } = runKey(filter, run.unit);
    return {
      [field]: { $in: run.keys.map(key) },
      ...inMemory(filter, filter.status === undefined ? [] : ['paymentMethod']),
    };
  }

  async function page(filter: OrderListFilter, pageSize: number, after?: OrderListCursor): Promise<OrderDoc[]> {
    const narrow = narrowQuery(filter);
    if (narrow !== null)
      return Order.find({ ...narrow, ...afterCursor(after) })
        .sort(newestFirst)
        .limit(pageSize + 1)
        .lean();
    const rows: OrderDoc[] = [];
    // Hours after the cursor's are before it in the list: start at its hour.
    for (const run of runs(filter, after?.createdAt)) {
      rows.push(
        ...(await Order.find({ ...runQuery(filter, run), ...afterCursor(after) })
          .sort(newestFirst)
          .limit(pageSize + 1 - rows.length)
          .lean()),
      );
      if (rows.length > pageSize) break;
    }
    return rows;
  }

  /**
   * The matching orders, up to the cap. Asked apart from the page (the console shows the page first):
   * counting reads every counted row, up to 1,000 of them, the page only what it shows.
   */
  async function count(filter: OrderListFilter): Promise<OrderListCount> {
    const narrow = narrowQuery(filter);
    let total = 0;
    if (narrow !== null) total = await Order.countDocuments(narrow).limit(ORDER_COUNT_CAP);
    else
      for (const run of runs(filter)) {
        total += await Order.countDocuments(runQuery(filter, run)).limit(ORDER_COUNT_CAP - total);
        if (total >= ORDER_COUNT_CAP) break;
      }
    return { total, totalExact: total < ORDER_COUNT_CAP };
  }

  /** One page of the list, newest first, after `after` (the first page without it). */
  async function list(filter: OrderListFilter, pageSize: number, after?: OrderListCursor): Promise<OrderListPage> {
    const rows = await page(filter, pageSize, after);
    const orders = rows.slice(0, pageSize);
    const last = orders.at(-1);
    return {
      orders,
      next: rows.length > pageSize && last !== undefined ? { createdAt: last.createdAt, orderId: last._id } : null,
    };
  }

  return { list, count };
}
