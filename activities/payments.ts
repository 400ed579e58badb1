/**
 * Amazon Pay calls after placement (lifecycle step 6): extra authorizations for amount increases,
 * capture, cancel, refund, closing the charge permission, and reading objects back after a
 * notification. POSTs carry idempotency keys `{orderId}_{step}_{n}`; business refusals are returned
 * (the workflow decides), transient failures are thrown (the activity retry policy retries).
 */
import { jpy, yen, type AmazonPayClient, type Refund } from '../amazon-pay/index.js';
import { amazonIdempotencyKey } from '../domain/ids.js';
import { orRefusal, snapshotCharge, type AmazonRefusal, type ChargeSnapshot } from './checkout.js';

export interface PermissionSnapshot {
  chargePermissionId: string;
  state: 'Chargeable' | 'NonChargeable' | 'Closed';
  reasonCode: string | null;
  amountLimit: number;
  amountBalance: number;
}

export interface RefundSnapshot {
  refundId: string;
  chargeId: string;
  amount: number;
  state: 'RefundInitiated' | 'Refunded' | 'Declined';
  reasonCode: string | null;
}

function snapshotRefund(refund: Refund): RefundSnapshot {
  return {
    refundId: refund.refundId,
    chargeId: refund.chargeId,
    amount: yen(refund.refundAmount),
    state: refund.statusDetails.state,
    reasonCode: refund.statusDetails.reasonCode ?? null,
  };
}

export function createPaymentActivities(deps: { amazonPay: AmazonPayClient }) {
  const { amazonPay } = deps;
  return {
    async readChargePermission(chargePermissionId: string): Promise<PermissionSnapshot> {
      const permission = await amazonPay.getChargePermission(chargePermissionId);
      return {
        chargePermissionId: permission.chargePermissionId,
        state: permission.statusDetails.state,
        reasonCode: permission.statusDetails.reasons?.[0]?.reasonCode ?? permission.statusDetails.reasonCode ?? null,
        amountLimit: yen(permission.limits.amountLimit),
        amountBalance: yen(permission.limits.amountBalance),
      };
    },

    /** A new authorization on the charge permission: an increase (A2) or a re-authorization after expiry. */
    async authorizeCharge(input: {
      orderId: string;
      chargePermissionId: string;
      amount: number;
      seq: number;
    }): Promise<ChargeSnapshot | AmazonRefusal> {
      return orRefusal(async () =>
        snapshotCharge(
          await amazonPay.createCharge(
            {
              chargePermissionId: input.chargePermissionId,
              chargeAmount: jpy(input.amount),
              captureNow: false,
              canHandlePendingAuthorization: true,
              merchantMetadata: { merchantReferenceId: input.orderId },
            },
            { idempotencyKey: amazonIdempotencyKey(input.orderId, 'createCharge', input.seq) },
          ),
        ),
      );
    },

    async captureCharge(input: {
      orderId: string;
      chargeId: string;
      amount: number;
      seq: number;
    }): Promise<ChargeSnapshot | AmazonRefusal> {
      return orRefusal(async () =>
        snapshotCharge(
          await amazonPay.captureCharge(
            input.chargeId,
            { captureAmount: jpy(input.amount) },
            { idempotencyKey: amazonIdempotencyKey(input.orderId, 'captureCharge', input.seq) },
          ),
        ),
      );
    },

    async cancelCharge(input: { chargeId: string; reason: string }): Promise<ChargeSnapshot | AmazonRefusal> {
      return orRefusal(async () =>
        snapshotCharge(
          await amazonPay.cancelCharge(input.chargeId, { cancellationReason: input.reason.slice(0, 255) }),
        ),
      );
    },

    async closeChargePermission(input: {
      chargePermissionId: string;
      reason: string;
    }): Promise<{ state: string } | AmazonRefusal> {
      return orRefusal(async () => {
        const permission = await amazonPay.closeChargePermission(input.chargePermissionId, {
          closureReason: input.reason.slice(0, 255),
          cancelPendingCharges: true,
        });
        return { state: permission.statusDetails.state };
      });
    },

    async refundCharge(input: {
      orderId: string;
      chargeId: string;
      amount: number;
      seq: number;
    }): Promise<RefundSnapshot | AmazonRefusal> {
      return orRefusal(async () =>
        snapshotRefund(
          await amazonPay.createRefund(
            { chargeId: input.chargeId, refundAmount: jpy(input.amount) },
            { idempotencyKey: amazonIdempotencyKey(input.orderId, 'createRefund', input.seq) },
          ),
        ),
      );
    },

    async readRefund(refundId: string): Promise<RefundSnapshot> {
      return snapshotRefund(await amazonPay.getRefund(refundId));
    },
  };
}
