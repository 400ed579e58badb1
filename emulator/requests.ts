/** zod schemas of the request bodies the emulator accepts (unknown fields are ignored, as Amazon does). */
import { z } from 'zod';
import { badParam } from './errors.js';

export const MAX_CHARGE_AMOUNT = 10_000_000;

/**
 * JPY has no minor unit: a whole number of yen. Amazon documents the amount as a string but takes a
 * JSON number too (its own SDK test sends one), so both are accepted.
 */
const moneySchema = z
  .object({
    amount: z.union(
      [z.string().regex(/^\d{1,9}$/), z.number().int().min(0).max(999_999_999)],
      'amount must be a whole number of yen',
    ),
    currencyCode: z.literal('JPY', 'currencyCode must be JPY'),
  })
  .transform((m) => Number(m.amount));

const url = z.url();

const merchantMetadata = z
  .object({
    merchantReferenceId: z.string().max(256).nullish(),
    merchantStoreName: z.string().max(50).nullish(),
    noteToBuyer: z.string().max(255).nullish(),
    customInformation: z.string().max(4096).nullish(),
  })
  .partial();

const paymentIntent = z.enum(['Confirm', 'Authorize', 'AuthorizeWithCapture']);

/** paymentDetails of create and update checkout session (the same fields in both). */
const paymentDetails = z.object({
  paymentIntent: paymentIntent.optional(),
  canHandlePendingAuthorization: z.boolean().optional(),
  chargeAmount: moneySchema.optional(),
  totalOrderAmount: moneySchema.optional(),
  softDescriptor: z.string().max(16).nullish(),
  presentmentCurrency: z.literal('JPY').optional(),
  allowOvercharge: z.boolean().optional(),
  extendExpiration: z.boolean().optional(),
});

export const createSessionBody = z.object({
  webCheckoutDetails: z.object({
    checkoutReviewReturnUrl: url,
    checkoutResultReturnUrl: url.nullish(),
    checkoutCancelUrl: url.nullish(),
  }),
  storeId: z.string().min(1),
  chargePermissionType: z.literal('OneTime').optional(),
  scopes: z.array(z.string()).optional(),
  paymentDetails: paymentDetails.optional(),
  merchantMetadata: merchantMetadata.optional(),
  platformId: z.string().nullish(),
});

export const updateSessionBody = z.object({
  webCheckoutDetails: z.object({ checkoutResultReturnUrl: url.nullish(), checkoutCancelUrl: url.nullish() }).optional(),
  // Amazon honours allowOvercharge only at creation; an update accepts it and ignores it.
  paymentDetails: paymentDetails.optional(),
  merchantMetadata: merchantMetadata.optional(),
});

export const completeSessionBody = z.object({
  chargeAmount: moneySchema,
  totalOrderAmount: moneySchema.optional(),
});

export const updatePermissionBody = z.object({ merchantMetadata: merchantMetadata.optional() });

export const closePermissionBody = z.object({
  closureReason: z.string().max(255).nullish(),
  cancelPendingCharges: z.boolean().optional(),
});

export const createChargeBody = z.object({
  chargePermissionId: z.string().min(1),
  chargeAmount: moneySchema,
  captureNow: z.boolean().optional(),
  softDescriptor: z.string().max(16).nullish(),
  canHandlePendingAuthorization: z.boolean().optional(),
  merchantMetadata: merchantMetadata.optional(),
});

export const captureChargeBody = z.object({
  captureAmount: moneySchema,
  softDescriptor: z.string().max(16).nullish(),
});

export const cancelChargeBody = z.object({ cancellationReason: z.string().max(255).nullish() });

export const createRefundBody = z.object({
  chargeId: z.string().min(1),
  refundAmount: moneySchema,
  softDescriptor: z.string().max(16).nullish(),
});

/** Parses a body or throws 400 InvalidParameterValue naming the first bad field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.join('.');
  throw badParam(`${where}: ${issue?.message ?? 'invalid value'}`);
}
