/**
 * The order workflow's contract (`order:{orderId}`): its input, the updates the storefront and ops
 * drive it with, the query, and the order view they all answer with. The API imports this file.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CartItem } from '../../domain/cart.js';
import type { PaymentMethodKind } from '../../domain/payment-method.js';
import type { UsableShippingAddress } from '../../domain/address.js';
import type { OrderProcedure, OrdererInput, OrderProcedureInput } from '../../domain/order-procedure.js';
import type { PointsMode } from '../../domain/points.js';
import type { FeeTable, Totals } from '../../domain/totals.js';

export type OrderStatus =
  /** Checkout created; the buyer is on Amazon's pages. */
  | 'CheckoutCreated'
  /** Back from Amazon with a usable address; the order-procedure form is next. */
  | 'AddressSelected'
  /** Form saved (totals known); 「注文確定」 is next. */
  | 'ProcedureEntered'
  /** Amount set on the checkout session; the buyer confirms on Amazon's page. */
  | 'Confirmed'
  /** completeCheckoutSession sent; the authorization is pending. */
  | 'Authorizing'
  /** Authorized: the order exists. */
  | 'Placed'
  | 'Failed'
  /** Not completed within 24 hours. */
  | 'Abandoned'
  /** Captured (shipped), fully or partly; refunds are possible. */
  | 'Captured'
  | 'PartiallyRefunded'
  | 'Refunded'
  /** Canceled before capture: charges canceled, permission closed, points restored. */
  | 'Canceled';

export const FINAL_CHECKOUT_STATUSES: readonly OrderStatus[] = ['Placed', 'Failed', 'Abandoned'];

export interface OrderSettings {
  pointsMode: PointsMode;
  pointsRatePercent: number;
  fees: FeeTable;
  shopName: string;
  /** Where Amazon sends the buyer after confirming on its page (carries order id and token). */
  checkoutResultReturnUrl: string;
}

export interface OrderInput {
  orderId: string;
  /** The logged-in member who started the checkout (C5), or null for a guest. */
  memberId: string | null;
  items: CartItem[];
  settings: OrderSettings;
  /**
   * The task queue of this order's Amazon Pay calls: their own, rate-limited for Amazon's quotas
   * across all workers. Absent in orders started before it existed: the order's own queue.
   */
  amazonTaskQueue?: string;
}

export interface PaymentMethodView {
  kind: PaymentMethodKind;
  cardBrand: string | null;
  cardLast4: string | null;
  descriptor: string | null;
}

interface OrderFailure {
  code: string;
  /** Buyer-facing, Japanese. */
  message: string;
}

export interface ChargeEntry {
  chargeId: string;
  amount: number;
  state: string;
  reasonCode: string | null;
  /** When the authorization was made (its 30-day expiry counts from here). */
  authorizedAt: string | null;
  capturedAmount: number;
  refundedAmount: number;
}

export interface RefundEntry {
  refundId: string;
  chargeId: string;
  amount: number;
  state: string;
}

/**
 * A POST that creates money at Amazon whose answer never came (Amazon unreachable after the
 * activity's retries): sent again with the same idempotency key and body before anything else.
 */
export type UnansweredRequest =
  | { kind: 'increase'; seq: number; amount: number; /** The order amount the increase was for. */ target: number }
  | { kind: 'refund'; seq: number; chargeId: string; amount: number };

/** Money after placement (A1–A3): what is authorized, captured and refunded, per Amazon object. */
export interface PaymentView {
  /** The amount at confirmation: the base of the A2 cap. */
  orderAmount: number;
  /** The order amount now, after ops changes (what a full capture takes). */
  amount: number;
  amountLimit: number | null;
  amountBalance: number | null;
  charges: ChargeEntry[];
  refunds: RefundEntry[];
  capturedAmount: number;
  refundedAmount: number;
  /** Something ops must look at (e.g. an authorization that could not be renewed). */
  attention: string | null;
  /** When the charge permission closes (180 days). */
  permissionClosesAt: string;
  purchasePointsRevoked: number;
  usedPointsReturned: number;
  /** Amazon POSTs sent after placement: the next one's idempotency sequence number. */
  amazonRequests: number;
  unanswered: UnansweredRequest | null;
}

/** C4: what became of "register as member" at purchase (the order is placed either way). */
interface RegistrationAtPurchase {
  outcome: 'registered' | 'email_taken' | 'buyer_linked_elsewhere';
  /** Buyer-facing, Japanese: what happened and what to do (null when registered). */
  message: string | null;
}

