/**
 * What the routes answer, as zod schemas: the API document's response bodies (output side), held
 * against the real answers by the integration tests and by the outside fuzzer (`npm run fuzz`).
 * Nested views the workflow owns (an order, a reconciliation report) state their stable keys and
 * allow more, so a new field never breaks a client; everything the API itself assembles is exact.
 */
import { z } from 'zod';
import { MEMBER_FORM_MESSAGES } from '../domain/messages.js';
import { PREFECTURES } from '../domain/prefectures.js';

const isoDateTime = z.string().meta({ format: 'date-time' });

/** The one error body of every refusal. */
export const errorResponse = z
  .strictObject({
    error: z.strictObject({
      code: z
        .string()
        .regex(/^[a-z][a-z0-9_]*$/)
        .meta({ description: 'snake_case, stable: what clients branch on' }),
      message: z.string().meta({ description: 'For people: Japanese' }),
      details: z
        .unknown()
        .optional()
        .meta({ description: 'Per code: e.g. `fields` (path, message) for invalid_request' }),
    }),
  })
  .meta({
    examples: [
      {
        error: {
          code: 'invalid_request',
          message: `email: ${MEMBER_FORM_MESSAGES.emailInvalid}`,
          details: { fields: [{ path: 'email', message: MEMBER_FORM_MESSAGES.emailInvalid }] },
        },
      },
    ],
  });

/** `/healthz` answers this for 200 and 503 alike: which dependency is down, never why. */
/** `/livez`: the process answers. */
export const livenessResponse = z.strictObject({ status: z.literal('ok') });

export const healthResponse = z.strictObject({
  status: z.enum(['ok', 'unavailable']),
  checks: z.strictObject({ temporal: z.enum(['up', 'down']), database: z.enum(['up', 'down']) }),
});

const salesType = z.enum(['normal', 'pre_order', 'subscription']);
export const productsResponse = z.strictObject({
  products: z.array(
    z.looseObject({
      productId: z.string(),
      name: z.string(),
      description: z.string(),
      price: z.number().int().min(0),
      salesType,
      active: z.boolean(),
    }),
  ),
});

export const procedureOptionsResponse = z.strictObject({
  timeSlots: z.array(z.strictObject({ value: z.string(), label: z.string() })),
  noshiTypes: z.array(z.string()),
  prefectures: z.array(z.enum(PREFECTURES)),
  deliveryDates: z.strictObject({ earliest: z.iso.date(), latest: z.iso.date() }),
  fees: z.record(z.string(), z.number()),
});

