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
import type { PaymentView } from '../workflows/order/definitions.js';

export interface ReconciliationReport {
  runId: string;
  startedAt: string;
  finishedAt: string;
  ordersChecked: number;
  objectsChecked: number;
  mismatches: Mismatch[];
}

const isNotFound = (error: unknown) =>
  error instanceof ApplicationFailure && error.type === 'AmazonPay.ResourceNotFound';

export function createReconciliationActivities(deps: { models: Models; amazonPay: AmazonPayClient }) {
  const { models, amazonPay } = deps;
  return {
    async reconcileOrders(input: { runId: string }): Promise<ReconciliationReport> {
      const startedAt = new Date();
      const mismatches: Mismatch[] = [];
      let ordersChecked = 0;
      let objectsChecked = 0;
      const cursor = models.Order.find({ chargePermissionId: { $ne: null } })
        .sort({ orderId: 1 })
        .lean()
        .cursor({ batchSize: 200 });
      for await (const order of cursor) {
        const payment = (order.view as { payment?: PaymentView | null }).payment;
        if (payment === null || payment === undefined) continue;
        ordersChecked += 1;
        Context.current().heartbeat(order.orderId);
        const differ = (object: string, field: string, readModel: unknown, amazon: unknown) => {
          if (readModel !== amazon) mismatches.push({ orderId: order.orderId, object, field, readModel, amazon });
        };
        for (const charge of payment.charges) {
          objectsChecked += 1;
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
            mismatches.push({
              orderId: order.orderId,
              object: charge.chargeId,
              field: 'exists',
              readModel: true,
              amazon: false,
            });
          }
        }
        for (const refund of payment.refunds) {
          objectsChecked += 1;
          try {
            const actual = await amazonPay.getRefund(refund.refundId);
            differ(refund.refundId, 'state', refund.state, actual.statusDetails.state);
            differ(refund.refundId, 'refundAmount', refund.amount, yen(actual.refundAmount));
          } catch (error) {
            if (!isNotFound(error)) throw error;
            mismatches.push({
              orderId: order.orderId,
              object: refund.refundId,
              field: 'exists',
              readModel: true,
              amazon: false,
            });
          }
        }
      }
      const report = {
        runId: input.runId,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        ordersChecked,
        objectsChecked,
        mismatches,
      };
      // Upsert by run id: a retried activity rewrites its own report.
      await models.ReconciliationReport.updateOne(
        { runId: input.runId },
        { $set: { ...report, startedAt, finishedAt: new Date(report.finishedAt) } },
        { upsert: true },
      );
      return report;
    },
  };
}
