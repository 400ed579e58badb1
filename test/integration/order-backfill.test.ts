/**
 * `npm run db:migrate` on a real database: read-model rows saved before the console's list fields get
 * them from their own order view, rows saved since are left as they are, and a second run finds
 * nothing; the backfilled rows are then found by the list's filters, by day and by hour.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/connection.js';
import { backfillOrderListFields } from '../../db/migrations.js';
import { orderListKeys } from '../../db/models/order.js';
import { createOrderList } from '../../db/order-list.js';
import { dropTestDatabase, openTestDatabase } from '../support/servers.js';

let database: Database;

const createdAt = new Date('2026-11-30T15:30:00Z'); // 2026-12-01 00:30 in Japan
/** A row as the read model stored it before the console: no paymentMethod, no list keys. */
function oldRow(orderId: string, status: string, paymentKind: string | null) {
  return {
    _id: orderId,
    orderId,
    version: 7,
    status,
    memberId: null,
    isGuest: true,
    chargePermissionId: null,
    total: 3_000,
    createdAt,
    updatedAt: createdAt,
    updatedDay: '2026-11-30',
    view: {
      orderId,
      status,
      paymentMethod:
        paymentKind === null ? null : { kind: paymentKind, cardBrand: null, cardLast4: null, descriptor: null },
    },
  };
}

beforeAll(async () => {
  database = await openTestDatabase('order_backfill');
  const newRow = { ...oldRow('ORD-20261201-BACKFL04', 'Captured', 'card'), paymentMethod: 'card' };
  // Through the driver: mongoose would add the model's defaults (paymentMethod: null) to old rows.
  const orders = database.connection
    .getClient()
    .db(database.connection.name)
    .collection<Record<string, unknown> & { _id: string }>('orders');
  await orders.insertMany([
    oldRow('ORD-20261201-BACKFL01', 'Placed', 'gift_card'),
    oldRow('ORD-20261201-BACKFL02', 'Abandoned', null),
    // Saved between the console's first version and its list keys: paymentMethod without keys.
    { ...oldRow('ORD-20261201-BACKFL03', 'Captured', 'gift_card_and_card'), paymentMethod: 'gift_card_and_card' },
    // Saved by today's code (its keys are what saveOrderView writes).
    { ...newRow, ...orderListKeys(newRow) },
    // Saved with the day keys, before the hour keys.
    {
      ...oldRow('ORD-20261201-BACKFL05', 'Placed', 'card'),
      paymentMethod: 'card',
      createdDay: '2026-12-01',
      createdDayStatus: '2026-12-01|Placed',
      createdDayPayment: '2026-12-01|card',
    },
  ]);
});
afterAll(async () => {
  if (database !== undefined) await dropTestDatabase(database);
});

describe('backfill of the console list fields', () => {
  it('old rows get paymentMethod from their view and the list keys; new rows are untouched; it runs once', async () => {
    const before = await database.models.Order.findOne({ _id: 'ORD-20261201-BACKFL04' }).lean();

    expect(await backfillOrderListFields(database.models)).toEqual({ found: 4, updated: 4, withoutPaymentMethod: 1 });

    const rows = await database.models.Order.find({}).sort({ _id: 1 }).lean();
    // The hour keys of 00:30 in Japan: the same hour for every row.
    expect(rows.map((row) => [row.createdHour, row.createdHourStatus, row.createdHourPayment])).toEqual(
      rows.map((row) => ['2026-12-01T00', `2026-12-01T00|${row.status}`, `2026-12-01T00|${row.paymentMethod ?? '-'}`]),
    );
    expect(
      rows.map((row) => [row._id, row.paymentMethod, row.createdDay, row.createdDayStatus, row.createdDayPayment]),
    ).toEqual([
      ['ORD-20261201-BACKFL01', 'gift_card', '2026-12-01', '2026-12-01|Placed', '2026-12-01|gift_card'],
      // Never paid: no payment method to find; its key says so and no payment filter lists it.
      ['ORD-20261201-BACKFL02', null, '2026-12-01', '2026-12-01|Abandoned', '2026-12-01|-'],
      [
        'ORD-20261201-BACKFL03',
        'gift_card_and_card',
        '2026-12-01',
        '2026-12-01|Captured',
        '2026-12-01|gift_card_and_card',
      ],
      ['ORD-20261201-BACKFL04', 'card', '2026-12-01', '2026-12-01|Captured', '2026-12-01|card'],
      ['ORD-20261201-BACKFL05', 'card', '2026-12-01', '2026-12-01|Placed', '2026-12-01|card'],
    ]);
    expect(rows.find((row) => row._id === 'ORD-20261201-BACKFL04')).toEqual(before);

    expect(await backfillOrderListFields(database.models)).toEqual({ found: 0, updated: 0, withoutPaymentMethod: 0 });
  });

  it('the list finds the backfilled rows by payment method and status', async () => {
    const list = createOrderList(database.models, () => new Date('2026-12-02T00:00:00Z'));
    const ids = async (filter: Parameters<typeof list.list>[0]) =>
      (await list.list(filter, 50)).orders.map((order) => order._id);
    expect(await ids({ paymentMethod: 'gift_card' })).toEqual(['ORD-20261201-BACKFL01']);
    expect(await ids({ status: 'Abandoned' })).toEqual(['ORD-20261201-BACKFL02']);
    expect(await ids({})).toHaveLength(5);
    // At 01:00 in Japan on their day the list reads that day by the hour keys.
    const earlyList = createOrderList(database.models, () => new Date('2026-11-30T16:00:00Z'));
    expect((await earlyList.list({ status: 'Placed' }, 50)).orders.map((order) => order._id)).toEqual([
      'ORD-20261201-BACKFL05',
      'ORD-20261201-BACKFL01',
    ]);
    expect(await earlyList.count({})).toEqual({ total: 5, totalExact: true });
  });
});
