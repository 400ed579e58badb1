/** The emulator's in-memory objects (amounts are integer yen) and their Amazon JSON renderings. */
import { createHash } from 'node:crypto';
import { amazonTimestamp } from './clock.js';
import {
  paymentDescriptor,
  type Address,
  type AuthorizationBehavior,
  type Instrument,
  type TestBuyer,
} from './buyers.js';

export type ReleaseEnvironment = 'Sandbox' | 'Live';
type PaymentIntent = 'Confirm' | 'Authorize' | 'AuthorizeWithCapture';

export interface MerchantMetadata {
  merchantReferenceId: string | null;
  merchantStoreName: string | null;
  noteToBuyer: string | null;
  customInformation: string | null;
}

export interface Status<S extends string> {
  state: S;
  reasonCode: string | null;
  reasonDescription: string | null;
  updatedAt: number;
}

export interface BuyerChoice {
  buyer: TestBuyer;
  address: Address;
  /** More destinations (Amazon's multi-address list), for merchants testing their one-address rule. */
  extraAddresses: Address[];
  instrument: Instrument;
  behavior: AuthorizationBehavior;
}

export interface CheckoutSession {
  id: string;
  createdAt: number;
  storeId: string;
  env: ReleaseEnvironment;
  checkoutReviewReturnUrl: string | null;
  checkoutResultReturnUrl: string | null;
  checkoutCancelUrl: string | null;
  paymentIntent: PaymentIntent | null;
  canHandlePendingAuthorization: boolean;
  chargeAmount: number | null;
  totalOrderAmount: number | null;
  softDescriptor: string | null;
  allowOvercharge: boolean;
  extendExpiration: boolean;
  merchantMetadata: MerchantMetadata;
  platformId: string | null;
  choice: BuyerChoice | null;
  buyerConfirmed: boolean;
  status: Status<'Open' | 'Completed' | 'Canceled'>;
  chargePermissionId: string | null;
  chargeId: string | null;
}

export interface ChargePermission {
  id: string;
  createdAt: number;
  expiresAt: number;
  checkoutSessionId: string;
  env: ReleaseEnvironment;
  choice: BuyerChoice;
  amountLimit: number;
  merchantMetadata: MerchantMetadata;
  platformId: string | null;
  /** Closed is final; the other two are derived from the charges (see engine.refreshPermission). */
  status: Status<'Chargeable' | 'NonChargeable' | 'Closed'>;
  chargeIds: string[];
  refundSequence: number;
}

export type ChargeState =
  'AuthorizationInitiated' | 'Authorized' | 'CaptureInitiated' | 'Captured' | 'Declined' | 'Canceled';

export interface Charge {
  id: string;
  chargePermissionId: string;
  createdAt: number;
  env: ReleaseEnvironment;
  chargeAmount: number;
  captureAmount: number | null;
  refundedAmount: number;
  softDescriptor: string | null;
  merchantMetadata: MerchantMetadata;
  platformId: string | null;
  captureNow: boolean;
  authorizedAt: number | null;
  /** Authorization expiry (30 days after authorization; before that, 30 days after creation). */
  expiresAt: number;
  /** When a pending state (AuthorizationInitiated / CaptureInitiated) resolves, and to what. */
  pending: { at: number; outcome: 'Authorized' | 'Captured' | 'HardDeclined' } | null;
  status: Status<ChargeState>;
}

export interface Refund {
  id: string;
  chargeId: string;
  chargePermissionId: string;
  createdAt: number;
  env: ReleaseEnvironment;
  amount: number;
  softDescriptor: string | null;
  resolveAt: number;
  status: Status<'RefundInitiated' | 'Refunded' | 'Declined'>;
}

const money = (amount: number | null) =>
  amount === null ? null : { amount: String(amount), currencyCode: 'JPY' as const };
const ts = (ms: number) => amazonTimestamp(ms);

/** A buyer id is stable per merchant and differs between merchants, as on Amazon. */
export function buyerIdFor(merchantId: string, buyerKey: string): string {
  const digest = createHash('sha256').update(`${merchantId}:${buyerKey}`).digest('hex').toUpperCase();
  return `amzn1.account.A${digest.slice(0, 27)}`;
}

function renderStatus<S extends string>(status: Status<S>) {
  return {
    state: status.state,
    reasonCode: status.reasonCode,
    reasonDescription: status.reasonDescription,
    lastUpdatedTimestamp: ts(status.updatedAt),
  };
}

function renderBuyer(merchantId: string, choice: BuyerChoice) {
  return {
    buyerId: buyerIdFor(merchantId, choice.buyer.key),
    name: choice.buyer.name,
    email: choice.buyer.email,
    phoneNumber: choice.buyer.phoneNumber,
    primeMembershipTypes: null,
  };
}

function billingAddress(choice: BuyerChoice): Address | null {
  // Amazon JP shares a billing address only for card instruments.
  return choice.instrument.card === null ? null : (choice.buyer.addresses[0] ?? null);
}

/** The billing address is top-level only: Amazon's preferences carry just the descriptor. */
function renderPaymentPreferences(choice: BuyerChoice) {
  return [{ paymentDescriptor: paymentDescriptor(choice.instrument) }];
}

export interface Constraint {
  constraintId: string;
  description: string;
}

export function sessionConstraints(s: CheckoutSession): Constraint[] {
  const out: Constraint[] = [];
  if (s.choice === null)
    out.push({
      constraintId: 'BuyerNotAssociated',
      description: 'The buyer has not been associated with the Checkout Session.',
    });
  if (s.checkoutResultReturnUrl === null)
    out.push({
      constraintId: 'CheckoutResultReturnUrlNotSet',
      description: 'checkoutResultReturnUrl is not set on the Checkout Session.',
    });
  if (s.chargeAmount === null)
    out.push({ constraintId: 'ChargeAmountNotSet', description: 'chargeAmount is not set on the Checkout Session.' });
  if (s.paymentIntent === null)
    out.push({ constraintId: 'PaymentIntentNotSet', description: 'paymentIntent is not set on the Checkout Session.' });
  return out;
}

