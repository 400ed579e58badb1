/**
 * Ops order routes: listing from the read model, and (A1–A3, P1–P3) the operations on a placed order
 * as workflow Updates — each answers with the new order state or a clear refusal.
 */
import { Router, type Request, type Response } from 'express';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { amountChangeRoom } from '../../domain/amount-limits.js';
import { orderWorkflowId } from '../../domain/ids.js';
import { ORDER_NOT_FOUND_MESSAGE } from '../../domain/messages.js';
import type { Models } from '../../db/models/index.js';
import { createOrderList } from '../../db/order-list.js';
import {
  cancelOrder,
  captureOrder,
  changeAmount,
  getOrder,
  refundOrder,
  type OrderView,
} from '../../workflows/order/definitions.js';
import { HttpError, orderRefusal, orderStateConflict } from '../errors.js';
import { orderIdParam, parse } from '../validation.js';
import { auditChange, requireOperator } from './auth.js';

/** A calendar day (`YYYY-MM-DD`); `2026-02-30` or `0000-00-00` is a 400, not a 500 further in. */
const isoDay = z.iso.date();

/** The next page's cursor as the list answers it: the last order's creation time (ms) and id. */
const listCursor = z
  .string()
  .regex(/^\d{1,15}\.ORD-\d{8}-[0-9A-HJKMNP-TV-Z]{8}$/, 'the `next` of the previous page')
  .transform((value) => {
    const dot = value.indexOf('.');
    return { createdAt: new Date(Number(value.slice(0, dot))), orderId: value.slice(dot + 1) };
  });

