/**
 * Reconciliation: the orders read model against Amazon's own record of each charge and refund.
 * Amazon has no "list charges" call, so every object the read model knows is read back by id.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { AmazonPayClient } from '../amazon-pay/index.js';
import { yen } from '../amazon-pay/index.js';
import type { Models } from '../db/models/index.js';
import type { Mismatch } from '../db/models/reconciliation.js';
import { dayOf } from '../db/models/order.js';
import type { OrderStatus, PaymentView } from '../workflows/order/definitions.js';

/** The reconciliation's default window: a week of changes (plus every order still awaiting Amazon). */
const DEFAULT_RECONCILIATION_WINDOW_DAYS = 7;

export interface ReconciliationReport {
  runId: string;
  startedAt: string;
  finishedAt: string;
  /** The orders changed in this many days (UTC) before the run, and every order still awaiting Amazon. */
  windowDays: number;
  ordersChecked: number;
  objectsChecked: number;
  mismatches: Mismatch[];
}

/** Payment states Amazon can change on its own (an authorization pending, declined or expiring). */
const AWAITING_AMAZON: readonly OrderStatus[] = ['Authorizing', 'Placed'];
/** How many orders are read back at once (by `_id`). */
const BATCH = 100;
/** Reports are kept this long; older ones are deleted at the end of a run. */
const KEEP_REPORTS_DAYS = 90;
const DAY_MS = 86_400_000;

/** Progress kept in the activity's heartbeat: a retried attempt resumes after `after`. */
interface Progress {
  after: string;
  ordersChecked: number;
  objectsChecked: number;
  mismatches: Mismatch[];
}

const isNotFound = (error: unknown) =>
  error instanceof ApplicationFailure && error.type === 'AmazonPay.ResourceNotFound';

export function createReconciliationActivities(deps: { models: Models; amazonPay: AmazonPayClient }) {
  const { models, amazonPay } = deps;

  /**
   * The orders a run checks, by equality lookups only (flat in the number of orders stored, see
   * db/models/order.ts): those changed within the window and those still awaiting Amazon. Sorted, so a
   * retried attempt can resume after the last order its heartbeat recorded.
   */
  async function ordersInWindow(now: Date, windowDays: number): Promise<string[]> {
    const days = Array.from({ length: windowDays + 1 }, (_, i) => dayOf(new Date(now.getTime() - i * DAY_MS)));
    const [recent, awaiting] = await Promise.all([
      models.Order.find({ updatedDay: { $in: days } }, { _id: 1 }).lean(),
      models.Order.find({ status: { $in: AWAITING_AMAZON } }, { _id: 1 }).lean(),
    ]);
    return [...new Set([...recent, ...awaiting].map((order) => order._id))].sort();
  }

  return {
    /**
     * Compares the read model's charges and refunds of the orders in the window with Amazon's. The
     * heartbeat carries the progress: a retry after a crash or a timeout continues where it stopped.
     */
    async reconcileOrders(input: { runId: string; windowDays?: number }): Promise<ReconciliationReport> {
      const startedAt = new Date();
      const windowDays = input.windowDays ?? DEFAULT_RECONCILIATION_WINDOW_DAYS;
      const context = Context.current();
      const resumed = context.info.heartbeatDetails as Progress | undefined;
      const progress: Progress = resumed ?? { after: '', ordersChecked: 0, objectsChecked: 0, mismatches: [] };
      const ids = (await ordersInWindow(startedAt, windowDays)).filter((id) => id > progress.after);
      for (let offset = 0; offset < ids.length; offset += BATCH) {
        const batch = ids.slice(offset, offset + BATCH);
        const orders = await models.Order.find({ _id: { $in: batch } }).lean();
        orders.sort((a, b) => (a._id < b._id ? -1 : 1));
        for (const order of orders) {
          const payment = (order.view as { payment?: PaymentView | null }).payment;
          if (order.chargePermissionId !== null && payment !== null && payment !== undefined) {
            progress.ordersChecked += 1;
            await checkPayment(order.orderId, payment, progress);
          }
          progress.after = order._id;
          // A copy: the worker encodes details later (a heartbeat waits while the one before is being
          // sent), by when this loop has counted part of the next order while `after` still names this
          // one — a retry resuming from that would count the next order twice.
          context.heartbeat(structuredClone(progress));
        }
        progress.after = batch[batch.length - 1] ?? progress.after;
      }
      const report = {
        runId: input.runId,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        windowDays,
        ordersChecked: progress.ordersChecked,
        objectsChecked: progress.objectsChecked,
        mismatches: progress.mismatches,
      };
      // Upsert by run id: a retried activity rewrites its own report.
      await models.ReconciliationReport.updateOne(
        { runId: input.runId },
        { $set: { ...report, startedAt, finishedAt: new Date(report.finishedAt) } },
        { upsert: true },
      );
      await models.ReconciliationReport.deleteMany({
        startedAt: { $lt: new Date(startedAt.getTime() - KEEP_REPORTS_DAYS * DAY_MS) },
      });
      return report;
    },
  };

  async function checkPayment(orderId: string, payment: PaymentView, progress: Progress): Promise<void> {
    const differ = (object: string, field: string, readModel: unknown, amazon: unknown) => {
      if (readModel !== amazon) progress.mismatches.push({ orderId, object, field, readModel, amazon });
    };
    const missing = (object: string) =>
      progress.mismatches.push({ orderId, object, field: 'exists', readModel: true, amazon: false });
    for (const charge of payment.charges) {
      progress.objectsChecked += 1;
      try {
        const actual = await amazonPay.getCharge(charge.chargeId);
        differ(charge.chargeId, 'state', charge.state, actual.statusDetails.state);
        differ(
          charge.chargeId,
          'capturedAmount',
          charge.capturedAmount,
          actual.captureAmount ? yen(actual.captureAmount) : 0,
        );
        differ(charge.chargeId, 'chargeAmount', charge.amount, yen(actual.chargeAmount));
      } catch (error) {
        if (!isNotFound(error)) throw error;
        missing(charge.chargeId);
      }
    }
    for (const refund of payment.refunds) {
      progress.objectsChecked += 1;
      try {
        const actual = await amazonPay.getRefund(refund.refundId);
        differ(refund.refundId, 'state', refund.state, actual.statusDetails.state);
        differ(refund.refundId, 'refundAmount', refund.amount, yen(actual.refundAmount));
      } catch (error) {
        if (!isNotFound(error)) throw error;
        missing(refund.refundId);
      }
    }
  }
}
