/**
 * Ops operations on placed orders through HTTP → API → order workflow → real SDK → emulator →
 * database (A1–A3, M3, P1–P3), reconciliation (on demand: 202 and a status URL), and the 30-day
 * authorization expiry on a time-skipping API.
 */
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReconciliationActivities, type ReconciliationReport } from '../../../activities/reconciliation.js';
import { dayOf, type OrderDoc } from '../../../db/models/order.js';
import { orderWorkflowId } from '../../../domain/ids.js';
import {
  INVALID_RECONCILIATION_RUN_ID_MESSAGE,
  RECONCILIATION_RUN_NOT_FOUND_MESSAGE,
} from '../../../domain/messages.js';
import { opsAuthorization, Shopper, startTestApi, type TestApi } from '../../support/api.js';
import { finishCheckout, startCheckout, type AmazonChoice } from '../../support/checkout.js';
import { createTimeSkippingEnv, eventually } from '../../support/servers.js';
import { DAY_MS, MINUTE_MS, passTime } from '../../support/time.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('ops_orders', { worker: true });
});
afterAll(async () => {
  await api?.close();
});

async function ops(
  target: TestApi,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  role: 'operator' | 'viewer' = 'operator',
) {
  const response = await fetch(`${target.url}${path}`, {
    method,
    headers: {
      ...opsAuthorization(target.config, role),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Starts a reconciliation (202), then polls the status URL it answered until the run has ended. */
async function reconcileNow(target: TestApi) {
  const started = await ops(target, 'POST', '/ops/reconciliation/run');
  expect(started.status).toBe(202);
  const status = await eventually(
    async () => (await ops(target, 'GET', started.body.statusUrl as string, undefined, 'viewer')).body,
    (body) => body.status !== 'running',
    30_000,
  );
  expect(status).toMatchObject({ status: 'completed', runId: started.body.runId });
  return status.report as ReconciliationReport;
}

/** A placed guest order of `quantity` × 静岡煎茶 (¥1,200): ¥1,800 for 1, ¥5,000+ free shipping from 5. */
async function placedOrder(
  target: TestApi,
  items: { productId: string; quantity: number }[],
  choice: AmazonChoice = {},
): Promise<{ orderId: string; total: number }> {
  const shopper = new Shopper(target.url);
  const run = await startCheckout(shopper, target.emulatorUrl, items, choice);
  const completed = await finishCheckout(shopper, target.emulatorUrl, run);
  expect(completed.body.order.status).toBe('Placed');
  return { orderId: run.orderId, total: completed.body.order.totals.total as number };
}

describe('ops operations on a placed order over HTTP', () => {
  it('A2: raise within the cap, refused one yen over it with the cap and remaining balance in the message', async () => {
    // 急須 ¥6,500 (free shipping): cap = max(9 × 6,500, 70,000) = ¥70,000.
    const { orderId, total } = await placedOrder(api, [{ productId: 'kyusu', quantity: 1 }]);
    expect(total).toBe(6_500);
    const over = await ops(api, 'POST', `/ops/orders/${orderId}/amount`, { amount: 70_001 });
    expect(over.status).toBe(422);
    expect(over.body.error.message).toContain('¥70,000');
    expect(over.body.error.message).toContain('¥63,500');
    expect(over.body.error.details).toMatchObject({ amountLimit: 70_000, remainingIncrease: 63_500 });
    const raised = await ops(api, 'POST', `/ops/orders/${orderId}/amount`, { amount: 70_000 });
    expect(raised.status).toBe(200);
    expect(raised.body.order.payment).toMatchObject({ amount: 70_000, amountBalance: 0 });
  });

  it('A3, M3: an order paid only with a gift card (memo 「Amazonギフト券」) cannot be raised; lowering works', async () => {
    const { orderId } = await placedOrder(api, [{ productId: 'kyusu', quantity: 1 }], { instrument: 'gift_card' });
    const order = await ops(api, 'GET', `/ops/orders/${orderId}`, undefined, 'viewer');
    expect(order.body.order.shopMemo).toBe('Amazonギフト券');
    const raise = await ops(api, 'POST', `/ops/orders/${orderId}/amount`, { amount: 6_501 });
    expect(raise.status).toBe(422);
    expect(raise.body.error.details.reason).toBe('gift_card_only');
    const lower = await ops(api, 'POST', `/ops/orders/${orderId}/amount`, { amount: 6_000 });
    expect(lower.body.order.payment.amount).toBe(6_000);
  });

  it('A1: partial capture, then a partial refund; a refund over the capture is refused', async () => {
    const { orderId } = await placedOrder(api, [{ productId: 'tea-gyokuro', quantity: 2 }]);
    const captured = await ops(api, 'POST', `/ops/orders/${orderId}/capture`, { amount: 5_000 });
    expect(captured.body.order).toMatchObject({ status: 'Captured', payment: { capturedAmount: 5_000 } });
    const twice = await ops(api, 'POST', `/ops/orders/${orderId}/capture`, {});
    expect(twice.status).toBe(409);
    const refund = await ops(api, 'POST', `/ops/orders/${orderId}/refund`, { amount: 1_500, reason: '一部返品' });
    expect(refund.body.order).toMatchObject({ status: 'PartiallyRefunded', payment: { refundedAmount: 1_500 } });
    const over = await ops(api, 'POST', `/ops/orders/${orderId}/refund`, { amount: 3_501 });
    expect(over.status).toBe(422);
    expect(over.body.error.code).toBe('refund_refused');
  });

  it('cancel before capture; a viewer cannot act; every call is audited with before and after', async () => {
    const { orderId } = await placedOrder(api, [{ productId: 'wagashi', quantity: 1 }]);
    const viewer = await ops(api, 'POST', `/ops/orders/${orderId}/cancel`, { reason: 'test' }, 'viewer');
    expect(viewer.status).toBe(403);
    const canceled = await ops(api, 'POST', `/ops/orders/${orderId}/cancel`, { reason: 'お客様都合' });
    expect(canceled.body.order.status).toBe('Canceled');
    const stored = await api.database.models.Order.findOne({ orderId }).lean();
    expect(stored?.status).toBe('Canceled');
    // Audit rows are written when the response finishes.
    const audit = await eventually(
      () =>
        api.database.models.Audit.find({ path: `/ops/orders/${orderId}/cancel` })
          .sort({ at: 1 })
          .lean(),
      (rows) => rows.length === 2,
    );
    expect(audit.map((row) => [row.actor, row.status])).toEqual([
      ['viewer', 403],
      ['ops', 200],
    ]);
    expect(audit[0]).toMatchObject({ role: 'viewer', method: 'POST' });
    expect(audit[1]).toMatchObject({
      action: 'order.cancel',
      target: orderId,
      role: 'operator',
      before: { status: 'Placed' },
      after: { status: 'Canceled' },
    });
  });

  it('refuses bad bodies and unknown orders', async () => {
    expect((await ops(api, 'POST', '/ops/orders/ORD-20260101-AAAAAAAA/capture', { amount: 0 })).status).toBe(400);
    expect((await ops(api, 'POST', '/ops/orders/ORD-20260101-AAAAAAAA/amount', { amount: '1000' })).status).toBe(400);
    expect((await ops(api, 'POST', '/ops/orders/not-an-order/capture', {})).status).toBe(400);
    expect((await ops(api, 'GET', '/ops/orders/ORD-20260101-AAAAAAAA')).status).toBe(404);
  });

  it('reconciliation finds a mismatch planted directly in the emulator and reports it', async () => {
    const { orderId } = await placedOrder(api, [{ productId: 'tea-sencha', quantity: 1 }]);
    const clean = await reconcileNow(api);
    expect(clean.mismatches.filter((m) => m.orderId === orderId)).toEqual([]);

    const order = await ops(api, 'GET', `/ops/orders/${orderId}`);
    const chargeId = order.body.order.chargeId as string;
    const planted = await fetch(`${api.emulatorUrl}/__emulator/charges/${chargeId}/state`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'Captured' }),
    });
    expect(planted.status).toBe(200);
    const run = await reconcileNow(api);
    expect(run.mismatches).toEqual(
      expect.arrayContaining([
        { orderId, object: chargeId, field: 'state', readModel: 'Authorized', amazon: 'Captured' },
      ]),
    );
    const reports = await ops(api, 'GET', '/ops/reconciliation', undefined, 'viewer');
    expect(reports.body.reports[0].mismatches.length).toBeGreaterThan(0);
  });

  it('reconciliation reads a window (a week of changes and every order awaiting Amazon), and a retry resumes after its heartbeat', async () => {
    const { orderId } = await placedOrder(api, [{ productId: 'tea-sencha', quantity: 1 }]);
    const { Order } = api.database.models;
    const template = (await Order.findOne({ _id: orderId }).lean()) as OrderDoc;
    const payment = template.view['payment'] as { charges: { chargeId: string }[] };
    // Read-model rows whose charge Amazon has never seen: each one checked is reported missing.
    const plant = (id: string, status: string, daysAgo: number) => {
      const at = new Date(Date.now() - daysAgo * DAY_MS);
      const charges = payment.charges.map((charge) => ({ ...charge, chargeId: `${id}-CHARGE` }));
      return Order.create({
        ...template,
        _id: id,
        orderId: id,
        status,
        updatedAt: at,
        updatedDay: dayOf(at),
        view: { ...template.view, orderId: id, status, payment: { ...payment, charges } },
      });
    };
    await plant('RECON-A-CAPTURED-40-DAYS-AGO', 'Captured', 40);
    await plant('RECON-B-PLACED-40-DAYS-AGO', 'Placed', 40);
    await plant('RECON-C-CAPTURED-6-DAYS-AGO', 'Captured', 6);
    const reconcile = createReconciliationActivities({ models: api.database.models, amazonPay: api.amazonPay });
    const planted = (report: ReconciliationReport) =>
      report.mismatches.map((m) => m.orderId).filter((id) => id.startsWith('RECON-'));

    const run = async (env: MockActivityEnvironment, runId: string) =>
      (await env.run(reconcile.reconcileOrders, { runId })) as ReconciliationReport;

    const recording = new MockActivityEnvironment();
    const heartbeats: { after: string; ordersChecked: number; mismatches: unknown[] }[] = [];
    recording.on('heartbeat', (details: (typeof heartbeats)[number]) => heartbeats.push(details));
    const full = await run(recording, 'recon-window');
    expect(full.windowDays).toBe(7);
    expect(planted(full)).toEqual(['RECON-B-PLACED-40-DAYS-AGO', 'RECON-C-CAPTURED-6-DAYS-AGO']);
    // Each heartbeat is the progress as it stood when sent, not the object the run went on changing.
    const afters = heartbeats.map((beat) => beat.after);
    expect(afters).toEqual([...new Set(afters)].sort());
    expect(heartbeats.at(-1)).toMatchObject({ ordersChecked: full.ordersChecked, mismatches: full.mismatches });
    // A retry from a heartbeat of the run ends with the report the run ended with.
    const fromB = heartbeats.find((beat) => beat.after === 'RECON-B-PLACED-40-DAYS-AGO');
    expect(fromB?.mismatches).toHaveLength(full.mismatches.length - 1);
    const retried = await run(new MockActivityEnvironment({ heartbeatDetails: fromB }), 'recon-retried');
    expect(retried).toMatchObject({
      ordersChecked: full.ordersChecked,
      objectsChecked: full.objectsChecked,
      mismatches: full.mismatches,
    });

    // A retry whose last heartbeat recorded order B continues after it, with the counts it had.
    const progress = { after: 'RECON-B-PLACED-40-DAYS-AGO', ordersChecked: 5, objectsChecked: 9, mismatches: [] };
    const resumed = await run(new MockActivityEnvironment({ heartbeatDetails: progress }), 'recon-resumed');
    expect(planted(resumed)).toEqual(['RECON-C-CAPTURED-6-DAYS-AGO']);
    expect(resumed.ordersChecked).toBe(6);
  });
});

describe('a reconciliation on demand answers 202 and a status URL (a run may outlast what a load balancer waits for)', () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  const status = (target: TestApi, statusUrl: string) => ops(target, 'GET', statusUrl, undefined, 'viewer');

  it('starts the run at once; its status URL (also in Location) turns completed with the report; audited', async () => {
    const response = await fetch(`${api.url}/ops/reconciliation/run`, {
      method: 'POST',
      headers: opsAuthorization(api.config, 'operator'),
    });
    expect(response.status).toBe(202);
    const started = (await response.json()) as { workflowId: string; runId: string; statusUrl: string };
    const workflowId = `reconciliation:manual:${api.config.temporal.taskQueue}`;
    expect(started).toEqual({ workflowId, runId: expect.stringMatching(UUID), statusUrl: expect.any(String) });
    expect(started.statusUrl).toBe(`/ops/reconciliation/runs/${started.runId}`);
    expect(response.headers.get('location')).toBe(started.statusUrl);

    const ended = await eventually(
      async () => (await status(api, started.statusUrl)).body,
      (body) => body.status !== 'running',
      30_000,
    );
    expect(ended).toMatchObject({
      workflowId,
      runId: started.runId,
      status: 'completed',
      report: { runId: expect.stringMatching(/^reconciliation:manual:/), mismatches: expect.any(Array) },
    });
    expect(Date.parse(ended.finishedAt)).toBeGreaterThanOrEqual(Date.parse(ended.startedAt));
    // The report is kept with the others, and read again from the status URL as long as Temporal keeps the run.
    const reports = await ops(api, 'GET', '/ops/reconciliation', undefined, 'viewer');
    expect(reports.body.reports.map((report: { runId: string }) => report.runId)).toContain(ended.report.runId);
    expect((await status(api, started.statusUrl)).body).toEqual(ended);

    const audit = await eventually(
      () => api.database.models.Audit.find({ action: 'reconciliation.run', target: started.runId }).lean(),
      (rows) => rows.length === 1,
    );
    expect(audit[0]).toMatchObject({
      actor: 'ops',
      role: 'operator',
      status: 202,
      after: { workflowId, runId: started.runId },
    });

    // Once a run has ended, the next request starts a new one.
    const next = await reconcileNow(api);
    expect(next.runId).not.toBe(ended.report.runId);
  });

  it('a second request while a run is going answers the same run; a viewer reads the status but cannot start one', async () => {
    // No worker on this API's task queue: its runs stay running until the test ends them.
    const idle = await startTestApi('ops_reconciliation_idle');
    const runIds = new Set<string>();
    const workflowId = `reconciliation:manual:${idle.config.temporal.taskQueue}`;
    try {
      const first = await ops(idle, 'POST', '/ops/reconciliation/run');
      const second = await ops(idle, 'POST', '/ops/reconciliation/run');
      runIds.add(first.body.runId as string);
      expect([first.status, second.status]).toEqual([202, 202]);
      expect(second.body).toEqual(first.body);
      expect((await status(idle, first.body.statusUrl as string)).body).toEqual({
        workflowId,
        runId: first.body.runId,
        status: 'running',
        startedAt: expect.any(String),
      });
      const viewer = await ops(idle, 'POST', '/ops/reconciliation/run', undefined, 'viewer');
      expect(viewer.status).toBe(403);

      // A run that ends without a report (here terminated) is `failed`, with Temporal's reason.
      await idle.client.workflow.getHandle(workflowId, first.body.runId as string).terminate('stopped by the test');
      const failed = await status(idle, first.body.statusUrl as string);
      expect(failed.body).toMatchObject({ status: 'failed', message: expect.stringContaining('stopped by the test') });
      const again = await ops(idle, 'POST', '/ops/reconciliation/run');
      runIds.add(again.body.runId as string);
      expect(again.status).toBe(202);
      expect(again.body.runId).not.toBe(first.body.runId);
    } finally {
      for (const runId of runIds) {
        await idle.client.workflow
          .getHandle(workflowId, runId)
          .terminate('test over')
          .catch(() => undefined);
      }
      await idle.close();
    }
  });

  it('an unknown run id, or the run id of another workflow, is a 404 saying so; a malformed one is a 400', async () => {
    const unknown = await status(api, `/ops/reconciliation/runs/${randomUUID()}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({
      code: 'reconciliation_run_not_found',
      message: RECONCILIATION_RUN_NOT_FOUND_MESSAGE,
    });
    const { orderId } = await placedOrder(api, [{ productId: 'tea-sencha', quantity: 1 }]);
    const order = await api.client.workflow.getHandle(orderWorkflowId(orderId)).describe();
    expect((await status(api, `/ops/reconciliation/runs/${order.runId}`)).status).toBe(404);
    const started = await ops(api, 'POST', '/ops/reconciliation/run');
    // The same id in capitals is the same run, named as POST named it.
    const capitals = await status(api, `/ops/reconciliation/runs/${String(started.body.runId).toUpperCase()}`);
    expect(capitals.body.runId).toBe(started.body.runId);
    const malformed = await status(api, '/ops/reconciliation/runs/not-a-run-id');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({
      code: 'invalid_request',
      message: INVALID_RECONCILIATION_RUN_ID_MESSAGE,
    });
    await eventually(
      async () => (await status(api, started.body.statusUrl as string)).body,
      (body) => body.status !== 'running',
      30_000,
    );
  });
});

describe('authorization expiry over HTTP (time-skipping server, emulator clock moved alongside)', () => {
  let env: TestWorkflowEnvironment;
  let skipping: TestApi;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    skipping = await startTestApi('ops_expiry', { worker: true, timeSkipping: env });
  });
  afterAll(async () => {
    await skipping?.close();
    await env?.teardown();
  });

  it('30 days after authorization the order is re-authorized within its charge permission, and can still be captured', async () => {
    const { orderId, total } = await placedOrder(skipping, [{ productId: 'kyusu', quantity: 1 }]);
    await passTime({ env, emulator: skipping.emulator }, 30 * DAY_MS + MINUTE_MS);
    const order = await eventually(
      async () => (await ops(skipping, 'GET', `/ops/orders/${orderId}`)).body.order,
      (view) => view.payment.charges.length >= 2,
    );
    expect(order.payment.charges.map((c: { state: string }) => c.state)).toEqual(['Canceled', 'Authorized']);
    const captured = await ops(skipping, 'POST', `/ops/orders/${orderId}/capture`, {});
    expect(captured.body.order.payment.capturedAmount).toBe(total);
  });
});
