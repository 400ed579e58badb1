/**
 * Changing the amount of a placed Amazon Pay order (docs/rules.md A2, A3: Amazon's
 * amount increases in Japan). Lowering is free until capture; raising is capped by Amazon on the NEW TOTAL at
 * max(900% of the order amount, ¥70,000) and is impossible for gift-card-only orders.
 * Refusal messages are for ops staff (the ops API shows them verbatim).
 */
import { isYen, type Yen } from './money.js';
import {
  AMOUNT_ALREADY_CAPTURED_MESSAGE,
  AMOUNT_NOT_YEN_MESSAGE,
  amountBelowMinimumMessage,
  exceedsAmountBalanceMessage,
  exceedsAmountLimitMessage,
  giftCardOnlyIncreaseMessage,
} from './messages.js';
import type { PaymentMethodKind } from './payment-method.js';

/** Charge states whose authorization still counts toward what is authorized. */
export const OPEN_AUTHORIZATION: readonly string[] = ['AuthorizationInitiated', 'Authorized'];

/** A2: the cap is at least ¥70,000 … */
const AMOUNT_LIMIT_FLOOR: Yen = 70_000;
/** A2: … or 900% of the order amount, whichever is higher. */
const AMOUNT_LIMIT_MULTIPLIER = 9;
/** Amazon Pay cannot authorize or capture ¥0. */
export const MINIMUM_CHARGE_AMOUNT: Yen = 1;

/**
 * A2: the highest total the order may be raised to. `orderAmount` is the amount set in
 * updateCheckoutSession at confirmation: Amazon computes the charge permission's amountLimit from
 * it, so later changes do not move the cap. (A well-known plugin uses `total + 70,000` below the
 * threshold; Amazon's rule is the one implemented.)
 */
export function amountLimit(orderAmount: Yen): Yen {
  assertYen(orderAmount, 'orderAmount');
  return Math.max(AMOUNT_LIMIT_MULTIPLIER * orderAmount, AMOUNT_LIMIT_FLOOR);
}

export interface AmountChangeRequest {
  /** The amount at confirmation (the base of Amazon's amountLimit). */
  orderAmount: Yen;
  /** What the current authorization(s) cover; a new total at or below it needs no new authorization. */
  authorizedAmount: Yen;
  /** The requested new order total. */
  requestedAmount: Yen;
  paymentMethod: PaymentMethodKind;
  /** Once captured (shipped), the amount is settled: refunds, not amount changes. */
  captured: boolean;
  /** `limits.amountBalance` of the charge permission, when it has been read. */
  amountBalance?: Yen;
}

type AmountChangeRefusalReason =
  | 'invalid_amount'
  | 'already_captured'
  | 'below_minimum'
  | 'gift_card_only'
  | 'exceeds_amount_limit'
  | 'exceeds_amount_balance';

export type AmountChangeDecision =
  | {
      ok: true;
      /** Relative to the authorized amount. */
      change: 'lower' | 'unchanged' | 'raise';
      newAmount: Yen;
      /** True when the new total is above the current authorization (cancel + re-authorize, or an extra charge). */
      needsNewAuthorization: boolean;
      amountLimit: Yen;
    }
  | {
      ok: false;
      reason: AmountChangeRefusalReason;
      /** Japanese, for ops. States the cap and what may still be added where that helps. */
      message: string;
      amountLimit: Yen;
      /** How much the total may still rise above the authorized amount (0 when it may not). */
      remainingIncrease: Yen;
    };

/** How much more than the authorized amount may still be charged (A2 cap, A3, Amazon's balance). */
export function remainingIncrease(request: Omit<AmountChangeRequest, 'requestedAmount'>): Yen {
  if (request.captured || request.paymentMethod === 'gift_card') return 0;
  const byCap = amountLimit(request.orderAmount) - request.authorizedAmount;
  const byBalance = request.amountBalance ?? Number.POSITIVE_INFINITY;
  return Math.max(0, Math.min(byCap, byBalance));
}

