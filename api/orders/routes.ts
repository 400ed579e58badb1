/**
 * Storefront order routes: lifecycle steps 1–5 (docs/architecture.md). Each step is an Update on the order
 * workflow; the workflow serializes them, so a repeated or concurrent request sees one order.
 * Order routes serve only the order's own buyer: the member's session, or the order token handed out
 * at checkout (an HMAC of the order id — an order id alone reveals nothing).
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { Router, type Request } from 'express';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { checkoutButtonConfig, type AmazonPayClient } from '../../amazon-pay/index.js';
import { readPointAccount } from '../../activities/points.js';
import type { AppConfig } from '../../config/index.js';
import { checkAmazonPayCart, MAX_QUANTITY, type CartItem } from '../../domain/cart.js';
import { newOrderId, orderWorkflowId } from '../../domain/ids.js';
import {
  CHECKOUT_FINISHED_MESSAGE,
  CHECKOUT_SESSION_ID_INVALID_MESSAGE,
  EMPTY_CART_MESSAGE,
  IDEMPOTENCY_KEY_OTHER_CART_MESSAGE,
  MEMBER_MESSAGES,
  ORDER_NOT_FOUND_MESSAGE,
  unknownProductsMessage,
} from '../../domain/messages.js';
import { DEFAULT_FEE_TABLE } from '../../domain/totals.js';
import { isDuplicateKey } from '../../db/errors.js';
import { logIn, saveSession } from '../members/session.js';
import type { Models } from '../../db/models/index.js';
import {
  amazonReturn,
  completeOrder,
  confirmOrder,
  getOrder,
  OrderFailureType,
  submitProcedure,
  type OrderInput,
  type OrderView,
} from '../../workflows/order/definitions.js';
import type { orderWorkflow } from '../../workflows/index.js';
import { HttpError, ORDER_REFUSALS, orderRefusal, orderStateConflict } from '../errors.js';
import { orderIdParam, parse } from '../validation.js';

export interface OrderRouteDeps {
  client: Client;
  models: Models;
  amazonPay: AmazonPayClient;
  config: Pick<AppConfig, 'api' | 'amazonPay' | 'orders' | 'temporal'>;
}

export const checkoutSchema = z.strictObject({
  items: z
    .array(
      z.strictObject({ productId: z.string().min(1).max(64), quantity: z.number().int().min(1).max(MAX_QUANTITY) }),
    )
    .min(1, EMPTY_CART_MESSAGE)
    .max(50),
});
export const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{8,100}$/, 'Idempotency-Key: 8–100 characters of A-Z a-z 0-9 _ . : -');
export const amazonReturnSchema = z.strictObject({
  amazonCheckoutSessionId: z.uuid(CHECKOUT_SESSION_ID_INVALID_MESSAGE),
});
const procedureBodySchema = z.record(z.string(), z.unknown());
/** Steps that take no input still refuse a body with fields (unknown keys are refused everywhere). */
export const emptyBodySchema = z.strictObject({});

export function orderToken(secret: string, orderId: string): string {
  return createHmac('sha256', secret).update(orderId).digest('base64url').slice(0, 32);
}

/** How many guest checkouts one browser session remembers (C4 login after registering at purchase). */
const GUEST_CHECKOUTS_KEPT = 10;

/** Marks a guest checkout as this browser's own: only this session may be logged in as its new member. */
async function rememberGuestCheckout(req: Request, orderId: string): Promise<void> {
  const kept = (req.session.guestCheckouts ?? []).filter((id) => id !== orderId);
  req.session.guestCheckouts = [...kept, orderId].slice(-GUEST_CHECKOUTS_KEPT);
  await saveSession(req);
}

/**
 * C4: a guest who registered at purchase is logged in as the new member — once, and only in the
 * browser session that started that checkout (the order token alone is not enough). A member who
 * is already logged in stays who they are.
 */
async function logInRegisteredBuyer(req: Request, view: OrderView): Promise<void> {
  if (view.registeredMemberId === null || req.session.memberId !== undefined) return;
  if (req.session.guestCheckouts?.includes(view.orderId) !== true) return;
  // A new session id without the guest checkouts: the login happens once.
  await logIn(req, view.registeredMemberId);
}

