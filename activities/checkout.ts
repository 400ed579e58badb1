/**
 * Amazon Pay calls of the checkout (lifecycle steps 2, 4, 5). Every POST carries an idempotency key
 * derived from the order and the step, so a retried activity gets Amazon's stored answer instead of
 * a second charge. Results are small plain objects: only what the workflow decides on.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  failureDetails,
  jpy,
  yen,
  type AmazonPayClient,
  type Charge,
  type ChargeState,
  type CheckoutSession,
} from '../amazon-pay/index.js';
import type { AmazonAddress } from '../domain/address.js';
import { amazonIdempotencyKey } from '../domain/ids.js';

export interface CheckoutSessionSnapshot {
  checkoutSessionId: string;
  state: 'Open' | 'Completed' | 'Canceled';
  reasonCode: string | null;
  /** merchantMetadata.merchantReferenceId: the order the session was created for. */
  orderId: string | null;
  buyer: { buyerId: string; name: string; email: string; phoneNumber: string | null } | null;
  /** R3: every destination the session carries (Amazon's multi-address list, or the one address). */
  shippingAddresses: AmazonAddress[];
  paymentDescriptor: string | null;
  amazonPayRedirectUrl: string | null;
  chargePermissionId: string | null;
  chargeId: string | null;
  constraints: string[];
}

export interface ChargeSnapshot {
  chargeId: string;
  chargePermissionId: string;
  state: ChargeState;
  reasonCode: string | null;
  amount: number;
  capturedAmount: number;
  refundedAmount: number;
}

function snapshotSession(session: CheckoutSession): CheckoutSessionSnapshot {
  const list = session.shippingAddressList ?? [];
  return {
    checkoutSessionId: session.checkoutSessionId,
    state: session.statusDetails.state,
    reasonCode: session.statusDetails.reasonCode ?? null,
    orderId: session.merchantMetadata?.merchantReferenceId ?? null,
    buyer:
      session.buyer === null
        ? null
        : {
            buyerId: session.buyer.buyerId,
            name: session.buyer.name ?? '',
            email: session.buyer.email ?? '',
            phoneNumber: session.buyer.phoneNumber ?? null,
          },
    shippingAddresses: list.length > 0 ? list : session.shippingAddress === null ? [] : [session.shippingAddress],
    paymentDescriptor: session.paymentPreferences?.[0]?.paymentDescriptor ?? null,
    amazonPayRedirectUrl: session.webCheckoutDetails.amazonPayRedirectUrl ?? null,
    chargePermissionId: session.chargePermissionId,
    chargeId: session.chargeId,
    constraints: session.constraints.map((c) => c.constraintId),
  };
}

export function snapshotCharge(charge: Charge): ChargeSnapshot {
  return {
    chargeId: charge.chargeId,
    chargePermissionId: charge.chargePermissionId,
    state: charge.statusDetails.state,
    reasonCode: charge.statusDetails.reasonCode ?? null,
    amount: yen(charge.chargeAmount),
    capturedAmount: charge.captureAmount ? yen(charge.captureAmount) : 0,
    refundedAmount: charge.refundedAmount ? yen(charge.refundedAmount) : 0,
  };
}

/** Amazon refused a call for a business reason: the workflow decides, so it is returned, not thrown. */
export interface AmazonRefusal {
  refused: true;
  reasonCode: string;
  status: number | null;
}

export async function orRefusal<T>(call: () => Promise<T>): Promise<T | AmazonRefusal> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApplicationFailure && error.nonRetryable) {
      const details = failureDetails(error);
      if (details !== undefined && details.status !== null && details.status < 500) {
        return { refused: true, reasonCode: details.reasonCode, status: details.status };
      }
    }
    throw error;
  }
}

export function createCheckoutActivities(deps: { amazonPay: AmazonPayClient }) {
  const { amazonPay } = deps;
  return {
    async readCheckoutSession(checkoutSessionId: string): Promise<CheckoutSessionSnapshot | AmazonRefusal> {
      return orRefusal(async () => snapshotSession(await amazonPay.getCheckoutSession(checkoutSessionId)));
    },

    /** Step 4: the final amount with paymentIntent Authorize (A1: authorize now, capture at shipment). */
    async setCheckoutAmount(input: {
      orderId: string;
      checkoutSessionId: string;
      amount: number;
      checkoutResultReturnUrl: string;
      shopName: string;
    }): Promise<CheckoutSessionSnapshot | AmazonRefusal> {
      return orRefusal(async () =>
        snapshotSession(
          await amazonPay.updateCheckoutSession(input.checkoutSessionId, {
            webCheckoutDetails: { checkoutResultReturnUrl: input.checkoutResultReturnUrl },
            paymentDetails: {
              paymentIntent: 'Authorize',
              canHandlePendingAuthorization: true,
              chargeAmount: jpy(input.amount),
              totalOrderAmount: jpy(input.amount),
              presentmentCurrency: 'JPY',
            },
            merchantMetadata: { merchantReferenceId: input.orderId, merchantStoreName: input.shopName },
          }),
        ),
      );
    },

    /** Step 5: completeCheckoutSession, once per order (idempotency key `{orderId}_CC_0`). */
    async completeCheckout(input: {
      orderId: string;
      checkoutSessionId: string;
      amount: number;
    }): Promise<CheckoutSessionSnapshot | AmazonRefusal> {
      return orRefusal(async () =>
        snapshotSession(
          await amazonPay.completeCheckoutSession(
            input.checkoutSessionId,
            { chargeAmount: jpy(input.amount), totalOrderAmount: jpy(input.amount) },
            { idempotencyKey: amazonIdempotencyKey(input.orderId, 'completeCheckoutSession') },
          ),
        ),
      );
    },

    async readCharge(chargeId: string): Promise<ChargeSnapshot> {
      return snapshotCharge(await amazonPay.getCharge(chargeId));
    },
  };
}
