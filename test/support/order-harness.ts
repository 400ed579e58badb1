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
import { jpy, type AmazonPayClient } from '../../amazon-pay/index.js';
import type { EmulatorOptions } from '../../emulator/app.js';
import type { CartItem } from '../../domain/cart.js';
import { newOrderId, orderWorkflowId } from '../../domain/ids.js';
import { DEFAULT_FEE_TABLE } from '../../domain/totals.js';
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
  type OrderInput,
  type OrderSettings,
  type OrderView,
} from '../../workflows/order/definitions.js';
import { adjustPoints } from '../../workflows/points/definitions.js';
import { key, startTestEmulator, STORE_ID, type TestEmulator } from '../emulator/support.js';
import type { AmazonChoice } from './checkout.js';
import { procedureForm } from './checkout.js';
import { createTimeSkippingEnv, dropTestDatabase, openTestDatabase, uniqueTaskQueue } from './servers.js';
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
  const emu = await startTestEmulator({ controlApi: true, ...options.emulator });
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

export const TEA: CartItem = {
  productId: 'tea-sencha',
  name: '静岡煎茶 100g',
  salesType: 'normal',
  unitPrice: 1_200,
  quantity: 2,
};
export const KYUSU: CartItem = {
  productId: 'kyusu',
  name: '常滑焼 急須',
  salesType: 'normal',
  unitPrice: 6_500,
  quantity: 1,
};

export function testOrderId(): string {
  return newOrderId(new Date(), Math.random);
}

export async function startOrder(
  h: OrderHarness,
  o: { memberId?: string | null; items?: CartItem[]; settings?: Partial<OrderSettings>; orderId?: string } = {},
): Promise<WorkflowHandle> {
  const orderId = o.orderId ?? testOrderId();
  const input: OrderInput = {
    orderId,
    memberId: o.memberId ?? null,
    items: o.items ?? [TEA],
    settings: {
      pointsMode: 'standard',
      pointsRatePercent: 1,
      fees: { ...DEFAULT_FEE_TABLE },
      shopName: 'テスト商店',
      checkoutResultReturnUrl: `http://shop.test/checkout/complete?orderId=${orderId}`,
      ...o.settings,
    },
  };
  return h.env.client.workflow.start('orderWorkflow', {
    workflowId: orderWorkflowId(orderId),
    taskQueue: h.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

export const orderIdOf = (handle: WorkflowHandle) => handle.workflowId.replace(/^order:/, '');

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
  const chosen = await h.emu.control('POST', `/checkoutSessions/${sessionId}/buyer`, { instrument: 'card', ...choice });
  expect(chosen.status, JSON.stringify(chosen.body)).toBe(200);
}

export async function confirmAtAmazon(h: OrderHarness, sessionId: string): Promise<void> {
  const confirmed = await h.emu.control('POST', `/checkoutSessions/${sessionId}/confirm`);
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
}

/** The whole happy path: Amazon return, procedure, confirm, buyer confirms at Amazon, complete. */
export async function checkoutThrough(
  h: OrderHarness,
  handle: WorkflowHandle,
  o: { choice?: AmazonChoice; form?: Record<string, unknown> } = {},
): Promise<OrderView> {
  const sessionId = await buyerAtAmazon(h, handle, o.choice);
  const back = await handle.executeUpdate(amazonReturn, { args: [{ checkoutSessionId: sessionId }] });
  await handle.executeUpdate(submitProcedure, {
    args: [procedureForm(back.ordererDefaults as Record<string, unknown>, o.form) as never],
  });
  await handle.executeUpdate(confirmOrder);
  await confirmAtAmazon(h, sessionId);
  return handle.executeUpdate(completeOrder);
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

export { jpy };
