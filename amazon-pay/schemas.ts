/**
 * zod schemas of every Amazon Pay response the project reads (Amazon Pay API reference, its objects and states).
 * Unknown fields are dropped; fields the project relies on are required. Activities reuse these.
 */
import { z } from 'zod';

const moneySchema = z.object({ amount: z.string().regex(/^\d+(\.\d+)?$/), currencyCode: z.string().length(3) });
export type Money = z.infer<typeof moneySchema>;

/** Amazon's `20220306T074611Z`. */
const amazonTimestampSchema = z.string().regex(/^\d{8}T\d{6}Z$/);

const addressSchema = z.object({
  name: z.string().nullable(),
  addressLine1: z.string().nullable(),
  addressLine2: z.string().nullable().optional(),
  addressLine3: z.string().nullable().optional(),
  city: z.string().nullable().optional(),
  county: z.string().nullable().optional(),
  district: z.string().nullable().optional(),
  stateOrRegion: z.string().nullable().optional(),
  postalCode: z.string().nullable(),
  countryCode: z.string().nullable(),
  phoneNumber: z.string().nullable().optional(),
});

const statusDetailsSchema = z.object({
  state: z.string(),
  reasonCode: z.string().nullable().optional(),
  reasonDescription: z.string().nullable().optional(),
  lastUpdatedTimestamp: amazonTimestampSchema,
});

const merchantMetadataSchema = z.object({
  merchantReferenceId: z.string().nullable().optional(),
  merchantStoreName: z.string().nullable().optional(),
  noteToBuyer: z.string().nullable().optional(),
  customInformation: z.string().nullable().optional(),
});

const checkoutBuyerSchema = z.object({
  buyerId: z.string().regex(/^amzn1\.account\./),
  name: z.string().nullable(),
  email: z.string().nullable(),
  phoneNumber: z.string().nullable().optional(),
});

const paymentPreferenceSchema = z.object({
  paymentDescriptor: z.string().nullable(),
  billingAddress: addressSchema.nullable().optional(),
});

const paymentIntentSchema = z.enum(['Confirm', 'Authorize', 'AuthorizeWithCapture']);

export const checkoutSessionSchema = z.object({
  checkoutSessionId: z.uuid(),
  webCheckoutDetails: z.object({
    checkoutReviewReturnUrl: z.string().nullable().optional(),
    checkoutResultReturnUrl: z.string().nullable().optional(),
    checkoutCancelUrl: z.string().nullable().optional(),
    amazonPayRedirectUrl: z.string().nullable().optional(),
  }),
  paymentDetails: z.object({
    paymentIntent: paymentIntentSchema.nullable().optional(),
    canHandlePendingAuthorization: z.boolean().nullable().optional(),
    chargeAmount: moneySchema.nullable().optional(),
    totalOrderAmount: moneySchema.nullable().optional(),
    presentmentCurrency: z.string().nullable().optional(),
    allowOvercharge: z.boolean().nullable().optional(),
    extendExpiration: z.boolean().nullable().optional(),
  }),
  merchantMetadata: merchantMetadataSchema.nullable().optional(),
  buyer: checkoutBuyerSchema.nullable(),
  shippingAddress: addressSchema.nullable(),
  billingAddress: addressSchema.nullable().optional(),
  /** Absent until the buyer has chosen an address: read a missing key as no list. The SDK has already JSON.parsed each element. */
  shippingAddressList: z.array(addressSchema).nullable().optional(),
  paymentPreferences: z.array(paymentPreferenceSchema).nullable().optional(),
  statusDetails: statusDetailsSchema.extend({ state: z.enum(['Open', 'Completed', 'Canceled']) }),
  constraints: z.array(z.object({ constraintId: z.string(), description: z.string().nullable().optional() })),
  chargePermissionId: z.string().nullable(),
  chargeId: z.string().nullable(),
  creationTimestamp: amazonTimestampSchema,
  expirationTimestamp: amazonTimestampSchema.nullable().optional(),
  releaseEnvironment: z.string().optional(),
});
export type CheckoutSession = z.infer<typeof checkoutSessionSchema>;

