/** The per-address count of failed staff sign-ins without a database (API_RATE_LIMIT_STORE=memory). */
import { describe, expect, it } from 'vitest';
import { failureCounter } from '../../api/rate-limit-store.js';

describe('failure counter in memory', () => {
  it('refuses a key once `limit` failures fall in the window, for the rest of it; other keys are not affected', async () => {
    const counter = failureCounter({ limit: 3, windowMs: 60_000, keyPrefix: 'unit' });
    for (let i = 0; i < 3; i += 1) {
      expect(await counter.waitMs('192.0.2.1')).toBe(0);
      await counter.count('192.0.2.1');
    }
    const wait = await counter.waitMs('192.0.2.1');
    expect(wait).toBeGreaterThan(59_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    expect(await counter.waitMs('192.0.2.2')).toBe(0);
  });
});