export const SESSION_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Keys in the order Amazon sends them (its SDK's test asserts the exact list for create, get and
 * update); test/emulator/conformance.test.ts holds every rendering here against Amazon's sources.
 */
export function renderSession(s: CheckoutSession, ctx: { merchantId: string; baseUrl: string }) {
  const constraints = s.status.state === 'Open' ? sessionConstraints(s) : [];
  const redirectReady = s.status.state === 'Open' && constraints.length === 0;
  return {
    checkoutSessionId: s.id,
    webCheckoutDetails: {
      checkoutReviewReturnUrl: s.checkoutReviewReturnUrl,
      checkoutResultReturnUrl: s.checkoutResultReturnUrl,
      checkoutCancelUrl: s.checkoutCancelUrl,
      amazonPayRedirectUrl: redirectReady ? `${ctx.baseUrl}/checkout/${s.id}/confirm` : null,
      checkoutMode: null,
    },
    productType: 'PayAndShip',
    paymentDetails: {
      paymentIntent: s.paymentIntent,
      canHandlePendingAuthorization: s.canHandlePendingAuthorization,
      chargeAmount: money(s.chargeAmount),
      totalOrderAmount: money(s.totalOrderAmount),
      softDescriptor: s.softDescriptor,
      presentmentCurrency: 'JPY',
      allowOvercharge: s.allowOvercharge,
      extendExpiration: s.extendExpiration,
    },
    chargePermissionType: 'OneTime',
    orderType: null,
    recurringMetadata: null,
    paymentMethodOnFileMetadata: null,
    merchantDetails: null,
    merchantMetadata: s.merchantMetadata,
    supplementaryData: null,
    buyer: s.choice === null ? null : renderBuyer(ctx.merchantId, s.choice),
    billingAddress: s.choice === null ? null : billingAddress(s.choice),
    paymentPreferences: s.choice === null ? null : renderPaymentPreferences(s.choice),
    statusDetails: renderStatus(s.status),
    shippingAddress: s.choice?.address ?? null,
    // Amazon adds the key only once there is a list (never `null`), each element a JSON string the
    // SDK parses. Its place is not published; this one is where Amazon's .NET SDK declares it.
    ...(s.choice === null
      ? {}
      : {
          shippingAddressList: [s.choice.address, ...s.choice.extraAddresses].map((address) => JSON.stringify(address)),
        }),
    platformId: s.platformId,
    chargePermissionId: s.chargePermissionId,
    chargeId: s.chargeId,
    constraints,
    creationTimestamp: ts(s.createdAt),
    expirationTimestamp: ts(s.createdAt + SESSION_TTL_MS),
    storeId: s.storeId,
    providerMetadata: { providerReferenceId: null },
    releaseEnvironment: s.env,
    checkoutButtonText: null,
    deliverySpecifications: null,
    tokens: null,
  };
}

/** In the order of the raw Get Charge Permission body in Amazon's .NET SDK tests. */
export function renderPermission(p: ChargePermission, balance: number, ctx: { merchantId: string }) {
  return {
    chargePermissionId: p.id,
    chargePermissionReferenceId: null,
    platformId: p.platformId,
    buyer: renderBuyer(ctx.merchantId, p.choice),
    shippingAddress: p.choice.address,
    billingAddress: billingAddress(p.choice),
    paymentPreferences: renderPaymentPreferences(p.choice),
    // Unlike the other objects, a charge permission gives its reasons as a list only.
    statusDetails: {
      state: p.status.state,
      reasons:
        p.status.reasonCode === null
          ? null
          : [{ reasonCode: p.status.reasonCode, reasonDescription: p.status.reasonDescription }],
      lastUpdatedTimestamp: ts(p.status.updatedAt),
    },
    creationTimestamp: ts(p.createdAt),
    expirationTimestamp: ts(p.expiresAt),
    merchantMetadata: p.merchantMetadata,
    releaseEnvironment: p.env,
    limits: { amountLimit: money(p.amountLimit), amountBalance: money(balance) },
    chargePermissionType: 'OneTime',
    // Amazon sends an empty object here for a OneTime permission, not null.
    recurringMetadata: { frequency: null, amount: null },
    presentmentCurrency: 'JPY',
  };
}

export function renderCharge(c: Charge) {
  return {
    chargeId: c.id,
    chargeAmount: money(c.chargeAmount),
    chargePermissionId: c.chargePermissionId,
    captureAmount: money(c.captureAmount),
    refundedAmount: money(c.refundedAmount),
    softDescriptor: c.softDescriptor,
    providerMetadata: { providerReferenceId: null },
    convertedAmount: null,
    conversionRate: null,
    channel: null,
    chargeInitiator: null,
    statusDetails: renderStatus(c.status),
    creationTimestamp: ts(c.createdAt),
    expirationTimestamp: ts(c.expiresAt),
    releaseEnvironment: c.env,
    merchantMetadata: c.merchantMetadata,
    platformId: c.platformId,
    webCheckoutDetails: null,
  };
}

export function renderRefund(r: Refund) {
  return {
    refundId: r.id,
    chargeId: r.chargeId,
    creationTimestamp: ts(r.createdAt),
    refundAmount: money(r.amount),
    softDescriptor: r.softDescriptor,
    statusDetails: renderStatus(r.status),
    releaseEnvironment: r.env,
  };
}
