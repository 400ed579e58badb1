/**
 * The order workflow on the time-skipping test server, with real activities: the database, the real
 * SDK against an in-process emulator, and point accounts as workflows. Drives the workflow with its
 * updates the way the API does, and the buyer's Amazon pages through the emulator's control API.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { workflowsPath } from '../../worker/worker.js';
import { expect } from 'vitest';
import { updatePointAccount } from '../../activities/points.js';
import type { AmazonPayClient } from '../../amazon-pay/index.js';
import { SANDBOX_PENDING_DELAY_MS, type EmulatorOptions } from '../../emulator/app.js';
import { orderWorkflowId } from '../../domain/ids.js';
import type { Database } from '../../db/connection.js';
import { seedCatalog } from '../../db/seed.js';
import type { Member } from '../../db/members.js';
import { createMemberRepository } from '../../db/members.js';
import {
  amazonReturn,
  completeOrder,
  confirmOrder,
  getOrder,
  submitProcedure,
  type OrderView,
} from '../../workflows/order/definitions.js';
import type { orderWorkflow } from '../../workflows/index.js';
import { adjustPoints } from '../../workflows/points/definitions.js';
import { key, startTestEmulator, STORE_ID, type TestEmulator } from '../emulator/support.js';
import {
  chooseAtAmazon,
  confirmAtAmazon as pressPayAtAmazon,
  procedureForm,
  type AmazonChoice,
  type ProcedureOverrides,
} from './checkout.js';
import { itemTotalling, orderIdOf, orderInput, type OrderHandle, type OrderStart } from './orders.js';
import { createTimeSkippingEnv, dropTestDatabase, openTestDatabase, uniqueTaskQueue } from './servers.js';
import { amazonTaskQueueOf } from '../../config/index.js';
import { createTestWorker, runInBackground } from './worker.js';

export interface OrderHarness {
  env: TestWorkflowEnvironment;
  database: Database;
  emu: TestEmulator;
  taskQueue: string;
  /** Stops the worker and starts a new one (its workflows are replayed from their histories). */
  restartWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface OrderHarnessOptions {
  /** What the worker's activities talk to Amazon through (default: the real client to the emulator). */
  amazonPay?: (client: AmazonPayClient) => AmazonPayClient;
  emulator?: EmulatorOptions;
  /**
   * Replay every workflow task from its history (no worker cache): a worker restart then costs
   * nothing, and every step also proves the workflow replays deterministically.
   */
  replayEveryTask?: boolean;
}

export async function startOrderHarness(label: string, options: OrderHarnessOptions = {}): Promise<OrderHarness> {
  const env = await createTimeSkippingEnv();
  const database = await openTestDatabase(label);
  await seedCatalog(database.models);
  // Amazon decides a pending authorization only when a test moves the emulator's clock (passTime):
  // left to real time, a loaded machine could see it decided before the order reads it.
  const emu = await startTestEmulator({
    controlApi: true,
    pendingAuthDelayMs: SANDBOX_PENDING_DELAY_MS,
    ...options.emulator,
  });
  const taskQueue = uniqueTaskQueue(label);
  const amazonPay = options.amazonPay?.(emu.client) ?? emu.client;
  // Bundled once: a restarted worker takes seconds less to start.
  const workflowBundle = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  const startWorker = async () =>
    runInBackground(
      await createTestWorker({
        connection: env.nativeConnection,
        client: env.client,
        namespace: env.namespace ?? 'default',
        taskQueue,
        database,
        amazonPay,
        workflowBundle,
        ...(options.replayEveryTask === true ? { maxCachedWorkflows: 0 } : {}),
      }),
    );
  let worker = await startWorker();
  return {
    env,
    database,
    emu,
    taskQueue,
    async restartWorker() {
      await worker.stop();
      worker = await startWorker();
    },
    async close() {
      await worker.stop();
      await env.teardown();
      await emu.close();
      await dropTestDatabase(database);
    },
  };
}

export { KYUSU, TEA, itemTotalling } from './orders.js';

