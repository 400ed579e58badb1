/** The emulator's in-memory objects (amounts are integer yen) and their Amazon JSON renderings. */
import { createHash } from 'node:crypto';
import { amazonTimestamp } from './clock.js';
import { paymentDescriptor, type Address, type AuthorizationBehavior, type Instrument, type TestBuyer } from './buyers.js';

export type ReleaseEnvironment = 'Sandbox' | 'Live';
export type PaymentIntent = 'Confirm' | 'Authorize' | 'AuthorizeWithCapture';

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

export type ChargeState = 'AuthorizationInitiated' | 'Authorized' | 'CaptureInitiated' | 'Captured' | 'Declined' | 'Canceled';

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

export const money = (amount: number | null) => (amount === null ? null : { amount: String(amount), currencyCode: 'JPY' as const });
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

function renderPaymentPreferences(choice: BuyerChoice) {
  return [{ paymentDescriptor: paymentDescriptor(choice.instrument), billingAddress: billingAddress(choice) }];
}

export interface Constraint {
  constraintId: string;
  description: string;
}

export function sessionConstraints(s: CheckoutSession): Constraint[] {
  const out: Constraint[] = [];
  if (s.choice === null) out.push({ constraintId: 'BuyerNotAssociated', description: 'The buyer has not been associated with the Checkout Session.' });
  if (s.checkoutResultReturnUrl === null)
    out.push({ constraintId: 'CheckoutResultReturnUrlNotSet', description: 'checkoutResultReturnUrl is not set on the Checkout Session.' });
  if (s.chargeAmount === null) out.push({ constraintId: 'ChargeAmountNotSet', description: 'chargeAmount is not set on the Checkout Session.' });
  if (s.paymentIntent === null) out.push({ constraintId: 'PaymentIntentNotSet', description: 'paymentIntent is not set on the Checkout Session.' });
  return out;
}

export const SESSION_TTL_MS = 24 * 60 * 60 * 1000;

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
    recurringMetadata: null,
    merchantMetadata: s.merchantMetadata,
    supplementaryData: null,
    buyer: s.choice === null ? null : renderBuyer(ctx.merchantId, s.choice),
    billingAddress: s.choice === null ? null : billingAddress(s.choice),
    shippingAddress: s.choice?.address ?? null,
    // The SDK JSON.parses each element: Amazon sends them as JSON strings.
    shippingAddressList: s.choice === null ? null : [s.choice.address, ...s.choice.extraAddresses].map((address) => JSON.stringify(address)),
    paymentPreferences: s.choice === null ? null : renderPaymentPreferences(s.choice),
    statusDetails: renderStatus(s.status),
    constraints,
    creationTimestamp: ts(s.createdAt),
    expirationTimestamp: ts(s.createdAt + SESSION_TTL_MS),
    chargePermissionId: s.chargePermissionId,
    chargeId: s.chargeId,
    storeId: s.storeId,
    platformId: s.platformId,
    providerMetadata: { providerReferenceId: null },
    checkoutButtonText: null,
    deliverySpecifications: null,
    releaseEnvironment: s.env,
  };
}

export function renderPermission(p: ChargePermission, balance: number, ctx: { merchantId: string }) {
  const status = renderStatus(p.status);
  return {
    chargePermissionId: p.id,
    chargePermissionReferenceId: null,
    chargePermissionType: 'OneTime',
    recurringMetadata: null,
    buyer: renderBuyer(ctx.merchantId, p.choice),
    shippingAddress: p.choice.address,
    billingAddress: billingAddress(p.choice),
    paymentPreferences: renderPaymentPreferences(p.choice),
    statusDetails: {
      ...status,
      reasons: p.status.reasonCode === null ? null : [{ reasonCode: p.status.reasonCode, reasonDescription: p.status.reasonDescription }],
    },
    limits: { amountLimit: money(p.amountLimit), amountBalance: money(balance) },
    presentmentCurrency: 'JPY',
    creationTimestamp: ts(p.createdAt),
    expirationTimestamp: ts(p.expiresAt),
    merchantMetadata: p.merchantMetadata,
    platformId: p.platformId,
    releaseEnvironment: p.env,
  };
}

export function renderCharge(c: Charge) {
  return {
    chargeId: c.id,
    chargePermissionId: c.chargePermissionId,
    chargeAmount: money(c.chargeAmount),
    captureAmount: money(c.captureAmount),
    refundedAmount: money(c.refundedAmount),
    convertedAmount: null,
    conversionRate: null,
    softDescriptor: c.softDescriptor,
    merchantMetadata: c.merchantMetadata,
    providerMetadata: { providerReferenceId: null },
    statusDetails: renderStatus(c.status),
    creationTimestamp: ts(c.createdAt),
    expirationTimestamp: ts(c.expiresAt),
    releaseEnvironment: c.env,
    channel: null,
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
