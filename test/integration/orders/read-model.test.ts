/**
 * The orders read model (saveOrderView, a local activity of the order workflow): versions only move
 * forward, and the activity succeeds only once the stored row holds its version or a newer one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderActivities } from '../../../activities/orders.js';
import type { Database } from '../../../db/connection.js';
import type { Models } from '../../../db/models/index.js';
import type { OrderView } from '../../../workflows/order/definitions.js';
import { dropTestDatabase, openTestDatabase } from '../../support/servers.js';

let database: Database;

beforeAll(async () => {
  database = await openTestDatabase('read_model');
});
afterAll(async () => {
  await dropTestDatabase(database);
});

const viewAt = (orderId: string, version: number, status: string): OrderView =>
  ({
    orderId,
    version,
    status,
    memberId: null,
    registeredMemberId: null,
    isGuest: true,
    chargePermissionId: null,
    totals: { total: 3000 },
    createdAt: '2026-11-30T00:00:00.000Z',
    updatedAt: `2026-11-30T00:00:0${version}.000Z`,
  }) as unknown as OrderView;

describe('orders read model', () => {
  it('moves forward only: a retried or late older version never overwrites a newer one', async () => {
    const { saveOrderView } = createOrderActivities({ models: database.models, extraFields: [] });
    await saveOrderView(viewAt('ORD-20261130-AAAAAAA1', 1, 'Created'));
    await saveOrderView(viewAt('ORD-20261130-AAAAAAA1', 3, 'Placed'));
    await saveOrderView(viewAt('ORD-20261130-AAAAAAA1', 2, 'Confirmed'));
    await saveOrderView(viewAt('ORD-20261130-AAAAAAA1', 3, 'Placed'));
    expect(await database.models.Order.findOne({ _id: 'ORD-20261130-AAAAAAA1' }).lean()).toMatchObject({
      version: 3,
      status: 'Placed',
    });
  });

  it('fails (so the workflow retries) when the database acknowledges a write it did not apply', async () => {
    // The real model, except that updateOne answers "done" without writing: what the chaos run saw
    // once around a FerretDB restart under load.
    const real = database.models.Order;
    const acknowledgedOnly = {
      updateOne: async () => ({ acknowledged: true, matchedCount: 1, modifiedCount: 1, upsertedCount: 0 }),
      findOne: real.findOne.bind(real),
    };
    const models = { ...database.models, Order: acknowledgedOnly } as unknown as Models;
    await createOrderActivities({ models: database.models, extraFields: [] }).saveOrderView(
      viewAt('ORD-20261130-AAAAAAA2', 5, 'Placed'),
    );

    await expect(
      createOrderActivities({ models, extraFields: [] }).saveOrderView(viewAt('ORD-20261130-AAAAAAA2', 6, 'Captured')),
    ).rejects.toThrow(
      'read model of ORD-20261130-AAAAAAA2 holds version 5 after writing 6 (matched 1, modified 1, upserted 0)',
    );
  });
});