/** Starts an order's workflow the way the API does (a duplicate start finds the running order). */
export async function startOrder(h: OrderHarness, o: OrderStart = {}): Promise<OrderHandle> {
  const input = { ...orderInput(o), amazonTaskQueue: amazonTaskQueueOf(h.taskQueue) };
  return h.env.client.workflow.start<typeof orderWorkflow>('orderWorkflow', {
    workflowId: orderWorkflowId(input.orderId),
    taskQueue: h.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

/** What Amazon's button does: a checkout session for this order, then the buyer's choices on Amazon's page. */
export async function buyerAtAmazon(
  h: OrderHarness,
  handle: WorkflowHandle,
  choice: AmazonChoice = {},
): Promise<string> {
  const session = await h.emu.client.createCheckoutSession(
    {
      webCheckoutDetails: { checkoutReviewReturnUrl: `http://shop.test/checkout/review?orderId=${orderIdOf(handle)}` },
      storeId: STORE_ID,
      chargePermissionType: 'OneTime',
      paymentDetails: {
        paymentIntent: 'Authorize',
        canHandlePendingAuthorization: true,
        allowOvercharge: true,
        presentmentCurrency: 'JPY',
      },
      merchantMetadata: { merchantReferenceId: orderIdOf(handle), merchantStoreName: 'テスト商店' },
    },
    { idempotencyKey: key('session') },
  );
  await chooseAgain(h, session.checkoutSessionId, choice);
  return session.checkoutSessionId;
}

export async function chooseAgain(h: OrderHarness, sessionId: string, choice: AmazonChoice = {}): Promise<void> {
  await chooseAtAmazon(h.emu.url, sessionId, choice);
}

export async function confirmAtAmazon(h: OrderHarness, sessionId: string): Promise<void> {
  await pressPayAtAmazon(h.emu.url, sessionId);
}

/** The whole happy path: Amazon return, procedure, confirm, buyer confirms at Amazon, complete. */
export async function checkoutThrough(
  h: OrderHarness,
  handle: WorkflowHandle,
  o: { choice?: AmazonChoice; form?: ProcedureOverrides } = {},
): Promise<OrderView> {
  const sessionId = await buyerAtAmazon(h, handle, o.choice);
  const back = await handle.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: sessionId }] });
  await handle.executeUpdate(submitProcedure, { args: [procedureForm(back.ordererDefaults, o.form)] });
  await handle.executeUpdate(confirmOrder);
  await confirmAtAmazon(h, sessionId);
  return handle.executeUpdate(completeOrder);
}

/** A placed order totalling exactly `total` (checked), by the whole happy path. */
export async function placedOrder(
  h: OrderHarness,
  total: number,
  o: { memberId?: string; choice?: AmazonChoice; form?: ProcedureOverrides } = {},
): Promise<{ handle: OrderHandle; view: OrderView }> {
  const handle = await startOrder(h, {
    items: [itemTotalling(total)],
    ...(o.memberId === undefined ? {} : { memberId: o.memberId }),
  });
  const view = await checkoutThrough(h, handle, {
    ...(o.choice === undefined ? {} : { choice: o.choice }),
    ...(o.form === undefined ? {} : { form: o.form }),
  });
  expect(view.status).toBe('Placed');
  expect(view.totals.total).toBe(total);
  return { handle, view };
}

export async function queryOrder(handle: WorkflowHandle): Promise<OrderView> {
  return handle.query(getOrder);
}

/** A member in the database (for member orders), with `points` usable points in their account. */
export async function memberWithPoints(
  h: OrderHarness,
  email: string,
  points: number,
  extra: Record<string, string> = { birthday: '1980-01-01' },
): Promise<Member> {
  const member = await createMemberRepository(h.database.models).register({
    email,
    name: '会員 花子',
    postalCode: '1500041',
    prefecture: '東京都',
    address: '渋谷区神南1-2-3',
    phone: '0312345678',
    passwordHash: null,
    newsletter: true,
    mobileMail: false,
    extra,
    registeredVia: 'form',
  });
  if (points > 0) {
    await updatePointAccount({ client: h.env.client, taskQueue: h.taskQueue }, member.memberId, adjustPoints, {
      key: `welcome:${member.memberId}`,
      points,
      reason: 'test grant',
    });
  }
  return member;
}
