import { describe, expect, it } from 'vitest';
import {
  checkPointsToUse,
  maxUsablePoints,
  purchasePoints,
  purchasePointsBase,
  purchasePointsEligible,
  refundPointAdjustment,
  type RefundPointInput,
} from '../../../domain/points.js';

describe('P1/P2: who earns purchase points', () => {
  it('P1 (standard): a member at purchase earns points', () => {
    expect(purchasePointsEligible({ mode: 'standard', wasMemberAtPurchase: true, registersAtPurchase: false })).toBe(
      true,
    );
  });

  it('P1 (standard): a guest registering at purchase earns none for that first order', () => {
    expect(purchasePointsEligible({ mode: 'standard', wasMemberAtPurchase: false, registersAtPurchase: true })).toBe(
      false,
    );
  });

  it('P1/P2: a guest not registering earns none in either mode', () => {
    expect(purchasePointsEligible({ mode: 'standard', wasMemberAtPurchase: false, registersAtPurchase: false })).toBe(
      false,
    );
    expect(
      purchasePointsEligible({ mode: 'commerce_creator', wasMemberAtPurchase: false, registersAtPurchase: false }),
    ).toBe(false);
  });

  it('P2 (commerce_creator): ticking registration at purchase earns points', () => {
    expect(
      purchasePointsEligible({ mode: 'commerce_creator', wasMemberAtPurchase: false, registersAtPurchase: true }),
    ).toBe(true);
  });

  it('P2 (commerce_creator): an existing member earns points', () => {
    expect(
      purchasePointsEligible({ mode: 'commerce_creator', wasMemberAtPurchase: true, registersAtPurchase: false }),
    ).toBe(true);
  });
});

describe('P3: purchase point amount', () => {
  it('P3: the base is the merchandise subtotal after coupon and points, never negative', () => {
    expect(purchasePointsBase({ subtotal: 10_000, couponDiscount: 1_000, pointsDiscount: 500 })).toBe(8_500);
    expect(purchasePointsBase({ subtotal: 1_000, couponDiscount: 0, pointsDiscount: 1_599 })).toBe(0);
  });

  it('P3: points are rounded down', () => {
    expect(purchasePoints(1_099, 1)).toBe(10);
    expect(purchasePoints(1_100, 1)).toBe(11);
    expect(purchasePoints(999, 5)).toBe(49);
    expect(purchasePoints(1_000, 1.5)).toBe(15);
    expect(purchasePoints(999, 1.5)).toBe(14);
    expect(purchasePoints(12_345, 0)).toBe(0);
    expect(purchasePoints(0, 10)).toBe(0);
  });

  it('P3: refuses impossible rates and bases', () => {
    expect(() => purchasePoints(100, -1)).toThrow(RangeError);
    expect(() => purchasePoints(100, 101)).toThrow(RangeError);
    expect(() => purchasePoints(100, 1.234)).toThrow(RangeError);
    expect(() => purchasePoints(100, Number.NaN)).toThrow(RangeError);
    expect(() => purchasePoints(10.5, 1)).toThrow(RangeError);
  });
});

describe('C5/P3: points to use', () => {
  const member = { isMember: true, balance: 1_000, amountBeforePoints: 5_000 };

  it('P3: an order may use everything but the last ¥1 (Amazon Pay cannot charge ¥0)', () => {
    expect(maxUsablePoints(5_000)).toBe(4_999);
    expect(maxUsablePoints(1)).toBe(0);
    expect(maxUsablePoints(0)).toBe(0);
    expect(checkPointsToUse({ ...member, balance: 10_000, pointsToUse: 4_999 })).toEqual({ ok: true, points: 4_999 });
    const over = checkPointsToUse({ ...member, balance: 10_000, pointsToUse: 5_000 });
    expect(over).toEqual({
      ok: false,
      reason: 'exceeds_order_amount',
      message: 'このご注文でご利用いただけるポイントは4,999ポイントまでです。',
    });
  });

  it('C5: a member may use up to the balance', () => {
    expect(checkPointsToUse({ ...member, pointsToUse: 1_000 })).toEqual({ ok: true, points: 1_000 });
    expect(checkPointsToUse({ ...member, pointsToUse: 1_001 })).toEqual({
      ok: false,
      reason: 'exceeds_balance',
      message: 'ご利用ポイントが保有ポイント（1,000ポイント）を超えています。',
    });
  });

  it('C5: guests cannot use points, but 0 points is simply no points', () => {
    expect(checkPointsToUse({ ...member, isMember: false, pointsToUse: 1 })).toMatchObject({
      ok: false,
      reason: 'guest',
      message: 'ポイント・クーポンは会員ログイン後にご利用いただけます。',
    });
    expect(checkPointsToUse({ ...member, isMember: false, pointsToUse: 0 })).toEqual({ ok: true, points: 0 });
  });

  it('C5: points are whole and non-negative', () => {
    for (const pointsToUse of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(checkPointsToUse({ ...member, pointsToUse }), String(pointsToUse)).toMatchObject({
        ok: false,
        reason: 'not_whole_number',
      });
    }
  });
});

describe('P3: point adjustment on cancel and refund', () => {
  const order: RefundPointInput = {
    kind: 'refund',
    capturedAmount: 10_000,
    refundedTotal: 0,
    purchasePointsGranted: 100,
    purchasePointsRevokedSoFar: 0,
    pointsUsed: 500,
    usedPointsReturnedSoFar: 0,
  };

  it('P3: a cancel revokes all purchase points and returns all used points', () => {
    expect(refundPointAdjustment({ ...order, kind: 'cancel' })).toEqual({
      revokePurchasePoints: 100,
      returnUsedPoints: 500,
    });
    expect(refundPointAdjustment({ ...order, kind: 'cancel', capturedAmount: 0 })).toEqual({
      revokePurchasePoints: 100,
      returnUsedPoints: 500,
    });
  });

  it('P3: a partial refund revokes purchase points proportionally (rounded down) and returns no used points', () => {
    expect(refundPointAdjustment({ ...order, refundedTotal: 3_000 })).toEqual({
      revokePurchasePoints: 30,
      returnUsedPoints: 0,
    });
    expect(refundPointAdjustment({ ...order, refundedTotal: 3_333 })).toEqual({
      revokePurchasePoints: 33,
      returnUsedPoints: 0,
    });
  });

  it('P3: successive partial refunds never revoke more than one refund of the same total', () => {
    const first = refundPointAdjustment({ ...order, refundedTotal: 3_333 });
    const second = refundPointAdjustment({
      ...order,
      refundedTotal: 6_666,
      purchasePointsRevokedSoFar: first.revokePurchasePoints,
    });
    expect(first.revokePurchasePoints + second.revokePurchasePoints).toBe(66);
  });

  it('P3: refunds reaching the captured amount finish the job: the rest of the points go back and forth', () => {
    const last = refundPointAdjustment({ ...order, refundedTotal: 10_000, purchasePointsRevokedSoFar: 66 });
    expect(last).toEqual({ revokePurchasePoints: 34, returnUsedPoints: 500 });
    expect(
      refundPointAdjustment({
        ...order,
        kind: 'cancel',
        purchasePointsRevokedSoFar: 100,
        usedPointsReturnedSoFar: 500,
      }),
    ).toEqual({
      revokePurchasePoints: 0,
      returnUsedPoints: 0,
    });
  });
});
