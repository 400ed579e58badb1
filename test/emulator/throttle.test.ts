import { describe, expect, it } from 'vitest';
import { Throttle } from '../../emulator/faults.js';

/** Amazon's leaky bucket, on a clock the test moves (the HTTP tests only bound it by elapsed time). */
describe('emulator: the throttle bucket', () => {
  function throttleAt(start = 1_000_000) {
    const clock = { now: start };
    return { clock, throttle: new Throttle(() => clock.now) };
  }

  it('production getCharge (20/4): 20 immediate reads pass, the 21st is refused, a quarter second later one more passes', () => {
    const { clock, throttle } = throttleAt();
    const admitted = Array.from({ length: 21 }, () => throttle.admit('production', 'KEY', 'getCharge'));
    expect(admitted.slice(0, 20).every(Boolean)).toBe(true);
    expect(admitted[20]).toBe(false);
    expect(throttle.refused.get('getCharge')).toBe(1);
    clock.now += 250;
    expect(throttle.admit('production', 'KEY', 'getCharge')).toBe(true);
    expect(throttle.admit('production', 'KEY', 'getCharge')).toBe(false);
    expect(throttle.refused.get('getCharge')).toBe(2);
  });

  it('buckets are per merchant key and call type; createCharge has its own 10/4', () => {
    const { throttle } = throttleAt();
    for (let i = 0; i < 10; i += 1) expect(throttle.admit('production', 'KEY', 'createCharge')).toBe(true);
    expect(throttle.admit('production', 'KEY', 'createCharge')).toBe(false);
    expect(throttle.admit('production', 'OTHER', 'createCharge')).toBe(true);
    expect(throttle.admit('production', 'KEY', 'getCharge')).toBe(true);
  });

  it('sandbox writes (2/1) leak one a second; sandbox reads keep the production quota', () => {
    const { clock, throttle } = throttleAt();
    expect([1, 2, 3].map(() => throttle.admit('sandbox', 'KEY', 'captureCharge'))).toEqual([true, true, false]);
    clock.now += 1000;
    expect(throttle.admit('sandbox', 'KEY', 'captureCharge')).toBe(true);
    expect(throttle.admit('sandbox', 'KEY', 'captureCharge')).toBe(false);
    const reads = Array.from({ length: 20 }, () => throttle.admit('sandbox', 'KEY', 'getCharge'));
    expect(reads.every(Boolean)).toBe(true);
  });

  it('a bucket left alone drains to empty, not below: the next burst is 20 again', () => {
    const { clock, throttle } = throttleAt();
    for (let i = 0; i < 20; i += 1) throttle.admit('production', 'KEY', 'getCharge');
    clock.now += 60_000;
    const burst = Array.from({ length: 21 }, () => throttle.admit('production', 'KEY', 'getCharge'));
    expect(burst.filter(Boolean)).toHaveLength(20);
    throttle.reset();
    expect(throttle.refused.size).toBe(0);
    expect(throttle.admit('production', 'KEY', 'getCharge')).toBe(true);
  });
});