export const chargePermissionSchema = z.object({
  chargePermissionId: z.string().regex(/^[A-Z]\d{2}-\d{7}-\d{7}$/),
  chargePermissionType: z.string().optional(),
  buyer: checkoutBuyerSchema.nullable(),
  shippingAddress: addressSchema.nullable(),
  billingAddress: addressSchema.nullable().optional(),
  paymentPreferences: z.array(paymentPreferenceSchema).nullable().optional(),
  statusDetails: statusDetailsSchema.extend({
    state: z.enum(['Chargeable', 'NonChargeable', 'Closed']),
    reasons: z
      .array(z.object({ reasonCode: z.string(), reasonDescription: z.string().nullable().optional() }))
      .nullable()
      .optional(),
  }),
  limits: z.object({ amountLimit: moneySchema, amountBalance: moneySchema }),
  merchantMetadata: merchantMetadataSchema.nullable().optional(),
  creationTimestamp: amazonTimestampSchema,
  expirationTimestamp: amazonTimestampSchema,
  releaseEnvironment: z.string().optional(),
});
export type ChargePermission = z.infer<typeof chargePermissionSchema>;

const chargeStateSchema = z.enum([
  'AuthorizationInitiated',
  'Authorized',
  'CaptureInitiated',
  'Captured',
  'Declined',
  'Canceled',
]);
export type ChargeState = z.infer<typeof chargeStateSchema>;

export const chargeSchema = z.object({
  chargeId: z.string().regex(/^[A-Z]\d{2}-\d{7}-\d{7}-C\d{6}$/),
  chargePermissionId: z.string(),
  chargeAmount: moneySchema,
  captureAmount: moneySchema.nullable().optional(),
  refundedAmount: moneySchema.nullable().optional(),
  softDescriptor: z.string().nullable().optional(),
  merchantMetadata: merchantMetadataSchema.nullable().optional(),
  statusDetails: statusDetailsSchema.extend({ state: chargeStateSchema }),
  creationTimestamp: amazonTimestampSchema,
  expirationTimestamp: amazonTimestampSchema.nullable().optional(),
  releaseEnvironment: z.string().optional(),
});
export type Charge = z.infer<typeof chargeSchema>;

export const refundSchema = z.object({
  refundId: z.string().regex(/^[A-Z]\d{2}-\d{7}-\d{7}-R\d{6}$/),
  chargeId: z.string(),
  refundAmount: moneySchema,
  softDescriptor: z.string().nullable().optional(),
  statusDetails: statusDetailsSchema.extend({ state: z.enum(['RefundInitiated', 'Refunded', 'Declined']) }),
  creationTimestamp: amazonTimestampSchema,
  releaseEnvironment: z.string().optional(),
});
export type Refund = z.infer<typeof refundSchema>;

export const buyerSchema = z.object({
  buyerId: z.string().regex(/^amzn1\.account\./),
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  postalCode: z.string().nullable().optional(),
  countryCode: z.string().nullable().optional(),
  phoneNumber: z.string().nullable().optional(),
  shippingAddress: addressSchema.nullable().optional(),
  billingAddress: addressSchema.nullable().optional(),
});
export type Buyer = z.infer<typeof buyerSchema>;

/** Amazon's error body. */
export const errorBodySchema = z.object({ reasonCode: z.string(), message: z.string().optional() });

/** Integer yen of a JPY money object. */
export function yen(money: Money): number {
  if (money.currencyCode !== 'JPY') throw new Error(`expected JPY, got ${money.currencyCode}`);
  return Number(money.amount);
}

export function jpy(amount: number): Money {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`not a yen amount: ${amount}`);
  return { amount: String(amount), currencyCode: 'JPY' };
}
