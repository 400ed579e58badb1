/**
 * Shop points (P1–P3, C5). One point is worth ¥1 when used. The earning mode is shop
 * configuration (P3): `standard` and `commerce_creator` differ only for a guest who registers as a
 * member while buying (manual, 制限事項).
 */
import { MINIMUM_CHARGE_AMOUNT } from './amount-limits.js';
import {
  GUEST_POINTS_COUPON_MESSAGE,
  POINTS_NOT_WHOLE_NUMBER_MESSAGE,
  pointsExceedBalanceMessage,
  pointsExceedOrderMessage,
} from './messages.js';
import { isYen, type Yen } from './money.js';

export type PointsMode = 'standard' | 'commerce_creator';

export interface PurchasePointsEligibilityInput {
  mode: PointsMode;
  /** Logged in as a member when the order was placed. */
  wasMemberAtPurchase: boolean;
  /** A guest who ticked "register as a member" on the order procedure (C4). */
  registersAtPurchase: boolean;
}

/**
 * P1 (standard): only a shopper who is a member at the time of purchase earns points; a guest who
 * registers while buying is not yet a member, so the first order earns none.
 * P2 (commerce_creator): ticking the registration box is enough.
 */
export function purchasePointsEligible({
  mode,
  wasMemberAtPurchase,
  registersAtPurchase,
}: PurchasePointsEligibilityInput): boolean {
  if (wasMemberAtPurchase) return true;
  return mode === 'commerce_creator' && registersAtPurchase;
}

/**
 * The amount purchase points are earned on: the merchandise subtotal after the coupon and the
 * points used, never below 0. Shipping and gift/noshi fees earn nothing (they are not goods), and
 * points paid with points earn nothing (no points on points). Tax-included, like every amount here.
 */
export function purchasePointsBase({
  subtotal,
  couponDiscount,
  pointsDiscount,
}: {
  subtotal: Yen;
  couponDiscount: Yen;
  pointsDiscount: Yen;
}): Yen {
  return Math.max(0, subtotal - couponDiscount - pointsDiscount);
}

/**
 * Points earned: `base × ratePercent / 100`, rounded down (a point is never granted for a fraction
 * of a yen). The rate may have up to two decimals (e.g. 1.5%); integer arithmetic avoids float drift.
 */
export function purchasePoints(base: Yen, ratePercent: number): number {
  if (!isYen(base)) throw new RangeError(`points base must be whole yen: ${String(base)}`);
  if (!isPointsRate(ratePercent))
    throw new RangeError(`point rate must be 0..100 with at most two decimals: ${String(ratePercent)}`);
  return Math.floor((base * Math.round(ratePercent * 100)) / 10_000);
}

/** A shop's points rate: 0..100 percent with at most two decimals (configuration refuses others at start-up). */
export function isPointsRate(ratePercent: number): boolean {
  return (
    Number.isFinite(ratePercent) &&
    ratePercent >= 0 &&
    ratePercent <= 100 &&
    Math.abs(ratePercent * 100 - Math.round(ratePercent * 100)) <= 1e-6
  );
}

/**
 * P1/P2 after placement: purchase points follow what the buyer is charged (the rules of
 * docs/rules.md are silent; the shop's rule). A change of the order amount by ops (A2) or a capture of less than the order amount
 * changes the goods the buyer pays for by that many yen, so the points base moves by the same yen
 * (never below 0; shipping and fees are taken to be unchanged). At placement `charged` equals the
 * order amount and this is `purchasePoints(base, rate)`.
 */
export function purchasePointsForCharge({
  base,
  orderAmount,
  charged,
  ratePercent,
}: {
  base: Yen;
  orderAmount: Yen;
  charged: Yen;
  ratePercent: number;
}): number {
  return purchasePoints(Math.max(0, base + charged - orderAmount), ratePercent);
}

/**
 * The most points an order can use: everything but the last ¥1. Amazon Pay cannot authorize ¥0,
 * and an order paid entirely with points would not be an Amazon Pay order at all.
 * Points may cover shipping and gift fees too (P3: a discount on the order total).
 */
