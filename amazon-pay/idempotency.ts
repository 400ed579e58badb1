import { createHash } from 'node:crypto';

/**
 * A deterministic `x-amz-pay-idempotency-key` from business parts (order id, step, attempt...):
 * the same parts give the same key, so an activity retry repeats the call instead of doubling it.
 * 32 characters of base64url (192 bits of SHA-256), within Amazon's ≤32 of [A-Za-z0-9_-].
 */
export function idempotencyKey(...parts: (string | number)[]): string {
  if (parts.length === 0) throw new Error('idempotencyKey needs at least one part');
  return createHash('sha256')
    .update(parts.map((p) => `${String(p).length}:${String(p)}`).join('|'))
    .digest('base64url')
    .slice(0, 32);
}
