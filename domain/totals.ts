/**
 * Order totals for the Amazon Pay order procedure (C3 gift/noshi fees, C5 coupon and points).
 * All amounts are tax-included whole yen. The result's `total` is what Amazon Pay is asked to
 * authorize, so it is always at least ¥1.
 */
import type { AppliedCoupon } from './coupon.js';
import { DomainRuleError } from './errors.js';
import { MINIMUM_CHARGE_AMOUNT } from './amount-limits.js';
import { isYen, sumYen, yen, type Yen } from './money.js';
import { maxUsablePoints, purchasePointsBase } from './points.js';

/** The shop's fee table. docs/rules.md gives no figures; these defaults are a typical Japanese small shop's. */
export interface FeeTable {
  /** Flat shipping fee per order (one destination, R3). */
  shippingFee: Yen;
  /** Merchandise subtotal (before coupon and points) from which shipping is free. */
  freeShippingThreshold: Yen;
  /** Gift wrapping, per order. */
  giftWrappingFee: Yen;
  /** Noshi (熨斗) paper, per order. */
  noshiFee: Yen;
}

export const DEFAULT_FEE_TABLE: Readonly<FeeTable> = Object.freeze({
  shippingFee: 600,
  freeShippingThreshold: 5_000,
  giftWrappingFee: 330,
  noshiFee: 0,
});

export interface TotalsInput {
  items: readonly { unitPrice: Yen; quantity: number }[];
  giftWrapping: boolean;
  noshi: boolean;
  /** The outcome of `applyCoupon` (members only, C5). */
  coupon?: AppliedCoupon | null;
  /** Checked beforehand with `checkPointsToUse`; 1 point = ¥1. */
  pointsToUse?: number;
  fees?: FeeTable;
}

export interface Totals {
  /** Σ unit price × quantity. */
  subtotal: Yen;
  shipping: Yen;
  /** Gift wrapping + noshi. */
  giftFee: Yen;
  couponDiscount: Yen;
  pointsDiscount: Yen;
  /** The amount charged through Amazon Pay (≥ ¥1). */
  total: Yen;
  /** subtotal + shipping + giftFee − couponDiscount: what points may reduce. */
  amountBeforePoints: Yen;
  /** How many points this order could use (leaves ¥1 to charge). */
  maxUsablePoints: number;
  /** What purchase points are earned on (see `purchasePointsBase`). */
  purchasePointsBase: Yen;
}

/**
 * Computes the totals. Throws DomainRuleError when the order could not be charged (total below ¥1)
 * or the points exceed what the order can absorb: callers check points first with
 * `checkPointsToUse` against `amountBeforePoints` from a points-free call.
 */
export function computeTotals(input: TotalsInput): Totals {
  const fees = input.fees ?? DEFAULT_FEE_TABLE;
  for (const [name, value] of Object.entries(fees)) {
    if (!isYen(value)) throw new RangeError(`fee table ${name} must be whole yen: ${String(value)}`);
  }

  const subtotal = sumYen(
    input.items.map((item) => {
      if (!isYen(item.unitPrice) || !Number.isSafeInteger(item.quantity) || item.quantity < 1) {
        throw new RangeError(`bad cart line: unit price ${String(item.unitPrice)}, quantity ${String(item.quantity)}`);
      }
      return yen(item.unitPrice * item.quantity);
    }),
  );
  const shipping = subtotal >= fees.freeShippingThreshold ? 0 : fees.shippingFee;
  const giftFee = (input.giftWrapping ? fees.giftWrappingFee : 0) + (input.noshi ? fees.noshiFee : 0);
  const amountBeforeCoupon = subtotal + shipping + giftFee;
  if (amountBeforeCoupon < MINIMUM_CHARGE_AMOUNT) {
    throw new DomainRuleError('C3', 'total_below_minimum', 'an Amazon Pay order must charge at least ¥1');
  }

  // A coupon never discounts more than the goods, and never makes the order free: Amazon Pay
  // cannot authorize ¥0, so the last ¥1 stays chargeable.
  const couponDiscount = input.coupon
    ? Math.min(yen(input.coupon.discount), subtotal, amountBeforeCoupon - MINIMUM_CHARGE_AMOUNT)
    : 0;
  const amountBeforePoints = amountBeforeCoupon - couponDiscount;
  const maxPoints = maxUsablePoints(amountBeforePoints);

  const pointsDiscount = input.pointsToUse ?? 0;
  if (!Number.isSafeInteger(pointsDiscount) || pointsDiscount < 0) {
    throw new DomainRuleError(
      'C5',
      'points_not_whole_number',
      `points to use must be a whole number ≥ 0: ${String(pointsDiscount)}`,
    );
  }
  if (pointsDiscount > maxPoints) {
    throw new DomainRuleError(
      'C5',
      'points_exceed_order_amount',
      `points ${pointsDiscount} exceed the usable ${maxPoints}`,
    );
  }
  return {
    subtotal,
    shipping,
    giftFee,
    couponDiscount,
    pointsDiscount,
    total: amountBeforePoints - pointsDiscount,
    amountBeforePoints,
    maxUsablePoints: maxPoints,
    purchasePointsBase: purchasePointsBase({ subtotal, couponDiscount, pointsDiscount }),
  };
}