export interface OrderView {
  orderId: string;
  status: OrderStatus;
  /** Increases with every change; the read model keeps only the newest. */
  version: number;
  memberId: string | null;
  isGuest: boolean;
  items: CartItem[];
  totals: Totals;
  checkoutSessionId: string | null;
  buyer: { buyerId: string; name: string; email: string } | null;
  shippingAddress: UsableShippingAddress | null;
  paymentMethod: PaymentMethodView | null;
  /** C6: the orderer prefilled from the Amazon account and the chosen address. */
  ordererDefaults: OrdererInput | null;
  procedure: OrderProcedure | null;
  /** C6: required extra member fields the member still has to fill in. */
  additionalInformationRequired: { key: string; label: string }[];
  couponCode: string | null;
  pointsUsed: number;
  amazonPayRedirectUrl: string | null;
  chargePermissionId: string | null;
  chargeId: string | null;
  /** M1/M2. */
  shopMemo: string | null;
  /** C8: null means "not asked" (guest orders), never false by default. */
  newsletter: boolean | null;
  mobileMail: boolean | null;
  /** C4/L7: the member created by "register as member" at purchase. */
  registeredMemberId: string | null;
  /** C4: set when the buyer asked to register at purchase; a refusal is shown to the buyer and ops. */
  registration: RegistrationAtPurchase | null;
  purchasePoints: { points: number; state: 'none' | 'pending' | 'usable' | 'revoked' };
  failure: OrderFailure | null;
  /** Set once placed. */
  payment: PaymentView | null;
  createdAt: string;
  placedAt: string | null;
  updatedAt: string;
  /** In words, what the order waits for (also the workflow's current details in the UI). */
  waitingFor: string;
}

export const getOrder = defineQuery<OrderView>('getOrder');

/** Step 2: the buyer is back from Amazon with a checkout session. */
export const amazonReturn = defineUpdate<OrderView, [{ checkoutSessionId: string }]>('amazonReturn');
/**
 * Step 3's argument: the order-procedure form as the buyer sent it (an `OrderProcedureInput` when
 * well-formed). The workflow parses it itself, with the buyer's membership and today's date (C3–C6).
 */
export type ProcedureForm = OrderProcedureInput | Record<string, unknown>;
/** Step 3: the order-procedure form (C3–C6). */
export const submitProcedure = defineUpdate<OrderView, [ProcedureForm]>('submitProcedure');
/** Step 4: 「注文確定」. */
export const confirmOrder = defineUpdate<OrderView, []>('confirmOrder');
/** Step 5: the buyer is back from Amazon's confirmation page. */
export const completeOrder = defineUpdate<OrderView, []>('completeOrder');

/** Ops (A2, A3): a new order amount; lowering until capture, raising within the Japanese cap. */
export const changeAmount = defineUpdate<OrderView, [{ amount: number }]>('changeAmount');
/** Ops (A1): capture at shipment, the whole amount or part of it (≥ ¥1). */
export const captureOrder = defineUpdate<OrderView, [{ amount?: number }]>('captureOrder');
/** Ops: cancel before capture. */
export const cancelOrder = defineUpdate<OrderView, [{ reason: string }]>('cancelOrder');
/** Ops: refund after capture, never more than captured. */
export const refundOrder = defineUpdate<OrderView, [{ amount: number; reason?: string }]>('refundOrder');

/** An Amazon Pay notification about one of this order's objects (a hint: the workflow re-reads). */
export interface NotificationHint {
  objectType: 'CHARGE_PERMISSION' | 'CHARGE' | 'REFUND';
  objectId: string;
}
export const amazonNotification = defineSignal<[NotificationHint]>('amazonNotification');

/** Failure types the API maps to 4xx answers. */
export const OrderFailureType = {
  InvalidState: 'Order.InvalidState',
  AddressUnusable: 'Order.AddressUnusable',
  SessionMismatch: 'Order.SessionMismatch',
  InvalidProcedure: 'Order.InvalidProcedure',
  ConsentRequired: 'Order.ConsentRequired',
  CouponRefused: 'Order.CouponRefused',
  PointsRefused: 'Order.PointsRefused',
  AdditionalInformationRequired: 'Order.AdditionalInformationRequired',
  PaymentDeclined: 'Order.PaymentDeclined',
  AmountChangeRefused: 'Order.AmountChangeRefused',
  CaptureRefused: 'Order.CaptureRefused',
  CancelRefused: 'Order.CancelRefused',
  RefundRefused: 'Order.RefundRefused',
  AmazonUnavailable: 'Order.AmazonUnavailable',
} as const;
