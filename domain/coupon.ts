/**
 * Coupons (C5): only logged-in members pick a coupon on the Amazon Pay order procedure, one per
 * order. A coupon's discount applies to the merchandise subtotal (not shipping or gift fees).
 */
import { z } from 'zod';
import {
  COUPON_ALREADY_USED_MESSAGE,
  COUPON_EXPIRED_MESSAGE,
  COUPON_MEMBERS_ONLY_MESSAGE,
  COUPON_NOT_YET_VALID_MESSAGE,
  COUPON_ONE_PER_ORDER_MESSAGE,
  GUEST_POINTS_COUPON_MESSAGE,
  couponMinimumPurchaseMessage,
} from './messages.js';
import { isYen, yenSchema, type Yen } from './money.js';

export const couponSchema = z
  .strictObject({
    code: z.string().min(1).max(40),
    name: z.string().min(1),
    type: z.enum(['fixed', 'percent']),
    /** Yen for `fixed`, whole percent (1..100) for `percent`. */
    value: z.number().int().positive(),
    /** Merchandise subtotal (tax-included) needed to use the coupon; 0 for none. */
    minimumPurchase: yenSchema,
    /** Valid from this instant (inclusive) … */
    validFrom: z.date(),
    /** … until this instant (exclusive), so "until the end of 3/31 JST" is 4/1 00:00 JST. */
    validUntil: z.date(),
    membersOnly: z.boolean(),
  })
  .refine((c) => c.type !== 'percent' || c.value <= 100, {
    message: 'a percent coupon is at most 100%',
    path: ['value'],
  })
  .refine((c) => c.validFrom.getTime() < c.validUntil.getTime(), {
    message: 'validFrom must precede validUntil',
    path: ['validUntil'],
  });
export type Coupon = z.infer<typeof couponSchema>;

/** What a successfully applied coupon contributes to the totals. */
export interface AppliedCoupon {
  code: string;
  discount: Yen;
}

export interface CouponContext {
  /** Merchandise subtotal, tax-included. */
  subtotal: Yen;
  now: Date;
  isMember: boolean;
  /** The member has already used this coupon (each coupon once per member). */
  alreadyUsedByMember: boolean;
}

type CouponRefusalReason =
  'guest' | 'members_only' | 'not_yet_valid' | 'expired' | 'already_used' | 'below_minimum_purchase';

export type CouponDecision =
  { ok: true; applied: AppliedCoupon } | { ok: false; reason: CouponRefusalReason; message: string };

/**
 * Whether a coupon applies and for how much. Guests are refused outright: C5 gives coupon choice
 * to logged-in members only on the Amazon Pay checkout, whatever the coupon's own audience.
 * Percent discounts round down to whole yen (in the shop's favour, the common Japanese practice),
 * and no discount exceeds the subtotal.
 */
export function applyCoupon(coupon: Coupon, context: CouponContext): CouponDecision {
  if (!isYen(context.subtotal)) throw new RangeError(`subtotal must be whole yen: ${String(context.subtotal)}`);
  if (!context.isMember) {
    return {
      ok: false,
      reason: coupon.membersOnly ? 'members_only' : 'guest',
      message: coupon.membersOnly ? COUPON_MEMBERS_ONLY_MESSAGE : GUEST_POINTS_COUPON_MESSAGE,
    };
  }
  const now = context.now.getTime();
  if (now < coupon.validFrom.getTime())
    return { ok: false, reason: 'not_yet_valid', message: COUPON_NOT_YET_VALID_MESSAGE };
  if (now >= coupon.validUntil.getTime()) return { ok: false, reason: 'expired', message: COUPON_EXPIRED_MESSAGE };
  if (context.alreadyUsedByMember) return { ok: false, reason: 'already_used', message: COUPON_ALREADY_USED_MESSAGE };
  if (context.subtotal < coupon.minimumPurchase) {
    return {
      ok: false,
      reason: 'below_minimum_purchase',
      message: couponMinimumPurchaseMessage(coupon.minimumPurchase),
    };
  }
  const raw = coupon.type === 'fixed' ? coupon.value : Math.floor((context.subtotal * coupon.value) / 100);
  return { ok: true, applied: { code: coupon.code, discount: Math.min(raw, context.subtotal) } };
}

/** C5: one coupon per order. For inputs that carry a list (e.g. a storefront sending several codes). */
export function checkOneCouponPerOrder(
  codes: readonly string[],
): { ok: true; code: string | null } | { ok: false; message: string } {
  const distinct = [...new Set(codes.map((code) => code.trim()).filter((code) => code !== ''))];
  if (distinct.length > 1) return { ok: false, message: COUPON_ONE_PER_ORDER_MESSAGE };
  return { ok: true, code: distinct[0] ?? null };
}
