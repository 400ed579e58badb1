/**
 * The zod schemas of domain values that cross a boundary (Amazon's answers, stored coupons, the
 * storefront's requests), and zod's own parse messages in Japanese. They are kept apart from the
 * rules in the other domain modules on purpose: the workflows import those rules, and the workflow
 * sandbox loads a workflow's modules afresh for every workflow it runs or replays, so a schema built
 * at module level there is built again for every order (README, "Changing workflow code").
 */
import { z } from 'zod';
import type { AmazonAddress } from './address.js';
import type { Coupon } from './coupon.js';
import { parseAmazonAmount } from './money.js';

/**
 * zod's own messages (wrong types, lengths, unknown keys) in Japanese, for every request the shop
 * parses; the schemas' custom messages still win. Pass as `safeParse(value, JAPANESE_PARSE_ERRORS)`.
 */
export const JAPANESE_PARSE_ERRORS = { error: z.locales.ja().localeError };

/** A yen amount: a non-negative safe integer (domain/money.ts). */
export const yenSchema = z.number().int().nonnegative();

const isAmazonAmount = (amount: string) => {
  try {
    parseAmazonAmount(amount);
    return true;
  } catch {
    return false;
  }
};

/** Amazon money as it appears in API responses (unknown keys ignored), parsed to yen. */
export const amazonMoneySchema = z
  .object({
    amount: z.string().refine(isAmazonAmount, { message: 'not a whole-yen amount string' }),
    currencyCode: z.literal('JPY'),
  })
  .transform((money) => parseAmazonAmount(money.amount));

const nullableText = z.string().nullish();

/** Amazon's address shape (checkout session `shippingAddress`, buyer addresses). Unknown keys are dropped. */
export const amazonAddressSchema = z.object({
  name: nullableText,
  addressLine1: nullableText,
  addressLine2: nullableText,
  addressLine3: nullableText,
  city: nullableText,
  county: nullableText,
  district: nullableText,
  stateOrRegion: nullableText,
  postalCode: nullableText,
  countryCode: nullableText,
  phoneNumber: nullableText,
}) satisfies z.ZodType<AmazonAddress>;

/** A stored coupon (C5), checked when the order reads it. */
export const couponSchema = z
  .strictObject({
    code: z.string().min(1).max(40),
    name: z.string().min(1),
    type: z.enum(['fixed', 'percent']),
    value: z.number().int().positive(),
    minimumPurchase: yenSchema,
    validFrom: z.date(),
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
  }) satisfies z.ZodType<Coupon>;
