/**
 * Business identifiers. The domain has no clock and no randomness of its own: callers pass the
 * instant and a random source (workflows pass their deterministic ones), so ids replay identically.
 */
import { tokyoDate } from './calendar.js';
import { DomainRuleError } from './errors.js';

/** Crockford base32: no I, L, O, U, so ids read aloud over the phone are not misheard. */
const ID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/**
 * The one order-id rule: routes, the OpenAPI document and the workflow id all check ids with it
 * (a looser copy elsewhere lets through ids that the workflow id then refuses).
 */
export const ORDER_ID_PATTERN = /^ORD-(\d{8})-([0-9A-HJKMNP-TV-Z]{8})$/;

/**
 * `ORD-YYYYMMDD-XXXXXXXX`: the JST order date (what the shop and buyer call the order day) and
 * 8 random base32 characters (40 bits; collisions within one day are negligible, and the workflow
 * id conflict policy turns one into a refusal rather than a merge).
 * `random` returns numbers in [0, 1), like Math.random.
 */
export function newOrderId(at: Date, random: () => number): string {
  let suffix = '';
  for (let i = 0; i < 8; i += 1) {
    const r = random();
    if (!(r >= 0 && r < 1)) throw new RangeError(`random source must return [0, 1): ${String(r)}`);
    suffix += ID_ALPHABET[Math.floor(r * ID_ALPHABET.length)];
  }
  return `ORD-${tokyoDate(at).replaceAll('-', '')}-${suffix}`;
}

export function isOrderId(value: string): boolean {
  return ORDER_ID_PATTERN.test(value);
}

/** The order workflow's id: the business key, so a repeated request finds the same workflow. */
export function orderWorkflowId(orderId: string): string {
  assertOrderId(orderId);
  return `order:${orderId}`;
}

export function orderIdFromWorkflowId(workflowId: string): string | undefined {
  const orderId = workflowId.startsWith('order:') ? workflowId.slice('order:'.length) : '';
  return isOrderId(orderId) ? orderId : undefined;
}

/** The Amazon Pay POST calls that take an idempotency key (Amazon Pay API reference), each with a fixed 2-letter code. */
export const AMAZON_IDEMPOTENT_STEPS = {
  createCheckoutSession: 'CS',
  completeCheckoutSession: 'CC',
  createCharge: 'CH',
  captureCharge: 'CP',
  createRefund: 'RF',
} as const;
export type AmazonIdempotentStep = keyof typeof AMAZON_IDEMPOTENT_STEPS;

/**
 * Idempotency keys are at most 32 characters of [A-Za-z0-9_-] (Amazon Pay):
 * `ORD-YYYYMMDD-XXXXXXXX_SS_` is 25 characters, leaving 7 digits for the sequence number.
 */
const MAX_IDEMPOTENCY_SEQUENCE = 9_999_999;

/**
 * `x-amz-pay-idempotency-key` for (order, step, n), e.g. `ORD-20261130-7K3M9QXA_CH_2`.
 * Deterministic, so an activity retry reuses the key and Amazon returns the stored response.
 * Injective: the order id has a fixed shape, the step code is a fixed 2 letters, and `n` is the
 * decimal tail — distinct inputs give distinct keys, no hashing (and no collisions) involved.
 * `n` distinguishes repeated calls of one step with different bodies (a second charge after an
 * increase, a second partial refund): reusing a key with a different body is `DuplicateIdempotencyKey`.
 */
export function amazonIdempotencyKey(orderId: string, step: AmazonIdempotentStep, n = 0): string {
  assertOrderId(orderId);
  const code = AMAZON_IDEMPOTENT_STEPS[step];
  if (code === undefined) throw new RangeError(`unknown idempotent step: ${String(step)}`);
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_IDEMPOTENCY_SEQUENCE) {
    throw new RangeError(`idempotency sequence must be 0..${MAX_IDEMPOTENCY_SEQUENCE}: ${String(n)}`);
  }
  return `${orderId}_${code}_${n}`;
}

function assertOrderId(orderId: string): void {
  if (!isOrderId(orderId))
    throw new DomainRuleError('ids', 'invalid_order_id', `not an order id (ORD-YYYYMMDD-XXXXXXXX): ${orderId}`);
}
