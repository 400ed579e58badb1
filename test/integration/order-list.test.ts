/**
 * The console's order list (db/order-list.ts) on a real database against a plain reference: random
 * orders around a Japan day boundary and weeks back, random filters, every page followed by its
 * cursor. The pages together are exactly the matching orders, newest first, each once; the count is
 * theirs up to the cap. The list reads the newest day by the hour and older ones by the day.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/connection.js';
import { orderListKeys, type OrderDoc } from '../../db/models/order.js';
import { createOrderList, ORDER_COUNT_CAP, type OrderListCursor, type OrderListFilter } from '../../db/order-list.js';
import { tokyoDate } from '../../domain/calendar.js';
import { dropTestDatabase, openTestDatabase } from '../support/servers.js';

let database: Database;

const STATUSES = ['Placed', 'Captured', 'Canceled'] as const;
const PAYMENTS = ['card', 'gift_card', null] as const;
const MINUTE = 60_000;

function row(n: number, createdAt: Date, status: string, paymentMethod: string | null): OrderDoc {
  const orderId = `ORD-20261201-L${String(n).padStart(7, '0')}`;
  return {
    ...orderListKeys({ createdAt, status, paymentMethod }),
    _id: orderId,
    orderId,
    version: 1,
    status,
    memberId: null,
    isGuest: true,
    chargePermissionId: null,
    paymentMethod,
    total: 1_000,
    createdAt,
    updatedAt: createdAt,
    updatedDay: createdAt.toISOString().slice(0, 10),
    view: { orderId, status },
  };
}

/** What the list must answer: the filter applied to every row, newest first (ties: the larger id). */
function reference(rows: OrderDoc[], filter: OrderListFilter): string[] {
  return rows
    .filter(
      (r) =>
        (filter.status === undefined || r.status === filter.status) &&
        (filter.paymentMethod === undefined || r.paymentMethod === filter.paymentMethod) &&
        (filter.from === undefined || tokyoDate(r.createdAt) >= filter.from) &&
        (filter.to === undefined || tokyoDate(r.createdAt) <= filter.to),
    )
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a._id < b._id ? 1 : -1))
    .map((r) => r._id);
}

async function allPages(
  list: ReturnType<typeof createOrderList>,
  filter: OrderListFilter,
  pageSize: number,
): Promise<string[]> {
  const seen: string[] = [];
  let after: OrderListCursor | undefined;
  for (let page = 0; page < 200; page += 1) {
    const { orders, next } = await list.list(filter, pageSize, after);
    seen.push(...orders.map((order) => order._id));
    if (next === null) return seen;
    after = next;
  }
  throw new Error('more than 200 pages');
}

beforeAll(async () => {
  database = await openTestDatabase('order_list');
});
afterAll(async () => {
  if (database !== undefined) await dropTestDatabase(database);
});

describe('受注一覧: pages and counts against a reference', () => {
  it('random orders and filters: the pages are the matching orders, newest first, each once; the count is theirs', async () => {
    // 23:30 in Japan: the list's newest hours reach into the next Japan day (a clock a little ahead).
    const now = new Date('2026-12-01T14:30:00Z');
    const list = createOrderList(database.models, () => now);
    const day = (ago: number) => tokyoDate(new Date(now.getTime() - ago * 86_400_000));
    let batch = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            // Up to 50 minutes ahead (a clock ahead), through the hours of today, back a few weeks, and
            // on the edges: the next Japan day's first hour, this hour's start, today's first and last
            // minute (now is 23:30 in Japan), yesterday's.
            minutesAgo: fc.oneof(
              fc.integer({ min: -50, max: 60 * 30 }),
              fc.integer({ min: 0, max: 60 * 24 * 40 }),
              fc.constantFrom(-50, -31, -30, -29, 0, 29, 30, 31, 1_409, 1_410, 1_411, 2_849, 2_850, 2_851),
            ),
            status: fc.constantFrom(...STATUSES),
            payment: fc.constantFrom(...PAYMENTS),
            sameInstantAsPrevious: fc.boolean(),
          }),
          { minLength: 0, maxLength: 60 },
        ),
        fc.record(
          {
            status: fc.constantFrom(...STATUSES),
            paymentMethod: fc.constantFrom('card', 'gift_card'),
            from: fc.integer({ min: 0, max: 45 }).map(day),
            to: fc.integer({ min: -1, max: 10 }).map(day),
          },
          { requiredKeys: [] },
        ),
        fc.integer({ min: 1, max: 9 }),
        async (specs, filter, pageSize) => {
          batch += 1;
          await database.models.Order.deleteMany({});
          let previous = now;
          const rows = specs.map((spec, i) => {
            const at = spec.sameInstantAsPrevious ? previous : new Date(now.getTime() - spec.minutesAgo * MINUTE);
            previous = at;
            return row(batch * 1_000 + i, at, spec.status, spec.payment);
          });
          if (rows.length > 0) await database.models.Order.insertMany(rows, { lean: true });
          const expected = reference(rows, filter);
          expect(await allPages(list, filter, pageSize)).toEqual(expected);
          expect(await list.count(filter)).toEqual({
            total: Math.min(expected.length, ORDER_COUNT_CAP),
            totalExact: expected.length < ORDER_COUNT_CAP,
          });
        },
      ),
      { numRuns: 60, seed: 20_261_202 },
    );
  });

  it('an order stamped more than the hour of slack ahead is not listed yet', async () => {
    const now = new Date('2026-12-01T14:30:00Z');
    await database.models.Order.deleteMany({});
    await database.models.Order.insertMany(
      [
        row(1, new Date(now.getTime() + 50 * MINUTE), 'Placed', 'card'),
        row(2, new Date(now.getTime() + 2 * 60 * MINUTE), 'Placed', 'card'),
      ],
      { lean: true },
    );
    const { orders } = await createOrderList(database.models, () => now).list({}, 50);
    expect(orders.map((order) => order._id)).toEqual(['ORD-20261201-L0000001']);
  });
});
