import { describe, expect, it } from 'vitest';
import {
  AMAZON_IDEMPOTENT_STEPS,
  amazonIdempotencyKey,
  isOrderId,
  newOrderId,
  orderIdFromWorkflowId,
  orderWorkflowId,
  type AmazonIdempotentStep,
} from '../../../domain/ids.js';
import { DomainRuleError } from '../../../domain/errors.js';

/** A seeded pseudo-random source (mulberry32), standing in for the workflow's deterministic one. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('ids: order ids', () => {
  it('uses the JST date and 8 base32 characters from the given random source', () => {
    const at = new Date('2026-11-30T15:00:00Z'); // 2026-12-01 00:00 JST
    expect(newOrderId(at, () => 0)).toBe('ORD-20261201-00000000');
    expect(newOrderId(at, () => 0.999999)).toBe('ORD-20261201-ZZZZZZZZ');
    expect(newOrderId(new Date('2026-11-30T14:59:59Z'), () => 0)).toBe('ORD-20261130-00000000');
  });

  it('is deterministic for a given random source, and different sources give different ids', () => {
    const at = new Date('2026-11-30T03:00:00Z');
    expect(newOrderId(at, seeded(1))).toBe(newOrderId(at, seeded(1)));
    const ids = new Set(Array.from({ length: 1000 }, (_, i) => newOrderId(at, seeded(i))));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(isOrderId(id)).toBe(true);
  });

  it('refuses a broken random source', () => {
    expect(() => newOrderId(new Date(), () => 1)).toThrow(RangeError);
    expect(() => newOrderId(new Date(), () => -0.1)).toThrow(RangeError);
    expect(() => newOrderId(new Date(), () => Number.NaN)).toThrow(RangeError);
  });

  it('recognizes only the exact shape', () => {
    expect(isOrderId('ORD-20261130-7K3M9QXA')).toBe(true);
    for (const bad of [
      'ORD-2026113-7K3M9QXA',
      'ORD-20261130-7K3M9QX',
      'ORD-20261130-7K3M9QXI',
      'ord-20261130-7K3M9QXA',
      'ORD-20261130-7K3M9QXA ',
    ]) {
      expect(isOrderId(bad), bad).toBe(false);
    }
  });

  it('workflow id is order:{orderId} and reads back', () => {
    expect(orderWorkflowId('ORD-20261130-7K3M9QXA')).toBe('order:ORD-20261130-7K3M9QXA');
    expect(orderIdFromWorkflowId('order:ORD-20261130-7K3M9QXA')).toBe('ORD-20261130-7K3M9QXA');
    expect(orderIdFromWorkflowId('member:ORD-20261130-7K3M9QXA')).toBeUndefined();
    expect(() => orderWorkflowId('12345')).toThrow(DomainRuleError);
  });
});

describe('ids: Amazon Pay idempotency keys', () => {
  const orderId = 'ORD-20261130-7K3M9QXA';
  const steps = Object.keys(AMAZON_IDEMPOTENT_STEPS) as AmazonIdempotentStep[];

  it('is deterministic and readable', () => {
    expect(amazonIdempotencyKey(orderId, 'createCharge', 2)).toBe('ORD-20261130-7K3M9QXA_CH_2');
    expect(amazonIdempotencyKey(orderId, 'completeCheckoutSession')).toBe(
      amazonIdempotencyKey(orderId, 'completeCheckoutSession', 0),
    );
  });

  it('stays within 32 characters of [A-Za-z0-9_-] even at the largest sequence number', () => {
    for (const step of steps) {
      for (const n of [0, 9, 1_234_567, 9_999_999]) {
        const key = amazonIdempotencyKey('ORD-99991231-ZZZZZZZZ', step, n);
        expect(key.length, key).toBeLessThanOrEqual(32);
        expect(key).toMatch(/^[A-Za-z0-9_-]+$/);
      }
    }
  });

  it('is unique per (order, step, n)', () => {
    const keys = new Set<string>();
    const orders = [orderId, 'ORD-20261130-7K3M9QXB', 'ORD-20261201-7K3M9QXA'];
    for (const order of orders)
      for (const step of steps) for (let n = 0; n < 25; n += 1) keys.add(amazonIdempotencyKey(order, step, n));
    expect(keys.size).toBe(orders.length * steps.length * 25);
    expect(new Set(Object.values(AMAZON_IDEMPOTENT_STEPS)).size).toBe(steps.length);
  });

  it('refuses what would break the bound or the uniqueness', () => {
    expect(() => amazonIdempotencyKey(orderId, 'createCharge', 10_000_000)).toThrow(RangeError);
    expect(() => amazonIdempotencyKey(orderId, 'createCharge', -1)).toThrow(RangeError);
    expect(() => amazonIdempotencyKey(orderId, 'createCharge', 1.5)).toThrow(RangeError);
    expect(() => amazonIdempotencyKey(orderId, 'closeChargePermission' as AmazonIdempotentStep)).toThrow(RangeError);
    expect(() => amazonIdempotencyKey('order with spaces', 'createCharge')).toThrow(DomainRuleError);
  });
});
