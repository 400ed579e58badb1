/**
 * The reconciliation Schedule follows the code: the first worker creates it, the next find it current,
 * and a worker of a newer version brings an older definition up to date (keeping a pause ops set).
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { msToNumber } from '@temporalio/common/lib/time.js';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { ensureReconciliationSchedule, RECONCILIATION_EVERY } from '../../worker/schedules.js';
import { setUpTemporal } from '../../worker/temporal-setup.js';
import { RECONCILIATION_SCHEDULE_ID } from '../../workflows/reconciliation.js';

describe('the reconciliation Schedule', () => {
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    connection = await Connection.connect({ address: inject('temporalAddress') });
    // A namespace of its own: the Schedule's id is fixed, and other tests' workers register theirs.
    const namespace = `schedules-${randomUUID().slice(0, 8)}`;
    await setUpTemporal(connection, namespace);
    client = new Client({ connection, namespace });
  }, 60_000);

  afterAll(async () => {
    await connection?.close();
  });

  it('is created once, found current, and updated when an older version registered another definition', async () => {
    expect(await ensureReconciliationSchedule(client, 'orders-a')).toBe('created');
    expect(await ensureReconciliationSchedule(client, 'orders-a')).toBe('exists');

    const handle = client.schedule.getHandle(RECONCILIATION_SCHEDULE_ID);
    await handle.pause('ops: paused during a migration');
    // An older version: every two hours on another task queue.
    expect(await ensureReconciliationSchedule(client, 'orders-old')).toBe('updated');
    await handle.update((previous) => ({ ...previous, spec: { intervals: [{ every: '2 hours' }] } }));

    expect(await ensureReconciliationSchedule(client, 'orders-a')).toBe('updated');
    const current = await handle.describe();
    expect(current.spec.intervals?.map((interval) => msToNumber(interval.every))).toEqual([
      msToNumber(RECONCILIATION_EVERY),
    ]);
    expect(current.action.taskQueue).toBe('orders-a');
    expect(current.state.paused).toBe(true);
    expect(await ensureReconciliationSchedule(client, 'orders-a')).toBe('exists');
  }, 60_000);
});