export function maxUsablePoints(amountBeforePoints: Yen): number {
  return Math.max(0, amountBeforePoints - MINIMUM_CHARGE_AMOUNT);
}

export interface PointsToUseInput {
  pointsToUse: number;
  isMember: boolean;
  /** The member's spendable balance right now. */
  balance: number;
  /** Order total after the coupon, before points (see `computeTotals().amountBeforePoints`). */
  amountBeforePoints: Yen;
}

type PointsToUseRefusalReason = 'guest' | 'not_whole_number' | 'exceeds_balance' | 'exceeds_order_amount';

export type PointsToUseCheck =
  { ok: true; points: number } | { ok: false; reason: PointsToUseRefusalReason; message: string };

/** C5: members only; a whole number within the balance and leaving at least ¥1 to charge. */
export function checkPointsToUse({
  pointsToUse,
  isMember,
  balance,
  amountBeforePoints,
}: PointsToUseInput): PointsToUseCheck {
  if (!Number.isSafeInteger(pointsToUse) || pointsToUse < 0) {
    return { ok: false, reason: 'not_whole_number', message: POINTS_NOT_WHOLE_NUMBER_MESSAGE };
  }
  if (pointsToUse === 0) return { ok: true, points: 0 };
  if (!isMember) return { ok: false, reason: 'guest', message: GUEST_POINTS_COUPON_MESSAGE };
  if (pointsToUse > balance)
    return { ok: false, reason: 'exceeds_balance', message: pointsExceedBalanceMessage(Math.max(0, balance)) };
  const max = maxUsablePoints(amountBeforePoints);
  if (pointsToUse > max) return { ok: false, reason: 'exceeds_order_amount', message: pointsExceedOrderMessage(max) };
  return { ok: true, points: pointsToUse };
}

export interface RefundPointInput {
  /** `cancel`: the whole order is cancelled (before or after capture). `refund`: money given back. */
  kind: 'cancel' | 'refund';
  /** Amount captured (paid) for the order; the base of the refunded share. */
  capturedAmount: Yen;
  /** All refunds so far INCLUDING this one. */
  refundedTotal: Yen;
  purchasePointsGranted: number;
  purchasePointsRevokedSoFar: number;
  pointsUsed: number;
  usedPointsReturnedSoFar: number;
}

export interface PointAdjustment {
  /** Purchase points to take back now. */
  revokePurchasePoints: number;
  /** Used points to give back now. */
  returnUsedPoints: number;
}

/**
 * What to do with points when money goes back (docs/rules.md is silent; the shop's rule):
 * - Purchase points are revoked in proportion to the refunded share of the captured amount,
 *   computed on the cumulative refund and rounded down, so several partial refunds never revoke
 *   more than one refund of the same total, and a full refund revokes exactly what was granted.
 * - Used points are returned only when the whole order is undone (cancel, or refunds reaching the
 *   captured amount): they were a discount on the whole order, and a partial refund pays back money.
 * Revocation may exceed the member's current balance (points already spent); the point account
 * decides how to record that shortfall, never this function.
 */
export function refundPointAdjustment(input: RefundPointInput): PointAdjustment {
  const fullyUndone =
    input.kind === 'cancel' || (input.capturedAmount > 0 && input.refundedTotal >= input.capturedAmount);
  if (fullyUndone) {
    return {
      revokePurchasePoints: Math.max(0, input.purchasePointsGranted - input.purchasePointsRevokedSoFar),
      returnUsedPoints: Math.max(0, input.pointsUsed - input.usedPointsReturnedSoFar),
    };
  }
  if (input.capturedAmount <= 0) return { revokePurchasePoints: 0, returnUsedPoints: 0 };
  const dueSoFar = Math.floor((input.purchasePointsGranted * input.refundedTotal) / input.capturedAmount);
  return { revokePurchasePoints: Math.max(0, dueSoFar - input.purchasePointsRevokedSoFar), returnUsedPoints: 0 };
}