export function orderRoutes(deps: OrderRouteDeps): Router {
  const router = Router();
  const { client, models, config } = deps;
  const base = config.api.publicBaseUrl;
  const [signingSecret = ''] = config.orders.tokenSecrets;
  const tokenFor = (orderId: string) => orderToken(signingSecret, orderId);
  const handleOf = (orderId: string) => client.workflow.getHandle(orderWorkflowId(orderId));

  /** Only the order's own buyer: the member who started it, or whoever holds its token. */
  async function authorizedOrder(req: Request): Promise<string> {
    const orderId = orderIdParam(req.params['orderId']);
    const presented =
      req.get('x-order-token') ?? (typeof req.query['token'] === 'string' ? req.query['token'] : undefined);
    // Any of the configured secrets: tokens handed out before a rotation keep working.
    if (
      presented !== undefined &&
      config.orders.tokenSecrets.some((secret) => {
        const expected = Buffer.from(orderToken(secret, orderId));
        return presented.length === expected.length && timingSafeEqual(Buffer.from(presented), expected);
      })
    )
      return orderId;
    const memberId = req.session?.memberId;
    if (memberId !== undefined) {
      const order = await models.Order.findOne({ _id: orderId }, { memberId: 1 }).lean();
      if (order !== null && order.memberId === memberId) return orderId;
    }
    // The same answer as for an order that does not exist.
    throw new HttpError(404, 'order_not_found', ORDER_NOT_FOUND_MESSAGE);
  }

  const answer = (view: OrderView) => ({
    order: view,
    // C7: where the buyer picks another address (the emulator's page; with Amazon, the storefront
    // binds amazon.Pay.bindChangeAction to the same session instead).
    changeAddressUrl:
      deps.amazonPay.target.kind === 'emulator' && view.checkoutSessionId !== null
        ? `${deps.amazonPay.target.url}/checkout?amazonCheckoutSessionId=${view.checkoutSessionId}`
        : null,
  });

  async function runUpdate<T>(orderId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) {
        // A finished order's workflow takes no more steps; one that never existed is not found.
        if ((await models.Order.exists({ _id: orderId })) !== null) throw orderStateConflict();
        throw new HttpError(404, 'order_not_found', ORDER_NOT_FOUND_MESSAGE);
      }
      if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure)
        throw orderRefusal(error.cause);
      throw error;
    }
  }

  const requireMemberId = (req: Request): string => {
    const memberId = req.session?.memberId;
    if (memberId === undefined) throw new HttpError(401, 'not_logged_in', MEMBER_MESSAGES.notLoggedIn);
    return memberId;
  };

  // My page: the member's point account (usable, held, pending) and orders.
  router.get('/api/members/me/points', async (req, res) => {
    res.json({ points: await readPointAccount(client, requireMemberId(req)) });
  });
  router.get('/api/members/me/orders', async (req, res) => {
    const memberId = requireMemberId(req);
    const orders = await models.Order.find({ memberId }).sort({ createdAt: -1 }).limit(50).lean();
    res.json({ orders: orders.map((order) => order.view) });
  });

  router.get('/api/products', async (_req, res) => {
    const products = await models.Product.find({ active: true }, { _id: 0 }).sort({ productId: 1 }).lean();
    res.json({ products });
  });

  // Step 1: checkout from a cart; R2 refusals; the Amazon Pay button config.
  router.post('/api/checkouts', async (req, res) => {
    const body = parse(checkoutSchema, req.body);
    const rawKey = req.get('idempotency-key');
    const key = rawKey === undefined ? undefined : parse(idempotencyKeySchema, rawKey);
    const memberId = req.session?.memberId ?? null;

    const ids = [...new Set(body.items.map((item) => item.productId))];
    const products = await models.Product.find({ productId: { $in: ids }, active: true }).lean();
    const byId = new Map(products.map((product) => [product.productId, product]));
    const unknown = ids.filter((id) => !byId.has(id));
    if (unknown.length > 0) throw new HttpError(422, 'unknown_product', unknownProductsMessage(unknown));
    const items: CartItem[] = body.items.map((line) => {
      const product = byId.get(line.productId);
      if (product === undefined) throw new HttpError(422, 'unknown_product', unknownProductsMessage([line.productId]));
      return {
        productId: product.productId,
        name: product.name,
        salesType: product.salesType,
        unitPrice: product.price,
        quantity: line.quantity,
      };
    });
    const cart = checkAmazonPayCart(items);
    if (!cart.ok) {
      // R2: pre-order and subscription items, with where they can be ordered instead.
      throw new HttpError(422, 'cart_refused', cart.problems.map((problem) => problem.message).join('\n'), {
        problems: cart.problems,
      });
    }

    let orderId = newOrderId(new Date(), () => randomInt(0, 2 ** 32) / 2 ** 32);
    if (key !== undefined) {
      // One order per key, even for concurrent requests: the unique key row decides which id wins.
      const scopedKey = `${memberId ?? 'guest'}:${key}`;
      try {
        await models.CheckoutRequest.create({ key: scopedKey, orderId, createdAt: new Date() });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const existing = await models.CheckoutRequest.findOne({ key: scopedKey }).lean();
        if (existing === null) throw error;
        orderId = existing.orderId;
      }
    }
    const token = tokenFor(orderId);
    const input: OrderInput = {
      orderId,
      memberId,
      items,
      settings: {
        pointsMode: config.orders.pointsMode,
        pointsRatePercent: config.orders.pointsRatePercent,
        fees: { ...DEFAULT_FEE_TABLE },
        shopName: config.orders.shopName,
        checkoutResultReturnUrl: `${base}/checkout/complete?orderId=${orderId}&token=${token}`,
      },
      amazonTaskQueue: config.temporal.amazonTaskQueue,
    };
    let handle;
    try {
      handle = await client.workflow.start<typeof orderWorkflow>('orderWorkflow', {
        workflowId: orderWorkflowId(orderId),
        taskQueue: config.temporal.taskQueue,
        args: [input],
        // A repeated create joins the running order; a finished order id is never reused.
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      // The key's order has finished (placed, failed, abandoned): a new cart needs a new key.
      throw new HttpError(409, 'idempotency_key_reused', CHECKOUT_FINISHED_MESSAGE, { orderId });
    }
    const view = await handle.query(getOrder);
    if (JSON.stringify(view.items) !== JSON.stringify(items)) {
      throw new HttpError(409, 'idempotency_key_reused', IDEMPOTENCY_KEY_OTHER_CART_MESSAGE);
    }
    const button = checkoutButtonConfig(deps.amazonPay, {
      merchantId: config.amazonPay.merchantId,
      sandbox: config.amazonPay.sandbox,
      payload: {
        webCheckoutDetails: { checkoutReviewReturnUrl: `${base}/checkout/review?orderId=${orderId}&token=${token}` },
        storeId: config.amazonPay.storeId,
        scopes: ['name', 'email', 'phoneNumber', 'billingAddress'],
        chargePermissionType: 'OneTime',
        // A2: increases later are only possible when allowed at creation.
        paymentDetails: {
          paymentIntent: 'Authorize',
          canHandlePendingAuthorization: true,
          allowOvercharge: true,
          presentmentCurrency: 'JPY',
        },
        merchantMetadata: { merchantReferenceId: orderId, merchantStoreName: config.orders.shopName },
      },
    });
    if (memberId === null) await rememberGuestCheckout(req, orderId);
    res.status(201).json({ orderId, orderToken: token, order: view, amazonPayButton: button });
  });

  // Step 2: back from Amazon.
  router.post('/api/orders/:orderId/amazon-return', async (req, res) => {
    const orderId = await authorizedOrder(req);
    const { amazonCheckoutSessionId } = parse(amazonReturnSchema, req.body);
    try {
      const view = await runUpdate(orderId, () =>
        handleOf(orderId).executeUpdate(amazonReturn, { args: [{ checkoutSessionId: amazonCheckoutSessionId }] }),
      );
      res.json(answer(view));
    } catch (error) {
      // C7: the buyer is sent to pick another address on the same session.
      if (error instanceof HttpError && error.code === ORDER_REFUSALS[OrderFailureType.AddressUnusable].code) {
        const changeAddressUrl =
          deps.amazonPay.target.kind === 'emulator'
            ? `${deps.amazonPay.target.url}/checkout?amazonCheckoutSessionId=${amazonCheckoutSessionId}`
            : null;
        throw new HttpError(error.status, error.code, error.message, {
          ...(error.details as object),
          changeAddressUrl,
        });
      }
      throw error;
    }
  });

  // Step 3: the order-procedure form.
  router.put('/api/orders/:orderId/procedure', async (req, res) => {
    const orderId = await authorizedOrder(req);
    const form = parse(procedureBodySchema, req.body);
    const view = await runUpdate(orderId, () => handleOf(orderId).executeUpdate(submitProcedure, { args: [form] }));
    res.json(answer(view));
  });

  // Step 4: 「注文確定」.
  router.post('/api/orders/:orderId/confirm', async (req, res) => {
    parse(emptyBodySchema, req.body ?? {});
    const orderId = await authorizedOrder(req);
    const view = await runUpdate(orderId, () => handleOf(orderId).executeUpdate(confirmOrder));
    res.json({ ...answer(view), amazonPayRedirectUrl: view.amazonPayRedirectUrl });
  });

  // Step 5: back from Amazon's confirmation page.
  router.post('/api/orders/:orderId/complete', async (req, res) => {
    parse(emptyBodySchema, req.body ?? {});
    const orderId = await authorizedOrder(req);
    const view = await runUpdate(orderId, () => handleOf(orderId).executeUpdate(completeOrder));
    await logInRegisteredBuyer(req, view);
    res.json(answer(view));
  });

  router.get('/api/orders/:orderId', async (req, res) => {
    const orderId = await authorizedOrder(req);
    try {
      const view = await handleOf(orderId).query(getOrder);
      // A pending authorization places the order (and registers the buyer) while the page polls.
      await logInRegisteredBuyer(req, view);
      res.json(answer(view));
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      const stored = await models.Order.findOne({ _id: orderId }).lean();
      if (stored === null) throw new HttpError(404, 'order_not_found', ORDER_NOT_FOUND_MESSAGE);
      res.json(answer(stored.view as unknown as OrderView));
    }
  });

  return router;
}
