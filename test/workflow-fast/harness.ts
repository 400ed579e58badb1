/**
 * The fast tier's harness: the real order workflow on the time-skipping test server, its activities
 * replaced by the in-memory stubs of `stub-activities.ts`. One worker per test file; each order gets
 * its own stub world, found by the workflow id of the activity's caller.
 */
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { orderWorkflowId } from '../../domain/ids.js';
import {
  amazonReturn,
  completeOrder,
  confirmOrder,
  submitProcedure,
  type OrderView,
} from '../../workflows/order/definitions.js';
import type { orderWorkflow } from '../../workflows/index.js';
import { procedureForm, type ProcedureOverrides } from '../support/checkout.js';
import { orderInput, type OrderHandle, type OrderStart } from '../support/orders.js';
import { createTimeSkippingEnv, testDataConverter, uniqueTaskQueue } from '../support/servers.js';
import { runInBackground } from '../support/worker.js';
import { createStubWorld, type OrderActivities, type OrderActivityName, type StubWorld } from './stub-activities.js';

/** How long the order view says the workflow has run (its own clock: skipped time). */
export const elapsedMs = (view: { createdAt: string; updatedAt: string }) =>
  Date.parse(view.updatedAt) - Date.parse(view.createdAt);

export interface FastOrder {
  handle: OrderHandle;
  world: StubWorld;
  orderId: string;
}

export interface FastHarness {
  env: TestWorkflowEnvironment;
  /** Starts an order with a stub world of its own; `prepare` sets the world up before the first activity. */
  startOrder(o?: OrderStart & { prepare?: (world: StubWorld) => void }): Promise<FastOrder>;
  close(): Promise<void>;
}

export async function startFastHarness(label: string): Promise<FastHarness> {
  const env = await createTimeSkippingEnv();
  const taskQueue = uniqueTaskQueue(label);
  const worlds = new Map<string, StubWorld>();
  const worldOfCaller = (): StubWorld => {
    const workflowId = Context.current().info.workflowExecution?.workflowId ?? '';
    const world = worlds.get(workflowId);
    if (world === undefined) throw new Error(`no stub world for ${workflowId}`);
    return world;
  };
  // Every stub name, dispatched to the calling order's world.
  const names = Object.keys(createStubWorld('probe').activities) as OrderActivityName[];
  const activities = Object.fromEntries(
    names.map((name) => [
      name,
      (...args: unknown[]) => (worldOfCaller().activities[name] as (...a: unknown[]) => Promise<unknown>)(...args),
    ]),
  ) as unknown as OrderActivities;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    // Bundled once per run by the fast tier's global setup.
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities,
    dataConverter: testDataConverter,
  });
  const running = runInBackground(worker);
  return {
    env,
    async startOrder(o = {}) {
      const input = orderInput(o);
      const world = createStubWorld(input.orderId);
      o.prepare?.(world);
      const workflowId = orderWorkflowId(input.orderId);
      worlds.set(workflowId, world);
      const handle = await env.client.workflow.start<typeof orderWorkflow>('orderWorkflow', {
        workflowId,
        taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      return { handle, world, orderId: input.orderId };
    },
    async close() {
      await running.stop();
      await env.teardown();
    },
  };
}

/** A member with `points` usable points and the WELCOME500 coupon available. */
export function stubMember(memberId: string, points: number) {
  return (world: StubWorld) => {
    world.members.set(memberId, {
      memberId,
      email: `${memberId.toLowerCase()}@example.jp`,
      name: '会員 花子',
      newsletter: true,
      mobileMail: false,
      missingExtraFields: [],
    });
    world.points.set(memberId, { balance: points, reserved: new Map(), pending: new Map() });
    world.coupons.set('WELCOME500', {
      code: 'WELCOME500',
      name: '初回500円引き',
      type: 'fixed',
      value: 500,
      minimumPurchase: 0,
      validFrom: '2000-01-01T00:00:00.000Z',
      validUntil: '2100-01-01T00:00:00.000Z',
      membersOnly: true,
    });
  };
}

/** Step 2: back from Amazon with the world's checkout session. */
export async function returnFromAmazon({ handle, world }: FastOrder): Promise<OrderView> {
  return handle.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: world.amazon.checkoutSessionId }] });
}

/** Steps 2–4: back from Amazon, the procedure form (the orderer Amazon gave), 「注文確定」. */
export async function confirmedOrder(order: FastOrder, form: ProcedureOverrides = {}): Promise<OrderView> {
  const back = await returnFromAmazon(order);
  await order.handle.executeUpdate(submitProcedure, { args: [procedureForm(back.ordererDefaults, form)] });
  return order.handle.executeUpdate(confirmOrder);
}

/** Steps 2–5: the whole checkout; Amazon answers the completion as `world.amazon.completion` says. */
export async function completedOrder(order: FastOrder, form: ProcedureOverrides = {}): Promise<OrderView> {
  await confirmedOrder(order, form);
  return order.handle.executeUpdate(completeOrder);
}
