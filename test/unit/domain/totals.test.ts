import { describe, expect, it } from 'vitest';
import { DomainRuleError } from '../../../domain/errors.js';
import { computeTotals, DEFAULT_FEE_TABLE, type TotalsInput } from '../../../domain/totals.js';

const input = (overrides: Partial<TotalsInput> = {}): TotalsInput => ({
  items: [{ unitPrice: 1_200, quantity: 2 }],
  giftWrapping: false,
  noshi: false,
  ...overrides,
});

describe('C3/C5: order totals', () => {
  it('C3: default fee table — shipping ¥600 free from ¥5,000, gift wrapping ¥330, noshi ¥0', () => {
    expect(DEFAULT_FEE_TABLE).toEqual({
      shippingFee: 600,
      freeShippingThreshold: 5_000,
      giftWrappingFee: 330,
      noshiFee: 0,
    });
  });

  it('C3: a small order pays shipping', () => {
    expect(computeTotals(input())).toEqual({
      subtotal: 2_400,
      shipping: 600,
      giftFee: 0,
      couponDiscount: 0,
      pointsDiscount: 0,
      total: 3_000,
      amountBeforePoints: 3_000,
      maxUsablePoints: 2_999,
      purchasePointsBase: 2_400,
    });
  });

  it('C3: shipping is free from a ¥5,000 subtotal (before discounts), not at ¥4,999', () => {
    expect(computeTotals(input({ items: [{ unitPrice: 4_999, quantity: 1 }] })).shipping).toBe(600);
    expect(computeTotals(input({ items: [{ unitPrice: 5_000, quantity: 1 }] })).shipping).toBe(0);
    const discounted = computeTotals(
      input({ items: [{ unitPrice: 5_000, quantity: 1 }], coupon: { code: 'X', discount: 1_000 } }),
    );
    expect(discounted).toMatchObject({ shipping: 0, total: 4_000 });
  });

  it('C3: gift wrapping and noshi are per-order fees from the table', () => {
    expect(computeTotals(input({ giftWrapping: true })).giftFee).toBe(330);
    expect(computeTotals(input({ noshi: true })).giftFee).toBe(0);
    const fees = { ...DEFAULT_FEE_TABLE, noshiFee: 110, shippingFee: 800 };
    expect(computeTotals(input({ giftWrapping: true, noshi: true, fees }))).toMatchObject({
      giftFee: 440,
      shipping: 800,
      total: 3_640,
    });
  });

  it('C5: coupon and points come off; points may also cover shipping and fees', () => {
    const totals = computeTotals(
      input({ giftWrapping: true, coupon: { code: 'X', discount: 400 }, pointsToUse: 1_000 }),
    );
    expect(totals).toMatchObject({
      subtotal: 2_400,
      shipping: 600,
      giftFee: 330,
      couponDiscount: 400,
      pointsDiscount: 1_000,
      total: 1_930,
    });
    expect(totals.purchasePointsBase).toBe(1_000);
    expect(computeTotals(input({ pointsToUse: 2_999 })).total).toBe(1);
  });

  it('C5: a coupon never discounts more than the goods', () => {
    expect(computeTotals(input({ coupon: { code: 'X', discount: 9_999 } }))).toMatchObject({
      couponDiscount: 2_400,
      total: 600,
    });
  });

  it('C5: the total stays at least ¥1 — a coupon covering everything leaves ¥1', () => {
    const free = computeTotals(
      input({ items: [{ unitPrice: 5_000, quantity: 1 }], coupon: { code: 'ALL', discount: 5_000 } }),
    );
    expect(free).toMatchObject({ shipping: 0, couponDiscount: 4_999, total: 1, maxUsablePoints: 0 });
  });

  it('C5: points beyond what the order can absorb are a broken precondition', () => {
    expect(() => computeTotals(input({ pointsToUse: 3_000 }))).toThrow(DomainRuleError);
    expect(() => computeTotals(input({ pointsToUse: -1 }))).toThrow(DomainRuleError);
    expect(() => computeTotals(input({ pointsToUse: 1.5 }))).toThrow(DomainRuleError);
  });

  it('C3: refuses bad cart lines, bad fees and an order that would charge ¥0', () => {
    expect(() => computeTotals(input({ items: [{ unitPrice: 100, quantity: 0 }] }))).toThrow(RangeError);
    expect(() => computeTotals(input({ items: [{ unitPrice: -100, quantity: 1 }] }))).toThrow(RangeError);
    expect(() => computeTotals(input({ fees: { ...DEFAULT_FEE_TABLE, shippingFee: -1 } }))).toThrow(RangeError);
    const zero = () =>
      computeTotals(input({ items: [{ unitPrice: 0, quantity: 1 }], fees: { ...DEFAULT_FEE_TABLE, shippingFee: 0 } }));
    expect(zero).toThrow(DomainRuleError);
  });

  it('C3: sums many lines', () => {
    const totals = computeTotals(
      input({
        items: [
          { unitPrice: 1_080, quantity: 3 },
          { unitPrice: 2_160, quantity: 1 },
        ],
      }),
    );
    expect(totals).toMatchObject({ subtotal: 5_400, shipping: 0, total: 5_400 });
  });
});
