/**
 * Amazon Pay calls on a task queue of their own: Amazon's quotas are per merchant, across every
 * worker, so new orders schedule their Amazon calls on `<TEMPORAL_TASK_QUEUE>-amazon-pay`, whose
 * rate the Temporal server keeps for all the workers polling it (WORKER_AMAZON_CALLS_PER_SECOND).
 */
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createAmazonPayActivities } from '../../activities/index.js';
import { orderWorkflowId } from '../../domain/ids.js';
import { Shopper, startTestApi, type TestApi } from '../support/api.js';
import { finishCheckout, startCheckout } from '../support/checkout.js';
import { createTestWorker, runInBackground } from '../support/worker.js';

const AMAZON_CALLS = new Set(Object.keys(createAmazonPayActivities({ amazonPay: {} as never })));

/** Where each activity of the order's history was scheduled: `[activity type, task queue]`. */
async function scheduledActivities(api: TestApi, orderId: string): Promise<[string, string][]> {
  const history = await api.client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory();
  return (history.events ?? []).flatMap((event) => {
    const scheduled = event.activityTaskScheduledEventAttributes;
    return scheduled ? [[scheduled.activityType?.name ?? '', scheduled.taskQueue?.name ?? '']] : [];
  });
}

async function placeOrder(api: TestApi): Promise<string> {
  const shopper = new Shopper(api.url);
  const run = await startCheckout(shopper, api.emulatorUrl, [{ productId: 'tea-sencha', quantity: 1 }]);
  const complete = await finishCheckout(shopper, api.emulatorUrl, run);
  expect(complete.status, JSON.stringify(complete.body)).toBe(200);
  expect(complete.body.order.status).toBe('Placed');
  return run.orderId;
}

describe('Amazon Pay calls on their own task queue', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('amazon_queue', { worker: true });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('a new order schedules its Amazon calls on the Amazon queue, the shop’s own work on the orders queue', async () => {
    const orderId = await placeOrder(api);
    const scheduled = await scheduledActivities(api, orderId);
    const amazon = scheduled.filter(([type]) => AMAZON_CALLS.has(type));
    expect(amazon.map(([type]) => type)).toEqual(
      expect.arrayContaining(['readCheckoutSession', 'setCheckoutAmount', 'completeCheckout']),
    );
    expect(new Set(amazon.map(([, queue]) => queue))).toEqual(new Set([api.config.temporal.amazonTaskQueue]));
    expect(api.config.temporal.amazonTaskQueue).toBe(`${api.config.temporal.taskQueue}-amazon-pay`);
    for (const [type, queue] of scheduled.filter(([name]) => !AMAZON_CALLS.has(name))) {
      expect(queue, type).toBe(api.config.temporal.taskQueue);
    }
  });
});

describe('the Amazon queue’s rate across workers', () => {
  const CALLS_PER_SECOND = 4;
  const ORDERS = 24;
  let api: TestApi;
  let second: { stop(): Promise<void> };
  let connection: NativeConnection;
  beforeAll(async () => {
    api = await startTestApi('amazon_rate', { worker: true, amazonCallsPerSecond: CALLS_PER_SECOND });
    // A second worker process's pollers on the same queues (the rate is the server's, not a worker's).
    connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    second = runInBackground(
      await createTestWorker({
        connection,
        client: api.client,
        namespace: api.config.temporal.namespace,
        taskQueue: api.config.temporal.taskQueue,
        database: api.database,
        amazonPay: api.amazonPay,
        amazonCallsPerSecond: CALLS_PER_SECOND,
      }),
    );
  });
  afterAll(async () => {
    await second?.stop();
    await connection?.close();
    await api?.close();
  });

  it(`${ORDERS} buyers checking out at once never meet Amazon's production quotas (no 429)`, async () => {
    api.emulator.setFaults({ throttle: 'production' });
    const started = Date.now();
    const orderIds = await Promise.all(Array.from({ length: ORDERS }, () => placeOrder(api)));
    const seconds = (Date.now() - started) / 1000;
    expect(api.emulator.throttled()).toEqual({});
    // The rate really applied: this many Amazon calls cannot have run faster than the queue allows.
    const calls = (await Promise.all(orderIds.map((id) => scheduledActivities(api, id))))
      .flat()
      .filter(([type]) => AMAZON_CALLS.has(type)).length;
    expect(calls).toBeGreaterThanOrEqual(ORDERS * 3);
    // (Measured: 96 calls, 30–34 s; with the rate lifted the same run took 13 s and met seven 429s.)
    expect(seconds).toBeGreaterThan((calls - 20) / CALLS_PER_SECOND);
  }, 180_000);
});
