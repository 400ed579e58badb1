import { describe, expect, it } from 'vitest';
import {
  applyCoupon,
  checkOneCouponPerOrder,
  couponSchema,
  type Coupon,
  type CouponContext,
} from '../../../domain/coupon.js';

const coupon = (overrides: Partial<Coupon> = {}): Coupon => ({
  code: 'WELCOME500',
  name: '会員様500円引き',
  type: 'fixed',
  value: 500,
  minimumPurchase: 3_000,
  validFrom: new Date('2026-11-01T00:00:00+09:00'),
  validUntil: new Date('2026-12-01T00:00:00+09:00'),
  membersOnly: true,
  ...overrides,
});
const context = (overrides: Partial<CouponContext> = {}): CouponContext => ({
  subtotal: 5_000,
  now: new Date('2026-11-15T12:00:00+09:00'),
  isMember: true,
  alreadyUsedByMember: false,
  ...overrides,
});

describe('C5: coupons', () => {
  it('C5: a fixed coupon takes its value off', () => {
    expect(applyCoupon(coupon(), context())).toEqual({ ok: true, applied: { code: 'WELCOME500', discount: 500 } });
  });

  it('C5: a percent coupon rounds down to whole yen', () => {
    expect(applyCoupon(coupon({ type: 'percent', value: 15 }), context({ subtotal: 3_333 }))).toEqual({
      ok: true,
      applied: { code: 'WELCOME500', discount: 499 },
    });
    expect(applyCoupon(coupon({ type: 'percent', value: 10 }), context({ subtotal: 5_000 }))).toMatchObject({
      ok: true,
      applied: { discount: 500 },
    });
  });

  it('C5: the discount never exceeds the subtotal', () => {
    expect(applyCoupon(coupon({ value: 9_000, minimumPurchase: 0 }), context({ subtotal: 5_000 }))).toMatchObject({
      ok: true,
      applied: { discount: 5_000 },
    });
    expect(applyCoupon(coupon({ type: 'percent', value: 100 }), context())).toMatchObject({
      ok: true,
      applied: { discount: 5_000 },
    });
  });

  it('C5: minimum purchase is inclusive', () => {
    expect(applyCoupon(coupon(), context({ subtotal: 3_000 })).ok).toBe(true);
    expect(applyCoupon(coupon(), context({ subtotal: 2_999 }))).toEqual({
      ok: false,
      reason: 'below_minimum_purchase',
      message: 'このクーポンは商品合計¥3,000以上のご注文でご利用いただけます。',
    });
  });

  it('C5: validity window — from inclusive, until exclusive', () => {
    expect(applyCoupon(coupon(), context({ now: new Date('2026-11-01T00:00:00+09:00') })).ok).toBe(true);
    expect(applyCoupon(coupon(), context({ now: new Date('2026-10-31T23:59:59.999+09:00') }))).toMatchObject({
      ok: false,
      reason: 'not_yet_valid',
    });
    expect(applyCoupon(coupon(), context({ now: new Date('2026-11-30T23:59:59.999+09:00') })).ok).toBe(true);
    expect(applyCoupon(coupon(), context({ now: new Date('2026-12-01T00:00:00+09:00') }))).toEqual({
      ok: false,
      reason: 'expired',
      message: 'このクーポンはご利用期限を過ぎています。',
    });
  });

  it('C5: guests cannot use coupons on the Amazon Pay checkout, members-only or not', () => {
    expect(applyCoupon(coupon(), context({ isMember: false }))).toMatchObject({ ok: false, reason: 'members_only' });
    expect(applyCoupon(coupon({ membersOnly: false }), context({ isMember: false }))).toEqual({
      ok: false,
      reason: 'guest',
      message: 'ポイント・クーポンは会員ログイン後にご利用いただけます。',
    });
  });

  it('C5: a member uses a coupon once', () => {
    expect(applyCoupon(coupon(), context({ alreadyUsedByMember: true }))).toMatchObject({
      ok: false,
      reason: 'already_used',
    });
  });

  it('C5: one coupon per order', () => {
    expect(checkOneCouponPerOrder([])).toEqual({ ok: true, code: null });
    expect(checkOneCouponPerOrder(['A', ' A '])).toEqual({ ok: true, code: 'A' });
    expect(checkOneCouponPerOrder(['A', 'B'])).toEqual({
      ok: false,
      message: 'クーポンは1回のご注文につき1枚までご利用いただけます。',
    });
  });

  it('C5: the coupon schema refuses impossible coupons', () => {
    expect(couponSchema.safeParse(coupon()).success).toBe(true);
    expect(couponSchema.safeParse(coupon({ type: 'percent', value: 101 })).success).toBe(false);
    expect(couponSchema.safeParse(coupon({ value: 0 })).success).toBe(false);
    expect(couponSchema.safeParse(coupon({ validUntil: new Date('2026-11-01T00:00:00+09:00') })).success).toBe(false);
    expect(couponSchema.safeParse({ ...coupon(), stackable: true }).success).toBe(false);
  });
});