/** The list's filters (db/order-list.ts reads each through an index). */
export const listSchema = z.strictObject({
  status: z
    .string()
    .regex(/^[A-Za-z]{1,30}$/)
    .optional(),
  memberId: z.string().min(1).max(64).optional(),
  /** `gift_card` (A3), `gift_card_and_card`, `card`. */
  paymentMethod: z.enum(['gift_card', 'gift_card_and_card', 'card']).optional(),
  chargePermissionId: z.string().trim().min(1).max(64).optional(),
  /** Ordered on or after this day (Japan time). */
  from: isoDay.optional(),
  /** Ordered on or before this day (Japan time). */
  to: isoDay.optional(),
  /** The `next` of the previous page; the first page without it. */
  after: listCursor.optional(),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

/** The list's filters without the page: what `GET /ops/orders/count` counts. */
export const countSchema = listSchema.omit({ after: true, pageSize: true });

export interface OpsOrderDeps {
  client: Client;
  models: Models;
  /** The Temporal Web UI's origin and namespace: the detail answers a link to the order's workflow. */
  temporalUi: { origin: string; namespace: string };
}

/** Newest first, at most this many audit rows of one order. */
const AUDIT_ROWS = 200;

const yenAmount = z.number().int().min(1).max(10_000_000);
export const changeAmountBodySchema = z.strictObject({ amount: yenAmount });
export const captureBodySchema = z.strictObject({ amount: yenAmount.optional() });
export const cancelBodySchema = z.strictObject({ reason: z.string().trim().min(1).max(200) });
export const refundBodySchema = z.strictObject({ amount: yenAmount, reason: z.string().trim().max(200).optional() });

export function opsOrderRoutes(deps: OpsOrderDeps): Router {
  const router = Router();
  const orderList = createOrderList(deps.models);
  const handleOf = (orderId: string) => deps.client.workflow.getHandle(orderWorkflowId(orderId));

  async function currentView(orderId: string): Promise<OrderView> {
    try {
      return await handleOf(orderId).query(getOrder);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      const stored = await deps.models.Order.findOne({ _id: orderId }).lean();
      if (stored === null) throw new HttpError(404, 'order_not_found', ORDER_NOT_FOUND_MESSAGE);
      return stored.view as unknown as OrderView;
    }
  }

  /** Runs one ops Update, audited with the order before and after; refusals become 4xx. */
  async function operate(
    req: Request,
    res: Response,
    action: string,
    run: (orderId: string) => Promise<OrderView>,
  ): Promise<void> {
    const orderId = orderIdParam(req.params['orderId']);
    const before = await currentView(orderId);
    try {
      const after = await run(orderId);
      auditChange(res, {
        action,
        target: orderId,
        before: { status: before.status, payment: before.payment },
        after: { status: after.status, payment: after.payment },
      });
      res.json({ order: after });
    } catch (error) {
      auditChange(res, { action, target: orderId, before: { status: before.status, payment: before.payment } });
      if (error instanceof WorkflowNotFoundError) throw orderStateConflict({ status: before.status });
      if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure)
        throw orderRefusal(error.cause);
      throw error;
    }
  }

  const workflowUrl = (orderId: string) =>
    `${deps.temporalUi.origin.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(deps.temporalUi.namespace)}/workflows/${encodeURIComponent(orderWorkflowId(orderId))}`;

  router.get('/ops/orders', async (req, res) => {
    const { after, pageSize, ...filter } = parse(listSchema, req.query);
    const { orders, next } = await orderList.list(filter, pageSize, after);
    res.json({
      pageSize,
      next: next === null ? null : `${next.createdAt.getTime()}.${next.orderId}`,
      orders: orders.map((order) => order.view),
    });
  });
  // Before `/ops/orders/:orderId`, which would take `count` for an order id.
  router.get('/ops/orders/count', async (req, res) => {
    res.json(await orderList.count(parse(countSchema, req.query)));
  });

  router.get('/ops/orders/:orderId', async (req, res) => {
    const orderId = orderIdParam(req.params['orderId']);
    const order = await currentView(orderId);
    const payment = order.payment;
    res.json({
      order,
      workflowUrl: workflowUrl(orderId),
      amountChange:
        payment === null ? null : amountChangeRoom({ ...payment, paymentKind: order.paymentMethod?.kind ?? 'card' }),
    });
  });

  /** The ops actions on one order (audit rows whose target is the order), newest first. */
  router.get('/ops/orders/:orderId/audit', async (req, res) => {
    const orderId = orderIdParam(req.params['orderId']);
    const rows = await deps.models.Audit.find({ target: orderId }).sort({ at: -1 }).limit(AUDIT_ROWS).lean();
    res.json({
      audit: rows.map((row) => ({
        at: row.at.toISOString(),
        actor: row.actor,
        role: row.role,
        action: row.action,
        status: row.status,
        before: row.before ?? null,
        after: row.after ?? null,
        via: row.via ?? 'token',
      })),
    });
  });

  router.post('/ops/orders/:orderId/amount', requireOperator, async (req, res) => {
    const body = parse(changeAmountBodySchema, req.body);
    await operate(req, res, 'order.change_amount', (orderId) =>
      handleOf(orderId).executeUpdate(changeAmount, { args: [body] }),
    );
  });
  router.post('/ops/orders/:orderId/capture', requireOperator, async (req, res) => {
    const body = parse(captureBodySchema, req.body ?? {});
    await operate(req, res, 'order.capture', (orderId) =>
      handleOf(orderId).executeUpdate(captureOrder, { args: [body] }),
    );
  });
  router.post('/ops/orders/:orderId/cancel', requireOperator, async (req, res) => {
    const body = parse(cancelBodySchema, req.body);
    await operate(req, res, 'order.cancel', (orderId) =>
      handleOf(orderId).executeUpdate(cancelOrder, { args: [body] }),
    );
  });
  router.post('/ops/orders/:orderId/refund', requireOperator, async (req, res) => {
    const body = parse(refundBodySchema, req.body);
    await operate(req, res, 'order.refund', (orderId) =>
      handleOf(orderId).executeUpdate(refundOrder, {
        args: [{ amount: body.amount, ...(body.reason === undefined ? {} : { reason: body.reason }) }],
      }),
    );
  });

  return router;
}
