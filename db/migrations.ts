/**
 * Read-model rows written before a field existed, brought up to the current shape. Each step is
 * idempotent and guarded by the row's version, so it can run while the shop takes orders (a row
 * rewritten meanwhile already has the fields) and again after an interrupted run.
 * Run by `npm run db:migrate` (scripts/migrate.ts) after a deploy.
 */
import type { AnyBulkWriteOperation } from 'mongoose';
import type { Models } from './models/index.js';
import { dayOf, orderListKeys, type OrderDoc } from './models/order.js';

export interface BackfillResult {
  /** Rows that lacked a field. */
  found: number;
  updated: number;
  /** Rows whose payment method is not in their order view (never paid: no checkout at Amazon finished). */
  withoutPaymentMethod: number;
}

const BATCH = 500;

/**
 * The console's list fields on orders saved before it: `paymentMethod` (from the stored order view's
 * `paymentMethod.kind`, what the workflow read from Amazon's payment descriptor), the list keys of
 * `orderListKeys`, and `updatedDay` where even that is missing. Reads every row without the list
 * keys once (FerretDB cannot narrow on a missing field): minutes at 100,000 orders, once.
 */
export async function backfillOrderListFields(
  models: Pick<Models, 'Order'>,
  say: (line: string) => void = () => undefined,
): Promise<BackfillResult> {
  const { Order } = models;
  const result: BackfillResult = { found: 0, updated: 0, withoutPaymentMethod: 0 };
  let batch: AnyBulkWriteOperation<OrderDoc>[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const written = await Order.bulkWrite(batch, { ordered: false });
    result.updated += written.modifiedCount;
    batch = [];
    say(`backfill: ${result.updated} of ${result.found} orders updated`);
  };
  const rows = Order.find(
    // The newest list key: rows from before the hour keys are read again, once.
    { createdHourPayment: { $exists: false } },
    {
      _id: 1,
      version: 1,
      status: 1,
      paymentMethod: 1,
      createdAt: 1,
      updatedAt: 1,
      updatedDay: 1,
      'view.paymentMethod': 1,
    },
  )
    .lean()
    .cursor();
  for await (const row of rows) {
    result.found += 1;
    const stored = (row.view['paymentMethod'] as { kind?: string } | null | undefined)?.kind;
    const paymentMethod = row.paymentMethod ?? stored ?? null;
    if (paymentMethod === null) result.withoutPaymentMethod += 1;
    batch.push({
      updateOne: {
        // The version read: a row rewritten since holds the fields already, from its writer.
        filter: { _id: row._id, version: row.version },
        update: {
          $set: {
            paymentMethod,
            ...orderListKeys({ createdAt: row.createdAt, status: row.status, paymentMethod }),
            ...(row.updatedDay === undefined ? { updatedDay: dayOf(row.updatedAt) } : {}),
          },
        },
      },
    });
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return result;
}
