import { describe, expect, it } from 'vitest';
import {
  amountChangeRoom,
  amountLimit,
  decideAmountChange,
  remainingIncrease,
  type AmountChangeRequest,
} from '../../../domain/amount-limits.js';

/** An order whose authorization still equals its order amount, paid by card, not captured. */
function request(
  orderAmount: number,
  requestedAmount: number,
  overrides: Partial<AmountChangeRequest> = {},
): AmountChangeRequest {
  return {
    orderAmount,
    authorizedAmount: orderAmount,
    requestedAmount,
    paymentMethod: 'card',
    captured: false,
    ...overrides,
  };
}

describe('A2: amount limit = max(9 × order amount, ¥70,000) on the new total', () => {
  it('A2: the ¥70,000 floor applies below ¥7,778 and 900% from there', () => {
    expect(amountLimit(1)).toBe(70_000);
    expect(amountLimit(5_000)).toBe(70_000);
    expect(amountLimit(7_777)).toBe(70_000);
    expect(amountLimit(7_778)).toBe(70_002);
    expect(amountLimit(10_000)).toBe(90_000);
    expect(() => amountLimit(-1)).toThrow(RangeError);
  });

  it('A2: order ¥5,000 may rise to ¥70,000 but not ¥70,001', () => {
    const allowed = decideAmountChange(request(5_000, 70_000));
    expect(allowed).toMatchObject({
      ok: true,
      change: 'raise',
      newAmount: 70_000,
      needsNewAuthorization: true,
      amountLimit: 70_000,
    });
    const refused = decideAmountChange(request(5_000, 70_001));
    expect(refused).toMatchObject({
      ok: false,
      reason: 'exceeds_amount_limit',
      amountLimit: 70_000,
      remainingIncrease: 65_000,
    });
  });

  it('A2: order ¥10,000 may rise to ¥90,000 but not ¥90,001', () => {
    expect(decideAmountChange(request(10_000, 90_000)).ok).toBe(true);
    expect(decideAmountChange(request(10_000, 90_001))).toMatchObject({
      ok: false,
      reason: 'exceeds_amount_limit',
      amountLimit: 90_000,
    });
  });

  it('A2: crossover — order ¥7,777 caps at ¥70,000 (9 × 7,777 = 69,993 is lower)', () => {
    expect(decideAmountChange(request(7_777, 69_993)).ok).toBe(true);
    expect(decideAmountChange(request(7_777, 70_000)).ok).toBe(true);
    expect(decideAmountChange(request(7_777, 70_001))).toMatchObject({
      ok: false,
      reason: 'exceeds_amount_limit',
      amountLimit: 70_000,
    });
  });

  it('A2: crossover — order ¥7,778 caps at ¥70,002 (9 × 7,778)', () => {
    expect(decideAmountChange(request(7_778, 70_002)).ok).toBe(true);
    expect(decideAmountChange(request(7_778, 70_003))).toMatchObject({
      ok: false,
      reason: 'exceeds_amount_limit',
      amountLimit: 70_002,
    });
  });

  it('A2: the cap is on the total, not the increment, and stays based on the original order amount', () => {
    // Already raised once to ¥60,000: the next raise is still capped at ¥70,000 total.
    const again = request(5_000, 70_000, { authorizedAmount: 60_000 });
    expect(decideAmountChange(again).ok).toBe(true);
    expect(decideAmountChange({ ...again, requestedAmount: 70_001 })).toMatchObject({
      ok: false,
      remainingIncrease: 10_000,
    });
  });

  it('A2: the refusal message states the cap and what may still be added', () => {
    const refused = decideAmountChange(request(5_000, 70_001));
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.message).toBe('変更後の金額¥70,001が増額の上限（¥70,000）を超えています。残り増額可能額: ¥65,000');
  });

  it('A2: lowering is always allowed down to ¥1, never to ¥0', () => {
    expect(decideAmountChange(request(5_000, 4_000))).toMatchObject({
      ok: true,
      change: 'lower',
      needsNewAuthorization: false,
    });
    expect(decideAmountChange(request(5_000, 1))).toMatchObject({ ok: true, change: 'lower' });
    expect(decideAmountChange(request(5_000, 5_000))).toMatchObject({ ok: true, change: 'unchanged' });
    const zero = decideAmountChange(request(5_000, 0));
    expect(zero).toMatchObject({ ok: false, reason: 'below_minimum' });
    if (!zero.ok) expect(zero.message).toContain('¥1');
  });

  it('A2: lowering is allowed even for a large order above any cap question', () => {
    expect(decideAmountChange(request(2_000_000, 1_500_000)).ok).toBe(true);
  });

  it('A1/A2: nothing changes after capture — not even lowering', () => {
    expect(decideAmountChange(request(5_000, 4_000, { captured: true }))).toMatchObject({
      ok: false,
      reason: 'already_captured',
      remainingIncrease: 0,
    });
    expect(decideAmountChange(request(5_000, 6_000, { captured: true }))).toMatchObject({
      ok: false,
      reason: 'already_captured',
    });
  });

  it('A2: a raise must also fit the charge permission amountBalance when it is known', () => {
    // Cap allows ¥70,000 total (¥65,000 more), but Amazon reports only ¥20,000 left.
    expect(decideAmountChange(request(5_000, 25_000, { amountBalance: 20_000 })).ok).toBe(true);
    const refused = decideAmountChange(request(5_000, 25_001, { amountBalance: 20_000 }));
    expect(refused).toMatchObject({
      ok: false,
      reason: 'exceeds_amount_balance',
      amountLimit: 70_000,
      remainingIncrease: 20_000,
    });
    if (!refused.ok) {
      expect(refused.message).toContain('¥70,000');
      expect(refused.message).toContain('残り増額可能額: ¥20,000');
    }
    // A large balance never lifts the A2 cap.
    expect(decideAmountChange(request(5_000, 70_001, { amountBalance: 1_000_000 }))).toMatchObject({
      reason: 'exceeds_amount_limit',
    });
    // Lowering does not consult the balance.
    expect(decideAmountChange(request(5_000, 4_000, { amountBalance: 0 })).ok).toBe(true);
  });

  it('A2: raising back up to the authorized amount after an earlier lowering needs no new authorization', () => {
    const decision = decideAmountChange({ ...request(10_000, 9_000), authorizedAmount: 10_000 });
    expect(decision).toMatchObject({ ok: true, change: 'lower', needsNewAuthorization: false });
  });

  it('A2: refuses non-yen inputs', () => {
    expect(decideAmountChange(request(5_000, 5_000.5))).toMatchObject({ ok: false, reason: 'invalid_amount' });
    expect(decideAmountChange(request(-5, 100))).toMatchObject({ ok: false, reason: 'invalid_amount' });
    expect(decideAmountChange(request(5_000, 6_000, { amountBalance: -1 }))).toMatchObject({
      ok: false,
      reason: 'invalid_amount',
    });
  });
});