export function decideAmountChange(request: AmountChangeRequest): AmountChangeDecision {
  const { orderAmount, authorizedAmount, requestedAmount, amountBalance } = request;
  const numbersValid =
    isYen(orderAmount) &&
    isYen(authorizedAmount) &&
    isYen(requestedAmount) &&
    (amountBalance === undefined || isYen(amountBalance));
  if (!numbersValid) {
    return refuse('invalid_amount', AMOUNT_NOT_YEN_MESSAGE, AMOUNT_LIMIT_FLOOR, 0);
  }
  const limit = amountLimit(orderAmount);
  const remaining = remainingIncrease(request);

  if (request.captured) {
    return refuse('already_captured', AMOUNT_ALREADY_CAPTURED_MESSAGE, limit, 0);
  }
  if (requestedAmount < MINIMUM_CHARGE_AMOUNT) {
    return refuse('below_minimum', amountBelowMinimumMessage(MINIMUM_CHARGE_AMOUNT), limit, remaining);
  }
  if (requestedAmount <= authorizedAmount) {
    return {
      ok: true,
      change: requestedAmount === authorizedAmount ? 'unchanged' : 'lower',
      newAmount: requestedAmount,
      needsNewAuthorization: false,
      amountLimit: limit,
    };
  }
  // A3 (and M3): Amazon cannot add to a gift-card-only payment.
  if (request.paymentMethod === 'gift_card') {
    return refuse('gift_card_only', giftCardOnlyIncreaseMessage(authorizedAmount), limit, 0);
  }
  // A2: the cap applies to the new total, not to the increment.
  if (requestedAmount > limit) {
    return refuse(
      'exceeds_amount_limit',
      exceedsAmountLimitMessage(requestedAmount, limit, remaining),
      limit,
      remaining,
    );
  }
  // Amazon's own remaining balance on the charge permission (earlier charges count against it).
  if (amountBalance !== undefined && requestedAmount - authorizedAmount > amountBalance) {
    return refuse(
      'exceeds_amount_balance',
      exceedsAmountBalanceMessage(requestedAmount - authorizedAmount, amountBalance, limit, remaining),
      limit,
      remaining,
    );
  }
  return { ok: true, change: 'raise', newAmount: requestedAmount, needsNewAuthorization: true, amountLimit: limit };
}

function refuse(reason: AmountChangeRefusalReason, message: string, limit: Yen, remaining: Yen): AmountChangeDecision {
  return { ok: false, reason, message, amountLimit: limit, remainingIncrease: remaining };
}

function assertYen(value: number, name: string): void {
  if (!isYen(value)) throw new RangeError(`${name} must be a non-negative whole yen amount: ${String(value)}`);
}

/**
 * What the console shows next to the amount form (A2, A3): the cap, what the open authorizations
 * cover, and how much more may still be authorized (0 for gift-card-only or captured orders).
 */
export function amountChangeRoom(payment: {
  orderAmount: Yen;
  charges: readonly { amount: Yen; state: string }[];
  capturedAmount: Yen;
  paymentKind: PaymentMethodKind;
}): { amountLimit: Yen; authorizedAmount: Yen; remainingIncrease: Yen; giftCardOnly: boolean } {
  const authorizedAmount = payment.charges
    .filter((charge) => OPEN_AUTHORIZATION.includes(charge.state))
    .reduce((sum, charge) => sum + charge.amount, 0);
  return {
    amountLimit: amountLimit(payment.orderAmount),
    authorizedAmount,
    remainingIncrease: remainingIncrease({
      orderAmount: payment.orderAmount,
      authorizedAmount,
      paymentMethod: payment.paymentKind,
      captured: payment.capturedAmount > 0,
    }),
    giftCardOnly: payment.paymentKind === 'gift_card',
  };
}