/** An order as the workflow shows it (`OrderView`): the stable keys; more may follow. */
const orderView = z.looseObject({
  orderId: z.string(),
  status: z.string().meta({
    description: 'CheckoutCreated, AddressSelected, … Placed, Failed, Abandoned, Captured, Canceled, Refunded',
  }),
  version: z.number().int(),
  memberId: z.string().nullable(),
  isGuest: z.boolean(),
  items: z.array(
    z.looseObject({ productId: z.string(), name: z.string(), unitPrice: z.number(), quantity: z.number().int() }),
  ),
  totals: z.looseObject({}),
  checkoutSessionId: z.string().nullable(),
  amazonPayRedirectUrl: z.string().nullable(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});

export const orderAnswer = z.strictObject({
  order: orderView,
  changeAddressUrl: z
    .string()
    .nullable()
    .meta({ description: 'C7: where the buyer picks another address (emulator only; null with Amazon)' }),
});
export const confirmAnswer = orderAnswer.extend({ amazonPayRedirectUrl: z.string().nullable() });

export const checkoutResponse = z.strictObject({
  orderId: z.string(),
  orderToken: z
    .string()
    .meta({ description: 'The buyer’s credential for this order: X-Order-Token header or ?token=' }),
  order: orderView,
  amazonPayButton: z.looseObject({
    merchantId: z.string(),
    publicKeyId: z.string(),
    payloadJSON: z.string(),
    signature: z.string(),
  }),
});

export const notificationResponse = z.strictObject({ acknowledged: z.literal(true), forwarded: z.boolean() });

/** The fields of a member that the member's pages and the console's 会員詳細 share (api/members/view.ts). */
const storedMember = {
  memberId: z.string(),
  email: z.string(),
  name: z.string(),
  postalCode: z.string().nullable(),
  prefecture: z.string().nullable(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  newsletter: z.boolean().nullable(),
  mobileMail: z.boolean().nullable(),
  registeredAt: isoDateTime,
  amazonLinked: z.boolean(),
  amazonLinkedAt: isoDateTime.nullable().meta({ description: 'L6/L7: the Amazon link time; null when not linked' }),
  hasPassword: z.boolean().meta({ description: 'L8: false for a member registered through Amazon until one is set' }),
};

const memberView = z.strictObject({
  ...storedMember,
  extra: z.record(z.string(), z.string()),
  additionalInformationRequired: z.array(z.strictObject({ key: z.string(), label: z.string() })),
});
export const memberAnswer = z.strictObject({ member: memberView });

export const sessionResponse = z.strictObject({
  member: memberView.nullable(),
  amazon: z.strictObject({ signedIn: z.boolean(), buyerId: z.string().nullable() }),
  pendingAmazonBuyer: z.strictObject({ name: z.string(), email: z.string() }).nullable(),
});
export const loginResponse = z.strictObject({ member: memberView, linkedAmazon: z.boolean() });
export const logoutResponse = z.strictObject({ loggedOut: z.literal(true), amazonSignOut: z.literal(true) });
export const buttonConfigResponse = z.record(z.string(), z.unknown());
export const signInResponse = z.union([
  z.strictObject({ status: z.enum(['linked', 'logged_in']), member: memberView }),
  z.strictObject({
    status: z.literal('link_or_register'),
    buyer: z.strictObject({ name: z.string(), email: z.string() }),
  }),
]);
export const pointsResponse = z.strictObject({
  points: z.looseObject({
    memberId: z.string(),
    balance: z.number().int(),
    reserved: z.number().int(),
    available: z.number().int(),
    pending: z.number().int(),
  }),
});
export const memberOrdersResponse = z.strictObject({ orders: z.array(orderView) });
export const passwordSetResponse = z.strictObject({ passwordSet: z.literal(true) });
export const acceptedResponse = z.strictObject({ accepted: z.literal(true) });

const page = { total: z.number().int().min(0), page: z.number().int().min(1), pageSize: z.number().int().min(1) };
export const opsMembersResponse = z.strictObject({
  ...page,
  members: z.array(
    z.strictObject({
      memberId: z.string(),
      email: z.string(),
      name: z.string(),
      registeredAt: isoDateTime,
      amazonLinked: z.boolean(),
      amazonLinkedAt: isoDateTime.nullable(),
    }),
  ),
});
/** One member for the console's 会員詳細: as stored (L7), the point account, the newest orders. */
export const opsMemberDetailResponse = z.strictObject({
  member: z.strictObject({
    ...storedMember,
    registeredVia: z
      .enum(['form', 'amazon_sign_in', 'amazon_pay_checkout'])
      .meta({ description: 'amazon_pay_checkout: registered at purchase (L7: registeredAt = amazonLinkedAt)' }),
    extra: z
      .array(z.strictObject({ key: z.string(), label: z.string(), value: z.string().nullable() }))
      .meta({ description: "The shop's extra fields (MEMBER_EXTRA_FIELDS), in their order" }),
  }),
  points: z.strictObject({
    balance: z.number().int(),
    reserved: z.number().int(),
    available: z.number().int(),
    pending: z.number().int(),
  }),
  ordersTotal: z.number().int().min(0).meta({ description: 'All the member’s orders (the list holds the newest 50)' }),
  orders: z.array(orderView),
});
export const opsOrdersResponse = z.strictObject({
  pageSize: z.number().int().min(1),
  next: z.string().nullable().describe('Pass as `after` for the next page; null on the last page'),
  orders: z.array(orderView),
});
export const opsOrderCountResponse = z.strictObject({
  total: z.number().int().min(0).describe('Matching orders, counted up to 1,000'),
  totalExact: z
    .boolean()
    .describe('False when the count stopped at 1,000: there are at least `total` (the console shows "1,000 or more")'),
});
export const opsOrderResponse = z.strictObject({ order: orderView });
export const opsOrderDetailResponse = z.strictObject({
  order: orderView,
  workflowUrl: z
    .string()
    .describe("The order's workflow in the Temporal Web UI (origin: the first CODEC_CORS_ORIGINS)"),
  amountChange: z
    .strictObject({
      amountLimit: z.number().int().describe('A2: the highest total the order may be raised to'),
      authorizedAmount: z.number().int().describe('What the open authorizations cover'),
      remainingIncrease: z.number().int().describe('How much more may still be authorized (0: A3 or captured)'),
      giftCardOnly: z.boolean().describe('A3: paid with an Amazon gift card only'),
    })
    .nullable()
    .describe('Null before placement'),
});
export const opsOrderAuditResponse = z.strictObject({
  audit: z.array(
    z.strictObject({
      at: z.string(),
      actor: z.string(),
      role: z.string(),
      action: z.string(),
      status: z.number().int(),
      before: z.unknown(),
      after: z.unknown(),
      via: z.enum(['token', 'staff']),
    }),
  ),
});
export const reconciliationReportsResponse = z.strictObject({ reports: z.array(z.looseObject({})) });
const reconciliationRun = {
  workflowId: z.string(),
  runId: z.guid().meta({ description: 'The Temporal run id: the `{runId}` of the status URL' }),
};
export const reconciliationRunAccepted = z.strictObject({
  ...reconciliationRun,
  statusUrl: z.string().meta({ description: 'Poll it (GET) for the status; the same as the Location header' }),
});
export const reconciliationRunStatusResponse = z.union([
  z.strictObject({ ...reconciliationRun, status: z.literal('running'), startedAt: isoDateTime }),
  z.strictObject({
    ...reconciliationRun,
    status: z.literal('completed'),
    startedAt: isoDateTime,
    finishedAt: isoDateTime,
    report: z.looseObject({ runId: z.string(), mismatches: z.array(z.unknown()) }),
  }),
  z.strictObject({
    ...reconciliationRun,
    status: z.literal('failed'),
    startedAt: isoDateTime,
    finishedAt: isoDateTime,
    message: z.string(),
  }),
]);

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
export const codecResponse = z.strictObject({
  payloads: z.array(z.strictObject({ metadata: z.record(z.string(), base64), data: base64 })),
});

/** A staff sign-in (POST and GET /ops/session): who, and the CSRF token cookie-authenticated changes send. */
export const staffSessionResponse = z.strictObject({
  staff: z.strictObject({ login: z.string(), name: z.string(), role: z.enum(['viewer', 'operator']) }),
  csrfToken: z.string().meta({ description: 'Send it as `X-CSRF-Token` on every ops request that changes something' }),
  expiresAt: isoDateTime,
});
export const staffSignedOutResponse = z.strictObject({ signedOut: z.literal(true) });