describe('A3: gift-card-only orders cannot be raised', () => {
  it('A3: refuses even +¥1, and says so with a pointer to the shop memo (M3)', () => {
    const refused = decideAmountChange(request(5_000, 5_001, { paymentMethod: 'gift_card' }));
    expect(refused).toMatchObject({ ok: false, reason: 'gift_card_only', remainingIncrease: 0 });
    if (!refused.ok) expect(refused.message).toContain('ショップメモ');
  });

  it('A3: lowering a gift-card-only order is still allowed', () => {
    expect(decideAmountChange(request(5_000, 4_999, { paymentMethod: 'gift_card' }))).toMatchObject({
      ok: true,
      change: 'lower',
    });
    expect(decideAmountChange(request(5_000, 5_000, { paymentMethod: 'gift_card' }))).toMatchObject({
      ok: true,
      change: 'unchanged',
    });
  });

  it('A3: gift card plus a card may be raised like a card', () => {
    expect(decideAmountChange(request(5_000, 70_000, { paymentMethod: 'gift_card_and_card' })).ok).toBe(true);
  });

  it('A2/A3: remaining increase is 0 for gift-card-only or captured orders, else the smaller of cap and balance', () => {
    const base = { orderAmount: 10_000, authorizedAmount: 10_000, paymentMethod: 'card' as const, captured: false };
    expect(remainingIncrease(base)).toBe(80_000);
    expect(remainingIncrease({ ...base, amountBalance: 30_000 })).toBe(30_000);
    expect(remainingIncrease({ ...base, paymentMethod: 'gift_card' })).toBe(0);
    expect(remainingIncrease({ ...base, captured: true })).toBe(0);
    expect(remainingIncrease({ ...base, authorizedAmount: 95_000 })).toBe(0);
  });
});

describe('amountChangeRoom: what the ops console shows next to the amount form', () => {
  const charge = (amount: number, state: string) => ({ amount, state });

  it('A2: the limit of the order amount, and the room above what the open authorizations cover', () => {
    expect(
      amountChangeRoom({
        orderAmount: 10_000,
        // A canceled authorization no longer counts; a pending one does.
        charges: [charge(10_000, 'Canceled'), charge(12_000, 'Authorized'), charge(3_000, 'AuthorizationInitiated')],
        capturedAmount: 0,
        paymentKind: 'card',
      }),
    ).toEqual({ amountLimit: 90_000, authorizedAmount: 15_000, remainingIncrease: 75_000, giftCardOnly: false });
  });

  it('A3: a gift-card-only order has no room to rise; a captured one neither', () => {
    const base = { orderAmount: 3_000, charges: [charge(3_000, 'Authorized')], capturedAmount: 0 };
    expect(amountChangeRoom({ ...base, paymentKind: 'gift_card' })).toMatchObject({
      amountLimit: 70_000,
      remainingIncrease: 0,
      giftCardOnly: true,
    });
    expect(
      amountChangeRoom({ ...base, capturedAmount: 3_000, charges: [charge(3_000, 'Captured')], paymentKind: 'card' }),
    ).toMatchObject({ authorizedAmount: 0, remainingIncrease: 0, giftCardOnly: false });
  });
});
